"""Safe cells: what people typed is shown as text, never run as a formula.

Registers hold text typed by respondents. A cell that starts with ``=`` (or ``+``, ``-``,
``@``, a tab or a carriage return) could become a formula when written or edited, so such
text is written as a string cell with a quote prefix; characters Excel forbids are removed;
text over the cell limit is cut with a visible mark. Times are written in the local zone
(Excel has no zones) as real dates.

``CellFactory`` turns plain values into what ``Worksheet.append`` takes: the value itself
when it needs nothing (numbers, ordinary text), a styled cell only when it must.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font

TEXT_LIMIT = 32_000
"""Excel's limit is 32,767 characters a cell; a little is kept free for the cut mark."""
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "DD.MM.YYYY"
DATETIME_FORMAT = "DD.MM.YYYY HH:MM"
MONTH_FORMAT = "MM.YYYY"
NUMBERS = (int, float, Decimal)
GUARD_STARTS = frozenset(start[0] for start in (*FORMULA_STARTS, *ERROR_CODES))
"""The first characters of what ``needs_guard`` looks for (most text starts otherwise)."""

WRAP = Alignment(wrap_text=True, vertical="top")
BOLD = Font(bold=True)
LARGE = Font(bold=True, size=14)
LINK_COLOR = "0563C1"
LINK_FONT = Font(color=LINK_COLOR, underline="single")


@dataclass(frozen=True, slots=True)
class Link:
    """A hyperlink: the text shown and where it leads (a URL or a path next to the file)."""

    text: str
    target: str


@dataclass(frozen=True, slots=True)
class Look:
    """How the cells of a column look."""

    number_format: str | None = None
    wrap: bool = False
    bold: bool = False
    large: bool = False


PLAIN = Look()
HEADER = Look(wrap=True, bold=True)
BOLD_TEXT = Look(bold=True)
TITLE = Look(large=True)
WRAPPED = Look(wrap=True)
DATE = Look(number_format=DATE_FORMAT)
DATETIME = Look(number_format=DATETIME_FORMAT)


def clean_text(text: str, cut_mark: str) -> str:
    """The text without characters Excel forbids, cut to ``TEXT_LIMIT`` with ``cut_mark``."""
    if ILLEGAL_CHARACTERS_RE.search(text):
        text = ILLEGAL_CHARACTERS_RE.sub("", text)
    if len(text) > TEXT_LIMIT:
        text = text[: TEXT_LIMIT - len(cut_mark)] + cut_mark
    return text


def needs_guard(text: str) -> bool:
    """True for text that a spreadsheet could take for a formula or an error value."""
    return text[:1] in GUARD_STARTS and (text.startswith(FORMULA_STARTS) or text in ERROR_CODES)


def local_time(moment: datetime, zone: ZoneInfo) -> datetime:
    """A naive datetime in ``zone``; a naive ``moment`` is taken as UTC (stored times are)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone).replace(tzinfo=None)


class CellFactory:
    """Makes the cells of one worksheet (write-only or normal) from plain values."""

    def __init__(self, sheet: Any, zone: ZoneInfo, cut_mark: str) -> None:
        self.sheet = sheet
        self.zone = zone
        self.cut_mark = cut_mark

    def __call__(self, value: Any, look: Look = PLAIN) -> Any:
        """``value`` as a cell: None stays empty; str, numbers, dates, datetimes, ``Link``."""
        if isinstance(value, str):
            return self.text(value, look)
        if value is None or (look is PLAIN and isinstance(value, NUMBERS)):
            return value
        if isinstance(value, datetime):
            value = local_time(value, self.zone)
            look = _with_format(look, DATETIME_FORMAT)
        elif isinstance(value, date):
            look = _with_format(look, DATE_FORMAT)
        elif isinstance(value, Link):
            return self.link(value, look)
        elif not isinstance(value, NUMBERS):
            return self.text(str(value), look)
        return self.styled(value, look)

    def text(self, value: str, look: Look = PLAIN) -> Any:
        text = clean_text(value, self.cut_mark)
        if needs_guard(text):
            cell = self.styled(text, look)
            cell.data_type = "s"
            cell.quotePrefix = True
            return cell
        return text if look is PLAIN else self.styled(text, look)

    def link(self, link: Link, look: Look = PLAIN) -> Cell:
        cell = self.text(link.text, look)
        if not isinstance(cell, Cell):
            cell = self.styled(cell, look)
        cell.hyperlink = link.target
        cell.font = LINK_FONT
        return cell

    def styled(self, value: Any, look: Look) -> Cell:
        cell = WriteOnlyCell(self.sheet)
        if look.number_format is not None:
            cell.number_format = look.number_format  # first: a date then keeps this format
        cell.value = value
        if look.wrap:
            cell.alignment = WRAP
        if look.bold:
            cell.font = BOLD
        if look.large:
            cell.font = LARGE
        return cell

    def row(self, values: list[Any], look: Look = PLAIN) -> list[Any]:
        return [self(value, look) for value in values]


def _with_format(look: Look, number_format: str) -> Look:
    if look.number_format is not None:
        return look
    return replace(look, number_format=number_format)
