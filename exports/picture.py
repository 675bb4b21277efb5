"""A school's own picture (/myschool) as an Excel file: the teachers' difficulties by area and
the support they want, next to the municipality's, the response rate, and the school's
requests. Figures built from too few responses are written as words, never as numbers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, BinaryIO
from zoneinfo import ZoneInfo

from openpyxl import Workbook

from exports.cells import PLAIN, TITLE, CellFactory
from exports.sheets import SheetWriter
from forms.i18n import Translator


@dataclass(frozen=True, slots=True)
class Figure:
    """One row: the school's value and the municipality's (None: too few responses)."""

    label: str
    school: float | None
    municipality: float | None


@dataclass(frozen=True, slots=True)
class SchoolPicture:
    school: str
    municipality: str
    wave: str | None  # the stage of the survey the figures are of (None: no stages)
    answered: int  # the school's responses to the self-diagnosis
    expected: int | None  # its teachers («Педагогов» in the directory), if known
    municipality_answered: int
    areas: Sequence[Figure] = ()  # mean difficulty, 1 (none) to 5 (serious)
    support: Sequence[Figure] = ()  # share of teachers who want each form of support, %
    requests: Sequence[tuple[str, int]] = ()  # the school's requests: status, how many
    minimum: int = 5  # fewer responses than this: a figure is not shown
    low_results_years: int = 0  # school years in a row in the status ШНОР, up to this one
    difficult_years: int = 0  # the same for ШНСУ


def write_picture(picture: SchoolPicture, out: BinaryIO, t: Translator, zone: ZoneInfo) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = t("picture-sheet")
    w = SheetWriter(sheet, CellFactory(sheet, zone, t("register-cut-mark")), t("summary-no-data"))
    w.widths(60, 18, 18)
    w.line(t("picture-title", school=picture.school), look=TITLE)
    for line in status_lines(picture, t):
        w.line(line)
    if picture.wave:
        w.line(t("picture-wave-label"), picture.wave)
    w.line(t("picture-answered-label"), picture.answered, picture.expected or "")
    w.gap()
    headers = [t("picture-column-area"), picture.school, picture.municipality]
    w.line(t("picture-areas-title"), look=TITLE)
    w.table(headers, [_row(f, t) for f in picture.areas])
    w.gap()
    w.line(t("picture-support-title"), look=TITLE)
    w.table(headers, [_row(f, t) for f in picture.support])
    w.gap()
    w.line(t("picture-requests-title"), look=TITLE)
    w.table([t("picture-column-status"), t("picture-column-count")], list(picture.requests))
    w.line(t("picture-note", minimum=picture.minimum), look=PLAIN)
    book.save(out)


def status_lines(picture: SchoolPicture, t: Translator) -> list[str]:
    """«В статусе ШНОР 2 учебных года подряд…», for each status the school has this year."""
    statuses = (
        ("picture-status-low-results", picture.low_results_years),
        ("picture-status-difficult", picture.difficult_years),
    )
    return [t("picture-status", status=t(name), years=years) for name, years in statuses if years]


def _row(figure: Figure, t: Translator) -> list[Any]:
    return [figure.label, _value(figure.school, t), _value(figure.municipality, t)]


def _value(value: float | None, t: Translator) -> Any:
    return t("picture-too-few") if value is None else round(value, 1)
