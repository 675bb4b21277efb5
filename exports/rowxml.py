"""A data row's XML written in one pass, exactly as xlsxwriter writes it in ``constant_memory``.

xlsxwriter spends most of a register's time on its per-cell machinery: each ``write_*`` call
checks the cell, stores a tuple, and when the next row starts, ``_write_single_row`` turns
every stored cell into XML through several small functions (about 15 µs a cell). A register's
rows are made of a few kinds of cells, so ``RowXml`` writes such a row's ``<c>`` elements
itself, with the column letters found once and each format's ``s`` attribute found once per
column (``Style``), and ``StreamedWorksheet.write_row_xml`` puts the row in xlsxwriter's
temporary file. The text is the same, byte for byte (tests/exports/test_rowxml.py):

- text: an inline string; control characters as ``_xHHHH_`` (and a literal ``_xHHHH_``
  protected as ``_x005F_xHHHH_``) by xlsxwriter's own function, ``&<>`` escaped,
  ``xml:space="preserve"`` when the escaped text starts or ends with white space;
- numbers as ``{:.16G}``, booleans as ``t="b"`` with 1 or 0, dates and times as Excel serial
  numbers (xlsxwriter's own conversion) in the style's date or time format.

Whatever else a row holds returns None, and the row goes through xlsxwriter's calls as before:
a link (it needs the sheet's hyperlink records), a float that is not finite, a text longer than
16,383 characters (xlsxwriter then counts it in UTF-16 units, and may cut it), a subclass of
str or int, any other type. (A text that looks like ``<r>…</r>`` is escaped like any other
here and by ``StreamedWorksheet`` too: xlsxwriter would write it unescaped, as a rich string.)
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.xmlwriter import XMLwriter

from exports.cells import clean_text, local_time, needs_guard

LONG_TEXT = 32_767 // 2
"""Up to this many characters a text cannot pass Excel's limit of 32,767 UTF-16 units."""
NEEDS_ESCAPE = re.compile("[\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_")
"""What xlsxwriter's ``_escape_control_characters`` changes: found, the text goes through it."""
EPOCH = datetime(1899, 12, 31)
EPOCH_DAY = EPOCH.toordinal()


class Style(Protocol):
    """The ``s`` attribute of a column's cells in each of its formats (``exports.xlsx.Style``):
    `` s="3"``, empty for the default format, None when there is no format of ours."""

    @property
    def plain_s(self) -> str: ...
    @property
    def guarded_s(self) -> str: ...
    @property
    def moment_s(self) -> str | None: ...
    @property
    def day_s(self) -> str | None: ...


class RowXml:
    """The cells of one data row as XML, or None when a cell needs xlsxwriter itself."""

    def __init__(
        self,
        cut_mark: str,
        zone: ZoneInfo,
        excel_time: Callable[[Any], float],
        date_1904: bool = False,
    ) -> None:
        self.cut_mark = cut_mark
        self.zone = zone
        self.excel_time = excel_time
        """The worksheet's own conversion (``_convert_date_time``), for what ``serial`` leaves."""
        self.date_1904 = date_1904
        self.starts: list[str] = []
        """``<c r="A``, ``<c r="B``…: the start of a cell in each column, without its row."""

    def cells(
        self, row: int, values: Sequence[Any], styles: Sequence[Style]
    ) -> tuple[str, int, int] | None:
        """The row's cells, its first and last column; None for a row xlsxwriter must write.
        A row of no cells is ``("", -1, -1)``."""
        if len(values) != len(styles):
            return None  # xlsxwriter's path raises the error
        starts = self._starts(len(values))
        number = str(row + 1)
        parts: list[str] = []
        first = last = -1
        for column, value in enumerate(values):
            if value is None:
                continue
            style = styles[column]
            kind = type(value)
            if kind is str:
                inline = self._text(value, style)
                if inline is None:
                    return None
                parts.append(f"{starts[column]}{number}{inline}")
            elif kind is int:
                parts.append(f'{starts[column]}{number}"{style.plain_s}><v>{value:.16G}</v></c>')
            else:
                rest = self._other(value, style)
                if rest is None:
                    return None
                parts.append(f'{starts[column]}{number}"{rest}')
            if first < 0:
                first = column
            last = column
        return "".join(parts), first, last

    def _text(self, value: str, style: Style) -> str | None:
        """A text cell after its reference: cleaned and cut (``clean_text``), with a quote
        prefix when it looks like a formula (``needs_guard``), as an inline string."""
        if len(value) > LONG_TEXT or NEEDS_ESCAPE.search(value):
            value = clean_text(value, self.cut_mark)  # the rare text with more to do
            inline = inline_string(value)
        else:  # nothing to remove, cut or escape as a control character: most text
            inline = _inline(value)
        if inline is None:
            return None
        attribute = style.guarded_s if needs_guard(value) else style.plain_s
        return f'"{attribute} t="inlineStr">{inline}</c>'

    def _other(self, value: Any, style: Style) -> str | None:
        """A cell after its reference: its style, type and value; None if not one of ours."""
        if isinstance(value, bool):
            return f'{style.plain_s} t="b"><v>{1 if value else 0}</v></c>'
        if type(value) is float or isinstance(value, Decimal):
            number = float(value)
            if not math.isfinite(number):
                return None
            return f"{style.plain_s}><v>{number:.16G}</v></c>"
        if isinstance(value, datetime):
            return _dated(self._serial(local_time(value, self.zone)), style.moment_s)
        if isinstance(value, date):
            return _dated(self._serial(value), style.day_s)
        return None

    def _serial(self, moment: date) -> float:
        number = None if self.date_1904 else serial(moment)
        return self.excel_time(moment) if number is None else number

    def _starts(self, columns: int) -> list[str]:
        while len(self.starts) < columns:
            self.starts.append(f'<c r="{xl_col_to_name(len(self.starts))}')
        return self.starts


def serial(moment: date) -> float | None:
    """A naive time or a date after 1900 as an Excel serial number (1900 epoch), computed as
    xlsxwriter's ``_datetime_to_excel_datetime`` does, step for step; None for what it treats
    apart (1900 itself, the 29 February Excel believes in)."""
    if moment.year <= 1900:
        return None
    if isinstance(moment, datetime):
        delta = moment - EPOCH
        return delta.days + (float(delta.seconds) + float(delta.microseconds) / 1e6) / 86_400 + 1
    return moment.toordinal() - EPOCH_DAY + 0.0 + 1


def _dated(number: float, attribute: str | None) -> str | None:
    if attribute is None:
        return None  # no format of ours: xlsxwriter adds its default date format
    return f"{attribute}><v>{number:.16G}</v></c>"


def inline_string(text: str) -> str | None:
    """``<is><t>…</t></is>`` of an inline string as xlsxwriter writes it; None when
    xlsxwriter must write it (too long to be sure of its length)."""
    if len(text) > LONG_TEXT:
        return None
    if NEEDS_ESCAPE.search(text):
        text = XMLwriter._escape_control_characters(text)
    return _inline(text)


def _inline(text: str) -> str:
    """A text whose control characters are escaped: ``&<>`` escaped, white space at either
    end kept (``xml:space``, decided before ``&<>`` are escaped, as xlsxwriter does)."""
    preserve = text[:1].isspace() or text[-1:].isspace()
    if "&" in text or "<" in text or ">" in text:
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if preserve:
        return f'<is><t xml:space="preserve">{text}</t></is>'
    return f"<is><t>{text}</t></is>"
