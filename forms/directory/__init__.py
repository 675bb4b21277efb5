"""The directory of municipalities and schools: reading it from Excel or CSV.

Pure: rows in, validated records or problems (with row numbers) out. Storage saves them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from forms.problems import Place, Problem
from forms.tables import TableError, table_rows

SAMPLE = Path(__file__).parent / "sample.csv"
# The first name of each column is how it is shown; any of the names is recognised.
COLUMNS: dict[str, tuple[str, ...]] = {
    "municipality_code": ("Код МО", "municipality_code"),
    "municipality": ("Муниципалитет", "municipality"),
    "code": ("Код ОО", "code"),
    "name": ("Полное наименование", "name"),
    "short_name": ("Краткое наименование", "short_name"),
    "low_results": ("ШНОР", "low_results"),
    "difficult_conditions": ("ШНСУ", "difficult_conditions"),
    "partner": ("Школа-партнёр", "Школа-партнер", "partner"),
    "teachers": ("Педагогов", "Число педагогов", "teachers"),
}
REQUIRED = ("municipality_code", "municipality", "code", "name", "short_name")
YES = frozenset({"да", "1", "+", "yes", "true", "x"})
NO = frozenset({"нет", "0", "-", "no", "false", ""})
MOST_TEACHERS = 10_000
LIMITS = {"municipality_code": 32, "code": 32, "municipality": 255, "name": 512, "short_name": 255}


@dataclass(frozen=True, slots=True)
class SchoolRecord:
    municipality_code: str
    municipality: str
    code: str
    name: str
    short_name: str
    low_results: bool
    difficult_conditions: bool
    partner: bool
    teachers: int | None = None  # how many teachers work there (a campaign's expected number)


class DirectoryError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the directory file")


def read_directory(path: Path) -> list[SchoolRecord]:
    """Every row as a record, or a DirectoryError listing every bad row (nothing partial)."""
    rows = list(_rows(path))
    if not rows:
        raise DirectoryError([Problem("directory-error-empty", {}, place=Place(str(path)))])
    header, body = rows[0], rows[1:]
    columns, problems = _columns(header, str(path))
    records: list[SchoolRecord] = []
    codes: dict[str, int] = {}
    for number, row in enumerate(body, start=2):
        if not any(cell.strip() for cell in row):
            continue
        record = _record(row, columns, number, str(path), problems)
        if record is not None:
            _check_unique(record, codes, number, str(path), problems)
            records.append(record)
    if problems:
        raise DirectoryError(problems)
    return records


def _rows(path: Path) -> Iterator[list[str]]:
    try:
        rows = table_rows(path)
    except TableError as error:
        raise DirectoryError(error.problems) from None
    for values in rows:
        yield [_text(value) for value in values]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _columns(header: list[str], file: str) -> tuple[dict[str, int], list[Problem]]:
    found = {}
    for index, cell in enumerate(header):
        title = cell.strip().lower()
        key = next((k for k, names in COLUMNS.items() if title in _lower(names)), None)
        if key is not None:
            found[key] = index
    missing = [COLUMNS[key][0] for key in REQUIRED if key not in found]
    problems = [
        Problem("directory-error-missing-column", {"column": name}, place=Place(file, row=1))
        for name in missing
    ]
    return found, problems


def _lower(names: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(name.lower() for name in names)


def _record(
    row: list[str], columns: dict[str, int], number: int, file: str, problems: list[Problem]
) -> SchoolRecord | None:
    def cell(key: str) -> str:
        index = columns.get(key)
        return row[index].strip() if index is not None and index < len(row) else ""

    before = len(problems)
    values: dict[str, Any] = {}
    for key in REQUIRED:
        values[key] = cell(key)
        place = Place(file, row=number, column=COLUMNS[key][0])
        if not values[key]:
            problems.append(Problem("directory-error-empty-cell", {}, place=place))
        elif len(values[key]) > LIMITS[key]:
            problems.append(Problem("directory-error-too-long", {"max": LIMITS[key]}, place=place))
    for key in ("low_results", "difficult_conditions", "partner"):
        values[key] = _flag(cell(key), Place(file, row=number, column=COLUMNS[key][0]), problems)
    values["teachers"] = _count(
        cell("teachers"), Place(file, row=number, column="Педагогов"), problems
    )
    return SchoolRecord(**values) if len(problems) == before else None


def _flag(text: str, place: Place, problems: list[Problem]) -> bool:
    word = text.lower()
    if word in YES or word in NO:
        return word in YES
    problems.append(Problem("directory-error-flag", {"value": text}, place=place))
    return False


def _count(text: str, place: Place, problems: list[Problem]) -> int | None:
    if not text:
        return None
    if text.isdigit() and int(text) <= MOST_TEACHERS:
        return int(text)
    problems.append(Problem("directory-error-count", {"value": text}, place=place))
    return None


def _check_unique(
    record: SchoolRecord, codes: dict[str, int], number: int, file: str, problems: list[Problem]
) -> None:
    first = codes.setdefault(record.code, number)
    if first != number:
        place = Place(file, row=number, column=COLUMNS["code"][0])
        problems.append(
            Problem("directory-error-duplicate", {"code": record.code, "row": first}, place=place)
        )


SCHOOL_YEAR_START_MONTH = 9
"""A school year starts on 1 September (the targets' periods agree)."""
_SCHOOL_YEAR = re.compile(r"(\d{4})(?:\s*[/-]\s*(\d{2}|\d{4}))?")


def school_year_of(day: date) -> int:
    """The year a day's school year starts in: 2026 for any day from 1.09.2026 to 31.08.2027."""
    return day.year if day.month >= SCHOOL_YEAR_START_MONTH else day.year - 1


def parse_school_year(text: str) -> int | None:
    """``2026/27``, ``2026-2027`` or ``2026`` → 2026; None for anything else (a second year
    that does not follow the first, too)."""
    match = _SCHOOL_YEAR.fullmatch(text.strip())
    if match is None:
        return None
    first, second = int(match.group(1)), match.group(2)
    if second is not None and int(second) % 100 != (first + 1) % 100:
        return None
    return first if 2000 <= first <= 2100 else None


def school_year_text(year: int) -> str:
    """2026 → «2026/27»."""
    return f"{year}/{(year + 1) % 100:02d}"
