"""Jobs for ``run_in_process`` in the tests: module-level, so that a spawned child imports
them (and nothing heavier)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path


class Unpicklable(Exception):
    def __init__(self) -> None:
        super().__init__("cannot be rebuilt from its args")
        self.handle = lambda: None


def counts(rows: int, out: Path, progress: Callable[[int], None] | None) -> int:
    for done in range(1_000, rows + 1, 1_000):
        if progress is not None:
            progress(done)
    out.write_bytes(b"file")
    return rows


def fails(message: str, out: Path, progress: Callable[[int], None] | None) -> int:
    raise ValueError(message)


def fails_oddly(_job: None, out: Path, progress: Callable[[int], None] | None) -> int:
    raise Unpicklable


def waits(seconds: float, out: Path, progress: Callable[[int], None] | None) -> int:
    if progress is not None:
        progress(1)
    time.sleep(seconds)
    return 0
