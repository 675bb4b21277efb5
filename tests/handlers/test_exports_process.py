"""The register exported in a separate process: the same file as the thread writes, for every
variant; the child reads the database itself (the parent runs no query meanwhile); progress
relayed, the child's error raised in the parent, the child ended when the export is cancelled."""

from __future__ import annotations

import asyncio
import io
import multiprocessing
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlalchemy import event

from bot.workflows import declared
from forms.i18n import translator
from forms.vocabulary import Role
from handlers.access import Scope
from handlers.exporting.process import ExportFailed, run_in_process
from handlers.exporting.registers import Exporter, Order, Requester, Writer
from storage.database import Database
from tests.handlers import process_jobs
from tests.handlers.export_data import ADMIN, NORTH_COORDINATOR, SENT, consultation, fill

t = translator()
KEY = b"process test key"


def exporter(database: Database, writer: Writer) -> Exporter:
    return Exporter(
        database,
        t,
        ZoneInfo("Europe/Moscow"),
        KEY,
        declared(),
        batch_size=1,  # a batch per row: many batches
        now=lambda: SENT + timedelta(days=30),
        writer=writer,
    )


def cells(content: bytes) -> dict[str, list[list[Any]]]:
    book = load_workbook(io.BytesIO(content))
    return {
        sheet.title: [[cell.value for cell in row] for row in sheet.iter_rows()]
        for sheet in book.worksheets
    }


@pytest.mark.parametrize("form_id", ["survey", consultation().id])
@pytest.mark.parametrize("who", ["admin", "municipal"])
async def test_the_process_writes_the_same_cells_as_the_thread(
    sqlite_db: Database, form_id: str, who: str
) -> None:
    data = await fill(sqlite_db)
    scope = (
        Scope(ADMIN, Role.admin)
        if who == "admin"
        else Scope(NORTH_COORDINATOR, Role.municipal, frozenset({data.north}))
    )
    files = {}
    for writer in ("thread", "process"):
        out = io.BytesIO()
        done = await exporter(sqlite_db, writer).register(
            Order(form_id), Requester(scope, "Тестовый"), out
        )
        assert done.rows > 0
        files[writer] = cells(out.getvalue())
    assert files["process"] == files["thread"]
    if who == "municipal" and form_id == "survey":
        shown = "\n".join(str(value) for row in files["process"]["Реестр"] for value in row)
        assert "Учителева" not in shown  # anonymised in the child as in the parent
        assert len(files["process"]["Реестр"]) == 3  # the north's two teachers


@pytest.mark.parametrize("writer", ["thread", "process"])
async def test_only_the_thread_reads_in_the_parent(sqlite_db: Database, writer: Writer) -> None:
    await fill(sqlite_db)
    export = exporter(sqlite_db, writer)
    prepared = await export.prepare(Order("survey"), Requester(None, "Тестовый"))
    statements: list[str] = []

    def record(*args: Any) -> None:
        statements.append(args[2])

    event.listen(sqlite_db.engine.sync_engine, "before_cursor_execute", record)
    try:
        assert await export.write(prepared, io.BytesIO(), None) == 3
    finally:
        event.remove(sqlite_db.engine.sync_engine, "before_cursor_execute", record)
    reads = [text for text in statements if "answers" in text]
    assert (reads == []) == (writer == "process")


async def test_an_error_in_the_child_is_raised_in_the_parent(sqlite_db: Database) -> None:
    await fill(sqlite_db)
    export = exporter(sqlite_db, "process")
    prepared = await export.prepare(Order("survey"), Requester(None, "Тестовый"))
    broken = replace(prepared, request=replace(prepared.request, forms=()))
    with pytest.raises(ValueError, match="at least one form version"):
        await export.write(broken, io.BytesIO(), None)


async def test_progress_is_relayed_and_the_file_written_to_a_path(tmp_path: Path) -> None:
    seen: list[int] = []
    out = tmp_path / "register.xlsx"
    assert await run_in_process(process_jobs.counts, 2_100, out, seen.append) == 2_100
    assert seen == [1_000, 2_000]
    assert out.read_bytes() == b"file"


async def test_an_error_that_cannot_cross_is_named() -> None:
    with pytest.raises(ExportFailed, match="Unpicklable"):
        await run_in_process(process_jobs.fails_oddly, None, io.BytesIO())
    with pytest.raises(ValueError, match="plain"):
        await run_in_process(process_jobs.fails, "plain", io.BytesIO())


async def test_a_cancelled_export_ends_its_child() -> None:
    started = asyncio.Event()
    loop = asyncio.get_running_loop()
    task = asyncio.create_task(
        run_in_process(
            process_jobs.waits,
            600.0,
            io.BytesIO(),
            lambda _n: loop.call_soon_threadsafe(started.set),
        )
    )
    await asyncio.wait_for(started.wait(), 60)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert multiprocessing.active_children() == []


async def test_a_database_in_memory_is_exported_in_this_process(sqlite_db: Database) -> None:
    memory = Database.from_url("sqlite+aiosqlite://")
    try:
        assert not memory.shared  # the writer "process" falls back to the thread for it
        assert sqlite_db.shared
        assert Database.from_url(sqlite_db.url).engine.url == sqlite_db.engine.url
    finally:
        await memory.dispose()
