"""The outbox's sender: claims due messages, sends each at Telegram's pace, records the answer.

Each message is marked ``sending`` in its own commit just before its request goes out, so a
sender that dies (kill -9) leaves in doubt only the messages in flight at that moment; those
become ``unknown`` and are not sent again, the rest go back to the queue."""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Awaitable, Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from handlers.clock import Clock
from handlers.outbox.pace import Pace
from storage.database import Database
from storage.dto import OutboxDTO
from storage.repositories import UnitOfWork

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Delivered:
    message_id: int | None


@dataclass(frozen=True, slots=True)
class Retry:
    """Try again later: after ``seconds`` (Telegram's «retry after»), or after a pause that
    grows with the attempts (``seconds`` None: a network or server error)."""

    error: str
    seconds: float | None = None


@dataclass(frozen=True, slots=True)
class Blocked:
    """403: the person blocked the bot (or the account is gone)."""


@dataclass(frozen=True, slots=True)
class Failed:
    """Refused for good (400: chat not found, a bad message)."""

    error: str


Result = Delivered | Retry | Blocked | Failed


class Courier(Protocol):
    """Sends one outbox message to Telegram and says how it went; never raises for a refusal."""

    async def send(self, message: OutboxDTO) -> Result: ...


Skip = Callable[[UnitOfWork, Sequence[OutboxDTO]], Awaitable[set[int]]]
"""Of the claimed messages, the ids no longer wanted (a reminder to someone who answered)."""


@dataclass(frozen=True, slots=True)
class SenderSettings:
    batch: int = 50
    claim_seconds: float = 30.0  # a claim older than this belongs to a sender that died
    attempts: int = 5  # network errors before a message is given up
    concurrency: int = 8  # chats sent to at once
    longest_pause: float = 300.0  # between attempts after network errors


class Sender:
    def __init__(
        self,
        database: Database,
        pace: Pace,
        clock: Clock,
        settings: SenderSettings | None = None,
        *,
        alone: bool = False,
    ) -> None:
        """``alone``: no other process sends from this database (the single-process lease),
        so at start every claim left behind is a dead sender's and is recovered at once."""
        self.db, self.pace, self.clock = database, pace, clock
        self.settings = settings or SenderSettings()
        self.claim = f"{secrets.token_hex(6)}"
        self.requested = asyncio.Event()  # set after a commit that queued messages
        self.skips: list[Skip] = []
        self._recover_all = alone
        self._recovered: datetime | None = None  # when dead claims were last looked for
        self._recover_every = timedelta(seconds=self.settings.claim_seconds / 2)
        self._stopping = False
        self._in_flight = 0  # requests under way
        self._idle = asyncio.Event()
        self._idle.set()

    def wake(self) -> None:
        self.requested.set()

    async def run(self, courier: Courier) -> int:
        """One round: take back dead senders' claims, claim a batch, send it. Returns how many
        were handled; a full batch asks for the next round at once."""
        await self._recover()
        now = self.clock.now_utc()
        async with self.db.read() as uow:
            if not await uow.outbox.waiting(now):
                return 0
        async with self.db.transaction() as uow:
            batch = await uow.outbox.claim(self.claim, now, self.settings.batch)
            unwanted: set[int] = set()
            for skip in self.skips:
                unwanted |= await skip(uow, batch)
            await uow.outbox.skip(sorted(unwanted))
        wanted = [message for message in batch if message.id not in unwanted]
        await self._send_all(courier, wanted)
        if len(batch) == self.settings.batch:
            self.wake()
        return len(batch)

    async def _recover(self) -> None:
        """At start, then at most twice per ``claim_seconds`` (not a write every poll)."""
        now = self.clock.now_utc()
        if self._recovered is not None and now - self._recovered < self._recover_every:
            return
        self._recovered = now
        cutoff = now - timedelta(seconds=self.settings.claim_seconds)
        if self._recover_all:
            cutoff, self._recover_all = now + timedelta(seconds=1), False
        async with self.db.transaction() as uow:
            back, doubt = await uow.outbox.recover(cutoff)
        if back or doubt:
            logger.warning("outbox: %d message(s) back in the queue, %d in doubt", back, doubt)

    async def _send_all(self, courier: Courier, messages: Sequence[OutboxDTO]) -> None:
        by_chat: dict[int, list[OutboxDTO]] = {}
        for message in messages:
            by_chat.setdefault(message.chat_id, []).append(message)
        turns = asyncio.Semaphore(self.settings.concurrency)

        async def chat_turn(queued: list[OutboxDTO]) -> None:
            async with turns:
                for message in queued:
                    if not await self._send_one(courier, message):
                        break  # the chat is blocked or paused: the rest wait for later

        await asyncio.gather(*(chat_turn(queued) for queued in by_chat.values()))
        async with self.db.transaction() as uow:
            await uow.outbox.release(self.claim)

    async def _send_one(self, courier: Courier, message: OutboxDTO) -> bool:
        if self._stopping:
            return False
        await self.pace.bulk(message.chat_id)
        async with self.db.transaction() as uow:
            if not await uow.outbox.begin(message.id, self.claim, self.clock.now_utc()):
                return False
        self._in_flight += 1
        self._idle.clear()
        try:
            # Shielded: a stop that cancels the job lets the request and its record finish.
            return await asyncio.shield(self._deliver(courier, message))
        finally:
            self._in_flight -= 1
            if not self._in_flight:
                self._idle.set()

    async def _deliver(self, courier: Courier, message: OutboxDTO) -> bool:
        result = await courier.send(message)
        async with self.db.transaction() as uow:
            return await self._record(uow, message, result)

    async def _record(self, uow: UnitOfWork, message: OutboxDTO, result: Result) -> bool:
        now = self.clock.now_utc()
        match result:
            case Delivered(message_id):
                await uow.outbox.sent(message.id, message_id, now)
                return True
            case Blocked():
                await uow.outbox.blocked(message.id, message.chat_id, now)
                logger.info("outbox: chat %s blocked the bot", message.chat_id)
                return False
            case Failed(error):
                await uow.outbox.failed(message.id, error)
                logger.warning("outbox: message %s refused: %s", message.id, error)
                return True
            case Retry(error, seconds):
                return await self._retry(uow, message, error, seconds)
        raise AssertionError(result)

    async def _retry(
        self, uow: UnitOfWork, message: OutboxDTO, error: str, seconds: float | None
    ) -> bool:
        attempts = message.attempts + 1
        if seconds is None and attempts >= self.settings.attempts:
            await uow.outbox.failed(message.id, error)
            logger.warning("outbox: message %s given up after %d attempts", message.id, attempts)
            return False
        if seconds is not None:
            self.pace.pause(seconds)
        wait = seconds if seconds is not None else min(2.0**attempts, self.settings.longest_pause)
        later = self.clock.now_utc() + timedelta(seconds=wait)
        await uow.outbox.retry(message.id, later, error)
        return False

    async def stop(self, timeout: float = 5.0) -> None:
        """No new requests; those under way finish (within ``timeout``), and what was
        claimed and not begun goes back to the queue."""
        self._stopping = True
        with suppress(TimeoutError):
            await asyncio.wait_for(self._idle.wait(), timeout)
        async with self.db.transaction() as uow:
            await uow.outbox.release(self.claim)
