"""Stored answers as cell values: numbers stay numbers, dates become dates, options their labels.

Each function takes a value as ``forms/validation.py`` stores it and tolerates a value of
another shape (an older version asked the question differently, or the value was erased to
«(удалено)»): what it cannot read is shown as text.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any
from urllib.parse import quote

from exports.cells import Link
from forms.conditions import selected_values
from forms.questions import OTHER, ChoiceQuestion, MultipleChoiceQuestion
from forms.values import pretty_phone

_RUSSIAN_PHONE = re.compile(r"\+7([349]\d\d)(\d{3})(\d\d)(\d\d)")


def as_number(value: Any) -> Any:
    if value is None or (isinstance(value, int | float) and not isinstance(value, bool)):
        return value
    return str(value)


def as_date(value: Any) -> Any:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return str(value)


def as_datetime(value: Any) -> Any:
    if value is None or isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)


def as_text(value: Any) -> str | None:
    return None if value is None else str(value)


def as_phone(value: Any) -> str | None:
    """``+7 916 123-45-67``: what ``pretty_phone`` gives, without parsing the common Russian
    numbers (parsing costs more than writing the cell; a test checks both agree)."""
    if value is None:
        return None
    text = str(value)
    match = _RUSSIAN_PHONE.fullmatch(text)
    if match is not None:
        return "+7 {} {}-{}-{}".format(*match.groups())
    return pretty_phone(text)


def as_link(value: Any) -> Any:
    """A ``(text, target)`` pair as a link; anything else as text."""
    if isinstance(value, tuple | list) and len(value) == 2:
        return Link(str(value[0]), str(value[1]))
    return as_text(value)


class YesNo:
    def __init__(self, yes: str, no: str) -> None:
        self.yes = yes
        self.no = no

    def __call__(self, value: Any) -> str | None:
        if value is None:
            return None
        if isinstance(value, bool):
            return self.yes if value else self.no
        return str(value)


class Choices:
    """The labels of a choice answer: «a; b; Другое: …» (a single choice has one label)."""

    def __init__(self, question: ChoiceQuestion, other: Callable[[str], str]) -> None:
        """``other`` shows a «Другое» text (or hides it, in the anonymised register)."""
        self.labels = {option.value: option.label for option in question.options}
        self.separator = "; " if isinstance(question, MultipleChoiceQuestion) else ", "
        self.other = other

    def __call__(self, value: Any) -> str | None:
        if value is None:
            return None
        if type(value) is str and value != OTHER:  # a single choice, the most common answer
            return self.labels.get(value, value)
        if not isinstance(value, str | list | dict):
            return str(value)
        labels = [self.labels.get(item, item) for item in selected_values(value) if item != OTHER]
        text = other_text(value)
        if text is not None:
            labels.append(self.other(text))
        return self.separator.join(labels)


def other_text(value: Any) -> str | None:
    """The «Другое» text of a choice answer, if one was written."""
    if isinstance(value, dict) and value.get("other"):
        return str(value["other"])
    return None


def option_flag(value: Any, option: str) -> int | None:
    """1 when ``option`` is selected, 0 when not, empty when the question was not answered."""
    if value is None:
        return None
    if option == OTHER:
        return int(other_text(value) is not None or OTHER in selected_values(value))
    return int(option in selected_values(value))


def school_part(value: Any, key: str) -> str | None:
    """``"name"`` or ``"municipality"`` of a school answer."""
    if value is None:
        return None
    if isinstance(value, Mapping):
        part = value.get(key)
        return None if part is None else str(part)
    return str(value) if key == "name" else None


def files_value(value: Any) -> Any:
    """File names; a link to the file (or to the folder of several) when they were saved."""
    if not isinstance(value, list):
        return as_text(value)
    files = [item for item in value if isinstance(item, Mapping)]
    names = "; ".join(str(item.get("name", "")) for item in files)
    targets = [_file_target(item) for item in files]
    if not files or not all(targets):
        return names
    target = targets[0] if len(targets) == 1 else _common_folder(targets)
    if target:
        return Link(names, target)
    return "; ".join(
        f"{item.get('name', '')} ({target})" for item, target in zip(files, targets, strict=True)
    )


def _file_target(item: Mapping[str, Any]) -> str:
    url = item.get("url")
    if url:
        return str(url)
    path = item.get("path")
    return quote(str(path).replace("\\", "/"), safe="/") if path else ""


def _common_folder(targets: list[str]) -> str:
    """The folder that holds every file, for relative paths; empty for URLs or no folder."""
    if any("://" in target or target.startswith("/") for target in targets):
        return ""
    folders = [posixpath.dirname(target) for target in targets]
    common = posixpath.commonpath(folders) if all(folders) else ""
    return f"{common}/" if common else ""
