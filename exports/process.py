"""The register written in a separate process, so that openpyxl's CPU work does not hold the
bot's interpreter (its GIL) while a large file is built.

The parent reads batches of ``RegisterRow`` on its event loop and puts them into a bounded
queue (``QUEUED`` batches at most: memory still holds a few batches, not the file's rows); a
child started with ``spawn`` builds its own translator and runs ``write_register`` into a
file. Progress comes back through a second queue and is reported from a thread, as the thread
writer reported it. A child that fails sends its exception back; one that dies (killed, out of
memory) is noticed within ``POLL`` seconds. If the parent is cancelled, the child is
terminated.

The child does not re-import the parent's ``__main__`` (``spawn`` would: for the bot that is
its entry script, seconds of aiogram's imports per export); it needs ``exports`` and
``forms`` only.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import queue
import shutil
import sys
import tempfile
import types
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any, BinaryIO

from exports.register import write_register
from exports.rows import RegisterRequest, RegisterRow
from forms.i18n import translator

QUEUED = 4
POLL = 0.2


class WriterDied(RuntimeError):
    """The writer's process ended without a result."""


async def write_in_process(
    request: RegisterRequest,
    batches: AsyncIterator[list[RegisterRow]],
    out: BinaryIO | Path,
    locale: str,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write the register in a child process; return the number of rows written."""
    context = multiprocessing.get_context("spawn")
    rows: Any = context.Queue(maxsize=QUEUED)
    results: Any = context.Queue()
    with tempfile.TemporaryDirectory(prefix="register-") as folder:
        target = out if isinstance(out, Path) else Path(folder) / "register.xlsx"
        child = context.Process(
            target=_child,
            args=(request, rows, results, str(target), locale),
            kwargs={"reports": progress is not None},
            name="register writer",
            daemon=True,
        )
        with _bare_main():
            child.start()
        outcome = asyncio.ensure_future(asyncio.to_thread(_outcome, results, child, progress))
        try:
            async for batch in batches:
                if not await asyncio.to_thread(_put, rows, batch, child):
                    break
            else:
                await asyncio.to_thread(_put, rows, None, child)
            count = await outcome
        finally:
            if child.is_alive():
                child.terminate()
            await asyncio.to_thread(child.join)
            await asyncio.gather(outcome, return_exceptions=True)
            rows.cancel_join_thread()
            rows.close()
            results.close()
        if not isinstance(out, Path):
            with target.open("rb") as written:
                await asyncio.to_thread(shutil.copyfileobj, written, out)
    return int(count)


@contextmanager
def _bare_main() -> Iterator[None]:
    """An empty ``__main__`` while the child is started: spawn then imports no entry module."""
    main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main


def _put(rows: Any, batch: list[RegisterRow] | None, child: BaseProcess) -> bool:
    """Put a batch (None: the end) once there is room; False if the child is gone."""
    while child.is_alive():
        try:
            rows.put(batch, timeout=POLL)
        except queue.Full:
            continue
        return True
    return False


def _outcome(results: Any, child: BaseProcess, progress: Callable[[int], None] | None) -> int:
    """Relay the child's progress until its count or its error arrives."""
    while True:
        try:
            kind, value = results.get(timeout=POLL)
        except queue.Empty:
            if child.is_alive():
                continue
            try:  # it may have put its last message just before it ended
                kind, value = results.get(timeout=POLL)
            except queue.Empty:
                raise WriterDied(
                    f"the register's writer ended (exit code {child.exitcode})"
                ) from None
        if kind == "progress":
            if progress is not None:
                progress(value)
        elif kind == "error":
            raise value
        else:
            return int(value)


def _child(
    request: RegisterRequest,
    rows: Any,
    results: Any,
    path: str,
    locale: str,
    *,
    reports: bool,
) -> None:
    """The child's work: rows from the queue into ``path``."""

    def pulled() -> Iterator[RegisterRow]:
        while (batch := rows.get()) is not None:
            yield from batch

    def progress(count: int) -> None:
        results.put(("progress", count))

    try:
        count = write_register(
            request, pulled(), Path(path), translator(locale), progress if reports else None
        )
    except Exception as error:
        results.put(("error", error))
    else:
        results.put(("done", count))
