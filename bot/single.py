"""One bot process per database while conversation state lives in it (no ``REDIS_URL``).

The SQL FSM storage keeps a read cache and per-person locks in its process: two processes on
it answer from stale state (two webhook processes lost 375 of 599 replies). The process takes
a lease in the database, renews it every third of its length and gives it back when it stops;
a second process waits one lease length for it (a previous process killed a moment ago) and
then refuses to start. With Redis, state and locks are shared and any number may run."""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
from datetime import timedelta

from storage.database import Database
from storage.types import utcnow

logger = logging.getLogger(__name__)
LEASE = "single-process"


class AnotherProcess(Exception):
    """Another bot process holds the database (``holder`` says which host and pid)."""

    def __init__(self, holder: str) -> None:
        super().__init__(holder)
        self.holder = holder


class SingleProcess:
    def __init__(self, database: Database, seconds: float) -> None:
        self.database, self.length = database, timedelta(seconds=seconds)
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"
        self.held = False

    async def acquire(self) -> None:
        """Take the lease, waiting one lease length for a previous holder's to expire;
        ``AnotherProcess`` when it is still held then."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.length.total_seconds()
        while not await self._claim():
            if loop.time() >= deadline:
                async with self.database.read() as uow:
                    holder = await uow.leases.holder(LEASE)
                raise AnotherProcess(holder or "?")
            logger.info("another bot process holds the database: waiting for its lease")
            await asyncio.sleep(1.0)
        self.held = True

    async def renew(self) -> bool:
        if not self.held:
            return False
        renewed = await self._claim()
        if not renewed:
            logger.error("the single-process lease was taken by another process")
        return renewed

    async def release(self) -> None:
        if not self.held:
            return
        self.held = False
        async with self.database.transaction() as uow:
            await uow.leases.release(LEASE, self.holder)

    @property
    def renew_every(self) -> float:
        return self.length.total_seconds() / 3

    async def _claim(self) -> bool:
        now = utcnow()
        async with self.database.transaction() as uow:
            return await uow.leases.claim(LEASE, self.holder, now, now + self.length)
