"""Roadmap targets: a YAML file a coordinator edits, read into checked models.

Each target has a number, a period and a ``measure``: one of a fixed set of figures the
bot knows how to count (``MeasureName``). What a measure reads — which form, which
questions and option values, which kind of case in which status — is written in the same
file under ``measures``, so a reworded form needs an edit of the file, not of the code.
The conditions in ``where`` are the skip-logic conditions of the forms (``show_if``).

This module is pure: the schema, the periods and the tallies over plain answers. The
queries are in ``storage/repositories/progress.py``; ``/progress`` is in ``handlers``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationError, model_validator

from forms.conditions import Condition
from forms.errors import translate_errors
from forms.problems import FormError, Place, Problem, Translate
from forms.questions import (
    QUESTION_ID,
    ChoiceQuestion,
    DateQuestion,
    DecimalQuestion,
    IntegerQuestion,
    Model,
    QuestionId,
)
from forms.schema import Form, FormId, Loc, StructureError, _value_problems
from forms.vocabulary import CaseStatus
from forms.yamlfile import line_of, parse_yaml, plain_params, yaml_place

SHIPPED = Path(__file__).resolve().parent / "targets.yaml"
"""The targets file that ships with the bot (``TARGETS_FILE`` names a coordinator's copy)."""
SCHOOL_YEAR_START_MONTH = 9
"""The school year starts on 1 September and ends on 31 August."""

PeriodKind = Literal["school_year", "calendar_year", "quarter", "month"]
CaseKind = Literal["consultation", "mentoring"]
"""The workflows that keep a case (``WorkflowKind``): an event report has none."""

MeasureName = Literal[
    "consultations_held",
    "active_pairs",
    "partner_school_pairs",
    "event_participants",
    "school_team_events",
    "working_group_meetings",
]
TargetId = Annotated[str, Field(pattern=QUESTION_ID)]
Found = list[tuple[Loc, str, dict[str, Any]]]
Figure = int | float

# Messages of the form loader that speak of form files; a targets file gets its own.
RENAMED = {
    "form-error-unknown-key": "targets-error-unknown-key",
    "form-error-not-mapping": "targets-error-not-mapping",
}


# --- periods --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Period:
    """Days from ``start`` up to, not including, ``end``."""

    kind: PeriodKind
    start: date
    end: date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day < self.end

    @property
    def quarter(self) -> int:
        """1-4 for a quarter (the quarter the period starts in, for any period)."""
        return (self.start.month - 1) // 3 + 1


def period_of(kind: PeriodKind, day: date) -> Period:
    """The period of ``kind`` that contains ``day``."""
    if kind == "school_year":
        year = day.year if day.month >= SCHOOL_YEAR_START_MONTH else day.year - 1
        start = date(year, SCHOOL_YEAR_START_MONTH, 1)
        return Period(kind, start, date(year + 1, SCHOOL_YEAR_START_MONTH, 1))
    if kind == "calendar_year":
        return Period(kind, date(day.year, 1, 1), date(day.year + 1, 1, 1))
    months = 3 if kind == "quarter" else 1
    first = (day.month - 1) // months * months + 1
    start = date(day.year, first, 1)
    return Period(kind, start, _months_later(start, months))


def period_text(period: Period, t: Translate) -> str:
    """«2026/27 учебный год», «2026 год», «IV квартал 2026», «ноябрь 2026»."""
    year = str(period.start.year)  # a year is never written «2 026»
    if period.kind == "school_year":
        return t("progress-period-school-year", start=year, end=f"{period.end.year % 100:02d}")
    if period.kind == "calendar_year":
        return t("progress-period-calendar-year", year=year)
    if period.kind == "quarter":
        return t("progress-period-quarter", quarter=period.quarter, year=year)
    return t("progress-period-month", month=period.start.month, year=year)


def _months_later(start: date, months: int) -> date:
    index = start.month - 1 + months
    return date(start.year + index // 12, index % 12 + 1, 1)


# --- what is counted ------------------------------------------------------------------------


def _as_date(value: Any) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _number(value: Any) -> Figure:
    return value if isinstance(value, int | float) and not isinstance(value, bool) else 0


class ClosedCases(Model):
    """Cases of a kind that reached a status (consultations held), counted in the period
    in which they were closed."""

    case: CaseKind
    status: CaseStatus


class ActiveCases(Model):
    """Cases of a kind that are in a status now (active pairs); the period does not apply.
    ``where`` keeps only those whose response (of ``form``) meets the condition."""

    case: CaseKind
    status: CaseStatus
    form: FormId | None = None
    where: Condition | None = None

    @model_validator(mode="after")
    def _where_needs_form(self) -> ActiveCases:
        if self.where is not None and self.form is None:
            raise StructureError([(("form",), "targets-error-where-needs-form", {})])
        return self

    def questions(self) -> frozenset[str]:
        return _condition_questions(self.where)

    def tally(self, responses: Iterable[Mapping[str, Any]]) -> int:
        """How many of the cases' responses (answers by question id) count."""
        return sum(1 for answers in responses if _holds(self.where, answers))


class Responses(Model):
    """Sent responses of a form whose date answer falls in the period (and meet ``where``)."""

    form: FormId
    date: QuestionId
    where: Condition | None = None

    def questions(self) -> frozenset[str]:
        return frozenset({self.date}) | _condition_questions(self.where)

    def counts(self, answers: Mapping[str, Any], period: Period) -> bool:
        return _as_date(answers.get(self.date)) in period and _holds(self.where, answers)

    def tally(self, responses: Iterable[Mapping[str, Any]], period: Period) -> Figure:
        return sum(1 for answers in responses if self.counts(answers, period))


class ResponseSum(Responses):
    """The sum of a number question over the responses that count (event participants)."""

    sum: QuestionId

    def questions(self) -> frozenset[str]:
        return super().questions() | {self.sum}

    def tally(self, responses: Iterable[Mapping[str, Any]], period: Period) -> Figure:
        return sum(
            _number(answers.get(self.sum)) for answers in responses if self.counts(answers, period)
        )


Measure = ClosedCases | ActiveCases | ResponseSum | Responses


def _condition_questions(condition: Condition | None) -> frozenset[str]:
    return frozenset() if condition is None else frozenset(x.question for x in condition.leaves())


def _holds(condition: Condition | None, answers: Mapping[str, Any]) -> bool:
    return condition is None or condition.evaluate(answers)


class Measures(Model):
    """What each measure the bot knows reads; a target may use only those written here."""

    consultations_held: ClosedCases | None = None
    active_pairs: ActiveCases | None = None
    partner_school_pairs: ActiveCases | None = None
    event_participants: ResponseSum | None = None
    school_team_events: Responses | None = None
    working_group_meetings: Responses | None = None

    def get(self, name: MeasureName) -> Measure | None:
        measure: Measure | None = getattr(self, name)
        return measure


class Target(Model):
    id: TargetId
    title: str = Field(min_length=1, max_length=200)
    target: int = Field(ge=1)
    period: PeriodKind
    measure: MeasureName


# --- what the summary workbook reads -------------------------------------------------------


class DifficultySource(Model):
    """The teacher survey: its rating questions are the areas; ``support`` the help wanted."""

    form: FormId
    support: QuestionId


class ConsultationSource(Model):
    form: FormId
    topic: QuestionId


class PairSource(Model):
    """Pairs by ``subject``, or by ``kind`` (the form of mentoring) when they have none;
    ``partner`` is the option of ``kind`` that makes a pair of partner schools."""

    form: FormId
    subject: QuestionId
    kind: QuestionId
    partner: str = Field(min_length=1, max_length=64)


class EventSource(Model):
    form: FormId
    type: QuestionId
    participants: QuestionId


class SummarySources(Model):
    """Which forms and questions feed the summary's sheets (``summary:`` in the file)."""

    difficulties: DifficultySource
    consultations: ConsultationSource
    pairs: PairSource
    events: EventSource


class Targets(Model):
    measures: Measures
    targets: tuple[Target, ...] = Field(min_length=1)
    summary: SummarySources | None = None

    @model_validator(mode="after")
    def _references(self) -> Targets:
        found: Found = []
        seen: set[str] = set()
        for index, target in enumerate(self.targets):
            if target.id in seen:
                loc: Loc = ("targets", index, "id")
                found.append((loc, "targets-error-duplicate-id", {"id": target.id}))
            seen.add(target.id)
            if self.measures.get(target.measure) is None:
                params = {"measure": target.measure}
                found.append(
                    (("targets", index, "measure"), "targets-error-measure-undefined", params)
                )
        if found:
            raise StructureError(found)
        return self

    def measure(self, target: Target) -> Measure:
        measure = self.measures.get(target.measure)
        assert measure is not None  # checked when the file was read
        return measure


# --- checks against the forms ---------------------------------------------------------------


def form_problems(targets: Targets, forms: Mapping[str, Form]) -> Found:
    """Measures and summary sources that name a form, a question or an option value the
    forms do not have."""
    found: Found = []
    for name in Measures.model_fields:
        measure = getattr(targets.measures, name)
        if isinstance(measure, Responses | ActiveCases) and measure.form is not None:
            problems = _measure_problems(measure, forms)
            found += [(("measures", name, *loc), mid, params) for loc, mid, params in problems]
    if targets.summary is not None:
        found += [
            (("summary", *loc), mid, p) for loc, mid, p in _summary_problems(targets.summary, forms)
        ]
    return found


_CHOICE: tuple[type, ...] = (ChoiceQuestion,)
_NUMBER: tuple[type, ...] = (IntegerQuestion, DecimalQuestion)


def _summary_problems(summary: SummarySources, forms: Mapping[str, Form]) -> Found:
    """Each sheet's form exists; its questions are of the kind the sheet counts."""
    s = summary
    wanted: list[tuple[str, str, dict[str, tuple[str, tuple[type, ...]]]]] = [
        ("difficulties", s.difficulties.form, {"support": (s.difficulties.support, _CHOICE)}),
        ("consultations", s.consultations.form, {"topic": (s.consultations.topic, _CHOICE)}),
        (
            "pairs",
            s.pairs.form,
            {"subject": (s.pairs.subject, _CHOICE), "kind": (s.pairs.kind, _CHOICE)},
        ),
        (
            "events",
            s.events.form,
            {"type": (s.events.type, _CHOICE), "participants": (s.events.participants, _NUMBER)},
        ),
    ]
    found: Found = []
    for name, form_id, questions in wanted:
        form = forms.get(form_id)
        if form is None:
            found.append(((name, "form"), "targets-error-no-form", {"form": form_id}))
            continue
        for field, (question_id, kinds) in questions.items():
            message_id = (
                "targets-error-not-choice" if kinds is _CHOICE else "targets-error-not-number"
            )
            found += _typed(form, (name, field), question_id, kinds, message_id)
    return found + _partner_problems(s.pairs, forms)


def _partner_problems(pairs: PairSource, forms: Mapping[str, Form]) -> Found:
    form = forms.get(pairs.form)
    question = form.question(pairs.kind) if form is not None else None
    if not isinstance(question, ChoiceQuestion):
        return []  # reported above
    if any(option.value == pairs.partner for option in question.options):
        return []
    params = {"form": pairs.form, "question": pairs.kind, "value": pairs.partner}
    return [(("pairs", "partner"), "targets-error-no-option", params)]


def _measure_problems(measure: Responses | ActiveCases, forms: Mapping[str, Form]) -> Found:
    form = forms.get(measure.form or "")
    if form is None:
        return [(("form",), "targets-error-no-form", {"form": measure.form})]
    found: Found = []
    if isinstance(measure, Responses):
        found += _typed(form, ("date",), measure.date, (DateQuestion,), "targets-error-not-date")
    if isinstance(measure, ResponseSum):
        kinds = (IntegerQuestion, DecimalQuestion)
        found += _typed(form, ("sum",), measure.sum, kinds, "targets-error-not-number")
    if measure.where is not None:
        for leaf in measure.where.leaves():
            question = form.question(leaf.question)
            if question is None:
                found.append((("where",), *_missing(form, leaf.question)))
                continue
            found += [(("where",), mid, params) for mid, params in _value_problems(leaf, question)]
    return found


def _typed(
    form: Form,
    loc: Loc,
    question_id: str,
    kinds: tuple[type, ...],
    message_id: str,
) -> Found:
    question = form.question(question_id)
    if question is None:
        return [(loc, *_missing(form, question_id))]
    if not isinstance(question, kinds):
        return [(loc, message_id, {"form": form.id, "question": question_id})]
    return []


def _missing(form: Form, question_id: str) -> tuple[str, dict[str, Any]]:
    return "targets-error-no-question", {"form": form.id, "question": question_id}


# --- reading the file -----------------------------------------------------------------------


class TargetsError(Exception):
    """The targets file cannot be used; ``problems`` say what and where."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the targets file")


def load_targets(path: str | Path, forms: Mapping[str, Form] | None = None) -> Targets:
    """Read a targets file; with ``forms``, also check what its measures name in them."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise TargetsError([Problem("form-error-no-file", place=Place(str(path)))]) from None
    except UnicodeDecodeError:
        raise TargetsError([Problem("form-error-encoding", place=Place(str(path)))]) from None
    return read_targets(text, str(path), forms)


def read_targets(
    text: str, file: str = "<targets>", forms: Mapping[str, Form] | None = None
) -> Targets:
    """Targets from YAML text; ``file`` is the name used in problems."""
    try:
        data, root = parse_yaml(text, file)
    except FormError as error:
        raise TargetsError(error.problems) from None
    if not isinstance(data, dict):
        raise TargetsError([Problem("targets-error-not-mapping", place=Place(file))])
    try:
        targets = Targets.model_validate(data)
    except ValidationError as error:
        found = translate_errors(error, data)
    else:
        found = form_problems(targets, forms) if forms is not None else []
        if not found:
            return targets
    problems = [
        Problem(RENAMED.get(mid, mid), plain_params(params), place=yaml_place(file, loc, root))
        for loc, mid, params in found
    ]
    raise TargetsError(sorted(problems, key=line_of))
