"""Saving the school directory: every row in one transaction, updating by code."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, insert, select

from forms.directory import SchoolRecord
from storage.models import School, SchoolYear
from storage.repositories import UnitOfWork


@dataclass(frozen=True, slots=True)
class Imported:
    municipalities: int
    schools: int
    created: int
    updated: int


async def save_directory(
    uow: UnitOfWork, records: Sequence[SchoolRecord], year: int | None = None
) -> Imported:
    """Create or update municipalities and schools by their codes; never duplicates. With a
    ``year`` (the year the school year starts), the schools' flags are kept for that year
    too, replacing what an earlier import said of the same year; a year before the newest
    imported leaves the current flags as they are."""
    known = set((await uow.connection.execute(select(School.code))).scalars())
    newest = (await uow.connection.execute(select(func.max(SchoolYear.year)))).scalar()
    # An earlier year's table (history, imported late) keeps its flags for that year only.
    current = year is None or newest is None or year >= newest
    municipalities: dict[str, int] = {}
    flags: list[dict[str, object]] = []
    for record in records:
        if record.municipality_code not in municipalities:
            municipalities[record.municipality_code] = await uow.schools.save_municipality(
                record.municipality_code, record.municipality
            )
        statuses = {
            "low_results": record.low_results,
            "difficult_conditions": record.difficult_conditions,
            "partner": record.partner,
        }
        school_id = await uow.schools.save_school(
            record.code,
            municipalities[record.municipality_code],
            name=record.name,
            short_name=record.short_name,
            teachers=record.teachers,
            **(statuses if current else {}),
        )
        flags.append({"school_id": school_id, **statuses})
    if year is not None:
        await _keep_year(uow, year, flags)
    created = len({r.code for r in records} - known)
    return Imported(len(municipalities), len(records), created, len(records) - created)


async def _keep_year(uow: UnitOfWork, year: int, flags: list[dict[str, object]]) -> None:
    ids = [row["school_id"] for row in flags]
    await uow.connection.execute(
        delete(SchoolYear).where(SchoolYear.year == year, SchoolYear.school_id.in_(ids))
    )
    if flags:
        await uow.connection.execute(insert(SchoolYear), [{**row, "year": year} for row in flags])
