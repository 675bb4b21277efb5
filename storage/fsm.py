"""aiogram FSM storage on our own database, so a conversation survives a restart.

Reads are served from a bounded in-process cache that every write goes through, so the
answer path costs no extra round trip to the database. That is correct because the SQL
storage belongs to one bot process (its events are isolated in-process); several
processes use Redis instead (see bot.factory).
"""

from __future__ import annotations

import copy
import json
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import (
    BaseStorage,
    DefaultKeyBuilder,
    KeyBuilder,
    StateType,
    StorageKey,
)
from sqlalchemy import delete, insert, select, update

from storage.database import Database
from storage.models import FSMRecord
from storage.types import utcnow

_Entry = tuple[str | None, dict[str, Any]]
_EMPTY: _Entry = (None, {})


class SQLStorage(BaseStorage):
    def __init__(
        self,
        database: Database,
        *,
        key_builder: KeyBuilder | None = None,
        cache_size: int = 10_000,
    ) -> None:
        self._database = database
        self._key_builder = key_builder or DefaultKeyBuilder(with_destiny=True)
        self._cache: OrderedDict[str, _Entry] = OrderedDict()
        self._cache_size = cache_size

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        name = state.state if isinstance(state, State) else state
        _, data = await self._entry(key)
        await self._write(key, (name, data))

    async def get_state(self, key: StorageKey) -> str | None:
        return (await self._entry(key))[0]

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        state, _ = await self._entry(key)
        await self._write(key, (state, dict(data)))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        return copy.deepcopy((await self._entry(key))[1])

    async def close(self) -> None:
        self._cache.clear()

    async def _entry(self, key: StorageKey) -> _Entry:
        name = self._key_builder.build(key)
        cached = self._cache.get(name)
        if cached is not None:
            self._cache.move_to_end(name)
            return cached
        entry = await self._load(name)
        self._remember(name, entry)
        return entry

    async def _load(self, name: str) -> _Entry:
        query = select(FSMRecord.state, FSMRecord.data).where(FSMRecord.key == name)
        async with self._database.read() as uow:
            row = (await uow.connection.execute(query)).first()
        return _EMPTY if row is None else (row.state, dict(row.data or {}))

    async def _write(self, key: StorageKey, entry: _Entry) -> None:
        name = self._key_builder.build(key)
        # The cache must hold exactly what the database gives back: a JSON round trip.
        entry = (entry[0], json.loads(json.dumps(entry[1])))
        async with self._database.connection() as connection:
            if entry == _EMPTY:
                await connection.execute(delete(FSMRecord).where(FSMRecord.key == name))
            else:
                await _upsert(connection, name, entry)
        self._remember(name, entry)

    def _remember(self, name: str, entry: _Entry) -> None:
        self._cache[name] = entry
        self._cache.move_to_end(name)
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)


async def _upsert(connection: Any, name: str, entry: _Entry) -> None:
    state, data = entry
    values = {"state": state, "data": data, "updated_at": utcnow()}
    result = await connection.execute(update(FSMRecord).where(FSMRecord.key == name).values(values))
    if result.rowcount == 0:
        await connection.execute(insert(FSMRecord).values(key=name, **values))
