"""Safe cells: typed text never becomes a formula; times, dates and numbers keep their kind."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell

from exports.cells import (
    DATE_FORMAT,
    DATETIME_FORMAT,
    TEXT_LIMIT,
    WRAPPED,
    CellFactory,
    Link,
    clean_text,
    local_time,
    needs_guard,
)
from tests.exports.helpers import MOSCOW, sheet_xml

MARK = "… (обрезано)"
DANGEROUS = [
    "=1+2",
    '=HYPERLINK("http://example.org","нажмите")',
    "+79161234567",
    "-5 градусов",
    "@SUM(A1:A2)",
    "\t=1+2",
    "\r=1+2",
    "#N/A",
    "#DIV/0!",
]


def written(values: list[Any], write_only: bool = True) -> tuple[list[Cell], bytes]:
    """``values`` as one row made by a CellFactory, saved and read back."""
    book = Workbook(write_only=write_only)
    sheet = book.create_sheet("Лист") if write_only else book.active
    cells = CellFactory(sheet, MOSCOW, MARK)
    sheet.append(cells.row(values))
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()
    return list(load_workbook(io.BytesIO(data)).worksheets[0][1]), data


@pytest.mark.parametrize("write_only", [True, False])
def test_text_that_looks_like_a_formula_stays_text(write_only: bool) -> None:
    cells, data = written(DANGEROUS, write_only)
    # XML reads a carriage return back as a line feed (end-of-line normalisation).
    assert [cell.value for cell in cells] == [text.replace("\r", "\n") for text in DANGEROUS]
    assert {cell.data_type for cell in cells} == {"s"}
    assert all(cell.quotePrefix for cell in cells)
    assert "<f>" not in sheet_xml(data)
    assert "<f " not in sheet_xml(data)


def test_ordinary_text_is_written_plainly() -> None:
    cells, _data = written(["Анна", "0012", "a = b", "2+2"])
    assert [cell.value for cell in cells] == ["Анна", "0012", "a = b", "2+2"]
    assert {cell.data_type for cell in cells} == {"s"}
    assert not any(cell.quotePrefix for cell in cells)


def test_characters_excel_forbids_are_removed() -> None:
    cells, _data = written(["a\x00b\x08c\x0bd\x1fe", "строка\nвторая\tтаб"])
    assert [cell.value for cell in cells] == ["abcde", "строка\nвторая\tтаб"]


def test_long_text_is_cut_with_a_visible_mark() -> None:
    cells, _data = written(["ж" * 40_000, "ж" * TEXT_LIMIT])
    assert len(cells[0].value) == TEXT_LIMIT
    assert cells[0].value.endswith(MARK)
    assert cells[0].value.startswith("жжж")
    assert cells[1].value == "ж" * TEXT_LIMIT


def test_clean_text_and_guard_rules() -> None:
    assert clean_text("\x01=x", MARK) == "=x"
    assert needs_guard("=x")
    assert not needs_guard("x=")
    assert not needs_guard("")


def test_aware_times_are_local_and_naive() -> None:
    late_evening_utc = datetime(2025, 1, 1, 21, 30, tzinfo=UTC)
    cells, _data = written([late_evening_utc, datetime(2025, 1, 1, 21, 30)])
    assert [cell.value for cell in cells] == [datetime(2025, 1, 2, 0, 30)] * 2
    assert all(cell.is_date and cell.number_format == DATETIME_FORMAT for cell in cells)
    assert local_time(late_evening_utc, MOSCOW).tzinfo is None


def test_dates_stay_dates_and_numbers_stay_numbers() -> None:
    cells, _data = written([date(2025, 9, 1), 12, 7.5, Decimal("2.25"), -3])
    assert cells[0].is_date
    assert cells[0].number_format == DATE_FORMAT
    assert cells[0].value == datetime(2025, 9, 1)
    assert [cell.value for cell in cells[1:]] == [12, 7.5, 2.25, -3]
    assert {cell.data_type for cell in cells[1:]} == {"n"}


def test_none_leaves_the_cell_empty() -> None:
    cells, _data = written(["a", None, "b"])
    assert [cell.value for cell in cells] == ["a", None, "b"]


def test_links_are_hyperlinks_and_their_text_is_safe() -> None:
    cells, _data = written([Link("отчёт", "files/1/a.pdf"), Link("=1+2", "https://example.org/")])
    assert cells[0].value == "отчёт"
    assert cells[0].hyperlink is not None
    assert cells[0].hyperlink.target == "files/1/a.pdf"
    assert cells[1].value == "=1+2"
    assert cells[1].data_type == "s"
    assert cells[1].hyperlink is not None
    assert cells[1].hyperlink.target == "https://example.org/"


def test_a_look_is_applied_to_text() -> None:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Лист")
    cells = CellFactory(sheet, MOSCOW, MARK)
    sheet.append([cells("длинный\nтекст", WRAPPED), cells("=x", WRAPPED)])
    buffer = io.BytesIO()
    book.save(buffer)
    read = list(load_workbook(buffer).worksheets[0][1])
    assert all(cell.alignment.wrap_text for cell in read)
    assert read[1].value == "=x"
    assert read[1].data_type == "s"
