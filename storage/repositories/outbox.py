"""The outbox: messages queued in the transaction that decided them, sent by one sender.

A sender claims a batch (``FOR UPDATE SKIP LOCKED`` on PostgreSQL; SQLite has one writer at a
time), marks each message ``sending`` in its own commit just before its request goes out, and
records what Telegram answered. So a message is never claimed twice, and after a crash only
the few marked ``sending`` are in doubt: those become ``unknown`` and are not sent again."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from forms.vocabulary import Delivery
from storage.dto import OutboxDTO, Outgoing
from storage.models import OutboxMessage, User

_COLUMNS = select(OutboxMessage.__table__)
_TABLE = OutboxMessage.__table__
# A handled message keeps its status (the campaigns count them) but not its words: a notice
# to a consultant carries a parent's name and phone, which live in the response, not here.
_FORGET = {"text": "", "buttons": None}


class OutboxRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def put(self, messages: Sequence[Outgoing], now: datetime) -> int:
        """Queue the messages, except to people who blocked the bot; returns how many."""
        if not messages:
            return 0
        blocked = await self._blocked({message.chat_id for message in messages})
        rows = [
            {
                "chat_id": m.chat_id,
                "text": m.text,
                "buttons": m.buttons,
                "purpose": m.purpose,
                "priority": m.priority,
                "campaign_id": m.campaign_id,
                "status": Delivery.pending,
                "not_before": now,
                "attempts": 0,
                "created_at": now,
            }
            for m in messages
            if m.chat_id not in blocked
        ]
        if rows:
            await self._connection.execute(insert(OutboxMessage), rows)
        return len(rows)

    async def _blocked(self, chats: set[int]) -> set[int]:
        query = select(User.id).where(User.id.in_(chats), User.blocked_at.is_not(None))
        return set((await self._connection.scalars(query)).all())

    async def claim(self, claim: str, now: datetime, limit: int) -> list[OutboxDTO]:
        """Take up to ``limit`` due messages, most urgent first, for the sender ``claim``."""
        # The ids first, then the UPDATE: inside ``id IN (SELECT … LIMIT n FOR UPDATE SKIP
        # LOCKED)`` PostgreSQL may run the subquery once per row and so ignore the limit.
        due = (
            select(OutboxMessage.id)
            .where(OutboxMessage.status == Delivery.pending, OutboxMessage.not_before <= now)
            .order_by(OutboxMessage.priority, OutboxMessage.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        ids = list((await self._connection.scalars(due)).all())
        if not ids:
            return []
        taken = await self._connection.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids))
            .where(OutboxMessage.status == Delivery.pending)
            .values(status=Delivery.claimed, claim=claim, claimed_at=now)
            .returning(*_TABLE.columns)
        )
        found = [OutboxDTO(**row._mapping) for row in taken]
        return sorted(found, key=lambda message: (message.priority, message.id))

    async def begin(self, message_id: int, claim: str, now: datetime) -> bool:
        """The request is about to go out; False when the claim was lost (taken back)."""
        result = await self._connection.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id == message_id,
                OutboxMessage.claim == claim,
                OutboxMessage.status == Delivery.claimed,
            )
            .values(status=Delivery.sending, claimed_at=now, attempts=OutboxMessage.attempts + 1)
        )
        return bool(result.rowcount)

    async def sent(self, message_id: int, telegram_id: int | None, now: datetime) -> None:
        await self._finish(message_id, Delivery.sent, sent_at=now, message_id=telegram_id)

    async def failed(self, message_id: int, error: str) -> None:
        await self._finish(message_id, Delivery.failed, error=error[:64])

    async def skip(self, message_ids: Sequence[int]) -> None:
        """Not sent, and never will be (the reminder's person answered meanwhile)."""
        if message_ids:
            await self._connection.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_(message_ids))
                .values(status=Delivery.skipped, claim=None, **_FORGET)
            )

    async def retry(self, message_id: int, not_before: datetime, error: str) -> None:
        """Back in the queue, not before ``not_before`` (a 429 or a network error)."""
        await self._connection.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id)
            .values(status=Delivery.pending, claim=None, not_before=not_before, error=error[:64])
        )

    async def blocked(self, message_id: int, chat_id: int, now: datetime) -> int:
        """The person blocked the bot: this message and their other queued ones are not
        sent, and nothing more is queued for them until they write again."""
        await self._finish(message_id, Delivery.blocked)
        await self._connection.execute(
            update(User).where(User.id == chat_id).values(blocked_at=now)
        )
        waiting = (Delivery.pending, Delivery.claimed)  # claimed: later in this very batch
        result = await self._connection.execute(
            update(OutboxMessage)
            .where(OutboxMessage.chat_id == chat_id, OutboxMessage.status.in_(waiting))
            .values(status=Delivery.blocked, claim=None, **_FORGET)
        )
        return result.rowcount or 0

    async def _finish(self, row: int, status: Delivery, **values: object) -> None:
        await self._connection.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == row)
            .values(status=status, claim=None, **_FORGET, **values)
        )

    async def release(self, claim: str) -> int:
        """The sender stops: what it claimed and did not begin goes back to the queue."""
        result = await self._connection.execute(
            update(OutboxMessage)
            .where(OutboxMessage.claim == claim, OutboxMessage.status == Delivery.claimed)
            .values(status=Delivery.pending, claim=None)
        )
        return result.rowcount or 0

    async def recover(self, before: datetime) -> tuple[int, int]:
        """Claims older than ``before`` belong to a sender that died: the messages it had not
        begun go back to the queue; those it had begun are ``unknown``. Returns both counts."""
        stale = OutboxMessage.claimed_at < before
        back = await self._connection.execute(
            update(OutboxMessage)
            .where(OutboxMessage.status == Delivery.claimed, stale)
            .values(status=Delivery.pending, claim=None)
        )
        doubt = await self._connection.execute(
            update(OutboxMessage)
            .where(OutboxMessage.status == Delivery.sending, stale)
            .values(status=Delivery.unknown, claim=None, **_FORGET)
        )
        return back.rowcount or 0, doubt.rowcount or 0

    async def counts(
        self, campaign_id: int | None = None, purpose: str | None = None
    ) -> dict[Delivery, int]:
        """Messages by status, of one campaign (and purpose) or of all."""
        query = select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        if campaign_id is not None:
            query = query.where(OutboxMessage.campaign_id == campaign_id)
        if purpose is not None:
            query = query.where(OutboxMessage.purpose == purpose)
        rows = await self._connection.execute(query)
        return {Delivery(status): count for status, count in rows}

    async def waiting(self, now: datetime) -> bool:
        """Is a message due now?"""
        query = select(OutboxMessage.id).where(
            OutboxMessage.status == Delivery.pending, OutboxMessage.not_before <= now
        )
        return (await self._connection.execute(query.limit(1))).first() is not None

    async def forget_chat(self, chat_id: int) -> int:
        """The person erased their data: what is still queued for them is dropped."""
        result = await self._connection.execute(
            delete(OutboxMessage).where(
                OutboxMessage.chat_id == chat_id,
                OutboxMessage.status.in_((Delivery.pending, Delivery.claimed)),
            )
        )
        return result.rowcount or 0

    async def get(self, message_id: int) -> OutboxDTO | None:
        row = (
            await self._connection.execute(_COLUMNS.where(OutboxMessage.id == message_id))
        ).first()
        return None if row is None else OutboxDTO(**row._mapping)
