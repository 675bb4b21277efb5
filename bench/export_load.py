"""Reply times of people filling in a form while a 50,000-row register is exported.

People answer the 12-question form of ``bench.answers`` through the production Dispatcher
(SQLite file, the tests' recording Bot API, no network) at a steady load: each waits a think
time (±20 %) after each reply. In the same run, on the same database and event loop:

1. **alone**: ``--baseline`` seconds of answering, no export;
2. **thread**: answering while ``Exporter`` writes the ``--rows`` register with
   ``writer="thread"`` (batches read on this loop, the workbook built by a thread of this
   process);
3. **process**: the same with ``writer="process"`` (the bot's default, ``EXPORT_WRITER``: a
   child process at a lower priority reads the database and builds the file; this loop only
   waits for it).

An answer is counted in a phase when it was sent while the phase ran (for the exports: from
the start of the export to its end). It prints p50/p95 of the answer updates in each phase,
the exports' times, and the ratios p95 during / p95 alone.

    .venv/bin/python -m bench.export_load                       # 50,000 rows, 8 people
    .venv/bin/python -m bench.export_load --rows 5000 --baseline 5   # a quick run
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from bench import answers as load
from bench import export as data
from bot.workflows import declared
from forms.i18n import translator
from handlers.exporting.registers import Exporter, Order, Requester, Writer
from storage.database import Database

THINK = 0.25


@dataclass
class Phase:
    name: str
    started: float = 0.0
    ended: float = 0.0
    sent: list[tuple[float, float]] = field(default_factory=list)  # (sent at, seconds)
    exported: int = 0

    def latencies(self) -> list[float]:
        return [took for at, took in self.sent if self.started <= at <= self.ended]

    def p(self, share: float) -> float:
        return load.percentile(self.latencies(), share)


class Crowd:
    """People who fill in the form over and over, pausing ``think`` after each reply."""

    def __init__(self, sim: load.Simulation, count: int, think: float) -> None:
        self.sim, self.think = sim, think
        self.crowd = load.people(count)
        self.phase = Phase("warm-up")
        self.stop = asyncio.Event()
        self.rng = random.Random(2026)

    async def pause(self) -> None:
        await asyncio.sleep(self.think * self.rng.uniform(0.8, 1.2))

    async def person(self, person: load.Person) -> None:
        round_ = 0
        await asyncio.sleep(self.think * self.rng.random())  # not everyone at once
        while not self.stop.is_set():
            await self.sim.open_form(person)
            for number, step in enumerate(load.STEPS, start=1):
                await self.pause()
                answer = step.answer(person.number, round_)
                sent = time.perf_counter()
                if step.pressed:
                    took = await self.sim.press(person, answer)
                else:
                    took = await self.sim.send(person, answer)
                self.phase.sent.append((sent, took))
                if number < len(load.STEPS):
                    total = len(load.STEPS)
                    self.sim.expect(
                        person, self.sim.t("form-progress", number=number + 1, total=total)
                    )
            await self.pause()
            await self.sim.submit(person)
            round_ += 1

    async def run(self) -> None:
        await asyncio.gather(*(self.person(person) for person in self.crowd))


async def export(database: Database, writer: Writer, out: Path) -> int:
    zone = ZoneInfo(data.ZONE)
    exporter = Exporter(database, translator(), zone, data.KEY, declared(), writer=writer)
    prepared = await exporter.prepare(Order(data.FORM_ID), Requester(None, "bench"))
    return await exporter.write(prepared, out, None)


async def measure(args: argparse.Namespace, folder: Path, errors: load.ErrorLog) -> int:
    path = folder / "bench.db"
    forms_dir = folder / "forms"
    forms_dir.mkdir()
    database, dispatcher, bot = await load.prepared(path, forms_dir)
    sim = load.Simulation(dispatcher, bot, translator(), load.Stats())
    crowd = Crowd(sim, args.people, args.think)
    phases = [Phase("alone"), Phase("thread"), Phase("process")]
    running = asyncio.create_task(crowd.run())
    try:
        await asyncio.sleep(args.warmup)
        for phase in phases:
            crowd.phase = phase
            phase.sent = crowd.phase.sent
            phase.started = time.perf_counter()
            if phase.name == "alone":
                await asyncio.sleep(args.baseline)
            else:
                phase.exported = await export(database, phase.name, folder / f"{phase.name}.xlsx")
            phase.ended = time.perf_counter()
            print(
                f"{phase.name:<8} {phase.ended - phase.started:6.1f} s"
                f"  {len(phase.latencies()):5} answers"
                f"  p50 {phase.p(0.5) * 1000:7.1f} ms  p95 {phase.p(0.95) * 1000:7.1f} ms"
                + (f"  ({phase.exported:,} rows exported)" if phase.exported else ""),
                flush=True,
            )
            await asyncio.sleep(args.pause)
        crowd.stop.set()
        await running
    finally:
        running.cancel()
        await dispatcher.emit_shutdown(bot=bot, **dispatcher.workflow_data)
        await dispatcher.storage.close()
        await database.dispose()
    alone, thread, process = (phase.p(0.95) for phase in phases)
    print(
        f"\n{args.people} people, think {args.think} s, {args.rows:,}-row register,"
        f" code {load.revision()}\n"
        f"p95 during the export / alone: thread {thread / alone:.1f}x,"
        f" process {process / alone:.1f}x"
        f"  (alone {alone * 1000:.1f} ms, thread {thread * 1000:.1f} ms,"
        f" process {process * 1000:.1f} ms)\n"
        f"errors logged {errors.count}, people stopped {len(sim.stats.failures)}"
    )
    ok = all(phase.exported == args.rows for phase in phases[1:])
    return 0 if ok and errors.count == 0 and not sim.stats.failures else 1


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=50_000, help="register rows (50,000)")
    parser.add_argument("--people", type=int, default=8, help="people answering (8)")
    parser.add_argument("--think", type=float, default=THINK, help="seconds between (0.25)")
    parser.add_argument("--baseline", type=float, default=20.0, help="seconds alone (20)")
    parser.add_argument("--warmup", type=float, default=5.0, help="seconds not counted (5)")
    parser.add_argument("--pause", type=float, default=2.0, help="seconds between phases (2)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    errors = load.console_log()
    load.forbid_network()
    with tempfile.TemporaryDirectory(prefix="bench-export-load-") as folder:
        path = Path(folder) / "bench.db"
        print(f"filling {path} with {args.rows:,} responses x 20 answers…", flush=True)
        print(f"  inserted in {data.fill(path, args.rows):.1f} s", flush=True)
        try:
            return asyncio.run(measure(args, Path(folder), errors))
        except load.BenchError as error:
            print(f"benchmark failed: {error}", file=sys.stderr)
            return 2


if __name__ == "__main__":
    sys.exit(main())
