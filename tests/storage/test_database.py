"""The engine, the unit of work and the user repository, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.dialects.postgresql.asyncpg import AsyncAdapt_asyncpg_connection
from sqlalchemy.exc import IntegrityError

import storage.database as database_module
from forms.vocabulary import Role
from storage.database import Database
from storage.models import User
from storage.repositories.users import TelegramProfile


async def test_sqlite_file_and_folder_are_created_with_wal_and_foreign_keys(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "folder" / "bot.db"
    database = Database.from_url(f"sqlite+aiosqlite:///{path}")
    try:
        async with database.read() as uow:
            mode = (await uow.connection.exec_driver_sql("PRAGMA journal_mode")).scalar()
            keys = (await uow.connection.exec_driver_sql("PRAGMA foreign_keys")).scalar()
    finally:
        await database.dispose()
    assert path.exists()
    assert (mode, keys) == ("wal", 1)


async def test_save_profile_creates_then_updates(database: Database) -> None:
    profile = TelegramProfile(id=2**40, first_name="Ирина", username="irina", language="ru")
    async with database.transaction() as uow:
        created = await uow.users.save_profile(profile)
    async with database.transaction() as uow:
        renamed = await uow.users.save_profile(
            TelegramProfile(id=2**40, first_name="Ирина П."), role=Role.coordinator
        )
    assert created.id == 2**40  # Telegram ids need 64 bits
    assert created.role is Role.respondent
    assert renamed.first_name == "Ирина П."
    assert renamed.role is Role.coordinator
    assert renamed.created_at == created.created_at
    assert renamed.created_at.tzinfo is UTC


async def test_times_come_back_in_utc(database: Database) -> None:
    async with database.transaction() as uow:
        saved = await uow.users.save_profile(TelegramProfile(id=5, first_name="Пётр"))
    assert saved.created_at.tzinfo is UTC
    assert abs((datetime.now(UTC) - saved.created_at).total_seconds()) < 60


async def test_a_failed_unit_of_work_leaves_nothing(database: Database) -> None:
    async with database.transaction() as uow:
        await uow.users.save_profile(TelegramProfile(id=1, first_name="А"))
    with pytest.raises(IntegrityError):
        async with database.transaction() as uow:
            await uow.users.save_profile(TelegramProfile(id=2, first_name="Б"))
            await uow.connection.execute(text("INSERT INTO users (id) VALUES (1)"))
    async with database.read() as uow:
        assert await uow.users.get(2) is None
        assert await uow.users.get(1) is not None


async def test_concurrent_writers_queue_instead_of_failing(database: Database) -> None:
    async def write(user_id: int) -> None:
        async with database.transaction() as uow:
            await uow.users.get(user_id)  # a read first: the upgrade to a write must not fail
            await uow.users.save_profile(TelegramProfile(id=user_id, first_name="Учитель"))

    await asyncio.gather(*(write(n) for n in range(1, 41)))
    async with database.read() as uow:
        count = (await uow.connection.execute(select(func.count()).select_from(User))).scalar()
    assert count == 40


async def test_errors_do_not_carry_statement_parameters(database: Database) -> None:
    async with database.transaction() as uow:
        await uow.users.save_profile(TelegramProfile(id=1, first_name="А"))
    with pytest.raises(IntegrityError) as caught:
        async with database.transaction() as uow:
            await uow.connection.execute(
                User.__table__.insert().values(
                    id=1, first_name="Секретова", role="respondent", created_at=datetime.now(UTC)
                )
            )
    assert "Секретова" not in str(caught.value)


async def _backend_pid(database: Database) -> int:
    async with database.read() as uow:
        return int((await uow.connection.execute(text("SELECT pg_backend_pid()"))).scalar_one())


async def _terminate(database: Database, pid: int) -> None:
    """Ends backend ``pid`` from a connection of another engine (not from the pool's)."""
    other = Database.from_url(database.url, pool_size=1)
    try:
        async with other.engine.connect() as connection:
            await connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            await connection.commit()
    finally:
        await other.dispose()


@pytest.mark.postgres
async def test_a_connection_that_died_while_idle_is_replaced_before_use(
    postgres_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(database_module, "PING_AFTER_IDLE_SECONDS", 0.0)  # every one is idle
    killed = await _backend_pid(postgres_db)  # the connection the pool hands out next
    await _terminate(postgres_db, killed)
    await asyncio.sleep(0.2)

    pids = {await _backend_pid(postgres_db) for _ in range(3)}  # no error: pinged, replaced

    assert killed not in pids


@pytest.mark.postgres
async def test_a_connection_returned_a_moment_ago_is_not_pinged(
    postgres_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    pings: list[int] = []
    ping = AsyncAdapt_asyncpg_connection.ping

    def counted(self: AsyncAdapt_asyncpg_connection) -> None:
        pings.append(1)
        ping(self)

    monkeypatch.setattr(AsyncAdapt_asyncpg_connection, "ping", counted)
    await _backend_pid(postgres_db)
    await _backend_pid(postgres_db)  # the connection the first unit of work returned
    assert pings == []

    monkeypatch.setattr(database_module, "PING_AFTER_IDLE_SECONDS", 0.0)
    await _backend_pid(postgres_db)
    assert pings == [1]  # one that waited is pinged


@pytest.mark.postgres
async def test_connections_opened_for_a_burst_are_kept_for_the_next(
    postgres_db: Database,
) -> None:
    async def burst() -> set[int]:
        async def one() -> int:
            async with postgres_db.read() as uow:
                await uow.connection.execute(text("SELECT pg_sleep(0.05)"))
                result = await uow.connection.execute(text("SELECT pg_backend_pid()"))
                return int(result.scalar_one())

        return set(await asyncio.gather(*(one() for _ in range(10))))

    first = await burst()
    assert len(first) == 10
    assert await burst() == first  # none closed and opened again
