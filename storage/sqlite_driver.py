"""aiosqlite's connection with one trip to its thread per statement.

SQLAlchemy's aiosqlite adapter makes four trips to the connection's thread for a statement
that returns rows (create the cursor, execute, fetch, close) and three for one that does not;
each trip is a queue put, a thread wake-up and a callback on the event loop, and on a loaded
machine the trips, not SQLite, are most of a unit of work's cost. Here the connection is
aiosqlite's own (its thread, its queue, its close and stop), and only the cursor differs: it
runs the statement, fetches its rows and closes the sqlite3 cursor in one trip, and answers
``fetch*`` from those rows. The rows of a statement are therefore all in memory at once, as
they are with SQLAlchemy's default (buffered) cursors; nothing here streams.

One more trip is saved: the ``BEGIN`` (or ``BEGIN IMMEDIATE``) that SQLAlchemy emits is kept
and sent with the transaction's first statement, in the same trip; a transaction that ran no
statement is then neither begun nor committed. The write lock is taken by that first statement
instead of by the ``BEGIN`` a moment earlier; nothing runs in between.
"""

from __future__ import annotations

import sqlite3
from collections import deque
from collections.abc import Sequence
from typing import Any

import aiosqlite

_BEGIN = frozenset({"BEGIN", "BEGIN IMMEDIATE"})
_Result = tuple[Any, int, int | None, list[Any]]  # description, rowcount, lastrowid, rows


async def connect(database: str) -> Connection:
    """An open connection to ``database`` (a path, or ``:memory:``)."""
    connection = Connection(lambda: sqlite3.connect(database), 64)
    await connection  # starts its thread and opens the file there
    return connection


class Connection(aiosqlite.Connection):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._begin: str | None = None  # a BEGIN not yet sent: it goes with the next statement

    def cursor(self) -> Cursor:  # type: ignore[override]  # aiosqlite's makes a trip
        return Cursor(self)

    async def run(self, sql: str, parameters: Any, many: bool) -> _Result:
        if sql in _BEGIN and not parameters:
            self._begin = sql
            return None, -1, None, []
        begin, self._begin = self._begin, None
        execute: Any = self._execute  # aiosqlite's queue to the thread (untyped)
        result: _Result = await execute(_statement, self._conn, begin, sql, parameters, many)
        return result

    async def commit(self) -> None:
        if self._begin is not None:  # nothing ran since BEGIN: nothing to commit
            self._begin = None
            return
        await super().commit()

    async def rollback(self) -> None:
        if self._begin is not None:
            self._begin = None
            return
        await super().rollback()

    async def close(self) -> None:
        self._begin = None
        await super().close()


def _statement(
    connection: sqlite3.Connection, begin: str | None, sql: str, parameters: Any, many: bool
) -> _Result:
    """On the connection's thread: the pending BEGIN, the statement, all its rows."""
    if begin is not None:
        connection.execute(begin)
    if many:
        cursor = connection.executemany(sql, parameters)
    else:
        cursor = connection.execute(sql, parameters)
    try:
        rows = cursor.fetchall() if cursor.description else []
        return cursor.description, cursor.rowcount, cursor.lastrowid, rows
    finally:
        cursor.close()


class Cursor:
    """The part of aiosqlite's cursor that SQLAlchemy uses, over rows already fetched."""

    arraysize = 1

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self.description: Any = None
        self.rowcount = -1
        self.lastrowid: int | None = None
        self._rows: deque[Any] = deque()

    async def __aenter__(self) -> Cursor:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.close()

    async def execute(self, sql: str, parameters: Any = ()) -> Cursor:
        self._keep(await self._connection.run(sql, parameters, False))
        return self

    async def executemany(self, sql: str, parameters: Sequence[Any]) -> Cursor:
        self._keep(await self._connection.run(sql, parameters, True))
        return self

    def _keep(self, result: _Result) -> None:
        self.description, self.rowcount, self.lastrowid, rows = result
        self._rows = deque(rows)

    async def fetchone(self) -> Any:
        return self._rows.popleft() if self._rows else None

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        count = min(len(self._rows), size or self.arraysize)
        return [self._rows.popleft() for _ in range(count)]

    async def fetchall(self) -> list[Any]:
        rows = list(self._rows)
        self._rows.clear()
        return rows

    async def close(self) -> None:
        self._rows.clear()
