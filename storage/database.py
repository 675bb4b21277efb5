"""The engine and the unit of work.

SQLite follows SQLAlchemy's recipe for pysqlite/aiosqlite: the driver's own transaction
handling is switched off and SQLAlchemy emits BEGIN itself. Write transactions use
``BEGIN IMMEDIATE`` so two writers queue on ``busy_timeout`` instead of failing when a
read snapshot would have to be upgraded; reads stay deferred and never block (WAL). The
connections are aiosqlite's, with one trip to their thread per statement
(``storage.sqlite_driver``).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import event, exc
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from storage import sqlite_driver
from storage.repositories import UnitOfWork

SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA synchronous=NORMAL",  # durable in WAL mode up to the last checkpointed commit
    "PRAGMA busy_timeout=10000",
)
_READ_ONLY = "school_bot_read_only"
PING_AFTER_IDLE_SECONDS = 1.0
"""A PostgreSQL connection that came back to the pool longer ago than this is pinged before
it is handed out again (see ``_ping_if_idle``)."""
_RETURNED = "school_bot_returned_at"
POOL_SIZE = 15
"""PostgreSQL connections of one process (``DATABASE_POOL_SIZE``); as many as SQLAlchemy's
default allowed at most (5 + 10 overflow)."""


def create_engine(
    url: str, *, echo: bool = False, foreign_keys: bool = True, pool_size: int = POOL_SIZE
) -> AsyncEngine:
    """An engine for SQLite (file created with its folder) or PostgreSQL.

    ``foreign_keys=False`` is for SQLite migrations only: Alembic's batch mode rebuilds a
    table by copying and dropping it, and a DROP with foreign keys on would cascade.

    On PostgreSQL the pool keeps all of its ``pool_size`` connections open (SQLAlchemy's
    default, 5 kept and 10 more opened and closed again, opened a connection — a backend
    forked, authentication, four set-up queries — for most units of work whenever more than
    5 ran at once), and hands out the one returned last, so that the others age and are
    pinged before use (``_ping_if_idle``).
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, parsed.database, echo, foreign_keys)
    # Statement parameters may hold personal data: keep them out of error messages and logs.
    engine = create_async_engine(
        url,
        echo=echo,
        hide_parameters=True,
        pool_size=pool_size,
        max_overflow=0,
        pool_use_lifo=True,
    )
    event.listen(engine.sync_engine.pool, "checkin", _returned)
    event.listen(engine.sync_engine.pool, "checkout", _ping_if_idle)
    return engine


def _returned(_dbapi_connection: Any, record: Any) -> None:
    if record is not None:
        record.info[_RETURNED] = time.monotonic()


def _ping_if_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
    """``pool_pre_ping``, but only for a connection that sat in the pool a while.

    SQLAlchemy's pre-ping costs three round trips on asyncpg (BEGIN, an empty query,
    ROLLBACK) at every checkout, that is before every unit of work: three of the seven
    statements an answer costs. A connection returned a moment ago (under load: milliseconds)
    was working then; one that waited longer than ``PING_AFTER_IDLE_SECONDS`` — where a
    restarted server or a killed backend shows — is pinged as before, and a dead one is
    replaced (the pool's older connections with it) before the unit of work sees it. A fresh
    connection has no return time and needs no ping."""
    returned = record.info.get(_RETURNED)
    if returned is None or time.monotonic() - returned < PING_AFTER_IDLE_SECONDS:
        return
    try:
        dbapi_connection.ping()
    except Exception as error:
        raise exc.InvalidatePoolError("the pooled connection is gone") from error


def _sqlite_engine(url: str, database: str | None, echo: bool, foreign_keys: bool) -> AsyncEngine:
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    # Every checkout here ends in COMMIT or ROLLBACK (transaction(), read(), connection()),
    # so the pool's extra rollback on check-in is a wasted round trip to the driver thread.
    engine = create_async_engine(
        url,
        echo=echo,
        hide_parameters=True,
        pool_reset_on_return=None,
        async_creator=partial(sqlite_driver.connect, database or ":memory:"),
    )
    on_connect = _sqlite_on_connect if foreign_keys else _sqlite_on_connect_without_keys
    event.listen(engine.sync_engine, "connect", on_connect)
    event.listen(engine.sync_engine, "begin", _sqlite_on_begin)
    return engine


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    for pragma in SQLITE_PRAGMAS:
        cursor.execute(pragma)
    cursor.close()


def _sqlite_on_connect_without_keys(dbapi_connection: Any, record: Any) -> None:
    _sqlite_on_connect(dbapi_connection, record)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=OFF")
    cursor.close()


def _sqlite_on_begin(connection: Connection) -> None:
    read_only = connection.get_execution_options().get(_READ_ONLY, False)
    connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


class Database:
    """Hands out units of work; the one place where transactions begin and commit.

    On SQLite, write transactions queue on an asyncio lock before ``BEGIN IMMEDIATE``:
    SQLite admits one writer at a time anyway, and a writer that waits inside SQLite's busy
    handler sleep-polls with growing pauses (up to 100 ms), which under load turns
    milliseconds of work into seconds of waiting. Queueing in-process is first come, first
    served, with no polling. (One process owns an SQLite file; see README.)
    """

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._writer = asyncio.Lock() if engine.dialect.name == "sqlite" else None

    @classmethod
    def from_url(cls, url: str, pool_size: int = POOL_SIZE) -> Database:
        return cls(create_engine(url, pool_size=pool_size))

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def url(self) -> str:
        """The URL another process opens the same database by (it may hold a password:
        never log it)."""
        return self.engine.url.render_as_string(hide_password=False)

    @property
    def shared(self) -> bool:
        """Whether another process can open it: not an SQLite database in memory."""
        url = self.engine.url
        return url.get_backend_name() != "sqlite" or url.database not in (None, "", ":memory:")

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[UnitOfWork]:
        """A write transaction: commits when the block ends, rolls back on an exception."""
        async with self.connection() as connection:
            yield UnitOfWork(connection)

    @asynccontextmanager
    async def read(self) -> AsyncIterator[UnitOfWork]:
        """A read-only snapshot; never blocks writers."""
        async with self.engine.connect() as plain:
            connection = await plain.execution_options(**{_READ_ONLY: True})
            async with connection.begin():
                yield UnitOfWork(connection)

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[AsyncConnection]:
        """A raw write transaction, for the storage's own machinery (FSM, migrations)."""
        async with self._write_turn(), self.engine.begin() as connection:
            yield connection

    @asynccontextmanager
    async def _write_turn(self) -> AsyncIterator[None]:
        if self._writer is None:
            yield
            return
        async with self._writer:
            yield

    async def dispose(self) -> None:
        await self.engine.dispose()
