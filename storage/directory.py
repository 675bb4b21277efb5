"""Saving the school directory: every row in one transaction, updating by code."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, insert, select

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
    too, replacing what an earlier import said of the same year."""
    known = set((await uow.connection.execute(select(School.code))).scalars())
    municipalities: dict[str, int] = {}
    flags: list[dict[str, object]] = []
    for record in records:
        if record.municipality_code not in municipalities:
            municipalities[record.municipality_code] = await uow.schools.save_municipality(
                record.municipality_code, record.municipality
            )
        school_id = await uow.schools.save_school(
            record.code,
            municipalities[record.municipality_code],
            name=record.name,
            short_name=record.short_name,
            low_results=record.low_results,
            difficult_conditions=record.difficult_conditions,
            partner=record.partner,
            teachers=record.teachers,
        )
        flags.append(
            {
                "school_id": school_id,
                "low_results": record.low_results,
                "difficult_conditions": record.difficult_conditions,
                "partner": record.partner,
            }
        )
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
