"""The columns of a register: what each shows, how it reads a row, and how it is described.

The order: №, time sent, status, form version; the respondent (unless the form is
anonymous); one column per question of the newest version (a school adds its municipality
before it, a multiple choice may add a 1/0 column per option); questions that only older
versions asked; the workflow's extra columns.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from exports.answers import (
    Choices,
    YesNo,
    as_date,
    as_datetime,
    as_link,
    as_number,
    as_phone,
    as_text,
    files_value,
    option_flag,
    school_part,
)
from exports.cells import DATE, DATETIME, PLAIN, WRAPPED, Look, clean_text
from exports.reviews import review_status_name
from exports.rows import ExtraColumn, ExtraKind, RegisterRequest, RegisterRow
from forms.i18n import Translator
from forms.personal import is_personal
from forms.questions import (
    OTHER,
    ChoiceQuestion,
    DateQuestion,
    DecimalQuestion,
    EmailQuestion,
    FileQuestion,
    IntegerQuestion,
    MultipleChoiceQuestion,
    PhoneQuestion,
    Question,
    RatingQuestion,
    SchoolQuestion,
    TextQuestion,
    YesNoQuestion,
)
from forms.schema import Form, Repeat, Section, entry_numbers
from forms.values import format_number

HEADER_LIMIT = 120
"""Longer headers are cut (the whole question is on the «Справочник» sheet)."""
HEADER_LINES = 3
"""The header row is three lines high: a column is made wide enough to show its header."""
MAX_WIDTH = 60

Reader = Callable[[RegisterRow], Any]


@dataclass(frozen=True, slots=True)
class About:
    """A column as the «Справочник» sheet describes it."""

    text: str
    kind: str
    section: str = ""
    allowed: str = ""
    required: str = ""
    versions: str = ""


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    read: Reader
    about: About
    look: Look = PLAIN
    width: float = 16


@dataclass(slots=True)
class AskedQuestion:
    """A question of any version, with its section and the versions that asked it."""

    question: Question
    section: Section | None
    versions: list[int] = field(default_factory=list)


@dataclass(slots=True)
class AskedRepeat:
    """A repeat of any version, with the questions any version asked in it."""

    repeat: Repeat
    questions: list[AskedQuestion] = field(default_factory=list)

    @property
    def ids(self) -> frozenset[str]:
        return frozenset(asked.question.id for asked in self.questions) | {self.repeat.id}


def register_columns(request: RegisterRequest, t: Translator) -> list[Column]:
    columns = [
        *_fixed_columns(t),
        *_respondent_columns(request, t),
        *_answering_school_columns(request, t),
        *_question_columns(request, t),
        *_count_columns(request, t),
        *_extra_columns(request, t),
        *_review_columns(t),
    ]
    headers = unique_headers([column.header for column in columns], t)
    return [
        replace(column, header=header, width=_width(column.width, header))
        for column, header in zip(columns, headers, strict=True)
    ]


def _width(by_type: float, header: str) -> float:
    """The width its type needs, or more for a header that would not fit in its lines."""
    return max(by_type, min(math.ceil(len(header) / HEADER_LINES) + 3, MAX_WIDTH))


def unique_headers(headers: Sequence[str], t: Translator) -> list[str]:
    """One line each, at most ``HEADER_LIMIT`` characters, never empty, unique ignoring case
    (an Excel table needs that): a repeated header gets « (2)», « (3)»…"""
    seen: set[str] = set()
    result: list[str] = []
    for number, header in enumerate(headers, start=1):
        base = _one_line(header) or t("register-column-untitled", number=number)
        name, copy = base, 1
        while name.casefold() in seen:
            copy += 1
            name = f"{base} ({copy})"
        seen.add(name.casefold())
        result.append(name)
    return result


def _one_line(text: str) -> str:
    text = " ".join(clean_text(text, "").split())
    return text if len(text) <= HEADER_LIMIT else text[: HEADER_LIMIT - 1].rstrip() + "…"


def asked_questions(forms: Sequence[tuple[int, Form]]) -> list[AskedQuestion]:
    """Questions of the newest version in its order, then those only older versions asked."""
    asked: dict[str, AskedQuestion] = {}
    for version, form in forms:
        for question, section in form.walk():
            if not question.answerable:
                continue
            entry = asked.setdefault(question.id, AskedQuestion(question, section))
            entry.versions.append(version)
    return list(asked.values())


def asked_repeats(forms: Sequence[tuple[int, Form]]) -> list[AskedRepeat]:
    """Repeats of the newest version in its order, then those only older versions had."""
    found: dict[str, AskedRepeat] = {}
    for version, form in forms:
        for repeat in form.repeats():
            asked = found.setdefault(repeat.id, AskedRepeat(repeat))
            known = {entry.question.id: entry for entry in asked.questions}
            for question in repeat.questions:
                if not question.answerable:
                    continue
                if question.id not in known:
                    known[question.id] = AskedQuestion(question, None)
                    asked.questions.append(known[question.id])
                known[question.id].versions.append(version)
    return list(found.values())


def shows_respondent(request: RegisterRequest) -> bool:
    """Respondent columns only when no version of the form is anonymous."""
    return not any(form.anonymous for _version, form in request.forms)


# --- fixed and respondent columns -----------------------------------------------------------


def _fixed_columns(t: Translator) -> list[Column]:
    status = StatusNames(t)
    return [
        Column(
            t("register-column-number"),
            lambda row: row.number,
            _about(t, "register-about-number", "register-type-integer"),
            width=8,
        ),
        Column(
            t("register-column-sent-at"),
            lambda row: row.sent_at,
            _about(t, "register-about-sent-at", "register-type-datetime"),
            DATETIME,
            width=17,
        ),
        Column(
            t("register-column-status"),
            lambda row: status(row.status),
            _about(t, "register-about-status", "register-type-text"),
            width=18,
        ),
        Column(
            t("register-column-version"),
            lambda row: row.version,
            _about(t, "register-about-version", "register-type-integer"),
            width=10,
        ),
    ]


def _respondent_columns(request: RegisterRequest, t: Translator) -> list[Column]:
    if not shows_respondent(request):
        return []
    if request.anonymous:
        return [
            Column(
                t("register-column-pseudonym"),
                lambda row: row.pseudonym,
                _about(t, "register-about-pseudonym", "register-type-text"),
                width=16,
            )
        ]
    return [
        Column(
            t("register-column-respondent"),
            lambda row: row.respondent_name,
            _about(t, "register-about-respondent", "register-type-text"),
            width=28,
        ),
        Column(
            t("register-column-telegram-id"),
            lambda row: as_text(row.respondent_id),
            _about(t, "register-about-telegram-id", "register-type-text"),
            width=16,
        ),
    ]


def _about(t: Translator, text_id: str, kind_id: str) -> About:
    return About(text=t(text_id), kind=t(kind_id))


class StatusNames:
    """``register-status-<code>`` for known codes, the code itself for others; cached."""

    def __init__(self, t: Translator) -> None:
        self.t = t
        self.names: dict[str, str] = {}

    def __call__(self, code: str) -> str:
        name = self.names.get(code)
        if name is None:
            message_id = f"register-status-{code}"
            name = self.names[code] = self.t(message_id) if self.t.has(message_id) else code
        return name


# --- question columns -----------------------------------------------------------------------


def _question_columns(request: RegisterRequest, t: Translator) -> list[Column]:
    columns: list[Column] = []
    for asked in asked_questions(request.forms):
        if request.anonymous and is_personal(asked.question):
            continue
        columns += columns_of(asked, request, t)
    return columns


def columns_of(asked: AskedQuestion, request: RegisterRequest, t: Translator) -> list[Column]:
    question = asked.question
    header = _header(question, asked.section, t)
    about = _question_about(asked, t)
    if isinstance(question, SchoolQuestion):
        return _school_columns(question.id, header, about, t)
    if isinstance(question, ChoiceQuestion):
        return _choice_columns(question, header, about, request, t)
    convert, look, width = _plain_reader(question, t)
    key = question.id
    return [Column(header, lambda row: convert(row.answers.get(key)), about, look, width)]


def _header(question: Question, section: Section | None, t: Translator) -> str:
    if section is None:
        return question.label
    return t("register-column-in-section", section=section.title, label=question.label)


_READERS: dict[type[Any], tuple[Callable[[Any], Any], Look, float]] = {
    IntegerQuestion: (as_number, PLAIN, 12),
    DecimalQuestion: (as_number, PLAIN, 12),
    RatingQuestion: (as_number, PLAIN, 12),
    DateQuestion: (as_date, DATE, 12),
    PhoneQuestion: (as_phone, PLAIN, 18),
    EmailQuestion: (as_text, PLAIN, 26),
    FileQuestion: (files_value, PLAIN, 30),
}


def _plain_reader(question: Question, t: Translator) -> tuple[Callable[[Any], Any], Look, float]:
    """How a question of a one-column type is read, how it looks and how wide it is."""
    if isinstance(question, YesNoQuestion):
        return YesNo(t("register-yes"), t("register-no")), PLAIN, 10
    if isinstance(question, TextQuestion) and question.multiline:
        return as_text, WRAPPED, 50
    return _READERS.get(type(question), (as_text, PLAIN, 30))


def _answering_school_columns(request: RegisterRequest, t: Translator) -> list[Column]:
    """A school's form: the school that answered (one row per school and period)."""
    if not request.forms or request.forms[0][1].respondent != "school":
        return []
    about = _about(t, "register-about-answering-school", "register-type-school")
    municipality = Column(
        t("register-column-school-municipality"),
        lambda row: school_part(row.school, "municipality"),
        replace(about, kind=t("register-type-municipality")),
        width=22,
    )
    school = Column(
        t("register-column-answering-school"),
        lambda row: school_part(row.school, "name"),
        about,
        width=36,
    )
    return [municipality, school]


def _school_columns(key: str, header: str, about: About, t: Translator) -> list[Column]:
    municipality = Column(
        t("register-column-municipality", label=header),
        lambda row: school_part(row.answers.get(key), "municipality"),
        replace(about, kind=t("register-type-municipality")),
        width=22,
    )
    name = Column(header, lambda row: school_part(row.answers.get(key), "name"), about, width=36)
    return [municipality, name]


def _choice_columns(
    question: ChoiceQuestion,
    header: str,
    about: About,
    request: RegisterRequest,
    t: Translator,
) -> list[Column]:
    if request.anonymous:
        hidden = t("register-other-hidden")
        choices = Choices(question, lambda _text: hidden)
    else:
        choices = Choices(question, _other_text(t))
    key = question.id
    multiple = isinstance(question, MultipleChoiceQuestion)
    main = Column(
        header, lambda row: choices(row.answers.get(key)), about, width=36 if multiple else 24
    )
    if not (multiple and request.one_hot):
        return [main]
    return [main, *_option_columns(question, header, about, t)]


def _other_text(t: Translator) -> Callable[[str], str]:
    """«Другое: …», formatted once around a placeholder (formatting every answer costs more)."""
    before, _placeholder, after = t("register-other", text=_PLACEHOLDER).partition(_PLACEHOLDER)
    return lambda text: f"{before}{text}{after}"


_PLACEHOLDER = "\x00"


def _option_columns(
    question: ChoiceQuestion, header: str, about: About, t: Translator
) -> list[Column]:
    options = [(option.value, option.label) for option in question.options]
    if question.other:
        options.append((OTHER, t("register-option-other")))
    flag_about = replace(
        about, kind=t("register-type-flag"), allowed=t("register-allowed-flag"), required=""
    )
    return [
        Column(
            t("register-column-option", label=header, option=label),
            _flag_reader(question.id, value),
            replace(flag_about, text=f"{about.text} — {label}"),
            width=12,
        )
        for value, label in options
    ]


def _flag_reader(key: str, option: str) -> Reader:
    return lambda row: option_flag(row.answers.get(key), option)


# --- what the «Справочник» says about a question ----------------------------------------


def _question_about(asked: AskedQuestion, t: Translator) -> About:
    question = asked.question
    return About(
        text=question.label,
        kind=_kind(question, t),
        section=asked.section.title if asked.section is not None else "",
        allowed=_allowed(question, t),
        required=t("register-yes") if question.required else t("register-no"),
        versions=", ".join(str(version) for version in sorted(asked.versions)),
    )


def _kind(question: Question, t: Translator) -> str:
    if isinstance(question, RatingQuestion):
        return t("register-type-rating", min=str(question.min), max=str(question.max))
    if isinstance(question, TextQuestion) and question.multiline:
        return t("register-type-long-text")
    return t(f"register-type-{question.type.replace('_', '-')}")


def _allowed(question: Question, t: Translator) -> str:
    if isinstance(question, ChoiceQuestion):
        labels = [option.label for option in question.options]
        if question.other:
            labels.append(t("register-allowed-other"))
        return "; ".join(labels)
    if isinstance(question, RatingQuestion):
        ends = ((question.min, question.min_label), (question.max, question.max_label))
        return " – ".join(_scale_end(value, label, t) for value, label in ends)
    if isinstance(question, IntegerQuestion | DecimalQuestion):
        return _bounds(question.min, question.max, t)
    if isinstance(question, YesNoQuestion):
        return f"{t('register-yes')}; {t('register-no')}"
    return ""


def _scale_end(value: int, label: str, t: Translator) -> str:
    return t("register-allowed-scale-end", value=str(value), label=label) if label else str(value)


def _bounds(low: float | None, high: float | None, t: Translator) -> str:
    if low is not None and high is not None:
        return t("register-allowed-range", min=format_number(low), max=format_number(high))
    if low is not None:
        return t("register-allowed-min", min=format_number(low))
    if high is not None:
        return t("register-allowed-max", max=format_number(high))
    return ""


# --- repeats ------------------------------------------------------------------------------


def _count_columns(request: RegisterRequest, t: Translator) -> list[Column]:
    """On the main sheet: how many entries each repeat has in the response."""
    return [_count_column(asked, t) for asked in asked_repeats(request.forms)]


def _count_column(asked: AskedRepeat, t: Translator) -> Column:
    ids, title = asked.ids, asked.repeat.title
    about = About(text=t("register-about-entries", title=title), kind=t("register-type-integer"))
    return Column(
        t("register-column-entries", title=title),
        lambda row: len(entry_numbers(ids, row.answers)),
        about,
        width=12,
    )


# --- workflow columns -----------------------------------------------------------------------

_EXTRA_READERS: dict[ExtraKind, tuple[Callable[[Any], Any], Look, float]] = {
    "text": (as_text, PLAIN, 24),
    "number": (as_number, PLAIN, 12),
    "date": (as_date, DATE, 12),
    "datetime": (as_datetime, DATETIME, 17),
    "link": (as_link, PLAIN, 30),
}


def _review_columns(t: Translator) -> list[Column]:
    """The review's status and its last comment (the history has its own sheet)."""
    names: dict[str, str] = {}

    def status(row: RegisterRow) -> str:
        code = row.review_status
        if code not in names:
            names[code] = review_status_name(t, code)
        return names[code]

    return [
        Column(
            t("register-column-review-status"),
            status,
            _about(t, "register-about-review-status", "register-type-text"),
            width=18,
        ),
        Column(
            t("register-column-review-comment"),
            lambda row: row.review_comment,
            _about(t, "register-about-review-comment", "register-type-text"),
            WRAPPED,
            width=40,
        ),
    ]


def _extra_columns(request: RegisterRequest, t: Translator) -> list[Column]:
    return [
        _extra_column(extra, t)
        for extra in request.extra_columns
        if not (request.anonymous and extra.personal)
    ]


def _extra_column(extra: ExtraColumn, t: Translator) -> Column:
    convert, look, width = _EXTRA_READERS[extra.kind]
    key = extra.id
    about = About(text=t("register-about-extra"), kind=t(f"register-type-extra-{extra.kind}"))
    return Column(extra.title, lambda row: convert(row.extra.get(key)), about, look, width)
