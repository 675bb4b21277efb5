"""``school-bot run`` with a profiler switched by signals (``bench/processes.py --profile``):
SIGUSR1 starts cProfile on the event loop's thread, SIGUSR2 stops it and writes the
statistics to ``BENCH_PROFILE``, so that only the timed phase is profiled. (``python -m
cProfile`` would see start-up too, and the bot leaves with ``os._exit``, before it writes.)"""

from __future__ import annotations

import cProfile
import os
import signal
from types import FrameType

from bot.cli import main

profile = cProfile.Profile()


def start(_signal: int, _frame: FrameType | None) -> None:
    profile.enable()


def stop(_signal: int, _frame: FrameType | None) -> None:
    profile.disable()
    profile.dump_stats(os.environ["BENCH_PROFILE"])


if __name__ == "__main__":
    signal.signal(signal.SIGUSR1, start)
    signal.signal(signal.SIGUSR2, stop)
    main(["run"])
