"""The streamed workbook of registers (xlsxwriter, constant_memory) read back with openpyxl."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook

from exports import xlsx
from exports.cells import DATE, DATETIME_FORMAT, HEADER, PLAIN, WRAPPED, Link
from exports.xlsx import StreamedBook
from tests.exports.helpers import MOSCOW

MARK = "… (обрезано)"


def streamed(rows: list[list[Any]], table: bool = True) -> tuple[Any, StreamedBook]:
    """``rows`` under a header of three columns, a table over them; read back."""
    buffer = io.BytesIO()
    book = StreamedBook(buffer, MOSCOW, MARK)
    sheet = book.sheet("Лист")
    sheet.widths([8, 50, 12])
    sheet.freeze_header()
    sheet.line(["А", "Б", "В"], HEADER)
    styles = sheet.styles([PLAIN, WRAPPED, DATE])
    for row in rows:
        sheet.append(row, styles)
    if table:
        sheet.table("Register", ["А", "Б", "В"], len(rows))
    book.close()
    return load_workbook(io.BytesIO(buffer.getvalue())).worksheets[0], book


def test_formats_are_made_per_look_not_per_row() -> None:
    few = [[n, f"текст {n}", date(2025, 9, 1)] for n in range(10)]
    many = [
        [n, "=опасно" if n % 3 else datetime(2025, 9, 1, tzinfo=UTC), date(2025, 9, 1)]
        for n in range(3_000)
    ]
    _sheet, small = streamed(few)
    _sheet, large = streamed(few + many)
    assert large.format_count == small.format_count
    assert large.format_count <= 4 * 4  # four looks: as they are, guarded, time, date


def test_a_table_over_rows_already_on_disk() -> None:
    rows = [[n, f"строка {n}", None] for n in range(1, 2_501)]
    sheet, _book = streamed(rows)
    table = sheet.tables["Register"]
    assert table.ref == "A1:C2501"
    assert table.autoFilter.ref == "A1:C2501"
    assert table.column_names == ["А", "Б", "В"]
    assert [cell.value for cell in sheet[1]] == ["А", "Б", "В"]
    assert sheet[1][0].font.bold
    assert sheet[1][0].alignment.wrap_text
    assert [cell.value for cell in sheet[2501]] == [2500, "строка 2500", None]
    assert sheet.freeze_panes == "A2"


def test_a_table_with_no_rows_covers_one_empty_row() -> None:
    sheet, _book = streamed([])
    assert sheet.tables["Register"].ref == "A1:C2"
    assert [cell.value for cell in sheet[1]] == ["А", "Б", "В"]


def test_widths_are_kept_as_given() -> None:
    sheet, _book = streamed([[1, "a", None]])
    assert [sheet.column_dimensions[letter].width for letter in "ABC"] == [8, 50, 12]


def test_values_keep_their_kinds() -> None:
    moment = datetime(2025, 1, 1, 21, 30, tzinfo=UTC)  # 00:30 the next day in Moscow
    sheet, _book = streamed(
        [[Decimal("2.25"), moment, date(2025, 9, 1)], [True, float("nan"), "2025"]]
    )
    first, second = sheet[2], sheet[3]
    assert first[0].value == 2.25
    assert first[1].value == datetime(2025, 1, 2, 0, 30)
    assert first[1].number_format == DATETIME_FORMAT
    assert first[1].alignment.wrap_text  # the column's look, with the time's format
    assert first[2].is_date
    assert second[0].value is True
    assert second[1].value == "nan"
    assert second[2].value == "2025"
    assert second[2].data_type == "s"


def test_text_is_cleaned_cut_and_never_a_formula() -> None:
    sheet, _book = streamed([["=1+2", "а\x00б", "я" * 40_000]], table=False)
    cells = sheet[2]
    assert cells[0].value == "=1+2"
    assert cells[0].data_type == "s"
    assert cells[0].quotePrefix
    assert cells[1].value == "аб"
    assert not cells[1].quotePrefix
    assert cells[2].value.endswith(MARK)


def test_links_relative_web_and_too_many(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsx, "LINKS_LIMIT", 3)
    rows = [
        [Link("план.pdf", "files/7/%D0%BF.pdf"), Link("=x", "https://example.org/a"), None],
        [Link("b", "files/8/"), Link("c", "https://example.org/c"), None],
    ]
    sheet, _book = streamed(rows, table=False)
    (relative, web, _), (last, beyond, _) = sheet[2], sheet[3]
    assert relative.hyperlink.target == "files/7/%D0%BF.pdf"
    assert relative.value == "план.pdf"
    assert relative.font.u == "single"
    assert web.hyperlink.target == "https://example.org/a"
    assert web.value == "=x"
    assert web.quotePrefix
    assert last.hyperlink.target == "files/8/"
    assert beyond.value == "c"
    assert beyond.hyperlink is None
