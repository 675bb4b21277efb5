"""The XLSForm template coordinators download from /forms: its rows, from
``forms/templates/xlsform.yaml``, and the columns of each sheet in their XLSForm order.
``exports.template`` writes it as a workbook, with the sheet that explains each column."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

TEMPLATE_FILE = Path(__file__).parent / "templates" / "xlsform.yaml"
SURVEY_ORDER = (
    "type",
    "name",
    "label",
    "hint",
    "required",
    "relevant",
    "constraint",
    "constraint_message",
    "appearance",
    "choice_filter",
    "repeat_count",
    "calculation",
    "default",
    "read_only",
)


@dataclass(frozen=True, slots=True)
class TemplateSheet:
    name: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@cache
def template_sheets() -> tuple[TemplateSheet, ...]:
    """survey, choices and settings, each with only the columns its rows use."""
    data: dict[str, Any] = yaml.safe_load(TEMPLATE_FILE.read_text(encoding="utf-8"))
    survey = [dict(row) for row in data["survey"]]
    choices = [dict(row) for row in data["choices"]]
    settings = [dict(data["settings"])]
    return (
        _sheet("survey", survey, SURVEY_ORDER),
        _sheet("choices", choices, ("list_name", "name", "label")),
        _sheet("settings", settings, tuple(data["settings"])),
    )


def _sheet(name: str, rows: list[dict[str, Any]], order: tuple[str, ...]) -> TemplateSheet:
    used = [column for column in order if any(column in row for row in rows)]
    values = tuple(tuple(_text(row.get(column)) for column in used) for row in rows)
    return TemplateSheet(name, tuple(used), values)


def _text(value: Any) -> str:
    return "" if value is None else str(value)


@cache
def help_keys() -> tuple[str, ...]:
    """What the sheet «Пояснения» explains, in order: sheets, columns, then types; each
    has the locale message ``template-about-<key>``."""
    data: dict[str, Any] = yaml.safe_load(TEMPLATE_FILE.read_text(encoding="utf-8"))
    return tuple(str(key) for key in data["help"])


def template_types() -> set[str]:
    """The question types the template shows: ``select_one`` of ``select_one subjects``,
    ``begin group``, ``text``…"""
    survey = template_sheets()[0]
    column = survey.columns.index("type")
    return {_type_word(row[column]) for row in survey.rows}


def _type_word(text: str) -> str:
    words = text.split()
    return " ".join(words[:2]) if words[0] in ("begin", "end") else words[0]
