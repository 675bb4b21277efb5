"""Problems: what went wrong, as a message id with parameters, and where.

A problem is shown to a person through ``problem_text``; code never holds the text.
Answer problems (a number out of range) have no place; problems of form files
(a YAML key, an Excel cell) carry a ``Place``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

ParamValue = str | int | float


class Translate(Protocol):
    """Anything that turns a message id and parameters into text (``forms.i18n.Translator``)."""

    def __call__(self, message_id: str, /, **params: Any) -> str: ...


@dataclass(frozen=True, slots=True)
class Place:
    """Where a problem of a form file is: the file, then a YAML key path or an Excel cell."""

    file: str
    path: str | None = None
    line: int | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None


@dataclass(frozen=True, slots=True)
class Problem:
    """A message id with its parameters; ``override`` replaces the text when set."""

    message_id: str
    params: Mapping[str, ParamValue] = field(default_factory=dict)
    override: str | None = None
    place: Place | None = None


def problem_text(problem: Problem, t: Translate) -> str:
    """The text of a problem, with its place in front when it has one."""
    text = problem.override or t(problem.message_id, **problem.params)
    if problem.place is None:
        return text
    return t("problem-with-place", place=place_text(problem.place, t), text=text)


def place_text(place: Place, t: Translate) -> str:
    """«demo.yaml, строка 12 (questions[3].show_if)» or «anketa.xlsx, лист «survey», строка 5»."""
    parts = [place.file]
    if place.line is not None:
        parts.append(t("place-line", line=str(place.line)))
    if place.sheet is not None:
        parts.append(t("place-sheet", sheet=place.sheet))
    if place.row is not None:
        parts.append(t("place-row", row=str(place.row)))
    if place.column is not None:
        parts.append(t("place-column", column=place.column))
    text = ", ".join(parts)
    if place.path:
        text = t("place-with-path", place=text, path=place.path)
    return text


class FormError(Exception):
    """A form (or targets) file cannot be used; ``problems`` say what and where."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in a form file")
