"""Roadmap targets: a YAML file a coordinator edits, read into checked models.

Each target has a number, a period and a ``measure``: a name from the file's ``measures``.
A measure says what it reads — which form, which questions and option values, which kind
of case in which status — and which of a few aggregations it is: a count of responses, a
sum of a number question, distinct schools or municipalities, a share of the directory's
schools (ШНОР, ШНСУ…) reached, or a per-school minimum. So a reworded form, or a new target,
needs an edit of the file, not of the code. The conditions in ``where`` are the skip-logic
conditions of the forms (``show_if``).

This module is pure: the schema, the periods and the tallies over plain answers. The
queries are in ``storage/repositories/progress.py``; ``/progress`` is in ``handlers``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from math import ceil
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Discriminator, Field, Tag, ValidationError, model_validator

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
    SchoolQuestion,
)
from forms.schema import Form, FormId, Loc, StructureError, _value_problems, split_entry_id
from forms.vocabulary import CLOSED_CASES, CaseStatus
from forms.yamlfile import line_of, parse_yaml, plain_params, yaml_place

SHIPPED = Path(__file__).resolve().parent / "targets.yaml"
"""The targets file that ships with the bot (``TARGETS_FILE`` names a coordinator's copy)."""
SCHOOL_YEAR_START_MONTH = 9
"""The school year starts on 1 September and ends on 31 August."""

PeriodKind = Literal["school_year", "calendar_year", "half_year", "quarter", "month"]
CaseKind = Literal["consultation", "mentoring", "request"]
"""The workflows that keep a case (``WorkflowKind``): an event report has none."""

SchoolFlag = Literal["all", "low_results", "difficult_conditions", "partner"]
"""A set of the directory's schools: all, ШНОР, ШНСУ, partner schools (``School`` flags)."""
TargetId = Annotated[str, Field(pattern=QUESTION_ID)]
MeasureId = Annotated[str, Field(pattern=QUESTION_ID)]
Found = list[tuple[Loc, str, dict[str, Any]]]
Figure = int | float
PERCENT = 100

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

    @property
    def half(self) -> int:
        """1 or 2 for a half-year: January-June or July-December."""
        return (self.start.month - 1) // 6 + 1


def period_of(kind: PeriodKind, day: date) -> Period:
    """The period of ``kind`` that contains ``day``."""
    if kind == "school_year":
        year = day.year if day.month >= SCHOOL_YEAR_START_MONTH else day.year - 1
        start = date(year, SCHOOL_YEAR_START_MONTH, 1)
        return Period(kind, start, date(year + 1, SCHOOL_YEAR_START_MONTH, 1))
    if kind == "calendar_year":
        return Period(kind, date(day.year, 1, 1), date(day.year + 1, 1, 1))
    months = {"half_year": 6, "quarter": 3}.get(kind, 1)
    first = (day.month - 1) // months * months + 1
    start = date(day.year, first, 1)
    return Period(kind, start, _months_later(start, months))


def period_text(period: Period, t: Translate) -> str:
    """«2026/27 учебный год», «2026 год», «II полугодие 2026», «IV квартал 2026», «ноябрь 2026»."""
    year = str(period.start.year)  # a year is never written «2 026»
    if period.kind == "school_year":
        return t("progress-period-school-year", start=year, end=f"{period.end.year % 100:02d}")
    if period.kind == "calendar_year":
        return t("progress-period-calendar-year", year=year)
    if period.kind == "half_year":
        return t("progress-period-half-year", half=period.half, year=year)
    if period.kind == "quarter":
        return t("progress-period-quarter", quarter=period.quarter, year=year)
    return t("progress-period-month", month=period.start.month, year=year)


def _months_later(start: date, months: int) -> date:
    index = start.month - 1 + months
    return date(start.year + index // 12, index % 12 + 1, 1)


# --- what is counted ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Sent:
    """A sent response as a tally sees it: the answers a measure reads, the local day it was
    sent and the code of its school (its form's first school question), if any."""

    answers: Mapping[str, Any]
    day: date | None = None
    school: str | None = None


@dataclass(frozen=True, slots=True)
class DirectorySchool:
    """A school of the directory: its code, municipality (id) and flags (ШНОР, ШНСУ…)."""

    code: str
    municipality: int
    flags: frozenset[SchoolFlag] = frozenset()

    def belongs(self, flags: Iterable[SchoolFlag]) -> bool:
        """In the set named by ``flags``: any of them (``all``: every school)."""
        wanted = frozenset(flags)
        return "all" in wanted or bool(self.flags & wanted)


Directory = Mapping[str, DirectorySchool]
"""The directory's schools by code (within the coordinator's municipalities)."""
NO_SCHOOLS: Directory = {}


@dataclass(frozen=True, slots=True)
class Coverage:
    """How many schools of a set count, out of how many the set has (a share, or the schools
    that meet a per-school minimum); the target is then a percentage."""

    count: int
    of: int


Result = Figure | Coverage


def _as_date(value: Any) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def every_answer(answers: Mapping[str, Any], question_id: str) -> list[Any]:
    """A question's answer; for a question of a repeat, the answer of every entry (each
    school of an event, each subject's participants)."""
    if question_id in answers:
        return [answers[question_id]]
    return [
        value
        for answer_id, value in answers.items()
        if (entry := split_entry_id(answer_id)) is not None and entry[0] == question_id
    ]


def _number(value: Any) -> Figure:
    return value if isinstance(value, int | float) and not isinstance(value, bool) else 0


def _school_code(value: Any) -> str | None:
    """The code of a stored school answer ({"code", "name", "municipality"})."""
    code = value.get("code") if isinstance(value, dict) else None
    return str(code) if code else None


def _listed(value: Any) -> Any:
    """One value written without brackets is a list of one."""
    return [value] if isinstance(value, str) else value


Flags = Annotated[tuple[SchoolFlag, ...], BeforeValidator(_listed), Field(min_length=1)]
SchoolQuestions = Annotated[
    tuple[QuestionId, ...], BeforeValidator(_listed), Field(default=(), max_length=20)
]


class _Cases(Model):
    """Cases of a kind in a status; ``where`` keeps only those whose response (of ``form``)
    meets the condition."""

    case: CaseKind
    status: CaseStatus
    form: FormId | None = None
    where: Condition | None = None

    @model_validator(mode="after")
    def _where_needs_form(self) -> _Cases:
        if self.where is not None and self.form is None:
            raise StructureError([(("form",), "targets-error-where-needs-form", {})])
        return self

    def questions(self) -> frozenset[str]:
        return _condition_questions(self.where)

    def tally(self, responses: Iterable[Mapping[str, Any]]) -> int:
        """How many of the cases' responses (answers by question id) count."""
        return sum(1 for answers in responses if _holds(self.where, answers))


class ClosedCases(_Cases):
    """Cases that reached a closing status (consultations held; a school's requests for an
    expert review, done), counted in the period in which they were closed."""


class ActiveCases(_Cases):
    """Cases that are in a status now (active pairs); the period does not apply."""


class Responses(Model):
    """Sent responses of a form that fall in the period and meet ``where``: by their
    ``date`` answer, or without one by the day they were sent."""

    form: FormId
    date: QuestionId | None = None
    where: Condition | None = None

    def questions(self) -> frozenset[str]:
        dates = frozenset() if self.date is None else frozenset({self.date})
        return dates | _condition_questions(self.where)

    def counts(self, row: Sent, period: Period) -> bool:
        day = row.day if self.date is None else _as_date(row.answers.get(self.date))
        return day in period and _holds(self.where, row.answers)

    def tally(
        self, rows: Iterable[Sent], period: Period, directory: Directory = NO_SCHOOLS
    ) -> Result:
        """The figure over the sent responses; ``directory`` is for the school measures."""
        return sum(1 for row in rows if self.counts(row, period))


class ResponseSum(Responses):
    """The sum of a number question over the responses that count (event participants)."""

    sum: QuestionId

    def questions(self) -> frozenset[str]:
        return super().questions() | {self.sum}

    def tally(
        self, rows: Iterable[Sent], period: Period, directory: Directory = NO_SCHOOLS
    ) -> Figure:
        return sum(
            _number(value)
            for row in rows
            if self.counts(row, period)
            for value in every_answer(row.answers, self.sum)
        )


class SchoolResponses(Responses):
    """Responses that count for the schools they name: the school questions ``schools``
    (an event report's school_1…school_5), or the response's own school. A school counts
    where it is: only the directory's schools given to a tally are seen."""

    schools: SchoolQuestions

    def questions(self) -> frozenset[str]:
        return super().questions() | set(self.schools)

    def named(self, row: Sent, directory: Directory) -> set[DirectorySchool]:
        codes = (
            {row.school}
            if not self.schools
            else {_school_code(v) for q in self.schools for v in every_answer(row.answers, q)}
        )
        return {directory[code] for code in codes if code is not None and code in directory}

    def reached(
        self, rows: Iterable[Sent], period: Period, directory: Directory
    ) -> set[DirectorySchool]:
        """The schools named by the responses that count."""
        found: set[DirectorySchool] = set()
        for row in rows:
            if self.counts(row, period):
                found |= self.named(row, directory)
        return found


class SchoolCount(SchoolResponses):
    """Distinct schools (of the set ``among``) named by the responses that count, or the
    distinct municipalities of those schools."""

    count: Literal["schools", "municipalities"]
    among: Flags = ("all",)

    def tally(self, rows: Iterable[Sent], period: Period, directory: Directory = NO_SCHOOLS) -> int:
        schools = [s for s in self.reached(rows, period, directory) if s.belongs(self.among)]
        if self.count == "schools":
            return len(schools)
        return len({school.municipality for school in schools})


class SchoolShare(SchoolResponses):
    """The schools of the set ``share_of`` named by a response that counts, out of all the
    set's schools in the directory («100% ШНОР представили…»)."""

    share_of: Flags

    def tally(
        self, rows: Iterable[Sent], period: Period, directory: Directory = NO_SCHOOLS
    ) -> Coverage:
        reached = [s for s in self.reached(rows, period, directory) if s.belongs(self.share_of)]
        members = [school for school in directory.values() if school.belongs(self.share_of)]
        return Coverage(len(reached), len(members))


class EachSchool(SchoolResponses):
    """A per-school minimum: the schools of the set ``each_school`` with at least
    ``at_least`` responses that count (or, with ``sum``, that many in their sum), out of
    all the set's schools («не менее 5 человек от каждой ОО»)."""

    each_school: Flags
    at_least: int = Field(ge=1, le=100_000)
    sum: QuestionId | None = None

    @model_validator(mode="after")
    def _sum_of_one_school(self) -> EachSchool:
        if self.sum is not None and len(self.schools) > 1:
            raise StructureError([(("sum",), "targets-error-sum-one-school", {})])
        return self

    def questions(self) -> frozenset[str]:
        extra = frozenset() if self.sum is None else frozenset({self.sum})
        return super().questions() | extra

    def totals(
        self, rows: Iterable[Sent], period: Period, directory: Directory
    ) -> dict[str, Figure]:
        """What the responses that count add up to for each school (by code)."""
        found: dict[str, Figure] = {}
        for row in rows:
            if not self.counts(row, period):
                continue
            amount = 1 if self.sum is None else _number(row.answers.get(self.sum))
            for school in self.named(row, directory):
                found[school.code] = found.get(school.code, 0) + amount
        return found

    def tally(
        self, rows: Iterable[Sent], period: Period, directory: Directory = NO_SCHOOLS
    ) -> Coverage:
        totals = self.totals(rows, period, directory)
        members = [school for school in directory.values() if school.belongs(self.each_school)]
        met = sum(1 for school in members if totals.get(school.code, 0) >= self.at_least)
        return Coverage(met, len(members))


def _measure_tag(value: Any) -> str | None:
    """Which measure a YAML mapping is, by the keys it has: ``case`` for cases (closed in
    the period for a closing status, in the status now otherwise), then the aggregation."""
    if isinstance(value, Model):
        return type(value).__name__
    if not isinstance(value, dict):
        return None
    if "case" in value:
        closing = str(value.get("status")) in {str(status) for status in CLOSED_CASES}
        return "ClosedCases" if closing else "ActiveCases"
    for key, tag in _AGGREGATION_KEYS:
        if key in value:
            return tag
    return "Responses"


_AGGREGATION_KEYS = (
    ("share_of", "SchoolShare"),
    ("each_school", "EachSchool"),
    ("count", "SchoolCount"),
    ("sum", "ResponseSum"),
)

Measure = Annotated[
    Annotated[ClosedCases, Tag("ClosedCases")]
    | Annotated[ActiveCases, Tag("ActiveCases")]
    | Annotated[SchoolShare, Tag("SchoolShare")]
    | Annotated[EachSchool, Tag("EachSchool")]
    | Annotated[SchoolCount, Tag("SchoolCount")]
    | Annotated[ResponseSum, Tag("ResponseSum")]
    | Annotated[Responses, Tag("Responses")],
    Discriminator(
        _measure_tag,
        custom_error_type="form-error-expected-mapping",
        custom_error_message="a measure is a mapping of what it reads",
    ),
]


def _condition_questions(condition: Condition | None) -> frozenset[str]:
    return frozenset() if condition is None else frozenset(x.question for x in condition.leaves())


def _holds(condition: Condition | None, answers: Mapping[str, Any]) -> bool:
    return condition is None or condition.evaluate(answers)


class Target(Model):
    id: TargetId
    title: str = Field(min_length=1, max_length=200)
    target: int = Field(ge=1)
    period: PeriodKind
    measure: MeasureId


@dataclass(frozen=True, slots=True)
class Standing:
    """Where a target stands: ``current`` of ``goal`` (for a share: schools, ``of`` being
    the set's schools; the goal is the target's percentage of them, rounded up)."""

    current: Figure
    goal: Figure
    percent: int
    of: int | None = None

    @property
    def left(self) -> Figure:
        return max(self.goal - self.current, 0)

    @property
    def done(self) -> bool:
        return self.left == 0 and self.of != 0


def standing(target: Target, result: Result) -> Standing:
    if isinstance(result, Coverage):
        goal = ceil(target.target * result.of / PERCENT)
        percent = result.count * PERCENT // result.of if result.of else 0
        return Standing(result.count, goal, percent, result.of)
    return Standing(result, target.target, int(result * PERCENT // target.target))


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
    measures: dict[MeasureId, Measure]
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
            found += self._measure_problems(index, target)
        if found:
            raise StructureError(found)
        return self

    def _measure_problems(self, index: int, target: Target) -> Found:
        measure = self.measures.get(target.measure)
        if measure is None:
            params = {"measure": target.measure}
            return [(("targets", index, "measure"), "targets-error-measure-undefined", params)]
        if isinstance(measure, SchoolShare | EachSchool) and target.target > PERCENT:
            return [(("targets", index, "target"), "targets-error-percent", {})]
        return []

    def measure(self, target: Target) -> Measure:
        measure = self.measures.get(target.measure)
        assert measure is not None  # checked when the file was read
        return measure


# --- checks against the forms ---------------------------------------------------------------


def form_problems(targets: Targets, forms: Mapping[str, Form]) -> Found:
    """Measures and summary sources that name a form, a question or an option value the
    forms do not have."""
    found: Found = []
    for name, measure in targets.measures.items():
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
    if isinstance(measure, Responses) and measure.date is not None:
        found += _typed(form, ("date",), measure.date, (DateQuestion,), "targets-error-not-date")
    if isinstance(measure, ResponseSum | EachSchool) and measure.sum is not None:
        kinds = (IntegerQuestion, DecimalQuestion)
        found += _typed(form, ("sum",), measure.sum, kinds, "targets-error-not-number")
    if isinstance(measure, SchoolResponses):
        found += _school_problems(measure, form)
    if measure.where is not None:
        for leaf in measure.where.leaves():
            question = form.question(leaf.question)
            if question is None:
                found.append((("where",), *_missing(form, leaf.question)))
                continue
            found += [(("where",), mid, params) for mid, params in _value_problems(leaf, question)]
    return found


def _school_problems(measure: SchoolResponses, form: Form) -> Found:
    """The school questions named are school questions; naming none, the form has one (or
    the school answers it: ``respondent: school``)."""
    if not measure.schools:
        if form.respondent == "school":
            return []
        if any(isinstance(q, SchoolQuestion) for q in form.all_questions()):
            return []
        return [(("form",), "targets-error-form-without-school", {"form": form.id})]
    found: Found = []
    for index, question_id in enumerate(measure.schools):
        loc: Loc = ("schools", index)
        found += _typed(form, loc, question_id, (SchoolQuestion,), "targets-error-not-school")
    return found


def _typed(
    form: Form,
    loc: Loc,
    question_id: str,
    kinds: tuple[type, ...],
    message_id: str,
) -> Found:
    question = next((q for q in form.every_question() if q.id == question_id), None)
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
