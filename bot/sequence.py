"""A person's updates handled in the order Telegram numbered them, across bot processes.

Telegram delivers webhook updates in parallel: a person's two quick messages can reach two
processes (or two tasks of one) at the same instant, and whichever takes the person's lock
first was handled first — the second answer stored under the first question. Here each
update of a chat waits ``window`` seconds for an earlier one of the same chat that is on its
way, then its turn: it goes once no update of the chat with a smaller id is still waiting or
being handled. Several processes share the queue in Redis (a sorted set per chat); one process
keeps it in memory. An update whose earlier neighbour never finishes (its process died) waits
``patience`` seconds at most, and a stale queue expires on its own.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, suppress
from typing import Protocol, cast

from aiogram.dispatcher.middlewares.user_context import UserContextMiddleware
from aiogram.types import Update
from redis.asyncio import Redis

PATIENCE = 10.0
"""Seconds an update waits at most for an earlier one of its chat (a process that died)."""
POLL = 0.005
QUEUE_SECONDS = 120


def chat_key(bot_id: int, update: Update) -> str | None:
    """Whose updates must keep their order: the chat and the person (None: anybody's)."""
    context = UserContextMiddleware.resolve_event_context(update)
    if context.chat is None and context.user is None:
        return None
    chat = context.chat.id if context.chat is not None else ""
    user = context.user.id if context.user is not None else ""
    return f"{bot_id}:{chat}:{user}"


class Sequencer(Protocol):
    def turn(self, key: str, update_id: int) -> AbstractAsyncContextManager[None]:
        """Enter when it is this update's turn in its chat; leave when it is handled."""
        ...


class MemorySequencer:
    """The queue of one process."""

    def __init__(self, window: float, patience: float = PATIENCE) -> None:
        self.window, self.patience = window, patience
        self._queues: dict[str, set[int]] = defaultdict(set)
        self._changed = asyncio.Condition()

    @asynccontextmanager
    async def turn(self, key: str, update_id: int) -> AsyncIterator[None]:
        queue = self._queues[key]
        queue.add(update_id)
        try:
            await asyncio.sleep(self.window)
            async with self._changed:

                def first() -> bool:
                    return min(queue) >= update_id

                with suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait_for(first), self.patience)
            yield
        finally:
            queue.discard(update_id)
            if not queue:
                self._queues.pop(key, None)
            async with self._changed:
                self._changed.notify_all()


class RedisSequencer:
    """The queue shared by every process of the bot."""

    def __init__(self, redis: Redis, window: float, patience: float = PATIENCE) -> None:
        self.redis, self.window, self.patience = redis, window, patience

    @asynccontextmanager
    async def turn(self, key: str, update_id: int) -> AsyncIterator[None]:
        name, member = f"school-bot:order:{key}", str(update_id)
        async with self.redis.pipeline(transaction=False) as joined:  # one round trip
            joined.zadd(name, {member: update_id})
            joined.expire(name, QUEUE_SECONDS)
            await joined.execute()
        try:
            await asyncio.sleep(self.window)
            await self._until_first(name, update_id)
            yield
        finally:
            await self.redis.zrem(name, member)

    async def _until_first(self, name: str, update_id: int) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.patience
        while loop.time() < deadline:
            first = cast(list[bytes], await self.redis.zrange(name, 0, 0))
            if not first or int(first[0]) >= update_id:
                return
            await asyncio.sleep(POLL)
