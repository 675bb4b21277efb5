from __future__ import annotations

import asyncio
import logging

import pytest

from bot.jobs import Periodic


async def test_a_periodic_job_runs_survives_a_failure_and_stops() -> None:
    runs: list[int] = []
    second_run = asyncio.Event()

    async def job() -> None:
        runs.append(len(runs))
        if len(runs) == 1:
            raise RuntimeError("first round fails")
        second_run.set()

    periodic = Periodic("test", 0.01, job)
    periodic.start()
    await asyncio.wait_for(second_run.wait(), 5)
    await periodic.stop()
    count = len(runs)
    await asyncio.sleep(0.05)
    assert count >= 2
    assert len(runs) == count  # stopped means stopped


async def test_a_failing_job_is_logged_without_its_message(
    caplog: pytest.LogCaptureFixture,
) -> None:
    done = asyncio.Event()

    async def job() -> None:
        done.set()
        raise ValueError("+79161234567")

    periodic = Periodic("retention", 10, job)
    with caplog.at_level(logging.ERROR):
        periodic.start()
        await asyncio.wait_for(done.wait(), 5)
        await asyncio.sleep(0)
        await periodic.stop()
    assert "job retention failed with ValueError" in caplog.text
    assert "7916" not in caplog.text
