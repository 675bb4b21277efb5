"""Form versions: one row per distinct definition of a form."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.dto import FormVersionDTO
from storage.models import FormVersion
from storage.types import utcnow

_COLUMNS = select(FormVersion.__table__)


class FormRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def register(
        self, form_id: str, fingerprint: str, title: str, definition: dict[str, Any]
    ) -> FormVersionDTO:
        """The version of this exact definition, created (as the next number) if it is new."""
        known = await self._one(
            _COLUMNS.where(FormVersion.form_id == form_id, FormVersion.fingerprint == fingerprint)
        )
        if known is not None:
            return known
        latest = select(func.coalesce(func.max(FormVersion.version), 0)).where(
            FormVersion.form_id == form_id
        )
        number = int((await self._connection.execute(latest)).scalar_one()) + 1
        await self._connection.execute(
            insert(FormVersion).values(
                form_id=form_id,
                version=number,
                fingerprint=fingerprint,
                title=title,
                definition=definition,
                created_at=utcnow(),
            )
        )
        created = await self.get_by_number(form_id, number)
        assert created is not None
        return created

    async def get(self, version_id: int) -> FormVersionDTO | None:
        return await self._one(_COLUMNS.where(FormVersion.id == version_id))

    async def get_by_number(self, form_id: str, number: int) -> FormVersionDTO | None:
        return await self._one(
            _COLUMNS.where(FormVersion.form_id == form_id, FormVersion.version == number)
        )

    async def versions(self, form_id: str) -> list[FormVersionDTO]:
        query = _COLUMNS.where(FormVersion.form_id == form_id).order_by(FormVersion.version)
        rows = await self._connection.execute(query)
        return [FormVersionDTO(**row._mapping) for row in rows]

    async def _one(self, query: Any) -> FormVersionDTO | None:
        row = (await self._connection.execute(query)).first()
        return None if row is None else FormVersionDTO(**row._mapping)
