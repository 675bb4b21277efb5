"""The directory of municipalities and schools."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.dto import MunicipalityDTO, SchoolDTO
from storage.models import Municipality, School, SchoolYear

_SCHOOLS = select(
    School.id,
    School.code,
    School.name,
    School.short_name,
    School.municipality_id,
    Municipality.name.label("municipality_name"),
    School.low_results,
    School.difficult_conditions,
    School.partner,
    School.teachers,
).join(Municipality, Municipality.id == School.municipality_id)


class SchoolRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def municipalities(self) -> list[MunicipalityDTO]:
        query = select(Municipality.id, Municipality.code, Municipality.name).order_by(
            Municipality.name
        )
        return [MunicipalityDTO(*row) for row in await self._connection.execute(query)]

    async def municipality(self, municipality_id: int) -> MunicipalityDTO | None:
        query = select(Municipality.id, Municipality.code, Municipality.name).where(
            Municipality.id == municipality_id
        )
        row = (await self._connection.execute(query)).first()
        return None if row is None else MunicipalityDTO(*row)

    async def schools_in(self, municipality_id: int) -> list[SchoolDTO]:
        query = _SCHOOLS.where(School.municipality_id == municipality_id).order_by(
            School.short_name
        )
        return [SchoolDTO(**row._mapping) for row in await self._connection.execute(query)]

    async def school(self, school_id: int) -> SchoolDTO | None:
        row = (await self._connection.execute(_SCHOOLS.where(School.id == school_id))).first()
        return None if row is None else SchoolDTO(**row._mapping)

    async def school_by_code(self, code: str) -> SchoolDTO | None:
        row = (await self._connection.execute(_SCHOOLS.where(School.code == code))).first()
        return None if row is None else SchoolDTO(**row._mapping)

    async def years(self, school_id: int) -> dict[int, tuple[bool, bool]]:
        """The school years the directory was imported for: year → (ШНОР, ШНСУ)."""
        query = select(
            SchoolYear.year, SchoolYear.low_results, SchoolYear.difficult_conditions
        ).where(SchoolYear.school_id == school_id)
        rows = await self._connection.execute(query)
        return {row.year: (row.low_results, row.difficult_conditions) for row in rows}

    async def save_municipality(self, code: str, name: str) -> int:
        """Create or rename a municipality by its code; returns its id."""
        return await self._save(Municipality, code, {"name": name})

    async def save_school(self, code: str, municipality_id: int, **fields: Any) -> int:
        """Create or update a school by its code; returns its id."""
        return await self._save(School, code, {"municipality_id": municipality_id, **fields})

    async def _save(
        self, model: type[Municipality] | type[School], code: str, values: dict[str, Any]
    ) -> int:
        updated = await self._connection.execute(
            update(model).where(model.code == code).values(**values).returning(model.id)
        )
        found = updated.scalar_one_or_none()
        if found is not None:
            return int(found)
        created = await self._connection.execute(
            insert(model).values(code=code, **values).returning(model.id)
        )
        return int(created.scalar_one())
