"""Transcribe the markdown XLSForms (the ``md=`` tables) of pyxform's test files into .xlsx
workbooks, cell for cell, one per table: how ``thirdparty/pyxform-md/`` was made.

Run from a pyxform checkout (it reads the files at HEAD):
``python md2xlsx.py OUT_DIR tests/test_typed_calculates.py ...``
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator

from openpyxl import Workbook


def md_blocks(source: str) -> Iterator[tuple[str, str]]:
    """(test name, table) for every ``md=`` argument of a test function."""
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.FunctionDef) or not node.name.startswith("test"):
            continue
        count = 0
        for sub in ast.walk(node):
            if not isinstance(sub, ast.keyword) or sub.arg != "md":
                continue
            if isinstance(sub.value, ast.Constant) and isinstance(sub.value.value, str):
                count += 1
                yield node.name + (f"_{count}" if count > 1 else ""), sub.value.value


def sheets(md: str) -> dict[str, list[list[str]]]:
    """``| survey | |`` opens a sheet; the rows under it (first cell empty) are its rows."""
    found: dict[str, list[list[str]]] = {}
    current: list[list[str]] | None = None
    for raw in md.strip().splitlines():
        line = raw.strip()
        if not line.startswith("|"):
            continue
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if cells[0]:
            current = found.setdefault(cells[0], [])
            if any(cells[1:]):
                current.append(cells[1:])
        elif current is not None:
            current.append(cells[1:])
    return found


def main(out: str, paths: list[str]) -> None:
    for path in paths:
        shown = subprocess.run(
            ["git", "show", f"HEAD:{path}"], capture_output=True, text=True, check=True
        )
        stem = path.split("/")[-1].removesuffix(".py").removeprefix("test_")
        for name, md in md_blocks(shown.stdout):
            book = Workbook()
            book.remove(book.active)
            for sheet, rows in sheets(md).items():
                target = book.create_sheet(sheet)
                for row in rows:
                    target.append([cell if cell != "" else None for cell in row])
            book.save(f"{out}/md__{stem}__{name.removeprefix('test_')}.xlsx")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
