"""Saving the school directory: every row in one transaction, updating by code."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select

from forms.directory import SchoolRecord
from storage.models import School
from storage.repositories import UnitOfWork


@dataclass(frozen=True, slots=True)
class Imported:
    municipalities: int
    schools: int
    created: int
    updated: int


async def save_directory(uow: UnitOfWork, records: Sequence[SchoolRecord]) -> Imported:
    """Create or update municipalities and schools by their codes; never duplicates."""
    known = set((await uow.connection.execute(select(School.code))).scalars())
    municipalities: dict[str, int] = {}
    for record in records:
        if record.municipality_code not in municipalities:
            municipalities[record.municipality_code] = await uow.schools.save_municipality(
                record.municipality_code, record.municipality
            )
        await uow.schools.save_school(
            record.code,
            municipalities[record.municipality_code],
            name=record.name,
            short_name=record.short_name,
            low_results=record.low_results,
            difficult_conditions=record.difficult_conditions,
            partner=record.partner,
            teachers=record.teachers,
        )
    created = len({r.code for r in records} - known)
    return Imported(len(municipalities), len(records), created, len(records) - created)
