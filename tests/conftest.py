"""Fixtures: databases (SQLite always; PostgreSQL and Redis when their URLs are set), a
recording bot and a real Dispatcher built by the application's own factory."""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiogram import Dispatcher
from sqlalchemy import text

from bot.factory import create_dispatcher
from bot.settings import Settings
from storage.database import Database
from storage.migrate import upgrade
from storage.models import Base
from tests.mocked_bot import TOKEN, MockedBot
from tests.webhook_processes import emptied_postgres

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "")
# Scripted people answer at machine speed; the throttling tests cover the limit itself.
MACHINE_SPEED = 1_000_000


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


async def _migrate(url: str) -> None:
    database = Database.from_url(url)
    try:
        await upgrade(database)
    finally:
        await database.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated database file, copied for each test (migrating each time is slow)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    asyncio.run(_migrate(sqlite_url(path)))
    return path


@pytest.fixture
async def sqlite_db(tmp_path: Path, sqlite_template: Path) -> AsyncIterator[Database]:
    path = tmp_path / "bot.db"
    shutil.copy(sqlite_template, path)
    database = Database.from_url(sqlite_url(path))
    yield database
    await database.dispose()


@pytest.fixture(scope="session")
def postgres_url() -> str:
    if not TEST_DATABASE_URL:
        pytest.skip("TEST_DATABASE_URL is not set: PostgreSQL tests skipped")
    try:
        asyncio.run(emptied_postgres(TEST_DATABASE_URL))
    except (OSError, ConnectionError) as error:
        pytest.fail(f"TEST_DATABASE_URL is set but PostgreSQL is unreachable: {error}")
    return TEST_DATABASE_URL


@pytest.fixture
async def postgres_db(postgres_url: str) -> AsyncIterator[Database]:
    database = Database.from_url(postgres_url)
    tables = ", ".join(table.name for table in Base.metadata.sorted_tables)
    async with database.connection() as connection:
        await connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    yield database
    await database.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest) -> Database:
    """The same test on SQLite and, when configured, on PostgreSQL."""
    db: Database = request.getfixturevalue(f"{request.param}_db")
    return db


@pytest.fixture(scope="session")
def redis_url() -> str:
    if not TEST_REDIS_URL:
        pytest.skip("TEST_REDIS_URL is not set: Redis tests skipped")
    from redis.asyncio import Redis

    async def ping() -> None:
        client = Redis.from_url(TEST_REDIS_URL)
        try:
            await client.ping()
        finally:
            await client.aclose()

    try:
        asyncio.run(ping())
    except (OSError, ConnectionError) as error:
        pytest.fail(f"TEST_REDIS_URL is set but Redis is unreachable: {error}")
    return TEST_REDIS_URL


DRILL_REPORT: list[str] = []


@pytest.fixture
def drill_report() -> list[str]:
    """Lines a drill reports (its counts); printed at the end of the run."""
    return DRILL_REPORT


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if DRILL_REPORT:
        terminalreporter.section("drills")
        for line in DRILL_REPORT:
            terminalreporter.write_line(line)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        bot_token=TOKEN,
        database_url=sqlite_url(tmp_path / "bot.db"),
        admin_ids=frozenset({9001}),
        throttle_burst=MACHINE_SPEED,
    )


@pytest.fixture
def bot() -> MockedBot:
    return MockedBot()


@pytest.fixture
def dispatcher(settings: Settings, sqlite_db: Database) -> Dispatcher:
    return create_dispatcher(settings, sqlite_db)
