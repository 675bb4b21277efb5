"""Every bot process offers the forms published a moment ago, without a restart.

Publishing or withdrawing a form in one process reads its own catalog again at once and,
with Redis (several processes), publishes a notice on one channel; each process listens
and reads ``form_publications`` again when a notice comes. Each also reads it every
``FORMS_REFRESH_SECONDS`` (a notice lost while Redis was away)."""

from __future__ import annotations

import logging

from redis.asyncio import Redis

from storage.catalog import FormCatalog

logger = logging.getLogger(__name__)
CHANNEL = "school-bot:forms"


class FormsChannel:
    def __init__(self, redis_url: str, catalog: FormCatalog) -> None:
        self._redis: Redis = Redis.from_url(redis_url)
        self._catalog = catalog

    async def announce(self) -> None:
        """Tell the other processes (this one has read its catalog already)."""
        await self._redis.publish(CHANNEL, "changed")

    async def listen(self) -> None:
        """Read the catalog again on every notice; returns only if the connection ends (the
        job runs it again)."""
        async with self._redis.pubsub() as pubsub:
            await pubsub.subscribe(CHANNEL)
            await self._catalog.refresh()  # what changed while not subscribed
            async for message in pubsub.listen():
                if message.get("type") == "message":
                    count = await self._catalog.refresh()
                    logger.info("published forms read again: %d live", count)

    async def close(self) -> None:
        await self._redis.aclose()
