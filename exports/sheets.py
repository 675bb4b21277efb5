"""Small tables, headings and charts stacked down a (normal-mode) worksheet.

The summary is a few aggregated tables per sheet: ``SheetWriter`` appends them one under
another, says «Нет данных» instead of an empty table, and places a chart beside a table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl.chart import BarChart, Reference
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from exports.cells import HEADER, PLAIN, CellFactory, Look

CHART_ROWS = 18
"""Rows a chart covers (its height below): the next table starts under it."""
CHART_WIDTH = 18.0
CHART_HEIGHT = 8.5


@dataclass(frozen=True, slots=True)
class Block:
    """Where a written table is: its header row, data rows and columns (1-based)."""

    header_row: int
    last_row: int
    first_column: int
    last_column: int

    @property
    def first_row(self) -> int:
        return self.header_row + 1

    def cells(self, first_column: int, last_column: int | None = None) -> str:
        """The range of the data cells of some columns, e.g. ``"C5:K12"``."""
        last = last_column if last_column is not None else first_column
        return (
            f"{get_column_letter(first_column)}{self.first_row}:"
            f"{get_column_letter(last)}{self.last_row}"
        )


class SheetWriter:
    def __init__(self, sheet: Worksheet, cells: CellFactory, no_data: str) -> None:
        self.sheet = sheet
        self.cells = cells
        self.no_data = no_data
        self.next_row = 1

    def line(self, *values: Any, look: Look = PLAIN) -> int:
        """One row of values; returns its number."""
        self.sheet.append([self.cells(value, look) for value in values])
        self.next_row += 1
        return self.next_row - 1

    def gap(self) -> None:
        self.line()

    def table(
        self,
        headers: Sequence[str],
        rows: Sequence[Sequence[Any]],
        looks: Sequence[Look] = (),
    ) -> Block | None:
        """A header and rows (``looks`` per column, the first ones); «Нет данных» and None
        when there are no rows."""
        if not rows:
            self.line(self.no_data)
            return None
        header_row = self.line(*headers, look=HEADER)
        for row in rows:
            self.sheet.append([self.cells(value, _look(looks, i)) for i, value in enumerate(row)])
            self.next_row += 1
        return Block(header_row, self.next_row - 1, 1, len(headers))

    def widths(self, *widths: float) -> None:
        for index, width in enumerate(widths, start=1):
            self.sheet.column_dimensions[get_column_letter(index)].width = width

    def chart_beside(self, block: Block, chart: BarChart) -> None:
        """Place ``chart`` right of ``block``; the next table starts below the chart."""
        anchor = f"{get_column_letter(block.last_column + 2)}{block.header_row}"
        chart.width = CHART_WIDTH
        chart.height = CHART_HEIGHT
        self.sheet.add_chart(chart, anchor)
        while self.next_row < block.header_row + CHART_ROWS:
            self.gap()


def _look(looks: Sequence[Look], index: int) -> Look:
    return looks[index] if index < len(looks) else PLAIN


def bar_chart(
    sheet: Worksheet,
    block: Block,
    title: str,
    value_columns: tuple[int, int],
    stacked: bool = False,
) -> BarChart:
    """Columns of ``block`` (first, last) by its first column's categories."""
    chart = BarChart()
    chart.type = "col"
    chart.title = title
    chart.legend = chart.legend if value_columns[1] > value_columns[0] else None
    if stacked:
        chart.grouping = "stacked"
        chart.overlap = 100
    data = Reference(
        sheet,
        min_col=value_columns[0],
        max_col=value_columns[1],
        min_row=block.header_row,
        max_row=block.last_row,
    )
    categories = Reference(
        sheet, min_col=block.first_column, min_row=block.first_row, max_row=block.last_row
    )
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(categories)
    return chart
