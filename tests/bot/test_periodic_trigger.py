"""A periodic job with a trigger runs at once when woken, even when woken mid-run."""

from __future__ import annotations

import asyncio

from bot.jobs import Periodic


async def test_a_trigger_starts_the_next_run_at_once_and_a_wake_during_a_run_is_kept() -> None:
    trigger = asyncio.Event()
    runs: list[int] = []
    running, release = asyncio.Event(), asyncio.Event()

    async def job() -> None:
        runs.append(len(runs))
        if len(runs) == 2:
            running.set()
            await release.wait()

    periodic = Periodic("files", 3600, job, trigger)
    periodic.start()
    try:
        await asyncio.sleep(0.05)
        assert runs == [0]  # the first run, then an hour's pause
        trigger.set()
        await asyncio.wait_for(running.wait(), 5)
        trigger.set()  # woken again while the second run works
        release.set()
        for _ in range(250):
            if len(runs) == 3:
                break
            await asyncio.sleep(0.02)
        await asyncio.sleep(0.05)
        assert runs == [0, 1, 2]  # the third run came at once, and no fourth
    finally:
        await periodic.stop()
