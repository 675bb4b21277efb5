"""Tables people give the bot: the first sheet of an Excel workbook, or a CSV file as Excel
saves it — UTF-8, or Windows-1251 with «;» between columns, which is what «CSV» gives in a
Russian Windows. Rows of raw cell values; a file that cannot be read is a ``TableError``
that says in Russian what to do."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from forms.problems import Place, Problem

CSV_ENCODINGS = ("utf-8-sig", "cp1251")
"""Tried in order: UTF-8 (with or without Excel's BOM), then the Russian Windows code page."""
DELIMITERS = ";,\t"


class TableError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in a table")


def table_rows(path: Path) -> list[list[Any]]:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _csv_rows(path)
    if suffix == ".xlsx":
        return _sheet_rows(path)
    raise TableError(
        [Problem("table-error-type", {"suffix": suffix or "—"}, place=Place(str(path)))]
    )


def _csv_rows(path: Path) -> list[list[Any]]:
    text = _decoded(path.read_bytes(), str(path))
    sample = text[:4096]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, DELIMITERS)
    except csv.Error:
        dialect = csv.excel  # one column, or commas as usual
    return [list(row) for row in csv.reader(io.StringIO(text, newline=""), dialect)]


def _decoded(content: bytes, file: str) -> str:
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        return content.decode("utf-16")  # Excel's «Unicode text»
    for encoding in CSV_ENCODINGS:
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise TableError([Problem("table-error-encoding", {}, place=Place(file))])


def _sheet_rows(path: Path) -> list[list[Any]]:
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception:  # a damaged or password-protected file: openpyxl raises many kinds
        raise TableError([Problem("table-error-unreadable", {}, place=Place(str(path)))]) from None
    try:
        return [list(values) for values in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()
