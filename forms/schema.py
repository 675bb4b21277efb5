"""A form: its settings and an ordered list of questions and sections.

``Form`` checks itself when built: ids are unique, and every condition names a
question asked earlier (see ``forms/FORMAT.md``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from forms.conditions import Condition, Leaf, Selected, comparable
from forms.questions import (
    AnyQuestion,
    ChoiceQuestion,
    Model,
    MultipleChoiceQuestion,
    NoteQuestion,
    Question,
    QuestionId,
    Typed,
    YesNoQuestion,
)
from forms.vocabulary import WorkflowKind

FORM_ID = r"^[a-z][a-z0-9_-]{0,39}$"
FormId = Annotated[str, Field(pattern=FORM_ID)]
RespondentKind = Literal["teacher", "parent", "mentor", "coordinator", "any"]
Respondent = Literal["person", "school"]
"""Who answers: each person for themselves, or a school through its heads (one response)."""
"""Who a form is for (its ``roles:``); coordinators' forms are open to staff only."""
WorkflowNeeds = Mapping[WorkflowKind, tuple[str, ...]]
"""The question ids each workflow reads from the answers, as the workflows declare them.
Passed to validation as context (``NEEDS``): a form naming a workflow must ask them."""
NEEDS = "workflow_needs"
Loc = tuple[str | int, ...]


class Section(Typed):
    """A titled group of questions; its condition applies to every question in it."""

    type: Literal["section"] = "section"
    id: QuestionId | None = None
    title: str = Field(min_length=1, max_length=300)
    description: str = Field(default="", max_length=1000)
    show_if: Condition | None = None
    questions: tuple[AnyQuestion, ...] = Field(min_length=1)


Item = Annotated[Question | Section, Field(discriminator="type")]


class StructureError(ValueError):
    """Problems that concern several parts of a form; each has a location and a message id."""

    def __init__(self, problems: list[tuple[Loc, str, dict[str, Any]]]) -> None:
        self.problems = problems
        super().__init__(
            "; ".join(f"{_loc_text(loc)}: {mid} {params}" for loc, mid, params in problems)
        )


def _loc_text(loc: Loc) -> str:
    return ".".join(str(part) for part in loc)


class Form(Model):
    id: FormId
    version: str = Field(default="1", min_length=1, max_length=40)
    title: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=2000)
    roles: tuple[RespondentKind, ...] = Field(default=("any",), min_length=1)
    respondent: Respondent = "person"
    anonymous: bool = False
    responses: Literal["once", "per_period", "many"] = "once"
    editable_until: Literal["never", "form_closes", "period_closes"] = "never"
    opens_at: date | None = None
    closes_at: date | None = None
    consent: bool = False
    retention_days: int | None = Field(default=None, ge=1, le=3650)
    workflow: WorkflowKind | None = None
    attached_to: FormId | None = None
    questions: tuple[Item, ...] = Field(min_length=1)

    @field_validator("version", mode="before")
    @classmethod
    def _version_as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int | float) else value

    @field_validator("roles", mode="before")
    @classmethod
    def _one_role_is_a_list(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @model_validator(mode="after")
    def _structure(self, info: ValidationInfo) -> Form:
        needs: WorkflowNeeds = (info.context or {}).get(NEEDS, {})
        problems = structure_problems(self, needs)
        if problems:
            raise StructureError(problems)
        return self

    def all_questions(self) -> list[Question]:
        """Every question (sections opened), in order."""
        return [question for question, _section in self.walk()]

    def walk(self) -> Iterator[tuple[Question, Section | None]]:
        """Every question with the section it belongs to."""
        for item in self.questions:
            if isinstance(item, Section):
                for question in item.questions:
                    yield question, item
            else:
                yield item, None

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.all_questions() if q.id == question_id), None)

    def canonical(self) -> dict[str, Any]:
        """The definition as plain data: what YAML files hold, without default values."""
        data: dict[str, Any] = self.model_dump(mode="json", by_alias=True, exclude_defaults=True)
        return data

    def fingerprint(self) -> str:
        """sha256 of the canonical JSON: a changed definition gets a new fingerprint."""
        text = json.dumps(
            self.canonical(), sort_keys=True, ensure_ascii=False, separators=(",", ":")
        )
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- checks that look at the whole form ---------------------------------------------------

Found = list[tuple[Loc, str, dict[str, Any]]]


Numbered = list[tuple[int, Question | Section]]
"""Items of a form with their index in the ``questions`` list of the file."""


def structure_problems(form: Form, needs: WorkflowNeeds | None = None) -> Found:
    """Duplicate ids, conditions and filters naming unknown or later questions, dates, and
    the questions its workflow reads (``needs``)."""
    return item_problems(list(enumerate(form.questions))) + _settings_problems(form, needs or {})


def item_problems(items: Numbered, unchecked: frozenset[str] = frozenset()) -> Found:
    """Problems between items. References to ``unchecked`` ids (items that could not be
    read) are not reported: the problem is the unreadable item itself."""
    return _duplicate_ids(items) + _reference_problems(items, unchecked)


def _item_locs(items: Numbered) -> Iterator[tuple[Loc, Question | Section]]:
    for index, item in items:
        yield ("questions", index), item
        if isinstance(item, Section):
            for inner, question in enumerate(item.questions):
                yield ("questions", index, "questions", inner), question


def _duplicate_ids(items: Numbered) -> Found:
    found: Found = []
    seen: set[str] = set()
    for loc, item in _item_locs(items):
        if item.id is not None and item.id in seen:
            found.append(((*loc, "id"), "form-error-duplicate-id", {"id": item.id}))
        if item.id is not None:
            seen.add(item.id)
    return found


def _reference_problems(items: Numbered, unchecked: frozenset[str]) -> Found:
    everything = {q.id: q for _loc, q in _item_locs(items) if not isinstance(q, Section)}
    earlier: dict[str, Question] = {}
    found: Found = []
    for loc, item in _item_locs(items):
        refs = _References(everything, earlier, item.id or "", unchecked)
        if item.show_if is not None:
            found += [
                ((*loc, "show_if", *sub), mid, p) for sub, mid, p in refs.condition(item.show_if)
            ]
        if isinstance(item, ChoiceQuestion):
            found += [((*loc, *sub), mid, p) for sub, mid, p in refs.choice_filter(item)]
        if not isinstance(item, Section):
            earlier[item.id] = item
    return found


class _References:
    """Checks what one item's condition or filter names, given the questions before it."""

    def __init__(
        self,
        everything: dict[str, Question],
        earlier: dict[str, Question],
        owner: str,
        unchecked: frozenset[str],
    ) -> None:
        self.everything = everything
        self.earlier = earlier
        self.owner = owner
        self.unchecked = unchecked

    def condition(self, condition: Condition) -> Found:
        found: Found = []
        for leaf in condition.leaves():
            if leaf.question not in self.unchecked:
                found += self._leaf(leaf)
        return found

    def _leaf(self, leaf: Leaf) -> Found:
        target = self.earlier.get(leaf.question)
        if target is None:
            return [self._missing(leaf.question, ())]
        if isinstance(target, NoteQuestion):
            return [((), "form-error-condition-note", {"question": leaf.question})]
        return [((), mid, params) for mid, params in _value_problems(leaf, target)]

    def _missing(self, name: str, loc: Loc) -> tuple[Loc, str, dict[str, Any]]:
        params = {"question": name, "owner": self.owner}
        if name == self.owner:
            return loc, "form-error-condition-self", params
        if name in self.everything:
            return loc, "form-error-condition-later", params
        return loc, "form-error-condition-unknown", params

    def choice_filter(self, question: ChoiceQuestion) -> Found:
        rule = question.choice_filter
        if rule is None:
            return []
        found: Found = []
        if rule.question not in self.earlier and rule.question not in self.unchecked:
            found.append(self._missing(rule.question, ("choice_filter", "question")))
        if not any(rule.column in option.attributes for option in question.options):
            found.append(
                (("choice_filter", "column"), "form-error-filter-column", {"column": rule.column})
            )
        return found


def _value_problems(leaf: Leaf, target: Question) -> list[tuple[str, dict[str, Any]]]:
    """A value that the target question can never have: a typo in an option value."""
    name = {"question": target.id}
    if isinstance(leaf, Selected) and not isinstance(target, ChoiceQuestion):
        return [("form-error-condition-selected", name)]
    multiple = isinstance(target, MultipleChoiceQuestion)
    if multiple and not isinstance(leaf, Selected) and leaf.values():
        return [("form-error-condition-use-selected", name)]
    allowed = _allowed_values(target)
    if allowed is None:
        return []
    return [
        ("form-error-condition-value", {**name, "value": str(value)})
        for value in leaf.values()
        if comparable(value) not in allowed
    ]


def _allowed_values(target: Question) -> set[str | None] | None:
    if isinstance(target, ChoiceQuestion):
        return {option.value for option in target.options}
    if isinstance(target, YesNoQuestion):
        return {"yes", "no"}
    return None


def _settings_problems(form: Form, needs: WorkflowNeeds) -> Found:
    found: Found = []
    if form.editable_until == "period_closes" and form.responses != "per_period":
        found.append((("editable_until",), "form-error-period-needs-waves", {}))
    if form.respondent == "school" and form.anonymous:
        found.append((("anonymous",), "form-error-school-anonymous", {}))
    if form.opens_at and form.closes_at and form.closes_at < form.opens_at:
        found.append((("closes_at",), "form-error-closes-before-opens", {}))
    ids = {question.id for question in form.all_questions()}
    for needed in needs.get(form.workflow, ()) if form.workflow is not None else ():
        if needed not in ids:
            found.append((("workflow",), "form-error-workflow-question", {"question": needed}))
    return found
