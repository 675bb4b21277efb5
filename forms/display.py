"""Answers written for people: the review screen, the thank-you summary, the registers."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from forms.conditions import selected_values
from forms.expr import TEXT_REFERENCE
from forms.problems import Translate
from forms.questions import (
    OTHER,
    CalculateQuestion,
    ChoiceQuestion,
    DateQuestion,
    DecimalQuestion,
    FileQuestion,
    MultipleChoiceQuestion,
    NoteQuestion,
    PhoneQuestion,
    Question,
    RatingQuestion,
    SchoolQuestion,
    SingleChoiceQuestion,
    YesNoQuestion,
)
from forms.values import format_date, format_number, pretty_phone

if TYPE_CHECKING:
    from forms.schema import Form

OTHER_SUFFIX = "_other"


def fill(text: str, form: Form, values: Mapping[str, Any], t: Translate) -> str:
    """``${field}`` in a label or a hint replaced by the answer as the review shows it (an
    option's label, a date as 01.09.2025); empty while unanswered. ``values`` are those the
    question sees (``Shown.scope``): inside a repeat, this entry's under the plain ids."""
    if "${" not in text:
        return text
    return TEXT_REFERENCE.sub(lambda match: _shown_value(match.group(1), form, values, t), text)


def _shown_value(name: str, form: Form, values: Mapping[str, Any], t: Translate) -> str:
    value = values.get(name)
    if value is None and name.endswith(OTHER_SUFFIX):
        base = values.get(name[: -len(OTHER_SUFFIX)])
        return str(base.get("other", "")) if isinstance(base, dict) else ""
    if value is None:
        return ""
    question = next((q for q in form.every_question() if q.id == name), None)
    if question is None or isinstance(question, CalculateQuestion | NoteQuestion):
        return format_number(value) if isinstance(value, int | float) else str(value)
    return format_answer(question, value, t)


def format_answer(question: Question, value: Any, t: Translate) -> str:
    """A stored value as Russian text: «a; b; Другое: …», «01.09.2025», «Да», «4 из 5»."""
    if isinstance(question, NoteQuestion):
        return ""
    if value is None:
        return t("answer-skipped")
    return _formatted(question, value, t)


def _formatted(question: Question, value: Any, t: Translate) -> str:
    show = _SHOW.get(type(question))
    return show(question, value, t) if show is not None else str(value)


def _yes_no(_question: YesNoQuestion, value: Any, t: Translate) -> str:
    return t("answer-yes") if value else t("answer-no")


def _rating(question: RatingQuestion, value: Any, t: Translate) -> str:
    return t("answer-rating", value=str(value), max=question.max)


def _decimal(_question: DecimalQuestion, value: Any, _t: Translate) -> str:
    return format_number(float(value))


def _phone(_question: PhoneQuestion, value: Any, _t: Translate) -> str:
    return pretty_phone(str(value))


def _choices(question: ChoiceQuestion, value: Any, t: Translate) -> str:
    labels = [_label(question, item) for item in selected_values(value) if item != OTHER]
    other = value.get("other") if isinstance(value, dict) else None
    if other:
        labels.append(t("answer-other", text=str(other)))
    separator = "; " if isinstance(question, MultipleChoiceQuestion) else ", "
    return separator.join(labels)


def _label(question: ChoiceQuestion, value: str) -> str:
    option = question.option(value)
    return option.label if option is not None else value


def _date(_question: DateQuestion, value: Any, _t: Translate) -> str:
    try:
        return format_date(date.fromisoformat(str(value)))
    except ValueError:
        return str(value)


def _school(_question: SchoolQuestion, value: Any, t: Translate) -> str:
    if not isinstance(value, dict):
        return str(value)
    name, municipality = str(value.get("name", "")), str(value.get("municipality", ""))
    return t("answer-school", name=name, municipality=municipality) if municipality else name


def _files(_question: FileQuestion, value: Any, t: Translate) -> str:
    files = value if isinstance(value, list) else []
    names = ", ".join(str(item.get("name", "")) for item in files if isinstance(item, dict))
    return t("answer-files", count=len(files), names=names)


_SHOW: dict[type[Any], Callable[[Any, Any, Translate], str]] = {
    SingleChoiceQuestion: _choices,
    MultipleChoiceQuestion: _choices,
    YesNoQuestion: _yes_no,
    RatingQuestion: _rating,
    DateQuestion: _date,
    DecimalQuestion: _decimal,
    PhoneQuestion: _phone,
    SchoolQuestion: _school,
    FileQuestion: _files,
}
