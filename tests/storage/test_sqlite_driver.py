"""storage.sqlite_driver: one trip to the connection's thread per statement, BEGIN sent
with the first statement, and SQLAlchemy's behaviour otherwise unchanged."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from storage import sqlite_driver
from storage.database import Database


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'driver.db'}")
    async with database.connection() as connection:
        await connection.exec_driver_sql("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE)")
    yield database
    await database.dispose()


@pytest.fixture
def trips(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The functions sent to a connection's thread, by name."""
    sent: list[str] = []
    original = sqlite_driver.Connection._execute

    async def counted(self: sqlite_driver.Connection, fn: Any, *args: Any, **kwargs: Any) -> Any:
        sent.append(getattr(fn, "__name__", repr(fn)))
        return await original(self, fn, *args, **kwargs)

    monkeypatch.setattr(sqlite_driver.Connection, "_execute", counted)
    return sent


async def test_a_write_transaction_is_one_trip_per_statement_and_one_to_commit(
    db: Database, trips: list[str]
) -> None:
    async with db.connection() as connection:
        await connection.execute(text("INSERT INTO t (v) VALUES ('a'), ('b'), ('c')"))
        rows = (await connection.execute(text("SELECT v FROM t ORDER BY v"))).all()
    # BEGIN IMMEDIATE went with the INSERT; the SELECT brought its rows back with it.
    assert trips == ["_statement", "_statement", "commit"]
    assert [row.v for row in rows] == ["a", "b", "c"]


async def test_a_transaction_without_statements_makes_no_trip(
    db: Database, trips: list[str]
) -> None:
    async with db.transaction():
        pass
    async with db.read():
        pass
    assert trips == []


async def test_the_first_statement_takes_the_write_lock(tmp_path: Path, db: Database) -> None:
    async with db.connection() as connection:
        await connection.execute(text("SELECT 1"))
        # Another connection cannot write now: BEGIN IMMEDIATE was sent with the SELECT.
        other = sqlite3.connect(tmp_path / "driver.db", timeout=0, isolation_level=None)
        try:
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        finally:
            other.close()


async def test_errors_are_sqlalchemys_and_roll_the_transaction_back(db: Database) -> None:
    async with db.connection() as connection:
        await connection.execute(text("INSERT INTO t (v) VALUES ('a')"))
    with pytest.raises(IntegrityError):
        async with db.connection() as connection:
            await connection.execute(text("INSERT INTO t (v) VALUES ('b')"))
            await connection.execute(text("INSERT INTO t (v) VALUES ('a')"))
    async with db.read() as uow:
        values = (await uow.connection.execute(text("SELECT v FROM t"))).scalars().all()
    assert values == ["a"]


async def test_rows_come_one_by_one_in_batches_and_streamed(db: Database) -> None:
    async with db.connection() as connection:
        await connection.execute(
            text("INSERT INTO t (v) VALUES (:v)"), [{"v": f"{n:03}"} for n in range(10)]
        )
    async with db.read() as uow:
        result = await uow.connection.execute(text("SELECT v FROM t ORDER BY v"))
        first = result.fetchone()
        batches = [len(part) for part in result.partitions(4)]
        streamed = await uow.connection.stream(text("SELECT v FROM t ORDER BY v"))
        values = [row.v async for row in streamed]
    assert first is not None
    assert first.v == "000"
    assert batches == [4, 4, 1]
    assert values == [f"{n:03}" for n in range(10)]
