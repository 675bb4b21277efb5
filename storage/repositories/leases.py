"""Leases: a name held by one holder until it expires, renewed while the holder lives.

The bot process that keeps conversation state in the database takes the lease
``single-process`` and renews it; a second process finds it held and refuses to start (two
processes on the SQL FSM storage lost hundreds of replies). A holder that died (kill -9) stops
renewing: its lease expires and the next process takes it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.models import Lease


class LeaseRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def claim(self, name: str, holder: str, now: datetime, until: datetime) -> bool:
        """Take or renew the lease; False while another holder's has not expired."""
        renewed = await self._connection.execute(
            update(Lease)
            .where(Lease.name == name, or_(Lease.holder == holder, Lease.expires_at <= now))
            .values(holder=holder, expires_at=until)
        )
        if renewed.rowcount:
            return True
        try:
            async with self._connection.begin_nested():
                await self._connection.execute(
                    insert(Lease).values(name=name, holder=holder, expires_at=until)
                )
        except IntegrityError:
            return False  # held by someone else
        return True

    async def holder(self, name: str) -> str | None:
        query = select(Lease.holder).where(Lease.name == name)
        return (await self._connection.execute(query)).scalar_one_or_none()

    async def release(self, name: str, holder: str) -> None:
        await self._connection.execute(
            delete(Lease).where(Lease.name == name, Lease.holder == holder)
        )
