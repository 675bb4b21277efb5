"""Checking one answer against its question: ``validate`` and the in-progress helpers.

Stored values by question type:

- text, email: ``str``; phone: ``str`` in E.164 (``+79161234567``);
- integer: ``int``; decimal: ``float``; rating: ``int``; yes_no: ``bool``;
- date: ``str`` ISO ``2025-09-01``;
- single_choice: the option value ``str``, or ``{"other": "text"}``;
- multiple_choice: ``list[str]`` of option values (in option order), or
  ``{"selected": [...], "other": "text"}`` when «Другое» was written;
- school: ``{"code", "name", "municipality"}``;
- file: ``[{"file_id", "name", "size", "kind"}, ...]``;
- a skipped optional question and a note: ``None``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from forms.conditions import comparable
from forms.expr import Expression, Scope
from forms.inputs import (
    Accepted,
    ChoiceInput,
    ContactInput,
    FileInput,
    Outcome,
    RawAnswer,
    Rejected,
    SchoolInput,
    SkipInput,
    TextInput,
)
from forms.problems import ParamValue, Problem
from forms.questions import (
    OTHER,
    OTHER_TEXT_LIMIT,
    ChoiceQuestion,
    DateQuestion,
    DecimalQuestion,
    EmailQuestion,
    FileQuestion,
    IntegerQuestion,
    MultipleChoiceQuestion,
    NoteQuestion,
    Option,
    PhoneQuestion,
    Question,
    RatingQuestion,
    SchoolQuestion,
    SingleChoiceQuestion,
    TextQuestion,
    YesNoQuestion,
)
from forms.values import (
    format_date,
    format_number,
    looks_like_date,
    normalize_email,
    normalize_phone,
    parse_date,
    parse_decimal,
    parse_integer,
    resolve_bound,
)

NOT_OVERRIDDEN = frozenset({"answer-other-prompt", "answer-choice-unknown"})
YES_WORDS = frozenset({"да", "yes", "ага", "конечно"})
NO_WORDS = frozenset({"нет", "no"})
MEGABYTE = 1024 * 1024

Answers = Mapping[str, Any]


def reject(message_id: str, **params: ParamValue) -> Rejected:
    return Rejected(Problem(message_id, params))


def validate(
    question: Question, raw: RawAnswer, *, today: date, answers: Answers | None = None
) -> Outcome:
    """Check one raw answer. ``answers`` (effective answers so far) apply choice filters."""
    if isinstance(raw, SkipInput):
        outcome = skip(question)
    elif question.read_only:
        outcome = _read_only(question, raw, today, answers or {})
    else:
        outcome = _by_type(question, raw, today, answers or {})
        outcome = constrained(question, outcome, today, answers or {})
    return with_override(question, outcome)


def constrained(question: Question, outcome: Outcome, today: date, answers: Answers) -> Outcome:
    """An accepted answer that breaks the question's ``constraint`` is refused (with the
    question's ``error_message``, else a general one). An empty answer is not checked."""
    if question.constraint is None or not isinstance(outcome, Accepted):
        return outcome
    if outcome.value is None:
        return outcome
    if question.constraint.holds(Scope(answers, today, here=outcome.value)):
        return outcome
    return reject("answer-constraint")


def _read_only(question: Question, raw: RawAnswer, today: date, answers: Answers) -> Outcome:
    """«Далее» under a read-only question: its default is stored (None without one)."""
    if not isinstance(raw, ChoiceInput):
        return reject("answer-expected-next")
    return Accepted(default_value(question, today, answers))


def default_input(question: Question) -> RawAnswer | None:
    """The question's ``default`` as if the person had pressed or typed it."""
    text = question.default
    if text is None:
        return None
    if isinstance(question, SingleChoiceQuestion | RatingQuestion):
        return ChoiceInput(text)
    if isinstance(question, YesNoQuestion) and text.lower() in ("yes", "no", "true", "false"):
        return ChoiceInput("yes" if text.lower() in ("yes", "true") else "no")
    if isinstance(question, DateQuestion):
        parsed = parse_date(text)
        return TextInput(format_date(parsed) if parsed else text)
    return TextInput(text)


def default_value(question: Question, today: date, answers: Answers) -> Any:
    """The stored value of the question's ``default``; None without one, or when it does not
    fit now (a filtered-out option, a broken constraint)."""
    if question.default is None:
        return None
    if isinstance(question, MultipleChoiceQuestion):
        known = {option.value for option in options_for(question, answers)}
        chosen = [value for value in question.default.split() if value in known]
        return Selection(tuple(chosen)).answer() if chosen else None
    raw = default_input(question)
    if raw is None:
        return None
    outcome = constrained(question, _by_type(question, raw, today, answers), today, answers)
    return outcome.value if isinstance(outcome, Accepted) else None


def default_problem(question: Question, today: date) -> bool:
    """True when the ``default`` can never be an answer (a typo in an option value, a word
    for a number)."""
    if question.default is None or (question.read_only and isinstance(question, TextQuestion)):
        return False
    if isinstance(question, MultipleChoiceQuestion):
        values = {option.value for option in question.options}
        return not set(question.default.split()) <= values
    raw = default_input(question)
    if raw is None:
        return False
    return not isinstance(_by_type(question, raw, today, {}), Accepted)


def skip(question: Question) -> Outcome:
    """A note moves on; an optional question is stored as None; a required one refuses."""
    if not question.answerable or not question.required:
        return Accepted(None)
    return reject("answer-required")


def with_override(question: Question, outcome: Outcome) -> Outcome:
    """Put the question's own ``error_message`` on a rejection (not on prompts)."""
    return overridden(question, outcome) if isinstance(outcome, Rejected) else outcome


def overridden(question: Question, rejected: Rejected) -> Rejected:
    if question.error_message is None or rejected.problem.message_id in NOT_OVERRIDDEN:
        return rejected
    return Rejected(replace(rejected.problem, override=question.error_message))


@dataclass(frozen=True, slots=True)
class _Context:
    today: date
    answers: Answers


def _by_type(question: Question, raw: RawAnswer, today: date, answers: Answers) -> Outcome:
    check = _CHECKS[type(question)]
    return check(question, raw, _Context(today, answers))


# --- text and numbers ---------------------------------------------------------------------


def _text(question: TextQuestion, raw: RawAnswer, _context: _Context) -> Outcome:
    if not isinstance(raw, TextInput):
        return reject("answer-expected-text")
    return text_value(raw.text, question.min_length, question.length_limit)


def text_value(text: str, shortest: int | None, longest: int) -> Outcome:
    value = text.strip()
    if not value:
        return reject("answer-text-empty")
    if len(value) > longest:
        return reject("answer-text-too-long", length=len(value), max=longest)
    if shortest is not None and len(value) < shortest:
        return reject("answer-text-too-short", length=len(value), min=shortest)
    return Accepted(value)


def _number(
    question: IntegerQuestion | DecimalQuestion, raw: RawAnswer, _context: _Context
) -> Outcome:
    whole = isinstance(question, IntegerQuestion)
    expected = "answer-expected-integer" if whole else "answer-expected-decimal"
    if not isinstance(raw, TextInput):
        return reject(expected)
    value = parse_integer(raw.text) if whole else parse_decimal(raw.text)
    if value is None:
        return reject(expected)
    problem = range_problem(value, question.min, question.max)
    return Accepted(value) if problem is None else Rejected(problem)


def range_problem(value: float, low: float | None, high: float | None) -> Problem | None:
    """«от 1 до 10», «не меньше 1» or «не больше 10»; None when the value fits."""
    if (low is None or value >= low) and (high is None or value <= high):
        return None
    if low is not None and high is not None:
        return Problem(
            "answer-number-range", {"min": format_number(low), "max": format_number(high)}
        )
    if low is not None:
        return Problem("answer-number-too-small", {"min": format_number(low)})
    return Problem("answer-number-too-big", {"max": format_number(high or 0)})


# --- buttons ------------------------------------------------------------------------------


def options_for(question: ChoiceQuestion, answers: Answers) -> list[Option]:
    """The options to offer now: a ``choice_filter`` keeps those matching the earlier answer
    (an expression: those for which it holds, as in ODK)."""
    rule = question.choice_filter
    if rule is None:
        return list(question.options)
    if isinstance(rule, Expression):
        today = date.today()
        return [o for o in question.options if rule.holds(option_scope(o, answers, today))]
    key = comparable(answers.get(rule.question))
    if key is None:
        return list(question.options)
    return [option for option in question.options if option.attributes.get(rule.column) == key]


def option_scope(option: Option, answers: Answers, today: date) -> Scope:
    """What a choice_filter sees for one option: its columns, ``name`` its value."""
    columns = {**option.attributes, "name": option.value, "label": str(option.label)}
    return Scope(answers, today, columns=columns)


def _single_choice(question: SingleChoiceQuestion, raw: RawAnswer, context: _Context) -> Outcome:
    if isinstance(raw, ChoiceInput):
        return _pick(question, raw.value, context.answers)
    if isinstance(raw, TextInput):
        return _typed_choice(question, raw.text, context.answers)
    return reject("answer-expected-button")


def _pick(question: SingleChoiceQuestion, value: str, answers: Answers) -> Outcome:
    if value == OTHER and question.other:
        return reject("answer-other-prompt")
    if value in {option.value for option in options_for(question, answers)}:
        return Accepted(value)
    return reject("answer-choice-unknown")


def _typed_choice(question: SingleChoiceQuestion, text: str, answers: Answers) -> Outcome:
    """A typed option label counts as pressing it; with «Другое», any text is the other answer."""
    typed = text.strip().casefold()
    for option in options_for(question, answers):
        if option.label.casefold() == typed:
            return Accepted(option.value)
    if not question.other:
        return reject("answer-expected-button")
    outcome = text_value(text, None, OTHER_TEXT_LIMIT)
    return Accepted({"other": outcome.value}) if isinstance(outcome, Accepted) else outcome


def _multiple_choice(
    _question: MultipleChoiceQuestion, _raw: RawAnswer, _context: _Context
) -> Outcome:
    """Ticks go through ``toggle_option`` and ``finish_selection``."""
    return reject("answer-expected-selection")


def _yes_no(_question: YesNoQuestion, raw: RawAnswer, _context: _Context) -> Outcome:
    if isinstance(raw, ChoiceInput) and raw.value in ("yes", "no"):
        return Accepted(raw.value == "yes")
    if isinstance(raw, TextInput):
        word = raw.text.strip().strip(".!").casefold()
        if word in YES_WORDS or word in NO_WORDS:
            return Accepted(word in YES_WORDS)
    return reject("answer-expected-yes-no")


def _rating(question: RatingQuestion, raw: RawAnswer, _context: _Context) -> Outcome:
    value = parse_integer(_raw_text(raw))
    if value is None or not question.min <= value <= question.max:
        return reject("answer-rating-range", min=question.min, max=question.max)
    return Accepted(value)


def _raw_text(raw: RawAnswer) -> str:
    if isinstance(raw, ChoiceInput):
        return raw.value
    return raw.text if isinstance(raw, TextInput) else ""


def _note(_question: NoteQuestion, raw: RawAnswer, _context: _Context) -> Outcome:
    return Accepted(None) if isinstance(raw, ChoiceInput) else reject("answer-expected-next")


# --- dates, contacts, school --------------------------------------------------------------


def _date(question: DateQuestion, raw: RawAnswer, context: _Context) -> Outcome:
    if not isinstance(raw, TextInput):
        return reject("answer-expected-date")
    value = parse_date(raw.text)
    if value is None:
        return reject(
            "answer-date-invalid" if looks_like_date(raw.text) else "answer-expected-date"
        )
    problem = date_range_problem(question, value, context.today)
    return Accepted(value.isoformat()) if problem is None else Rejected(problem)


def date_range_problem(question: DateQuestion, value: date, today: date) -> Problem | None:
    low = resolve_bound(question.min, today) if question.min else None
    high = resolve_bound(question.max, today) if question.max else None
    if (low is None or value >= low) and (high is None or value <= high):
        return None
    if low is not None and high is not None:
        return Problem("answer-date-range", {"min": format_date(low), "max": format_date(high)})
    if low is not None:
        return Problem("answer-date-too-early", {"min": format_date(low)})
    return Problem("answer-date-too-late", {"max": format_date(high or value)})


def _phone(_question: PhoneQuestion, raw: RawAnswer, _context: _Context) -> Outcome:
    if isinstance(raw, ContactInput):
        text = raw.phone if raw.phone.startswith("+") else "+" + raw.phone
    elif isinstance(raw, TextInput):
        text = raw.text
    else:
        return reject("answer-expected-phone")
    value = normalize_phone(text)
    return reject("answer-phone-invalid") if value is None else Accepted(value)


def _email(_question: EmailQuestion, raw: RawAnswer, _context: _Context) -> Outcome:
    if not isinstance(raw, TextInput):
        return reject("answer-expected-email")
    value = normalize_email(raw.text)
    return reject("answer-email-invalid") if value is None else Accepted(value)


def _school(_question: SchoolQuestion, raw: RawAnswer, _context: _Context) -> Outcome:
    if not isinstance(raw, SchoolInput) or not raw.code.strip() or not raw.name.strip():
        return reject("answer-expected-school")
    return Accepted({"code": raw.code, "name": raw.name, "municipality": raw.municipality})


# --- files --------------------------------------------------------------------------------


def _file(question: FileQuestion, raw: RawAnswer) -> Outcome:
    if not isinstance(raw, FileInput):
        return reject("answer-expected-file", kind=_kinds_word(question))
    if not _kind_allowed(question, raw):
        return reject("answer-file-wrong-kind", kind=_kinds_word(question))
    if raw.size > question.max_size_mb * MEGABYTE:
        size = format_number(round(raw.size / MEGABYTE, 1))
        return reject(
            "answer-file-too-big", name=raw.name, size=size, max=format_number(question.max_size_mb)
        )
    return Accepted(
        [{"file_id": raw.file_id, "name": raw.name, "size": raw.size, "kind": raw.kind}]
    )


def _file_answer(question: FileQuestion, raw: RawAnswer, _context: _Context) -> Outcome:
    return _file(question, raw)


def _kind_allowed(question: FileQuestion, raw: FileInput) -> bool:
    """A picture sent as a document is fine where a photo is asked."""
    picture = raw.kind == "document" and raw.mime.startswith("image/")
    return raw.kind in question.kinds or (picture and "photo" in question.kinds)


def _kinds_word(question: FileQuestion) -> str:
    return question.kinds[0] if len(set(question.kinds)) == 1 else "any"


def add_file(
    question: FileQuestion, pending: Sequence[Mapping[str, Any]], raw: RawAnswer
) -> list[dict[str, Any]] | Rejected:
    """Add one received file to those sent so far (``pending``, in the stored shape)."""
    if isinstance(raw, FileInput) and len(pending) >= question.max_files:
        return overridden(question, reject("answer-files-too-many", max=question.max_files))
    outcome = _file(question, raw)
    if isinstance(outcome, Rejected):
        return overridden(question, outcome)
    return [*map(dict, pending), *outcome.value]


def finish_files(question: FileQuestion, pending: Sequence[Mapping[str, Any]]) -> Outcome:
    """«Готово»: the files become the answer; none is a skip (refused when required)."""
    if not pending:
        outcome = reject("answer-files-none") if question.required else Accepted(None)
        return with_override(question, outcome)
    return Accepted([dict(item) for item in pending])


# --- multiple choice ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Selection:
    """Options ticked so far (``OTHER`` among them when «Другое» is ticked) and its text."""

    values: tuple[str, ...] = ()
    other: str | None = None

    @classmethod
    def from_answer(cls, value: Any) -> Selection:
        """Start from a stored answer, to let a person change it."""
        if isinstance(value, list):
            return cls(tuple(str(item) for item in value))
        if isinstance(value, dict):
            chosen = tuple(str(item) for item in value.get("selected", []))
            other = value.get("other")
            return cls((*chosen, OTHER), str(other)) if other else cls(chosen)
        return cls()

    def answer(self) -> Any:
        """The stored shape: a list, or a dict when «Другое» was written."""
        chosen = [value for value in self.values if value != OTHER]
        return {"selected": chosen, "other": self.other} if self.other else chosen


def toggle_option(
    question: MultipleChoiceQuestion,
    selection: Selection,
    value: str,
    *,
    answers: Answers | None = None,
) -> Selection | Rejected:
    """Tick or untick an option; refuses an unknown value and a tick above ``max_selected``."""
    known = {option.value for option in options_for(question, answers or {})}
    if value not in known and not (value == OTHER and question.other):
        return reject("answer-choice-unknown")
    if value in selection.values:
        left = tuple(item for item in selection.values if item != value)
        return Selection(left, None if value == OTHER else selection.other)
    return _tick(question, selection, value, selection.other)


def _tick(
    question: MultipleChoiceQuestion, selection: Selection, value: str, other: str | None
) -> Selection | Rejected:
    limit = question.max_selected
    if limit is not None and len(selection.values) >= limit:
        return overridden(question, reject("answer-choice-too-many", max=limit))
    order = [option.value for option in question.options] + [OTHER]
    values = sorted({*selection.values, value}, key=lambda item: _position(order, item))
    return Selection(tuple(values), other)


def _position(order: list[str], value: str) -> int:
    return order.index(value) if value in order else len(order)


def type_other(
    question: MultipleChoiceQuestion, selection: Selection, text: str
) -> Selection | Rejected:
    """The text of «Другое»: ticks «Другое» if it was not ticked yet."""
    if not question.other:
        return reject("answer-expected-selection")
    outcome = text_value(text, None, OTHER_TEXT_LIMIT)
    if isinstance(outcome, Rejected):
        return outcome
    if OTHER in selection.values:
        return Selection(selection.values, outcome.value)
    return _tick(question, selection, OTHER, outcome.value)


def finish_selection(
    question: MultipleChoiceQuestion,
    selection: Selection,
    *,
    today: date | None = None,
    answers: Answers | None = None,
) -> Outcome:
    """«Готово»: check the number of ticks, that «Другое» has its text, the constraint."""
    outcome = _finish(question, selection)
    outcome = constrained(question, outcome, today or date.today(), answers or {})
    return with_override(question, outcome)


def _finish(question: MultipleChoiceQuestion, selection: Selection) -> Outcome:
    count = len(selection.values)
    low, high = question.min_selected, question.max_selected
    if count == 0:
        return (
            reject("answer-choice-too-few", min=low or 1) if question.required else Accepted(None)
        )
    if OTHER in selection.values and not selection.other:
        return reject("answer-other-prompt")
    if low is not None and count < low:
        return reject("answer-choice-too-few", min=low)
    if high is not None and count > high:
        return reject("answer-choice-too-many", max=high)
    return Accepted(selection.answer())


_CHECKS: dict[type[Any], Callable[[Any, RawAnswer, _Context], Outcome]] = {
    TextQuestion: _text,
    IntegerQuestion: _number,
    DecimalQuestion: _number,
    SingleChoiceQuestion: _single_choice,
    MultipleChoiceQuestion: _multiple_choice,
    YesNoQuestion: _yes_no,
    RatingQuestion: _rating,
    DateQuestion: _date,
    PhoneQuestion: _phone,
    EmailQuestion: _email,
    SchoolQuestion: _school,
    FileQuestion: _file_answer,
    NoteQuestion: _note,
}


# --- what a question expects --------------------------------------------------------------

_EXPECTED: dict[type[Any], str] = {
    TextQuestion: "answer-expected-text",
    IntegerQuestion: "answer-expected-integer",
    DecimalQuestion: "answer-expected-decimal",
    SingleChoiceQuestion: "answer-expected-button",
    MultipleChoiceQuestion: "answer-expected-selection",
    YesNoQuestion: "answer-expected-yes-no",
    RatingQuestion: "answer-expected-button",
    DateQuestion: "answer-expected-date",
    PhoneQuestion: "answer-expected-phone",
    EmailQuestion: "answer-expected-email",
    SchoolQuestion: "answer-expected-school",
    NoteQuestion: "answer-expected-next",
}


def expected(question: Question) -> Rejected:
    """The answer to a message of a kind no question takes (a sticker, a voice message…)."""
    if isinstance(question, FileQuestion):
        return overridden(question, reject("answer-expected-file", kind=_kinds_word(question)))
    return overridden(question, reject(_EXPECTED[type(question)]))
