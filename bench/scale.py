"""/progress, the summary and a register when the teachers' survey has 100,000 responses.

An SQLite file gets the built-in forms (as the bot stores them at start-up), 8 municipalities
with 40 schools (every fourth one ШНОР) and ``--rows`` sent responses of
``teacher_difficulties`` whose answers are drawn for each question of the form by its type
(inserted with ``executemany``). Then, through the production services, each timed once per
round:

- **/progress**: ``Progress.report`` for an administrator (every target of the shipped targets
  file, the whole region) and for a municipal coordinator (one municipality);
- **summary**: ``Summarizer.summary`` «за всё время», written to a file;
- **register**: ``Exporter.register`` of the survey with the bot's default writer (the
  separate process).

The anchor is the same run at ``--small`` responses (10,000) on a second file: the ratios say
how each grows with ten times the responses.

    .venv/bin/python -m bench.scale                       # 10,000 and 100,000 responses
    .venv/bin/python -m bench.scale --rows 20000 --small 2000   # a quick run
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sqlite3
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import forms
from bot.workflows import declared
from forms.i18n import translator
from forms.questions import (
    ChoiceQuestion,
    DateQuestion,
    IntegerQuestion,
    MultipleChoiceQuestion,
    Question,
    RatingQuestion,
    SchoolQuestion,
    YesNoQuestion,
)
from forms.schema import Form
from forms.vocabulary import Role
from handlers.access import Scope
from handlers.clock import Clock
from handlers.exporting.registers import Exporter, Order, Period, Requester
from handlers.exporting.summary import Summarizer
from handlers.progress.service import Progress
from storage.catalog import FormCatalog
from storage.database import Database
from storage.migrate import upgrade

FORM_ID = "teacher_difficulties"
LIBRARY = Path(forms.__file__).parent / "library"
TARGETS = Path(forms.__file__).parent / "targets.yaml"
ZONE = ZoneInfo("Europe/Moscow")
KEY = b"bench pseudonym key"
MUNICIPALITIES = 8
SCHOOLS = 40
START = datetime(2025, 9, 1, 6, 0, tzinfo=UTC)
NOW = datetime(2026, 5, 20, 9, 0, tzinfo=UTC)
ADMIN = Scope(1, Role.admin)
MUNICIPAL = Scope(2, Role.municipal, frozenset({1}))


# --- the data --------------------------------------------------------------------------------


async def fill(path: Path, rows: int) -> None:
    database = Database.from_url(f"sqlite+aiosqlite:///{path}")
    try:
        await upgrade(database)
        catalog = FormCatalog(database)
        errors = await catalog.load([LIBRARY])
        assert not errors, errors
        entry = catalog.current(FORM_ID)
        assert entry is not None
    finally:
        await database.dispose()
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA journal_mode=WAL")
        _insert(db, entry.form, entry.version_id, rows)


def _insert(db: sqlite3.Connection, form: Form, version_id: int, rows: int) -> None:
    now = "2025-09-01 06:00:00.000000"
    db.executemany(
        "insert into municipalities (id, code, name) values (?, ?, ?)",
        [(n, f"{n:02}", f"Район {n}") for n in range(1, MUNICIPALITIES + 1)],
    )
    db.executemany(
        "insert into schools (id, code, name, short_name, municipality_id, low_results,"
        " difficult_conditions, partner) values (?, ?, ?, ?, ?, ?, 0, 0)",
        [
            (n, f"{n:04}", f"МБОУ СОШ № {n}", f"СОШ {n}", _municipality(n), int(n % 4 == 0))
            for n in range(1, SCHOOLS + 1)
        ],
    )
    people = max(rows // 3, 1)
    db.executemany(
        "insert into users (id, first_name, last_name, role, created_at)"
        " values (?, ?, ?, 'respondent', ?)",
        [(10_000 + n, "Учитель", f"Номер {n}", now) for n in range(people)],
    )
    db.executemany(
        "insert into submissions (id, form_version_id, respondent_id, status, school_id,"
        " municipality_id, created_at, updated_at, submitted_at)"
        " values (?, ?, ?, 'submitted', ?, ?, ?, ?, ?)",
        _submissions(version_id, rows, people),
    )
    db.executemany(
        "insert into answers (submission_id, question_id, value, answered_at) values (?, ?, ?, ?)",
        _answers(form, rows, now),
    )


def _municipality(school: int) -> int:
    return (school - 1) % MUNICIPALITIES + 1


def _school(number: int) -> int:
    return number % SCHOOLS + 1


def _submissions(version_id: int, rows: int, people: int) -> Iterator[tuple[Any, ...]]:
    for number in range(1, rows + 1):
        sent = (START + timedelta(minutes=3 * number)).strftime("%Y-%m-%d %H:%M:%S.%f")
        school = _school(number)
        respondent = 10_000 + number % people
        yield number, version_id, respondent, school, _municipality(school), sent, sent, sent


def _answers(form: Form, rows: int, now: str) -> Iterator[tuple[Any, ...]]:
    rng = random.Random(2026)
    questions = [question for question in form.all_questions() if question.answerable]
    for number in range(1, rows + 1):
        for question in questions:
            value = answer(question, rng, _school(number))
            if value is not None:
                yield number, question.id, json.dumps(value, ensure_ascii=False), now


def answer(question: Question, rng: random.Random, school: int) -> Any:  # noqa: PLR0911
    """A plausible stored value of a question, by its type (as the dialog saves them)."""
    if isinstance(question, SchoolQuestion):
        name = f"МБОУ СОШ № {school}"
        return {"code": f"{school:04}", "name": name, "municipality": f"Район {school % 8}"}
    if isinstance(question, RatingQuestion):
        return rng.randint(question.min, question.max)
    if isinstance(question, MultipleChoiceQuestion):
        values = [option.value for option in question.options]
        return rng.sample(values, min(2, len(values)))
    if isinstance(question, ChoiceQuestion):
        return rng.choice([option.value for option in question.options])
    if isinstance(question, YesNoQuestion):
        return rng.random() < 0.7
    if isinstance(question, IntegerQuestion):
        return rng.randint(int(question.min or 0), int(min(question.max or 40, 40)))
    if isinstance(question, DateQuestion):
        return (date(2025, 9, 1) + timedelta(days=rng.randrange(200))).isoformat()
    if question.required or rng.random() < 0.3:
        return "Нужна помощь с заданиями функциональной грамотности."
    return None


# --- the measurements --------------------------------------------------------------------


async def measure(path: Path, out: Path) -> dict[str, float]:
    database = Database.from_url(f"sqlite+aiosqlite:///{path}")
    t = translator()
    clock = Clock(ZONE, lambda: NOW)
    try:
        catalog = FormCatalog(database)
        await catalog.load([LIBRARY])
        progress = Progress(database, catalog, TARGETS, t, clock)
        summarizer = Summarizer(
            database,
            t,
            ZONE,
            TARGETS,
            form_files=lambda: {entry.form.id: entry.form for entry in catalog.all()},
            now=clock.now_utc,
        )
        exporter = Exporter(database, t, ZONE, KEY, declared(), now=clock.now_utc)
        requester = Requester(None, "bench")
        steps: list[tuple[str, Callable[[], Awaitable[Any]]]] = [
            ("/progress (region)", lambda: progress.report(ADMIN)),
            ("/progress (municipality)", lambda: progress.report(MUNICIPAL)),
            ("summary", lambda: summarizer.summary(Period(), requester, out / "summary.xlsx")),
            ("register", lambda: exporter.register(Order(FORM_ID), requester, out / "r.xlsx")),
        ]
        times = {}
        for name, step in steps:
            started = time.perf_counter()
            await step()
            times[name] = time.perf_counter() - started
        return times
    finally:
        await database.dispose()


def run(args: argparse.Namespace, folder: Path) -> int:
    sizes = (args.small, args.rows)
    paths = {size: folder / f"scale-{size}.db" for size in sizes}
    for size, path in paths.items():
        started = time.perf_counter()
        asyncio.run(fill(path, size))
        print(f"{size:,} responses inserted in {time.perf_counter() - started:.1f} s", flush=True)
    rounds: list[dict[int, dict[str, float]]] = []
    for number in range(1, args.repeat + 1):
        print(f"round {number} (load average {os.getloadavg()[0]:.1f})", flush=True)
        found = {}
        for size, path in paths.items():
            found[size] = asyncio.run(measure(path, folder))
            line = "  ".join(f"{name} {seconds:.2f} s" for name, seconds in found[size].items())
            print(f"  {size:>7,}: {line}", flush=True)
        rounds.append(found)
    print(f"\ntimes at {args.rows:,} / at {args.small:,} responses:")
    for name in rounds[0][args.rows]:
        ratios = ", ".join(
            f"{found[args.rows][name] / found[args.small][name]:.1f}x" for found in rounds
        )
        print(f"  {name:<26} {ratios}")
    return 0


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="responses (100,000)")
    parser.add_argument("--small", type=int, default=10_000, help="the anchor's (10,000)")
    parser.add_argument("--repeat", type=int, default=1, help="rounds (1)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as folder:
        return run(args, Path(folder))


if __name__ == "__main__":
    sys.exit(main())
