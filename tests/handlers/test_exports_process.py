"""The register written in a separate process: the same file as the thread writes, progress
relayed, the child's error raised in the parent, the child ended when the export is cancelled."""

from __future__ import annotations

import asyncio
import io
import multiprocessing
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from bot.workflows import declared
from exports.process import write_in_process
from exports.rows import RegisterRow
from forms.i18n import translator
from handlers.exporting.registers import Exporter, Order, Requester, Writer
from storage.database import Database
from tests.exports.helpers import every_type_answers, every_type_form, request_for, submission
from tests.handlers.export_data import SENT, consultation, fill

t = translator()
KEY = b"process test key"


def exporter(database: Database, writer: Writer) -> Exporter:
    return Exporter(
        database,
        t,
        ZoneInfo("Europe/Moscow"),
        KEY,
        declared(),
        batch_size=1,  # a batch per row: the queue is crossed many times
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
async def test_the_process_writes_the_same_cells_as_the_thread(
    sqlite_db: Database, form_id: str
) -> None:
    await fill(sqlite_db)
    files = {}
    for writer in ("thread", "process"):
        out = io.BytesIO()
        done = await exporter(sqlite_db, writer).register(
            Order(form_id), Requester(None, "Тестовый"), out
        )
        assert done.rows > 0
        files[writer] = cells(out.getvalue())
    assert files["process"] == files["thread"]


async def batches_of(rows: list[RegisterRow], size: int) -> AsyncIterator[list[RegisterRow]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


async def test_the_process_writes_to_a_path_and_relays_progress(tmp_path: Path) -> None:
    rows = [submission(n, answers=every_type_answers()) for n in range(1, 2_101)]
    seen: list[int] = []
    out = tmp_path / "register.xlsx"
    count = await write_in_process(
        request_for(every_type_form()), batches_of(rows, 500), out, t.locale, seen.append
    )
    assert count == 2_100
    assert seen == [1_000, 2_000]
    assert load_workbook(out).worksheets[0].max_row == 2_101


async def test_an_error_in_the_child_is_raised_in_the_parent() -> None:
    request = replace(request_for(every_type_form()), forms=())
    with pytest.raises(ValueError, match="at least one form version"):
        await write_in_process(request, batches_of([submission()], 1), io.BytesIO(), t.locale)


async def test_a_cancelled_export_ends_its_child() -> None:
    started = asyncio.Event()

    async def forever() -> AsyncIterator[list[RegisterRow]]:
        yield [submission()]
        started.set()
        await asyncio.Event().wait()
        yield []  # pragma: no cover

    task = asyncio.create_task(
        write_in_process(request_for(every_type_form()), forever(), io.BytesIO(), t.locale)
    )
    await asyncio.wait_for(started.wait(), 30)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert multiprocessing.active_children() == []
