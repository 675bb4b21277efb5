"""Consultants' free times from a table (.xlsx or .csv): columns «Дата» and «Время»."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from forms.problems import Place, Problem
from forms.tables import TableError, table_rows
from forms.values import parse_date

DATE_COLUMN, TIME_COLUMN = "дата", "время"
_TIME = re.compile(r"([01]?\d|2[0-3])[:.]([0-5]\d)(?::00)?")


class SlotsError(ValueError):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


def read_slots(path: Path, zone: ZoneInfo, now: datetime) -> list[datetime]:
    """Every row as an aware local time after ``now``, or SlotsError listing every bad row."""
    rows = list(_rows(path))
    file = str(path)
    if not rows:
        raise SlotsError([Problem("slots-error-empty", {}, place=Place(file))])
    header = [str(cell or "").strip().lower() for cell in rows[0]]
    if DATE_COLUMN not in header or TIME_COLUMN not in header:
        raise SlotsError([Problem("slots-error-columns", {}, place=Place(file, row=1))])
    day_at, time_at = header.index(DATE_COLUMN), header.index(TIME_COLUMN)
    moments: list[datetime] = []
    problems: list[Problem] = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(str(cell or "").strip() for cell in row):
            continue
        cells = (_cell(row, day_at), _cell(row, time_at))
        moment = _moment(*cells, zone)
        place = Place(file, row=number)
        if moment is None:
            problems.append(Problem("slots-error-row", {}, place=place))
        elif moment <= now:
            problems.append(Problem("slots-error-past", {}, place=place))
        else:
            moments.append(moment)
    if problems:
        raise SlotsError(problems)
    return moments


def _cell(row: list[Any], index: int) -> Any:
    return row[index] if index < len(row) else None


def _moment(day_value: Any, time_value: Any, zone: ZoneInfo) -> datetime | None:
    day, at = _day(day_value), _time(time_value)
    return None if day is None or at is None else datetime.combine(day, at, tzinfo=zone)


def _day(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return parse_date(str(value or ""))


def _time(value: Any) -> time | None:
    if isinstance(value, datetime):
        return value.time().replace(second=0, microsecond=0)
    if isinstance(value, time):
        return value.replace(second=0, microsecond=0)
    match = _TIME.fullmatch(str(value or "").strip())
    return time(int(match.group(1)), int(match.group(2))) if match else None


def _rows(path: Path) -> list[list[Any]]:
    try:
        return table_rows(path)
    except TableError as error:
        raise SlotsError(error.problems) from None
