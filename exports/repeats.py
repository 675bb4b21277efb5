"""The sheets of a register's repeats: one sheet per repeat, one row per entry.

A repeat's answers are stored under entry ids (``name[2]``, see ``forms.schema.entry_id``).
Each entry becomes a row whose first column is the response's number (the «№» of the main
sheet), then the entry's number, then a column per question of the repeat, read by the same
columns as the main sheet: an entry is a ``RegisterRow`` whose answers are that entry's,
under the ids the form file gives them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from exports.columns import About, AskedRepeat, Column, asked_repeats, columns_of, unique_headers
from exports.rows import RegisterRequest, RegisterRow
from forms.i18n import Translator
from forms.personal import is_personal
from forms.schema import entry_id, entry_numbers

SHEET_NAME_LIMIT = 31
"""Excel's longest sheet name."""
_NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")
ENTRY = "entry"
"""The key of an entry row's ``extra`` that holds the entry's number."""


@dataclass(frozen=True, slots=True)
class RepeatSheet:
    """A repeat's sheet: its name, its columns and the repeat it shows."""

    name: str
    asked: AskedRepeat
    columns: list[Column]

    def rows(self, row: RegisterRow) -> Iterator[RegisterRow]:
        """The entries of one response, as rows of this sheet."""
        for number in entry_numbers(self.asked.ids, row.answers):
            answers = {
                asked.question.id: row.answers.get(entry_id(asked.question.id, number))
                for asked in self.asked.questions
            }
            yield replace(row, answers=answers, extra={ENTRY: number})


def repeat_sheets(
    request: RegisterRequest, t: Translator, taken: Sequence[str]
) -> list[RepeatSheet]:
    repeats = asked_repeats(request.forms)
    names = sheet_names([asked.repeat.title for asked in repeats], taken)
    return [
        RepeatSheet(name, asked, _columns(asked, request, t))
        for name, asked in zip(names, repeats, strict=True)
    ]


def _columns(asked: AskedRepeat, request: RegisterRequest, t: Translator) -> list[Column]:
    title = asked.repeat.title
    columns = [
        Column(
            t("register-column-response"),
            lambda row: row.number,
            About(
                text=t("register-about-response"), kind=t("register-type-integer"), section=title
            ),
            width=10,
        ),
        Column(
            t("register-column-entry"),
            lambda row: row.extra.get(ENTRY),
            About(text=t("register-about-entry"), kind=t("register-type-integer"), section=title),
            width=8,
        ),
    ]
    for question in asked.questions:
        if request.anonymous and is_personal(question.question):
            continue
        in_repeat = [
            replace(c, about=replace(c.about, section=title))
            for c in columns_of(question, request, t)
        ]
        columns += in_repeat
    headers = unique_headers([column.header for column in columns], t)
    return [replace(column, header=header) for column, header in zip(columns, headers, strict=True)]


def sheet_names(titles: Sequence[str], taken: Sequence[str]) -> list[str]:
    """Sheet names from titles: without the characters Excel refuses, at most 31 characters,
    unique ignoring case among themselves and the ``taken`` names («Реестр (2)»)."""
    seen = {name.casefold() for name in taken}
    names = []
    for title in titles:
        base = " ".join(_NOT_IN_SHEET_NAMES.sub(" ", title).split()) or "-"
        name, copy = base[:SHEET_NAME_LIMIT], 1
        while name.casefold() in seen:
            copy += 1
            suffix = f" ({copy})"
            name = base[: SHEET_NAME_LIMIT - len(suffix)].rstrip() + suffix
        seen.add(name.casefold())
        names.append(name)
    return names
