"""The sheet «Охват»: each campaign's schools, how many were expected and how many answered.

Rows of plain values with their looks, so it serves both the register's streamed workbook
(``exports.xlsx``) and the summary's (openpyxl)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from exports.cells import HEADER, PLAIN, WRAPPED, Look
from forms.i18n import Translator

PERCENT = Look(number_format="0%")
WIDTHS = (34, 30, 36, 12, 24, 12, 10)


@dataclass(frozen=True, slots=True)
class CoverageLine:
    municipality: str
    school: str
    expected: int
    answered: int
    from_directory: bool  # the directory's «Педагогов», else the people registered

    @property
    def share(self) -> float | None:
        return self.answered / self.expected if self.expected else None


@dataclass(frozen=True, slots=True)
class CoverageTable:
    """One campaign: ``title`` names it (number, form, audience, deadline)."""

    title: str
    lines: Sequence[CoverageLine]


Cells = list[tuple[Any, Look]]
"""A row: each value with its look."""


def coverage_rows(tables: Sequence[CoverageTable], t: Translator) -> list[Cells]:
    """The header and one row per school of each campaign, worst first within it."""
    headers = [
        t("coverage-campaign"),
        t("coverage-municipality"),
        t("coverage-school"),
        t("coverage-expected"),
        t("coverage-base"),
        t("coverage-answered"),
        t("coverage-share"),
    ]
    rows: list[Cells] = [[(header, HEADER) for header in headers]]
    for table in tables:
        ordered = sorted(table.lines, key=lambda line: (line.share or 0.0, line.municipality))
        for line in ordered:
            base = t(
                "coverage-base-directory" if line.from_directory else "coverage-base-registered"
            )
            values = (
                table.title,
                line.municipality,
                line.school,
                line.expected,
                base,
                line.answered,
                line.share,
            )
            looks = (WRAPPED, PLAIN, PLAIN, PLAIN, PLAIN, PLAIN, PERCENT)
            rows.append(list(zip(values, looks, strict=True)))
    if len(rows) == 1:
        rows.append([(t("summary-no-data"), PLAIN)])
    return rows
