"""Conversation state: the SQL storage survives a restart; Redis is the multi-process path."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
from aiogram import Dispatcher
from aiogram.fsm.state import State, StatesGroup
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder, StorageKey
from aiogram.fsm.storage.redis import RedisEventIsolation, RedisStorage
from sqlalchemy import func, select

from bot.factory import create_dispatcher, create_fsm
from bot.settings import Settings
from storage.database import Database
from storage.fsm import SQLStorage
from storage.models import FSMRecord
from tests import updates
from tests.mocked_bot import MockedBot

KEY = StorageKey(bot_id=42, chat_id=1001, user_id=1001)


class Survey(StatesGroup):
    answering = State()


@pytest.fixture
async def redis_storage(redis_url: str) -> AsyncIterator[RedisStorage]:
    prefix = f"test-{uuid.uuid4().hex}"
    storage = RedisStorage.from_url(redis_url, key_builder=DefaultKeyBuilder(prefix=prefix))
    yield storage
    async for key in storage.redis.scan_iter(f"{prefix}:*"):
        await storage.redis.delete(key)
    await storage.close()


@pytest.fixture(params=["sql", pytest.param("redis", marks=pytest.mark.redis)])
def storage(request: pytest.FixtureRequest, database: Database) -> BaseStorage:
    if request.param == "redis":
        redis: BaseStorage = request.getfixturevalue("redis_storage")
        return redis
    return SQLStorage(database)


async def test_state_and_data_round_trip_as_json(storage: BaseStorage) -> None:
    await storage.set_state(KEY, Survey.answering)
    await storage.set_data(KEY, {"submission": 7, "picked": [1, 2], "by_id": {3: "x"}})
    assert await storage.get_state(KEY) == "Survey:answering"
    # Both storages keep JSON: int keys come back as strings, on SQL just as on Redis.
    assert await storage.get_data(KEY) == {"submission": 7, "picked": [1, 2], "by_id": {"3": "x"}}


async def test_update_data_and_clear(storage: BaseStorage) -> None:
    await storage.set_data(KEY, {"a": 1})
    assert await storage.update_data(KEY, {"b": 2}) == {"a": 1, "b": 2}
    await storage.set_state(KEY, None)
    await storage.set_data(KEY, {})
    assert await storage.get_state(KEY) is None
    assert await storage.get_data(KEY) == {}


async def test_data_handed_out_cannot_change_the_stored_data(database: Database) -> None:
    storage = SQLStorage(database)
    await storage.set_data(KEY, {"list": [1]})
    data = await storage.get_data(KEY)
    data["list"].append(2)
    assert await storage.get_data(KEY) == {"list": [1]}


async def test_a_new_process_reads_what_the_old_one_wrote(database: Database) -> None:
    before = SQLStorage(database)
    await before.set_state(KEY, Survey.answering)
    await before.set_data(KEY, {"submission": 7})
    await before.close()

    after = SQLStorage(database)  # as after a restart: an empty cache
    assert await after.get_state(KEY) == "Survey:answering"
    assert await after.get_data(KEY) == {"submission": 7}


async def test_clearing_removes_the_row(database: Database) -> None:
    storage = SQLStorage(database)
    await storage.set_state(KEY, Survey.answering)
    await storage.set_state(KEY, None)
    async with database.read() as uow:
        rows = (await uow.connection.execute(select(func.count()).select_from(FSMRecord))).scalar()
    assert rows == 0


async def test_a_small_cache_still_answers_from_the_database(database: Database) -> None:
    storage = SQLStorage(database, cache_size=2)
    keys = [StorageKey(bot_id=42, chat_id=n, user_id=n) for n in range(5)]
    for n, key in enumerate(keys):
        await storage.set_data(key, {"n": n})
    assert [await storage.get_data(key) for key in keys] == [{"n": n} for n in range(5)]


async def test_a_conversation_continues_in_a_fresh_dispatcher(
    settings: Settings, sqlite_db: Database
) -> None:
    """Kill the bot mid-conversation, start it again: the user is where they were."""
    bot = MockedBot()
    first = create_dispatcher(settings, sqlite_db)
    key = StorageKey(bot_id=bot.id, chat_id=1001, user_id=1001)
    await first.storage.set_state(key, Survey.answering)
    await first.storage.close()

    second = create_dispatcher(settings, sqlite_db)
    await second.feed_update(bot, updates.message("/cancel"))
    assert (
        bot.session.last_text()
        == "Действие прервано. Сохранённые ответы остались, к ним можно вернуться из главного меню."
    )
    assert await second.storage.get_state(key) is None


async def test_redis_url_selects_redis_storage_and_isolation(
    settings: Settings, sqlite_db: Database, redis_url: str
) -> None:
    configured = settings.model_copy(update={"redis_url": redis_url})
    storage, isolation = create_fsm(configured, sqlite_db)
    try:
        assert isinstance(storage, RedisStorage)
        assert isinstance(isolation, RedisEventIsolation)
        async with isolation.lock(KEY):
            pass
    finally:
        await storage.close()


async def test_more_redis_commands_at_once_than_connections_wait_for_one(
    settings: Settings, sqlite_db: Database, redis_url: str
) -> None:
    """redis-py's plain pool refuses a command beyond its connections («Too many
    connections»): 101 people answering at once through one process lost an update."""
    update = {"redis_url": redis_url, "redis_max_connections": 2}
    storage, _isolation = create_fsm(settings.model_copy(update=update), sqlite_db)
    assert isinstance(storage, RedisStorage)
    try:
        waits = [storage.redis.blpop([f"{KEY.chat_id}:nothing:{n}"], timeout=0.2) for n in range(6)]
        assert await asyncio.gather(*waits) == [None] * 6  # each in turn, none refused
    finally:
        await storage.close()


async def test_without_redis_the_sql_storage_is_used(
    settings: Settings, sqlite_db: Database
) -> None:
    dispatcher: Dispatcher = create_dispatcher(settings, sqlite_db)
    assert isinstance(dispatcher.storage, SQLStorage)
