"""Answers through several bot processes, as production runs them: webhook mode, PostgreSQL,
Redis, each update handed to the next process in turn (a load balancer in front of them).

``python -m bench.processes --processes 2`` (also ``python -m bench.answers --processes 2``)
runs the same load first through one process, then through N, in the same run: P people
at once, each answering a form of Q text questions and waiting for the bot's reply before
the next answer (a closed loop, as people do). It prints answers a second, p50 and p95 from
an answer's POST to the reply reaching the fake Bot API, the throughput ratio N : 1 (the
issue's aim: at least 1.7 at N = 2 on this 2-core machine) and checks afterwards that every
answer of every person is stored under its own question, in order.

The database named by ``--database-url`` (default ``BENCH_DATABASE_URL``) is emptied first;
give it a database of its own. The fake Bot API and the people run in this process, so on
a machine with two cores they compete with the bots for the CPU: the ratio is what this
machine gives with its load generator on it, stated as such.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import aiohttp

from forms.i18n import translator
from tests.bot_process import BotProcess
from tests.fake_bot_api import FakeBotAPI, FakeUser
from tests.webhook_processes import (
    Router,
    emptied_postgres,
    emptied_redis,
    free_port,
    last_update,
    started,
    stored_answers,
    webhook_environment,
    webhook_urls,
)

FORM_ID = "bench_processes"
TITLE = "Анкета для замера нескольких процессов"
TARGET_RATIO = 1.7  # throughput at N = 2 against N = 1, from the issue
REDIS_DB = 11
OPENING = 10
"""People who open the form at once before the timed part (a press answered late is refused
by the fake, as by Telegram)."""
t = translator()


def form_yaml(questions: int) -> str:
    items = "".join(
        f"  - {{id: q{n}, type: text, label: Вопрос {n}}}\n" for n in range(1, questions + 1)
    )
    return f"id: {FORM_ID}\ntitle: {TITLE}\nquestions:\n{items}"


@dataclass
class Result:
    processes: int
    answers: int
    seconds: float
    latencies: list[float]
    misplaced: int
    generator_cpu: float  # CPU seconds this process (the fake and the people) spent meanwhile

    @property
    def rate(self) -> float:
        return self.answers / self.seconds

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]

    def line(self) -> str:
        p50, p95 = self.percentile(0.5) * 1000, self.percentile(0.95) * 1000
        return (
            f"{self.processes} process(es): {self.rate:7.1f} answers/s, p50 {p50:6.0f} ms, "
            f"p95 {p95:6.0f} ms, {self.answers} answers in {self.seconds:.1f} s, "
            f"{self.misplaced} misplaced; the load generator's CPU "
            f"{self.generator_cpu / self.seconds:.0%} of the time"
        )


class Load:
    def __init__(self, fake: FakeBotAPI, router: Router, questions: int) -> None:
        self.fake, self.router, self.questions = fake, router, questions
        self.latencies: list[float] = []

    async def reply(self, person: FakeUser, fragment: str) -> object:
        return await self.fake.wait_for_message(
            person.id, timeout=120, predicate=lambda m: fragment in (m.text or "")
        )

    async def open_form(self, person: FakeUser) -> None:
        await self.router.one(self.fake.send_text(person, "/start"))
        menu = await self.reply(person, "")
        self.fake.press(person, menu, t("menu-button-forms"))  # type: ignore[arg-type]
        await self.router.one(last_update(self.fake))
        forms = await self.reply(person, t("forms-list-title"))
        self.fake.press(person, forms, TITLE)  # type: ignore[arg-type]
        await self.router.one(last_update(self.fake))
        await self.reply(person, "Вопрос 1")

    async def fill(self, person: FakeUser) -> None:
        for number in range(1, self.questions + 1):
            last = number == self.questions
            following = t("dialog-review-hint") if last else f"Вопрос {number + 1}"
            started_at = time.perf_counter()
            await self.router.one(self.fake.send_text(person, f"ответ {number}"))
            await self.reply(person, following)
            self.latencies.append(time.perf_counter() - started_at)


async def run(processes: int, args: argparse.Namespace, first_id: int) -> Result:
    await emptied_postgres(args.database_url)
    redis = await emptied_redis(args.redis_url, REDIS_DB)
    people = [FakeUser(first_id + n, f"Педагог {n}") for n in range(args.people)]
    with tempfile.TemporaryDirectory(prefix="bench-processes-") as folder:
        workdir = Path(folder)
        (workdir / "forms").mkdir()
        (workdir / "forms" / "bench.yaml").write_text(form_yaml(args.questions), "utf-8")
        async with FakeBotAPI() as fake:
            ports = [free_port() for _ in range(processes)]
            bots: list[BotProcess] = []
            try:
                for index, port in enumerate(ports):
                    env = {
                        **webhook_environment(fake, args.database_url, port),
                        "REDIS_URL": redis,
                        "FORMS_DIR": str(workdir / "forms"),
                        "LOG_LEVEL": "WARNING",
                        # Telegram's 30 a second in all would be what is measured: the fake
                        # keeps no limit here, and neither do the bots.
                        "SEND_RATE": "1000",
                        "SEND_CHAT_SECONDS": "0",
                    }
                    bots.append(await started(fake, workdir, f"bot{index}", env))
                async with aiohttp.ClientSession() as http:
                    load = Load(fake, Router(fake, webhook_urls(ports), http), args.questions)
                    for start in range(0, len(people), OPENING):  # not timed
                        group = people[start : start + OPENING]
                        await asyncio.gather(*(load.open_form(person) for person in group))
                    began, cpu = time.perf_counter(), time.process_time()
                    try:
                        await asyncio.gather(*(load.fill(person) for person in people))
                    except AssertionError:  # a reply that never came: say what the bots logged
                        for bot in bots:
                            print(bot.log_text()[-3000:], file=sys.stderr)
                        raise
                    seconds = time.perf_counter() - began
                    generator_cpu = time.process_time() - cpu
                for bot in bots:
                    await bot.terminate()
            finally:
                for bot in bots:
                    await bot.close()
    answers = await stored_answers(args.database_url, FORM_ID)
    expected = {f"q{n}": f"ответ {n}" for n in range(1, args.questions + 1)}
    misplaced = sum(
        1 for p in people for q, v in expected.items() if answers.get(p.id, {}).get(q) != v
    )
    return Result(processes, len(load.latencies), seconds, load.latencies, misplaced, generator_cpu)


async def main(args: argparse.Namespace) -> int:
    rounds: dict[int, list[Result]] = {1: [], args.processes: []}
    for round_ in range(args.rounds):
        for count in (1, args.processes):  # interleaved: both see the same machine
            result = await run(count, args, 7_000_000 + round_ * 10_000 + count * 1_000)
            rounds[count].append(result)
            print(f"round {round_ + 1}: {result.line()}", flush=True)
    ratios = [
        many.rate / one.rate for one, many in zip(rounds[1], rounds[args.processes], strict=True)
    ]
    load = os.getloadavg()[0]
    print(
        f"throughput {args.processes} : 1 = "
        + ", ".join(f"{ratio:.2f}" for ratio in ratios)
        + f" (median {statistics.median(ratios):.2f}; aim at 2 processes: ≥ {TARGET_RATIO}); "
        f"load average now {load:.1f}, {os.cpu_count()} CPUs"
    )
    bad = sum(r.misplaced for results in rounds.values() for r in results)
    print(f"answers misplaced or missing: {bad}")
    return 1 if bad else 0


def parser() -> argparse.ArgumentParser:
    arguments = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    arguments.add_argument("--processes", type=int, default=2)
    arguments.add_argument("--people", type=int, default=60)
    arguments.add_argument("--questions", type=int, default=12)
    arguments.add_argument("--rounds", type=int, default=2)
    arguments.add_argument(
        "--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""), required=False
    )
    arguments.add_argument(
        "--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
    )
    return arguments


def cli(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if not args.database_url.startswith("postgresql"):
        print("give a PostgreSQL database of its own: --database-url or BENCH_DATABASE_URL")
        return 2
    return asyncio.run(main(args))


if __name__ == "__main__":
    raise SystemExit(cli())
