"""The shared order of a chat's updates (bot/sequence.py) on Redis."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from redis.asyncio import Redis

from bot.sequence import QUEUE_SECONDS, RedisSequencer

pytestmark = pytest.mark.redis


async def test_a_turn_queues_the_update_with_an_expiry_and_leaves_no_trace(
    redis_url: str,
) -> None:
    redis = Redis.from_url(redis_url)
    key = f"test-{uuid.uuid4().hex}"
    name = f"school-bot:order:{key}"
    sequencer = RedisSequencer(redis, window=0)
    try:
        async with sequencer.turn(key, 5):
            assert await redis.zrange(name, 0, -1) == [b"5"]
            assert 0 < await redis.ttl(name) <= QUEUE_SECONDS  # a dead process's queue expires
        assert await redis.exists(name) == 0
    finally:
        await redis.delete(name)
        await redis.aclose()


async def test_a_later_update_waits_for_the_earlier_one(redis_url: str) -> None:
    redis = Redis.from_url(redis_url)
    key = f"test-{uuid.uuid4().hex}"
    sequencer = RedisSequencer(redis, window=0.02)
    handled: list[int] = []
    first_inside = asyncio.Event()

    async def handle(update_id: int, pause: float) -> None:
        async with sequencer.turn(key, update_id):
            if update_id == 1:
                first_inside.set()
            await asyncio.sleep(pause)
            handled.append(update_id)

    try:
        first = asyncio.create_task(handle(1, 0.1))
        await first_inside.wait()
        await asyncio.gather(first, handle(2, 0))
        assert handled == [1, 2]
    finally:
        await redis.delete(f"school-bot:order:{key}")
        await redis.aclose()
