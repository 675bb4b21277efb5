"""A streamed workbook for registers: xlsxwriter in ``constant_memory`` mode.

Each row goes to a temporary file as soon as the next one is started, so memory holds one row
per sheet whatever the register's size; xlsxwriter builds a cell in about half the time
openpyxl's write-only workbook does (see the README, «Excel registers»). Rows of a sheet are
written in order; sheets may be written in turns (the register and its repeats are).

The cells follow the same rules as ``exports.cells.CellFactory`` (openpyxl, for the small
workbooks): text is cleaned and cut, text a spreadsheet could take for a formula is a string
with a quote prefix (every text is written with ``write_string``, never ``write``, which
would turn ``=…`` into a formula), times are local and naive, dates are dates.

Two things xlsxwriter does not do in this mode, and how they are done here:

- **Tables.** ``add_table`` refuses in ``constant_memory`` mode (XlsxWriter#627, "won't
  fix"): it writes the header cells itself and records every cell of the range to detect
  overlaps, neither of which works once rows are on disk. ``StreamedWorksheet.add_streamed_table``
  writes the header row first, as an ordinary row, and adds the table after the last row:
  it runs ``add_table`` with the mode switched off for the call, over the header and one
  row (it visits every cell of its range: 2.7 million for 100,000 rows), drops the header
  cells it wrote (the streamed ones stay) and extends the table's range to the last row.
- **Links relative to the file** (``files/7/a.pdf``): xlsxwriter writes them as Windows paths
  (``files\\7\\a.pdf``); ``_FileLink`` keeps the path as given, as openpyxl wrote it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO
from zoneinfo import ZoneInfo

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.url import Url
from xlsxwriter.utility import _preserve_whitespace, xl_range
from xlsxwriter.worksheet import Worksheet, convert_column_args

from exports.cells import (
    DATE_FORMAT,
    DATETIME_FORMAT,
    LINK_COLOR,
    PLAIN,
    Link,
    Look,
    clean_text,
    local_time,
    needs_guard,
)
from exports.rowxml import RowXml

PIXELS_PER_CHARACTER = 7
"""Of the default font (Calibri 11): a width in characters is given to xlsxwriter in pixels,
so that the file holds the width itself (``set_column`` adds Excel's 5-pixel cell padding,
openpyxl did not: the columns keep the widths they had)."""
LINKS_LIMIT = 65_530
"""Excel's limit of hyperlinks per worksheet: beyond it a link is written as its text."""
TABLE_STYLE = "Table Style Medium 2"


@dataclass(frozen=True, slots=True)
class Style:
    """The formats of one look, found once for a column (not per cell): as it is, with a
    quote prefix (text that looks like a formula), and with the date and time formats that
    dates and times take when the look has no number format."""

    look: Look
    plain: Format | None
    guarded: Format | None
    moment: Format | None
    day: Format | None
    plain_s: str = ""
    """The ``s`` attribute of a cell in each of the formats (`` s="3"``; empty for the
    default one, None for no format): what ``exports.rowxml`` writes."""
    guarded_s: str = ""
    moment_s: str | None = None
    day_s: str | None = None


class StreamedBook:
    """A ``constant_memory`` workbook whose cells are made from plain values and ``Look``s."""

    fast_rows = True
    """Rows written by ``exports.rowxml`` when it can (False: every cell by xlsxwriter, as
    the tests compare)."""

    def __init__(self, out: BinaryIO | Path, zone: ZoneInfo, cut_mark: str) -> None:
        self.book = xlsxwriter.Workbook(
            str(out) if isinstance(out, Path) else out, {"constant_memory": True}
        )
        self.zone = zone
        self.cut_mark = cut_mark
        self._formats: dict[tuple[Look, bool, bool], Format | None] = {}

    def sheet(self, name: str) -> StreamedSheet:
        worksheet = self.book.add_worksheet(name, worksheet_class=StreamedWorksheet)
        assert isinstance(worksheet, StreamedWorksheet)
        return StreamedSheet(self, worksheet)

    def close(self) -> None:
        self.book.close()

    def style(self, look: Look) -> Style:
        plain, guarded = self.format(look), self.format(look, guard=True)
        moment = self.format(_dated(look, DATETIME_FORMAT))
        day = self.format(_dated(look, DATE_FORMAT))
        return Style(
            look,
            plain,
            guarded,
            moment,
            day,
            _attribute(plain),
            _attribute(guarded),
            None if moment is None else _attribute(moment),
            None if day is None else _attribute(day),
        )

    def format(self, look: Look, guard: bool = False, link: bool = False) -> Format | None:
        """The workbook's format of a look (None: the default one), made once. Looks are the
        exports' constants and the formats of their columns, never values from the rows, so
        these are a few dozen whatever the register (tests/exports/test_xlsx.py)."""
        key = (look, guard, link)
        if key not in self._formats:
            properties = _properties(look, guard, link)
            self._formats[key] = self._new_format(properties) if properties else None
        return self._formats[key]

    def _new_format(self, properties: dict[str, Any]) -> Format:
        """A format with its index in the workbook's list (``s`` of a cell) given now, not at
        its first cell as xlsxwriter would: a row written by ``exports.rowxml`` and the same
        row written by xlsxwriter then have the same ``s``, whatever order they come in."""
        made = self.book.add_format(properties)
        made._get_xf_index()
        return made

    @property
    def format_count(self) -> int:
        return len(self._formats)


def _attribute(made: Format | None) -> str:
    return "" if made is None else f' s="{made._get_xf_index()}"'


def _properties(look: Look, guard: bool, link: bool) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    if look.number_format is not None:
        properties["num_format"] = look.number_format
    if look.wrap:
        properties |= {"text_wrap": True, "valign": "top"}
    if look.bold or look.large:
        properties["bold"] = True
    if look.large:
        properties["font_size"] = 14
    if guard:
        properties["quote_prefix"] = True
    if link:
        properties |= {"font_color": f"#{LINK_COLOR}", "underline": 1}
    return properties


class StreamedSheet:
    """Rows appended one after another; widths, a frozen header and a table."""

    def __init__(self, book: StreamedBook, worksheet: StreamedWorksheet) -> None:
        self.book = book
        self.worksheet = worksheet
        self.next_row = 0
        self.links = 0
        self._string = worksheet.write_string
        self._number = worksheet.write_number
        self._xml = RowXml(
            book.cut_mark, book.zone, worksheet._convert_date_time, worksheet.date_1904
        )

    def widths(self, widths: Sequence[float]) -> None:
        for index, width in enumerate(widths):
            self.worksheet.set_column_pixels(index, index, width * PIXELS_PER_CHARACTER)

    def freeze_header(self) -> None:
        self.worksheet.freeze_panes(1, 0)

    def height(self, points: float) -> None:
        """The height of the next row."""
        self.worksheet.set_row(self.next_row, points)

    def styles(self, looks: Sequence[Look]) -> list[Style]:
        return [self.book.style(look) for look in looks]

    def append(self, values: Sequence[Any], styles: Sequence[Style]) -> None:
        """One row: each value in the style of its column (None leaves the cell empty).
        Written as XML at once when ``exports.rowxml`` can (most rows), else by xlsxwriter."""
        row = self.next_row
        if self.book.fast_rows and self.worksheet.takes_row(row, len(values)):
            cells = self._xml.cells(row, values, styles)
            if cells is not None:
                self.worksheet.write_row_xml(row, *cells)
                self.next_row += 1
                return
        self.cells(row, values, styles)
        self.next_row += 1

    def cells(self, row: int, values: Sequence[Any], styles: Sequence[Style]) -> None:
        """A row through xlsxwriter's calls. Text and plain numbers, most cells, are written
        here; the rest by ``cell``."""
        for column, (value, style) in enumerate(zip(values, styles, strict=True)):
            if value is None:
                continue
            if type(value) is str:
                text = clean_text(value, self.book.cut_mark)
                form = style.guarded if needs_guard(text) else style.plain
                self._string(row, column, text, form)
            elif type(value) is int:
                self._number(row, column, value, style.plain)
            else:
                self.cell(row, column, value, style)

    def line(self, values: Sequence[Any], look: Look = PLAIN) -> None:
        self.append(values, self.styles([look] * len(values)))

    def cell(self, row: int, column: int, value: Any, style: Style) -> None:
        if isinstance(value, str):
            self.text(row, column, value, style)
        elif isinstance(value, bool):
            self.worksheet.write_boolean(row, column, value, style.plain)
        elif isinstance(value, int | float | Decimal):
            self.number(row, column, value, style)
        elif isinstance(value, datetime):
            moment = local_time(value, self.book.zone)
            self.worksheet.write_datetime(row, column, moment, style.moment)
        elif isinstance(value, date):
            self.worksheet.write_datetime(row, column, value, style.day)
        elif isinstance(value, Link):
            self.link(row, column, value, style)
        else:
            self.text(row, column, str(value), style)

    def text(self, row: int, column: int, value: str, style: Style) -> None:
        text = clean_text(value, self.book.cut_mark)
        self._string(row, column, text, style.guarded if needs_guard(text) else style.plain)

    def number(self, row: int, column: int, value: float | Decimal, style: Style) -> None:
        number = float(value) if isinstance(value, Decimal) else value
        if isinstance(number, float) and not math.isfinite(number):
            self.text(row, column, str(number), style)  # Excel has no NaN or infinity
            return
        self._number(row, column, number, style.plain)

    def link(self, row: int, column: int, link: Link, style: Style) -> None:
        text = clean_text(link.text, self.book.cut_mark)
        url = _url(link.target) if self.links < LINKS_LIMIT else None
        if url is None:
            self.text(row, column, text, style)
            return
        url.text = text
        self.links += 1
        form = self.book.format(style.look, needs_guard(text), link=True)
        self.worksheet.write_url(row, column, url, form)

    def table(self, name: str, headers: Sequence[str], rows: int) -> None:
        """An Excel table over the header (the first row) and ``rows`` rows (one empty row
        when there are none: a table cannot be only a header)."""
        self.worksheet.add_streamed_table(name, headers, max(rows, 1), TABLE_STYLE)


def _dated(look: Look, number_format: str) -> Look:
    return look if look.number_format is not None else replace(look, number_format=number_format)


def _url(target: str) -> Url | None:
    """A web or mail address as it is; anything else is a path relative to the file. None
    when Excel would refuse it (longer than it allows)."""
    try:
        if "://" in target or target.startswith("mailto:"):
            return Url(target)
        return _FileLink(target)
    except ValueError:
        return None


class _FileLink(Url):  # type: ignore[misc]
    """A link to a path relative to the file, kept with its forward slashes."""

    def __init__(self, target: str) -> None:
        super().__init__(f"external:{target}")
        self._as_given = target

    def _target(self) -> str:
        return self._as_given


class StreamedWorksheet(Worksheet):  # type: ignore[misc]
    """xlsxwriter's worksheet that can carry a table in ``constant_memory`` mode (see the
    module's docstring) and take a row already made into XML (``exports.rowxml``).
    xlsxwriter keeps the row being written in ``self.table`` (written to the temporary file
    ``self.fh`` by ``_write_single_row`` when a later row starts), the last row started in
    ``self.previous_row``, the used range in ``self.dim_*``, the tables in ``self.tables``."""

    dim_rowmin: int | None
    dim_rowmax: int | None
    dim_colmin: int | None
    dim_colmax: int | None
    column_formats = False
    """Whether a column has a format (a cell without one would take it): none of ours does."""

    def _xml_rich_inline_string(self, string: str, attributes: Any = ()) -> None:
        """xlsxwriter writes a text that starts with ``<r>`` and ends with ``</r>`` into the
        file as it is, taking it for a rich string made by ``write_rich_string``; a person's
        answer shaped so («<r>a & b</r>») made the whole register unreadable. These sheets
        have no rich strings: every text is escaped as text."""
        self._xml_inline_string(string, _preserve_whitespace(string), list(attributes))

    @convert_column_args  # type: ignore[untyped-decorator]
    def set_column_pixels(
        self,
        first_col: int,
        last_col: int,
        width: float | None = None,
        cell_format: Format | None = None,
        options: dict[str, Any] | None = None,
    ) -> int:
        if cell_format is not None:
            self.column_formats = True
        result: int = super().set_column_pixels(first_col, last_col, width, cell_format, options)
        return result

    def takes_row(self, row: int, columns: int) -> bool:
        """Whether ``write_row_xml`` may write this row: xlsxwriter would write it as a plain
        ``<row r="…">`` (no height or format of its own, default row height, no comments), it
        is after the rows written and inside the sheet's limits."""
        return (
            self.constant_memory
            and self.previous_row <= row < self.xls_rowmax
            and columns <= self.xls_colmax
            and not self.table.get(row)
            and row not in self.row_info
            and row not in self.comments
            and not self.column_formats
            and self.default_row_height == self.original_row_height
            and self.excel_version == 2007
        )

    def write_row_xml(self, row: int, cells: str, first: int, last: int) -> None:
        """Row ``row`` made of ``cells`` (``<c>`` elements of columns ``first`` to ``last``),
        written to the temporary file after the row xlsxwriter still holds, the used range
        grown as ``_check_dimensions`` grows it. Only after ``takes_row``."""
        if not cells:
            return  # xlsxwriter writes nothing for a row of no cells
        self._write_single_row(row)
        if self.dim_rowmin is None or row < self.dim_rowmin:
            self.dim_rowmin = row
        if self.dim_rowmax is None or row > self.dim_rowmax:
            self.dim_rowmax = row
        if self.dim_colmin is None or first < self.dim_colmin:
            self.dim_colmin = first
        if self.dim_colmax is None or last > self.dim_colmax:
            self.dim_colmax = last
        self.fh.write(f'<row r="{row + 1}">{cells}</row>')

    def add_streamed_table(self, name: str, headers: Sequence[str], rows: int, style: str) -> None:
        streamed = {row: dict(cells) for row, cells in self.table.items()}
        self.constant_memory = False
        try:  # over the header and one row: add_table visits every cell of its range
            result = self.add_table(
                0,
                0,
                1,
                len(headers) - 1,
                {
                    "name": name,
                    "style": style,
                    "columns": [{"header": header} for header in headers],
                },
            )
        finally:
            self.constant_memory = True
            self.table.clear()
            self.table.update(streamed)
        if result != 0:
            raise ValueError(f"xlsxwriter refused the table {name!r} ({result})")
        whole = xl_range(0, 0, rows, len(headers) - 1)
        self.tables[-1].update(range=whole, a_range=whole, autofilter=whole)
