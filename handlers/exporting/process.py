"""A register's export run in a separate process, so that it does not hold the bot's
interpreter (its GIL) or its event loop while a large file is built.

The parent starts a child with ``spawn`` and hands it a job: a module-level function and its
argument (for a register: the database's URL and the checked request, see
``handlers.exporting.registers``). The child does the whole export itself (opens its own
database connection, reads the batches, writes the file), at a lower priority (``NICE``) so
that on a busy machine the bot's replies go first. The parent only waits: progress comes back
through a queue and is reported from a thread; a child that fails sends its exception back;
one that dies (killed, out of memory) is noticed within ``POLL`` seconds; if the parent is
cancelled, the child is terminated.

The child does not re-import the parent's ``__main__`` (``spawn`` would: for the bot that is
its entry script, seconds of aiogram's imports per export); it imports the job's module.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import pickle
import queue
import shutil
import sys
import tempfile
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

POLL = 0.2
NICE = 10
"""How much lower the child's priority is than the bot's (``os.nice``)."""

Progress = Callable[[int], None]
Job = TypeVar("Job")


class ExportDied(RuntimeError):
    """The export's process ended without a result."""


class ExportFailed(RuntimeError):
    """The child's exception could not be sent back as it was (not picklable): its type."""


async def run_in_process(
    work: Callable[[Job, Path, Progress | None], int],
    job: Job,
    out: BinaryIO | Path,
    progress: Progress | None = None,
    nice: int = NICE,
) -> int:
    """``work(job, path, progress)`` in a child process, writing to ``out``; its count.
    ``nice``: how much lower the child's priority is (``bench/export.py`` compares speeds
    with 0)."""
    context = multiprocessing.get_context("spawn")
    results: Any = context.Queue()
    with tempfile.TemporaryDirectory(prefix="register-") as folder:
        target = out if isinstance(out, Path) else Path(folder) / "register.xlsx"
        child = context.Process(
            target=_child,
            args=(work, job, results, str(target)),
            kwargs={"reports": progress is not None, "nice": nice},
            name="register export",
            daemon=True,
        )
        with _bare_main():
            child.start()
        try:
            count = await asyncio.to_thread(_outcome, results, child, progress)
        finally:
            if child.is_alive():
                child.terminate()
            await asyncio.to_thread(child.join)
            results.close()
        if not isinstance(out, Path):
            with target.open("rb") as written:
                await asyncio.to_thread(shutil.copyfileobj, written, out)
    return count


@contextmanager
def _bare_main() -> Iterator[None]:
    """An empty ``__main__`` while the child is started: spawn then imports no entry module."""
    main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main


def _outcome(results: Any, child: BaseProcess, progress: Progress | None) -> int:
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
                raise ExportDied(
                    f"the register's export ended (exit code {child.exitcode})"
                ) from None
        if kind == "progress":
            if progress is not None:
                progress(value)
        elif kind == "error":
            raise value
        else:
            return int(value)


def _child(
    work: Callable[[Any, Path, Progress | None], int],
    job: Any,
    results: Any,
    path: str,
    *,
    reports: bool,
    nice: int,
) -> None:
    """The child's side: the job, then its count or its error."""
    with suppress(OSError):
        os.nice(nice)

    def progress(count: int) -> None:
        results.put(("progress", count))

    try:
        count = work(job, Path(path), progress if reports else None)
    except Exception as error:
        results.put(("error", _sendable(error)))
    else:
        results.put(("done", count))


def _sendable(error: Exception) -> Exception:
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:
        return ExportFailed(type(error).__name__)
    return error
