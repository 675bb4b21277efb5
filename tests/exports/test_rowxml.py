"""Rows written as XML by ``exports.rowxml`` are the bytes xlsxwriter writes for the same cells,
and read back as they were written."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from xlsxwriter.utility import _datetime_to_excel_datetime, _preserve_whitespace
from xlsxwriter.xmlwriter import XMLwriter

from exports import xlsx
from exports.cells import DATE, DATE_FORMAT, DATETIME_FORMAT, HEADER, PLAIN, WRAPPED, Link
from exports.rowxml import inline_string, serial
from exports.xlsx import StreamedBook, StreamedSheet
from tests.exports.helpers import (
    MOSCOW,
    every_type_answers,
    every_type_form,
    make_form,
    question,
    request_for,
    submission,
    t,
)
from tests.exports.test_repeats import event_form
from tests.exports.test_repeats import rows as event_rows

MARK = "… (обрезано)"
TRICKY = [
    "",
    "просто текст",
    " ведущий пробел",
    "хвостовой пробел ",
    "\tтаб",
    "строка\n",
    "\u00a0неразрывный",
    "em\u2003",
    "нулевой\u200bширины",
    "a & b < c > d \"кавычки\" 'апостроф'",
    "&amp; уже экранировано",
    "_x0041_ похоже на экранирование",
    "_X00ZZ_ не похоже",
    "возврат\rкаретки",
    "\rв начале",
    "конец\r",
    "управляющий\x1b символ",
    "\ufffe и \uffff",
    "<r>похоже на rich string</r>",
    "<t>тег</t>",
    "=1+2",
    "+7 916",
    "-минус",
    "@упоминание",
    "#N/A",
    "эмодзи 🙂",
    "я" * 20_000,
    "🙂" * 17_000,
    "очень длинный " * 3_000,
]
NUMBERS = [0, -1, 7, 10**15, 10**16 + 1, 2**62, 0.1, 1 / 3, -2.5e-7, 1e20, 123456789.125]
OTHERS = [
    True,
    False,
    Decimal("2.25"),
    Decimal("1e30"),
    float("nan"),
    float("inf"),
    datetime(2025, 1, 1, 21, 30, tzinfo=UTC),
    datetime(2025, 9, 1, 7, 30),
    datetime(1900, 1, 1, 12, 0, tzinfo=UTC),
    date(2025, 9, 1),
    date(1900, 2, 28),
    Link("план.pdf", "files/7/a.pdf"),
    Link("=сайт", "https://example.org/"),
    ("кортеж", 1),
]


def rows() -> list[list[Any]]:
    """Three columns of every kind of value, alone and mixed in rows, empty cells between."""
    every = [*TRICKY, *NUMBERS, *OTHERS]
    result: list[list[Any]] = [[value, None, None] for value in every]
    result += [[None, value, None] for value in every]
    result += [[None, None, value] for value in every]
    result += [[every[n], every[-n - 1], every[(7 * n) % len(every)]] for n in range(len(every))]
    result += [[None, None, None], [1, None, "б"], [None, None, None]]
    return result


def write(fast: bool, values: list[list[Any]]) -> bytes:
    buffer = io.BytesIO()
    book = StreamedBook(buffer, MOSCOW, MARK)
    book.fast_rows = fast
    sheet = book.sheet("Лист")
    other = book.sheet("Другой")
    sheet.widths([8, 50, 12])
    sheet.freeze_header()
    sheet.height(48)
    sheet.line(["А", "Б", "В"], HEADER)
    styles = sheet.styles([PLAIN, WRAPPED, DATE])
    for number, row in enumerate(values):
        sheet.append(row, styles)
        if number % 5 == 0:  # sheets written in turns, as the register and its repeats are
            other.line([number, f"строка {number}"])
    sheet.table("Register", ["А", "Б", "В"], len(values))
    book.close()
    return buffer.getvalue()


def parts(data: bytes) -> dict[str, bytes]:
    """The workbook's parts but the document's properties (they hold the time of writing)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist() if name.startswith("xl/")}


def test_fast_rows_are_the_bytes_xlsxwriter_writes() -> None:
    fast, slow = parts(write(True, rows())), parts(write(False, rows()))
    assert fast.keys() == slow.keys()
    for name in slow:
        assert fast[name] == slow[name], name


def test_most_rows_take_the_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """xlsxwriter's path is taken only by the header (its own height) and rows it must write."""
    through_xlsxwriter: list[list[Any]] = []
    cells = StreamedSheet.cells

    def counted(self: StreamedSheet, row: int, values: Any, styles: Any) -> None:
        through_xlsxwriter.append(list(values))
        cells(self, row, values, styles)

    monkeypatch.setattr(StreamedSheet, "cells", counted)
    plain = [[n, f"текст {n}", date(2025, 9, 1)] for n in range(50)]
    odd = [[float("nan"), "a", None], [Link("a", "files/b.pdf"), None, None]]
    write(True, [*plain, [1, "<r>x</r>", None], *odd])
    assert through_xlsxwriter == [["А", "Б", "В"], *odd]


@pytest.mark.parametrize("fast", [True, False])
def test_text_shaped_like_a_rich_string_is_text(fast: bool) -> None:
    """xlsxwriter writes «<r>…</r>» into the file unescaped (a rich string of its own): an
    answer shaped so made the register unreadable. Alone, and beside a link (a row that
    goes through xlsxwriter), it is read back as the person typed it."""
    typed = "<r>a & b</r>"
    link = Link("отчёт.pdf", "files/7/a.pdf")
    sheet = load_workbook(io.BytesIO(write(fast, [[1, typed, None], [2, typed, link]])))
    rows = sheet.worksheets[0]
    assert rows["B2"].value == typed
    assert rows["B3"].value == typed
    assert rows["C3"].hyperlink is not None


@pytest.mark.parametrize("text", TRICKY)
def test_inline_strings_are_escaped_as_xlsxwriter_does(text: str) -> None:
    made = inline_string(text)
    escaped = XMLwriter._escape_control_characters(text)
    if len(text) > 16_383:
        assert made is None
        return
    space = ' xml:space="preserve"' if _preserve_whitespace(escaped) else ""
    assert made == f"<is><t{space}>{XMLwriter()._escape_data(escaped)}</t></is>"


def test_fast_rows_read_back() -> None:
    moment = datetime(2025, 1, 1, 21, 30, tzinfo=UTC)  # 00:30 the next day in Moscow
    values = [
        [7, "=1+2", date(2025, 9, 1)],
        [2.5, moment, " пробел "],
        [True, "а\x00б & <в>", None],
        [Decimal("1.5"), "конец\t", "я" * 40_000],
    ]
    sheet = load_workbook(io.BytesIO(write(True, values))).worksheets[0]
    first, second, third, fourth = sheet[2], sheet[3], sheet[4], sheet[5]
    assert [cell.value for cell in first] == [7, "=1+2", datetime(2025, 9, 1)]
    assert first[1].data_type == "s"
    assert first[1].quotePrefix
    assert first[2].is_date
    assert first[2].number_format == DATE_FORMAT
    assert second[1].value == datetime(2025, 1, 2, 0, 30)
    assert second[1].number_format == DATETIME_FORMAT
    assert second[1].alignment.wrap_text  # the column's look, with the time's format
    assert second[2].value == " пробел "
    assert third[0].value is True
    assert third[1].value == "аб & <в>"
    assert not third[1].quotePrefix
    assert fourth[0].value == 1.5
    assert fourth[1].value == "конец\t"
    assert fourth[2].value.endswith(MARK)
    assert sheet.tables["Register"].ref == "A1:C5"
    assert sheet.freeze_panes == "A2"
    assert [cell.value for cell in sheet[1]] == ["А", "Б", "В"]
    assert sheet.row_dimensions[1].height == 48


def test_serial_numbers_are_xlsxwriter_s() -> None:
    start = datetime(1899, 12, 31)
    moments = [start + timedelta(seconds=n * 7_919.123457) for n in range(0, 200_000, 97)]
    moments += [datetime(1900, 3, 1), datetime(1901, 1, 1), datetime(2025, 12, 31, 23, 59, 59)]
    for moment in [*moments, *(moment.date() for moment in moments)]:
        number = serial(moment)
        if moment.year <= 1900:
            assert number is None
            continue
        assert number == _datetime_to_excel_datetime(moment, False, False), moment


def register(fast: bool, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, form: Any) -> bytes:
    monkeypatch.setattr(xlsx.StreamedBook, "fast_rows", fast)
    out = tmp_path / f"{fast}.xlsx"
    from exports.register import write_register

    request, rows = form
    write_register(request, rows, out, t)
    return out.read_bytes()


@pytest.mark.parametrize("kind", ["every type", "repeats", "texts"])
def test_a_register_is_the_same_either_way(
    kind: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    if kind == "every type":
        answers = [every_type_answers(), {}, {"name": "=HYPERLINK(1)", "hours": 0.1}]
        form = (
            request_for(every_type_form()),
            [submission(n, answers=a) for n, a in enumerate(answers, 1)],
        )
    elif kind == "repeats":
        form = (request_for(event_form()), event_rows())
    else:
        texts = make_form(question("text", "a", "А"), question("text", "b", "Б", multiline=True))
        answers = [{"a": text, "b": text} for text in TRICKY]
        form = (request_for(texts), [submission(n, answers=a) for n, a in enumerate(answers, 1)])
    fast = parts(register(True, monkeypatch, tmp_path, form))
    slow = parts(register(False, monkeypatch, tmp_path, form))
    assert fast.keys() == slow.keys()
    for name in slow:
        assert fast[name] == slow[name], name
