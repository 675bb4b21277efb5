"""The register of one form: one row per submission, streamed into the workbook.

Rows are taken from the iterator one at a time and written at once into a ``constant_memory``
workbook (``exports.xlsx``, xlsxwriter), so memory does not grow with their number. The
sheets: the register itself (an Excel table with a frozen header), one per repeat of the
form (a row per entry, written as its response's row passes, see ``exports.repeats``),
«Справочник» (what each column is), «О выгрузке» (form, filters, versions, who and when) and
«Охват» when the form had campaigns.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from exports.cells import HEADER, PLAIN, WRAPPED
from exports.columns import Column, register_columns
from exports.coverage import WIDTHS as COVERAGE_WIDTHS
from exports.coverage import coverage_rows
from exports.repeats import RepeatSheet, repeat_sheets
from exports.reviews import WIDTHS as REVIEW_WIDTHS
from exports.reviews import ReviewSheet
from exports.rows import RegisterRequest, RegisterRow
from exports.xlsx import StreamedBook, StreamedSheet, Style
from forms.i18n import Translator

PROGRESS_EVERY = 1000
HEADER_HEIGHT = 48
TABLE_NAME = "Register"
REPEAT_TABLE = "Entries"
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
    book = StreamedBook(out, request.zone, t("register-cut-mark"))
    register = book.sheet(t("register-sheet"))
    repeats = _repeat_sheets(book, request, t)
    reference = book.sheet(t("register-sheet-reference"))
    about = book.sheet(t("register-sheet-about"))
    review = _review_sheet(book, request, t)
    columns = register_columns(request, t)
    passing = _with_entries(rows, repeats, review)
    count = _write_rows(register, columns, passing, progress)
    _add_table(register, columns, count)
    for number, entries in enumerate(repeats, start=1):
        _add_table(entries.sheet, entries.of.columns, entries.count, f"{REPEAT_TABLE}{number}")
    every = [*columns, *(column for entries in repeats for column in entries.of.columns)]
    _write_reference(reference, every, t)
    _write_about(about, request, count, t)
    if request.coverage:
        _write_coverage(book.sheet(t("coverage-sheet")), request, t)
    book.close()
    return count


class _Entries:
    """A repeat's sheet being written: its header at once, then each response's entries."""

    def __init__(self, sheet: StreamedSheet, of: RepeatSheet) -> None:
        self.sheet, self.of = sheet, of
        self.readers, self.styles = _header(sheet, of.columns)
        self.count = 0

    def write(self, row: RegisterRow) -> None:
        for entry in self.of.rows(row):
            self.sheet.append([read(entry) for read in self.readers], self.styles)
            self.count += 1


def _repeat_sheets(book: StreamedBook, request: RegisterRequest, t: Translator) -> list[_Entries]:
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
        repeats.append(_Entries(book.sheet(of.name), of))
    return repeats


def _review_sheet(book: StreamedBook, request: RegisterRequest, t: Translator) -> ReviewSheet:
    """«История проверки», after «О выгрузке»: a row per entry of each response's history."""
    sheet = book.sheet(t("register-sheet-review"))
    sheet.widths(REVIEW_WIDTHS)
    return ReviewSheet(sheet, request, t)


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


def _header(
    sheet: StreamedSheet, columns: list[Column]
) -> tuple[list[Callable[[RegisterRow], Any]], list[Style]]:
    """Widths, a frozen header row; returns how each column reads and looks."""
    sheet.widths([column.width for column in columns])
    sheet.freeze_header()
    sheet.height(HEADER_HEIGHT)
    sheet.line([column.header for column in columns], HEADER)
    return [column.read for column in columns], sheet.styles([column.look for column in columns])


def _write_rows(
    sheet: StreamedSheet,
    columns: list[Column],
    rows: Iterable[RegisterRow],
    progress: Callable[[int], None] | None,
) -> int:
    readers, styles = _header(sheet, columns)
    count = 0
    for row in rows:
        sheet.append([read(row) for read in readers], styles)
        count += 1
        if progress is not None and count % PROGRESS_EVERY == 0:
            progress(count)
    return count


def _add_table(
    sheet: StreamedSheet, columns: list[Column], count: int, name: str = TABLE_NAME
) -> None:
    sheet.table(name, [column.header for column in columns], count)


def _write_reference(sheet: StreamedSheet, columns: list[Column], t: Translator) -> None:
    sheet.widths(REFERENCE_WIDTHS)
    sheet.freeze_header()
    headers = [
        t("register-reference-column"),
        t("register-reference-question"),
        t("register-reference-section"),
        t("register-reference-kind"),
        t("register-reference-allowed"),
        t("register-reference-required"),
        t("register-reference-versions"),
    ]
    sheet.line(headers, HEADER)
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
        sheet.line([value or None for value in values], WRAPPED)


def _write_coverage(sheet: StreamedSheet, request: RegisterRequest, t: Translator) -> None:
    sheet.widths(COVERAGE_WIDTHS)
    sheet.freeze_header()
    for row in coverage_rows(request.coverage, t):
        sheet.append([value for value, _look in row], sheet.styles([look for _value, look in row]))


def _write_about(sheet: StreamedSheet, request: RegisterRequest, count: int, t: Translator) -> None:
    sheet.widths(ABOUT_WIDTHS)
    for label, value in _about_lines(request, count, t):
        look = WRAPPED if isinstance(value, str) else PLAIN
        sheet.append([label, value], sheet.styles([HEADER, look]))


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
