"""A form: its settings and an ordered list of questions and sections.

``Form`` checks itself when built: ids are unique, and every condition names a
question asked earlier (see ``forms/FORMAT.md``).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Collection, Iterable, Iterator, Mapping
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from forms.conditions import (
    OTHER_CHOICE,
    Answered,
    Condition,
    Expr,
    Leaf,
    Selected,
    comparable,
)
from forms.expr import (
    NAME,
    OTHER_SUFFIX,
    TEXT_REFERENCE,
    Expression,
    aggregated,
    columns,
    references,
)
from forms.questions import (
    QUESTION_ID,
    AnyQuestion,
    CalculateQuestion,
    ChoiceQuestion,
    FileQuestion,
    IntegerQuestion,
    Model,
    MultipleChoiceQuestion,
    NoteQuestion,
    Question,
    QuestionId,
    Typed,
    YesNoQuestion,
)
from forms.texts import LocalText
from forms.validation import default_problem
from forms.vocabulary import WorkflowKind

FORM_ID = r"^[a-z][a-z0-9_-]{0,39}$"
FormId = Annotated[str, Field(pattern=FORM_ID)]
RespondentKind = Literal["teacher", "parent", "mentor", "coordinator", "any"]
Respondent = Literal["person", "school"]
"""Who answers: each person for themselves, or a school through its heads (one response)."""
"""Who a form is for (its ``roles:``); coordinators' forms are open to staff only."""
Counted = Literal["sent", "accepted", "not_rejected"]
"""Which sent responses the targets count (a form's ``counted:``): every one, only those
the staff's review accepted, or all but the rejected ones."""
WorkflowNeeds = Mapping[WorkflowKind, tuple[str, ...]]
"""The question ids each workflow reads from the answers, as the workflows declare them.
Passed to validation as context (``NEEDS``): a form naming a workflow must ask them."""
NEEDS = "workflow_needs"
Loc = tuple[str | int, ...]


class Section(Typed):
    """A titled group of questions; its condition applies to every question in it."""

    type: Literal["section"] = "section"
    id: QuestionId | None = None
    title: LocalText = Field(default="", max_length=300)
    """Shown above each of its questions; none for a group without a label (XLSForm)."""
    description: LocalText = Field(default="", max_length=1000)
    show_if: Condition | None = None
    questions: tuple[AnyQuestion, ...] = Field(min_length=1)


MAX_ENTRIES = 50
"""How many entries a repeat may have unless its ``max_count`` says otherwise."""
ENTRY_LIMIT = 100
"""The most a ``max_count`` may allow."""


class Repeat(Typed):
    """Questions asked once per entry: each subject's results, each school of an event.

    ``count`` fixes the number of entries: a number, or the id of an earlier integer
    question. Without it the repeat is open: after each entry the person chooses «Добавить
    ещё» or «Готово», up to ``max_count`` entries. Answers are stored per entry under
    ``entry_id`` ids (see ``forms/FORMAT.md``)."""

    type: Literal["repeat"] = "repeat"
    id: QuestionId
    title: LocalText = Field(min_length=1, max_length=300)
    description: LocalText = Field(default="", max_length=1000)
    show_if: Condition | None = None
    count: int | str | None = None
    max_count: int = Field(default=MAX_ENTRIES, ge=1, le=ENTRY_LIMIT)
    questions: tuple[AnyQuestion, ...] = Field(min_length=1)

    @field_validator("count", mode="before")
    @classmethod
    def _count_shape(cls, value: Any) -> Any:
        if value is None or (isinstance(value, str) and re.match(QUESTION_ID, value)):
            return value
        if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
            return value
        raise PydanticCustomError(
            "form-error-repeat-count", "count is a number or a question id", {"value": str(value)}
        )

    @model_validator(mode="after")
    def _count_within_max(self) -> Repeat:
        if isinstance(self.count, int) and self.count > self.max_count:
            raise PydanticCustomError(
                "form-error-repeat-count-above-max",
                "count is above max_count",
                {"count": self.count, "max": self.max_count},
            )
        return self


def entry_id(question_id: str, number: int) -> str:
    """The stored id of a repeat's answer in entry ``number`` (from 1): ``name[2]``. For the
    repeat's own id it is the «Добавить ещё» (true) or «Готово» (false) after that entry."""
    return f"{question_id}[{number}]"


_ENTRY_ID = re.compile(rf"^({NAME})\[([1-9][0-9]{{0,3}})\]$")


def split_entry_id(answer_id: str) -> tuple[str, int] | None:
    """``name[2]`` → ``("name", 2)``; None for an id outside a repeat."""
    match = _ENTRY_ID.match(answer_id)
    return (match.group(1), int(match.group(2))) if match else None


def entry_numbers(ids: Collection[str], answers: Iterable[str]) -> list[int]:
    """The entries that hold an answer, in order: ``ids`` are a repeat's own id and its
    questions', ``answers`` the stored answer ids."""
    numbers = set()
    for answer_id in answers:
        found = split_entry_id(answer_id)
        if found is not None and found[0] in ids:
            numbers.add(found[1])
    return sorted(numbers)


Item = Annotated[Question | Section | Repeat, Field(discriminator="type")]


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
    feedback_from: int | None = Field(default=None, ge=0, le=10)
    """After sending, the person is told the ``feedback`` of each rating they gave at least
    this (their own areas of difficulty, with the support on offer)."""
    workflow: WorkflowKind | None = None
    counted: Counted = "sent"
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
        """Every question answered once (sections opened, repeats left out), in order."""
        return [question for question, _section in self.walk()]

    def walk(self) -> Iterator[tuple[Question, Section | None]]:
        """Every question answered once with the section it belongs to (not repeats)."""
        for item in self.questions:
            if isinstance(item, Section):
                for question in item.questions:
                    yield question, item
            elif not isinstance(item, Repeat):
                yield item, None

    def repeats(self) -> list[Repeat]:
        return [item for item in self.questions if isinstance(item, Repeat)]

    def every_question(self) -> list[Question]:
        """Every question, those of repeats too, as the file declares them."""
        return [*self.all_questions(), *(q for r in self.repeats() for q in r.questions)]

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.all_questions() if q.id == question_id), None)

    def answered_questions(self, answer_ids: Collection[str]) -> list[Question]:
        """The questions of these stored answers in the form's order, a repeat's entry by
        entry under their entry ids («Добавить ещё» answers left out)."""
        found: list[Question] = []
        for item in self.questions:
            if isinstance(item, Repeat):
                found += _answered_entries(item, answer_ids)
            else:
                inner = item.questions if isinstance(item, Section) else (item,)
                found += [question for question in inner if question.id in answer_ids]
        return found

    def answer_question(self, answer_id: str) -> Question | None:
        """The question a stored answer belongs to; a repeat's, renamed to the entry's id.
        None for a «Добавить ещё» answer and for unknown ids."""
        found = split_entry_id(answer_id)
        if found is None:
            return self.question(answer_id)
        base, _number = found
        inner = (q for r in self.repeats() for q in r.questions if q.id == base)
        question = next(inner, None)
        return None if question is None else question.model_copy(update={"id": answer_id})

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


def _answered_entries(repeat: Repeat, answer_ids: Collection[str]) -> list[Question]:
    ids = {repeat.id, *(question.id for question in repeat.questions)}
    found = []
    for number in entry_numbers(ids, answer_ids):
        for question in repeat.questions:
            answer_id = entry_id(question.id, number)
            if answer_id in answer_ids:
                found.append(question.model_copy(update={"id": answer_id}))
    return found


# --- checks that look at the whole form ---------------------------------------------------

Found = list[tuple[Loc, str, dict[str, Any]]]


Numbered = list[tuple[int, Question | Section | Repeat]]
"""Items of a form with their index in the ``questions`` list of the file."""


def structure_problems(form: Form, needs: WorkflowNeeds | None = None) -> Found:
    """Duplicate ids, conditions and filters naming unknown or later questions, dates, and
    the questions its workflow reads (``needs``)."""
    return item_problems(list(enumerate(form.questions))) + _settings_problems(form, needs or {})


def item_problems(items: Numbered, unchecked: frozenset[str] = frozenset()) -> Found:
    """Problems between items. References to ``unchecked`` ids (items that could not be
    read) are not reported: the problem is the unreadable item itself."""
    return _duplicate_ids(items) + _reference_problems(items, unchecked)


def _item_locs(items: Numbered) -> Iterator[tuple[Loc, Question | Section | Repeat]]:
    for loc, item, _repeat in _scoped_locs(items):
        yield loc, item


def _duplicate_ids(items: Numbered) -> Found:
    found: Found = []
    seen: set[str] = set()
    for loc, item in _item_locs(items):
        if item.id is not None and item.id in seen:
            found.append(((*loc, "id"), "form-error-duplicate-id", {"id": item.id}))
        if item.id is not None:
            seen.add(item.id)
    return found


def _scoped_locs(
    items: Numbered,
) -> Iterator[tuple[Loc, Question | Section | Repeat, Repeat | None]]:
    """Every item with its location and the repeat it is in."""
    for index, item in items:
        yield ("questions", index), item, None
        if isinstance(item, Section | Repeat):
            owner = item if isinstance(item, Repeat) else None
            for inner, question in enumerate(item.questions):
                yield ("questions", index, "questions", inner), question, owner


def _reference_problems(items: Numbered, unchecked: frozenset[str]) -> Found:
    everything = {q.id: q for _loc, q in _item_locs(items) if not isinstance(q, Section | Repeat)}
    earlier: dict[str, Question] = {}
    entry: dict[str, Question] = {}  # inside a repeat: the questions before it and its own
    repeated: dict[str, Repeat] = {}  # question id → the repeat that asks it
    found: Found = []
    repeats: set[str] = set()
    for loc, item, owner in _scoped_locs(items):
        if isinstance(item, Repeat):
            entry = dict(earlier)
        scope = entry if owner is not None else earlier
        refs = _References(everything, scope, item.id or "", unchecked, repeated, repeats=repeats)
        if item.show_if is not None:
            found += [
                ((*loc, "show_if", *sub), mid, p) for sub, mid, p in refs.condition(item.show_if)
            ]
        if isinstance(item, ChoiceQuestion):
            found += [((*loc, *sub), mid, p) for sub, mid, p in refs.choice_filter(item)]
        if isinstance(item, Repeat):
            found += [((*loc, *sub), mid, p) for sub, mid, p in refs.count(item)]
            repeats.add(item.id)
        elif not isinstance(item, Section):
            found += [((*loc, *sub), mid, p) for sub, mid, p in refs.question(item)]
            scope[item.id] = item
            if owner is not None:
                repeated[item.id] = owner
    return found


"""``${field}`` inside a label or a hint: the answer, as the review shows it."""


class _References:
    """Checks what one item's condition or filter names, given the questions before it."""

    def __init__(
        self,
        everything: dict[str, Question],
        earlier: dict[str, Question],
        owner: str,
        unchecked: frozenset[str],
        repeated: Mapping[str, Repeat],
        *,
        repeats: Collection[str] = (),
    ) -> None:
        self.everything = everything
        self.earlier = earlier
        self.owner = owner
        self.unchecked = unchecked
        self.repeated = repeated
        self.repeats = repeats

    def count(self, repeat: Repeat) -> Found:
        """A repeat's ``count`` naming a question: an earlier integer question."""
        name = repeat.count
        if not isinstance(name, str) or name in self.unchecked:
            return []
        target = self.earlier.get(name)
        if target is None:
            return [self._missing(name, ("count",))]
        if not isinstance(target, IntegerQuestion):
            return [(("count",), "form-error-repeat-count-not-integer", {"question": name})]
        return []

    def condition(self, condition: Condition) -> Found:
        found: Found = []
        for leaf in condition.leaves():
            if leaf.question not in self.unchecked:
                found += self._leaf(leaf)
        for expression in _expressions(condition):
            found += self.aggregates(expression, ())
        return found

    def aggregates(self, expression: Expression, loc: Loc) -> Found:
        """``sum(${q})``, ``count(${q})``: a question of an earlier repeat, or a repeat."""
        return [
            (loc, "form-error-expr-not-repeat", {"question": name})
            for name in aggregated(expression.node)
            if name not in self.repeated and name not in self.repeats and name not in self.unchecked
        ]

    def expression(self, expression: Expression, loc: Loc, also: Collection[str] = ()) -> Found:
        """The fields an expression names: earlier questions (and ``also``)."""
        found: Found = []
        for name in dict.fromkeys(references(expression.node)):
            if name not in also and name not in self.unchecked:
                found += [((*loc, *sub), m, p) for sub, m, p in self._leaf(_named(name))]
        return found + self.aggregates(expression, loc)

    def question(self, question: Question) -> Found:
        """A question's constraint, calculation, default and the ``${…}`` of its texts."""
        found: Found = []
        if question.constraint is not None:
            found += self.expression(question.constraint, ("constraint",), {question.id})
        if isinstance(question, CalculateQuestion):
            found += self.expression(question.calculation, ("calculation",))
        for key in ("label", "hint"):
            for name in _label_references(getattr(question, key)):
                if name not in self.everything and not self._other_text(name, everything=True):
                    found.append(((key,), "form-error-label-reference", {"question": name}))
        for key, problem in _misplaced(question):
            found.append(((key,), problem, {"key": key}))
        if default_problem(question, date.today()):
            found.append((("default",), "form-error-default", {"value": question.default or ""}))
        return found

    def _other_text(self, name: str, *, everything: bool = False) -> bool:
        """``${q_other}``: the «Другое» text of an earlier choice question ``q``."""
        if not name.endswith(OTHER_SUFFIX):
            return False
        pool = self.everything if everything else self.earlier
        base = pool.get(name[: -len(OTHER_SUFFIX)])
        return isinstance(base, ChoiceQuestion) and base.other

    def _leaf(self, leaf: Leaf) -> Found:
        target = self.earlier.get(leaf.question)
        if target is None and self._other_text(leaf.question):
            return []
        if target is None:
            return [self._missing(leaf.question, ())]
        if isinstance(target, NoteQuestion):
            return [((), "form-error-condition-note", {"question": leaf.question})]
        return [((), mid, params) for mid, params in _value_problems(leaf, target)]

    def _missing(self, name: str, loc: Loc) -> tuple[Loc, str, dict[str, Any]]:
        params = {"question": name, "owner": self.owner}
        if name == self.owner:
            return loc, "form-error-condition-self", params
        if name in self.repeated:
            repeat = self.repeated[name].title
            return loc, "form-error-condition-in-repeat", {**params, "repeat": repeat}
        if name in self.everything:
            return loc, "form-error-condition-later", params
        return loc, "form-error-condition-unknown", params

    def choice_filter(self, question: ChoiceQuestion) -> Found:
        rule = question.choice_filter
        if rule is None:
            return []
        if isinstance(rule, Expression):
            found = self.expression(rule, ("choice_filter",))
            known = {"name", "label", *(k for o in question.options for k in o.attributes)}
            return found + [
                (("choice_filter",), "form-error-filter-columns", {"column": column})
                for column in dict.fromkeys(columns(rule.node))
                if column not in known
            ]
        found = []
        if rule.question not in self.earlier and rule.question not in self.unchecked:
            found.append(self._missing(rule.question, ("choice_filter", "question")))
        if not any(rule.column in option.attributes for option in question.options):
            found.append(
                (("choice_filter", "column"), "form-error-filter-column", {"column": rule.column})
            )
        return found


def _named(name: str) -> Leaf:
    return Answered(question=name, answered=True)


def _expressions(condition: Condition) -> Iterator[Expression]:
    if isinstance(condition, Expr):
        yield condition.expr
    for inner in getattr(condition, "all_", ()) or getattr(condition, "any_", ()):
        yield from _expressions(inner)
    inner_not = getattr(condition, "not_", None)
    if inner_not is not None:
        yield from _expressions(inner_not)


def _label_references(text: str) -> list[str]:
    names = [*TEXT_REFERENCE.findall(text)]
    for translation in getattr(text, "translations", {}).values():
        names += TEXT_REFERENCE.findall(translation)
    return list(dict.fromkeys(names))


def _misplaced(question: Question) -> list[tuple[str, str]]:
    """Keys that mean nothing for this kind of question."""
    found = []
    silent = isinstance(question, NoteQuestion | CalculateQuestion | FileQuestion)
    if question.constraint is not None and silent:
        found.append(("constraint", "form-error-not-here"))
    if question.default is not None and silent:
        found.append(("default", "form-error-not-here"))
    if question.read_only and isinstance(question, NoteQuestion | CalculateQuestion):
        found.append(("read_only", "form-error-not-here"))
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
        values: set[str | None] = {option.value for option in target.options}
        return values | {OTHER_CHOICE} if target.other else values
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
