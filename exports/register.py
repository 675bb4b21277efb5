"""The register of one form: one row per submission, streamed into a write-only workbook.

Rows are taken from the iterator one at a time and written at once, so memory does not grow
with their number. The sheets: the register itself (an Excel table with a frozen header), one
per repeat of the form (a row per entry, written as its response's row passes, see
``exports.repeats``), «Справочник» (what each column is) and «О выгрузке» (form, filters,
versions, who and when).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo

from exports.cells import HEADER, PLAIN, WRAPPED, CellFactory
from exports.columns import Column, register_columns
from exports.coverage import WIDTHS as COVERAGE_WIDTHS
from exports.coverage import coverage_rows
from exports.repeats import RepeatSheet, repeat_sheets
from exports.reviews import WIDTHS as REVIEW_WIDTHS
from exports.reviews import ReviewSheet
from exports.rows import RegisterRequest, RegisterRow
from forms.i18n import Translator

PROGRESS_EVERY = 1000
HEADER_HEIGHT = 48
TABLE_NAME = "Register"
REPEAT_TABLE = "Entries"
TABLE_STYLE = "TableStyleMedium2"
REFERENCE_WIDTHS = (40, 60, 28, 22, 50, 14, 14)
ABOUT_WIDTHS = (30, 70)


def write_register(
    request: RegisterRequest,
    rows: Iterable[RegisterRow],
    out: BinaryIO | Path,
    t: Translator,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write the register to ``out``; return the number of rows written.

    ``progress`` is called with the count every ``PROGRESS_EVERY`` rows."""
    if not request.forms:
        raise ValueError("a register needs the definition of at least one form version")
    book = Workbook(write_only=True)
    register = book.create_sheet(t("register-sheet"))
    repeats = _repeat_sheets(book, request, t)
    reference = book.create_sheet(t("register-sheet-reference"))
    about = book.create_sheet(t("register-sheet-about"))
    review = _review_sheet(book, request, t)
    columns = register_columns(request, t)
    cells = _cells(register, request, t)
    passing = _with_entries(rows, repeats, review)
    count = _write_rows(register, columns, passing, cells, progress)
    _add_table(register, columns, count)
    for number, entries in enumerate(repeats, start=1):
        _add_table(entries.sheet, entries.of.columns, entries.count, f"{REPEAT_TABLE}{number}")
    every = [*columns, *(column for entries in repeats for column in entries.of.columns)]
    _write_reference(reference, every, request, t)
    _write_about(about, request, count, t)
    if request.coverage:
        _write_coverage(book.create_sheet(t("coverage-sheet")), request, t)
    book.save(str(out) if isinstance(out, Path) else out)
    return count


class _Entries:
    """A repeat's sheet being written: its header at once, then each response's entries."""

    def __init__(self, sheet: Any, of: RepeatSheet, cells: CellFactory) -> None:
        self.sheet, self.of, self.cells = sheet, of, cells
        self.readers = _header(sheet, of.columns, cells)
        self.count = 0

    def write(self, row: RegisterRow) -> None:
        for entry in self.of.rows(row):
            self.sheet.append([self.cells(read(entry), look) for read, look in self.readers])
            self.count += 1


def _repeat_sheets(book: Workbook, request: RegisterRequest, t: Translator) -> list[_Entries]:
    """A sheet per repeat, named after it, after the register and before the reference."""
    names = (
        "register-sheet",
        "register-sheet-reference",
        "register-sheet-about",
        "coverage-sheet",
        "register-sheet-review",
    )
    repeats = []
    for of in repeat_sheets(request, t, [t(name) for name in names]):
        sheet = book.create_sheet(of.name)
        repeats.append(_Entries(sheet, of, _cells(sheet, request, t)))
    return repeats


def _review_sheet(book: Workbook, request: RegisterRequest, t: Translator) -> ReviewSheet:
    """«История проверки», after «О выгрузке»: a row per entry of each response's history."""
    sheet = book.create_sheet(t("register-sheet-review"))
    _set_widths(sheet, REVIEW_WIDTHS)
    return ReviewSheet(sheet, request, _cells(sheet, request, t), t)


def _with_entries(
    rows: Iterable[RegisterRow], repeats: list[_Entries], review: ReviewSheet
) -> Iterator[RegisterRow]:
    """The rows, each one's entries written to the repeats' sheets and its review history
    to «История проверки» as it passes."""
    for row in rows:
        for entries in repeats:
            entries.write(row)
        review.write(row)
        yield row


def _header(sheet: Any, columns: list[Column], cells: CellFactory) -> list[tuple[Any, Any]]:
    """Widths, a frozen header row; returns how each column reads and looks."""
    _set_widths(sheet, [column.width for column in columns])
    sheet.freeze_panes = "A2"
    sheet.row_dimensions[1].height = HEADER_HEIGHT
    sheet.append(cells.row([column.header for column in columns], HEADER))
    return [(column.read, column.look) for column in columns]


def _write_rows(
    sheet: Any,
    columns: list[Column],
    rows: Iterable[RegisterRow],
    cells: CellFactory,
    progress: Callable[[int], None] | None,
) -> int:
    readers = _header(sheet, columns, cells)
    count = 0
    for row in rows:
        sheet.append([cells(read(row), look) for read, look in readers])
        count += 1
        if progress is not None and count % PROGRESS_EVERY == 0:
            progress(count)
    return count


def _cells(sheet: Any, request: RegisterRequest, t: Translator) -> CellFactory:
    return CellFactory(sheet, request.zone, t("register-cut-mark"))


def _set_widths(sheet: Any, widths: Iterable[float]) -> None:
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def _add_table(sheet: Any, columns: list[Column], count: int, name: str = TABLE_NAME) -> None:
    """An Excel table over the header and the rows (and one empty row when there are none:
    a table cannot be only a header). Its columns are named here: write-only sheets cannot
    be read back to name them."""
    ref = f"A1:{get_column_letter(len(columns))}{max(count, 1) + 1}"
    table = Table(
        displayName=name,
        ref=ref,
        autoFilter=AutoFilter(ref=ref),
        tableColumns=[
            TableColumn(id=index, name=column.header)
            for index, column in enumerate(columns, start=1)
        ],
        tableStyleInfo=TableStyleInfo(name=TABLE_STYLE, showRowStripes=True),
    )
    sheet.tables.add(table)


def _write_reference(
    sheet: Any, columns: list[Column], request: RegisterRequest, t: Translator
) -> None:
    _set_widths(sheet, REFERENCE_WIDTHS)
    sheet.freeze_panes = "A2"
    cells = _cells(sheet, request, t)
    headers = [
        t("register-reference-column"),
        t("register-reference-question"),
        t("register-reference-section"),
        t("register-reference-kind"),
        t("register-reference-allowed"),
        t("register-reference-required"),
        t("register-reference-versions"),
    ]
    sheet.append(cells.row(headers, HEADER))
    for column in columns:
        about = column.about
        values = [
            column.header,
            about.text,
            about.section,
            about.kind,
            about.allowed,
            about.required,
            about.versions,
        ]
        sheet.append(cells.row([value or None for value in values], WRAPPED))


def _write_coverage(sheet: Any, request: RegisterRequest, t: Translator) -> None:
    _set_widths(sheet, COVERAGE_WIDTHS)
    sheet.freeze_panes = "A2"
    for row in coverage_rows(request.coverage, _cells(sheet, request, t), t):
        sheet.append(row)


def _write_about(sheet: Any, request: RegisterRequest, count: int, t: Translator) -> None:
    _set_widths(sheet, ABOUT_WIDTHS)
    cells = _cells(sheet, request, t)
    for label, value in _about_lines(request, count, t):
        look = WRAPPED if isinstance(value, str) else PLAIN
        sheet.append([cells(label, HEADER), cells(value, look)])


def _about_lines(request: RegisterRequest, count: int, t: Translator) -> list[tuple[str, Any]]:
    _newest, form = request.forms[0]
    info = request.info
    versions = info.versions or sorted(number for number, _form in request.forms)
    variant = "register-variant-anonymised" if request.anonymous else "register-variant-full"
    filters = [(name, value) for name, value in info.filters] or [
        (t("register-about-filters"), t("register-about-no-filters"))
    ]
    return [
        (t("register-about-form"), form.title),
        (t("register-about-form-id"), form.id),
        (t("register-about-variant"), t(variant)),
        *filters,
        (t("register-about-versions"), ", ".join(str(number) for number in versions)),
        (t("register-about-exported-at"), info.exported_at),
        (t("register-about-zone"), str(request.zone)),
        (t("register-about-exported-by"), info.exported_by),
        (t("register-about-rows"), count),
    ]
