"""Migrations: each step up, down and up again (the stairway), and no drift from the models."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from storage import migrate
from storage.database import Database
from storage.models import Base
from tests.conftest import sqlite_url

OWN_TABLES = {t.name for t in Base.metadata.sorted_tables} | {"alembic_version"}


@pytest.fixture
async def empty_sqlite(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database.from_url(sqlite_url(tmp_path / "empty.db"))
    yield database
    await database.dispose()


@pytest.fixture
async def empty_postgres(postgres_url: str) -> AsyncIterator[Database]:
    database = Database.from_url(postgres_url)
    await migrate.downgrade(database, "base")
    yield database
    await migrate.upgrade(database)  # leave the shared test database as the others expect it
    await database.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_database(request: pytest.FixtureRequest) -> Database:
    db: Database = request.getfixturevalue(f"empty_{request.param}")
    return db


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names()) & OWN_TABLES


async def tables(database: Database) -> set[str]:
    async with database.connection() as connection:
        return await connection.run_sync(_tables)


async def test_stairway_every_migration_up_down_up(empty_database: Database) -> None:
    revisions = migrate.revisions()
    assert revisions, "no migrations found"
    previous = "base"
    for revision in revisions:
        await migrate.upgrade(empty_database, revision)
        await migrate.downgrade(empty_database, previous)
        await migrate.upgrade(empty_database, revision)
        assert await migrate.current_revision(empty_database) == revision
        previous = revision
    await migrate.downgrade(empty_database, "base")
    assert await tables(empty_database) <= {"alembic_version"}


async def test_head_matches_the_models(empty_database: Database) -> None:
    await migrate.upgrade(empty_database)

    def diff(connection: Connection) -> list[object]:
        return list(compare_metadata(MigrationContext.configure(connection), Base.metadata))

    async with empty_database.connection() as connection:
        assert await connection.run_sync(diff) == []
    assert await tables(empty_database) == OWN_TABLES


async def test_partial_unique_index_allows_one_draft_only(empty_database: Database) -> None:
    await migrate.upgrade(empty_database)
    insert_version = text(
        "INSERT INTO form_versions"
        " (id, form_id, version, fingerprint, title, definition, created_at)"
        " VALUES (1, 'f', 1, 'x', 't', '{}', CURRENT_TIMESTAMP)"
    )
    insert_user = text(
        "INSERT INTO users (id, first_name, role, created_at)"
        " VALUES (1, 'A', 'respondent', CURRENT_TIMESTAMP)"
    )
    insert_submission = text(
        "INSERT INTO submissions (form_version_id, respondent_id, status, created_at, updated_at)"
        " VALUES (1, 1, :status, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
    )
    async with empty_database.connection() as connection:
        await connection.execute(insert_version)
        await connection.execute(insert_user)
        await connection.execute(insert_submission, {"status": "submitted"})
        await connection.execute(insert_submission, {"status": "submitted"})
        await connection.execute(insert_submission, {"status": "draft"})
    with pytest.raises(Exception, match=r"(?i)unique"):
        async with empty_database.connection() as connection:
            await connection.execute(insert_submission, {"status": "draft"})


async def test_data_survives_every_step_down_and_up(empty_database: Database) -> None:
    """Batch-mode rebuilds on SQLite must not cascade deletes into the rows that refer."""
    await migrate.upgrade(empty_database, migrate.revisions()[0])
    statements = [
        "INSERT INTO users (id, first_name, role, created_at)"
        " VALUES (7, 'A', 'respondent', CURRENT_TIMESTAMP)",
        "INSERT INTO form_versions (id, form_id, version, fingerprint, title, definition,"
        " created_at) VALUES (1, 'f', 1, 'x', 't', '{}', CURRENT_TIMESTAMP)",
        "INSERT INTO submissions (id, form_version_id, respondent_id, status, created_at,"
        " updated_at) VALUES (1, 1, 7, 'submitted', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
        "INSERT INTO answers (submission_id, question_id, value, answered_at)"
        " VALUES (1, 'q', '1', CURRENT_TIMESTAMP)",
    ]
    async with empty_database.connection() as connection:
        for statement in statements:
            await connection.execute(text(statement))
    for revision in migrate.revisions()[1:]:
        await migrate.upgrade(empty_database, revision)
    for revision in reversed(migrate.revisions()[:-1]):
        await migrate.downgrade(empty_database, revision)
    await migrate.upgrade(empty_database)
    async with empty_database.connection() as connection:
        answers = (await connection.execute(text("SELECT count(*) FROM answers"))).scalar()
        users = (await connection.execute(text("SELECT count(*) FROM users"))).scalar()
    assert (answers, users) == (1, 1)
