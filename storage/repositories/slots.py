"""Consultants' free times. A booking is one conditional UPDATE: never two people in one slot."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.dto import SlotDTO
from storage.models import Slot
from storage.types import utcnow

_COLUMNS = select(Slot.__table__)


class SlotRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def add(self, consultant_id: int, starts_at: datetime) -> SlotDTO | None:
        """A new free time; None when the consultant already has this one."""
        existing = (
            await self._connection.execute(
                _COLUMNS.where(Slot.consultant_id == consultant_id, Slot.starts_at == starts_at)
            )
        ).first()
        if existing is not None:
            return None
        result = await self._connection.execute(
            insert(Slot)
            .values(consultant_id=consultant_id, starts_at=starts_at, created_at=utcnow())
            .returning(Slot.id)
        )
        return await self.get(result.scalar_one())

    async def get(self, slot_id: int) -> SlotDTO | None:
        row = (await self._connection.execute(_COLUMNS.where(Slot.id == slot_id))).first()
        return None if row is None else SlotDTO(**row._mapping)

    async def free(self, after: datetime, limit: int) -> list[SlotDTO]:
        """Free times after ``after``, soonest first."""
        query = (
            _COLUMNS.where(Slot.submission_id.is_(None), Slot.starts_at > after)
            .order_by(Slot.starts_at, Slot.id)
            .limit(limit)
        )
        return [SlotDTO(**row._mapping) for row in await self._connection.execute(query)]

    async def of_consultant(self, consultant_id: int, after: datetime) -> list[SlotDTO]:
        query = _COLUMNS.where(Slot.consultant_id == consultant_id, Slot.starts_at > after)
        rows = await self._connection.execute(query.order_by(Slot.starts_at))
        return [SlotDTO(**row._mapping) for row in rows]

    async def of_submission(self, submission_id: int) -> SlotDTO | None:
        query = _COLUMNS.where(Slot.submission_id == submission_id)
        row = (await self._connection.execute(query)).first()
        return None if row is None else SlotDTO(**row._mapping)

    async def book(self, slot_id: int, submission_id: int, after: datetime) -> bool:
        """Take a free slot that has not begun; False when someone else was first, or when
        the request already holds another slot (two presses of one parent at once: the
        unique ``submission_id`` refuses the second, inside a savepoint)."""
        query = (
            update(Slot)
            .where(Slot.id == slot_id, Slot.submission_id.is_(None), Slot.starts_at > after)
            .values(submission_id=submission_id)
        )
        try:
            async with self._connection.begin_nested():
                result = await self._connection.execute(query)
        except IntegrityError:
            return False
        return bool(result.rowcount)

    async def release(self, submission_id: int) -> None:
        await self._connection.execute(
            update(Slot)
            .where(Slot.submission_id == submission_id)
            .values(submission_id=None, reminded_at=None)
        )

    async def remove(self, slot_id: int, consultant_id: int) -> bool:
        """Withdraw a free time; a booked one stays (the parent must be told first)."""
        result = await self._connection.execute(
            delete(Slot).where(
                Slot.id == slot_id,
                Slot.consultant_id == consultant_id,
                Slot.submission_id.is_(None),
            )
        )
        return bool(result.rowcount)

    async def due(self, start: datetime, end: datetime) -> list[SlotDTO]:
        """Booked slots beginning within [start, end) whose reminder has not gone out."""
        query = _COLUMNS.where(
            Slot.submission_id.is_not(None),
            Slot.reminded_at.is_(None),
            Slot.starts_at >= start,
            Slot.starts_at < end,
        ).order_by(Slot.starts_at)
        return [SlotDTO(**row._mapping) for row in await self._connection.execute(query)]

    async def mark_reminded(self, slot_id: int) -> bool:
        result = await self._connection.execute(
            update(Slot)
            .where(Slot.id == slot_id, Slot.reminded_at.is_(None))
            .values(reminded_at=utcnow())
        )
        return bool(result.rowcount)
