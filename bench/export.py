"""A register of 100,000 responses: time and peak memory, against pandas' ``to_excel``.

An SQLite file gets one 20-question form and ``--rows`` sent responses (20 answers each),
inserted with ``executemany`` in one transaction. Then, each in a fresh process so that its
peak memory is its own, in turns (``--repeat`` rounds of the three):

- **register**: the production path, ``Exporter.prepare`` in the measuring process and the
  export in the child process that ``EXPORT_WRITER=process`` (the default) starts
  (``handlers.exporting.registers.export_in_child``: its own connection, the keyset reader of
  ``storage.registers``, ``exports.register.write_register`` streaming the xlsxwriter
  workbook); its peak memory is the child's, the parent's growth is shown beside it;
- **pandas-openpyxl**, **pandas-xlsxwriter**: the same rows through the same reader, collected
  into a ``DataFrame`` and written by ``DataFrame.to_excel`` with each engine (what a quick
  script would do).

Each prints wall time, rows per second and the process's peak resident memory
(``VmHWM``), then the ratios of each round (pandas' time / the register's) and their spread;
``--tracemalloc`` adds a run of each with Python's own allocation peak (slower, so its time
is not reported; for the register, of the measuring process only).

    .venv/bin/python -m bench.export                  # 100,000 rows
    .venv/bin/python -m bench.export --rows 5000      # a quick run
    .venv/bin/pip install -e ".[bench]"               # pandas, for the comparison
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

REPOSITORY = Path(__file__).resolve().parents[1]
FORM_ID = "bench_register"
ZONE = "Europe/Moscow"
KEY = b"bench pseudonym key"
AIM_MB = 200
AREAS = ("literacy", "assessment", "exams", "digital", "parents", "inclusion", "projects", "time")
SUBJECTS = ("russian", "math", "physics", "history", "biology", "english", "chemistry", "art")
SUPPORT = ("courses", "mentor", "methodist", "materials", "network")
SCHOOLS = 40
START = datetime(2025, 9, 1, 6, 0, tzinfo=UTC)


def options(values: Sequence[str]) -> list[dict[str, str]]:
    return [{"value": value, "label": value.capitalize()} for value in values]


def form_definition() -> dict[str, Any]:
    """20 questions of every common type: the shape of the teachers' survey."""
    ratings = [{"type": "rating", "id": area, "label": f"Затруднения: {area}"} for area in AREAS]
    return {
        "id": FORM_ID,
        "title": "Анкета для замера выгрузки",
        "questions": [
            {"type": "school", "id": "school", "label": "Школа"},
            {"type": "single_choice", "id": "position", "label": "Должность",
             "options": options(("teacher", "head", "deputy", "methodist", "tutor"))},
            {"type": "multiple_choice", "id": "subjects", "label": "Предметы",
             "options": options(SUBJECTS), "other": True},
            {"type": "integer", "id": "experience", "label": "Стаж", "min": 0, "max": 60},
            {"type": "decimal", "id": "hours", "label": "Часов в неделю"},
            *ratings,
            {"type": "yes_no", "id": "mentor", "label": "Нужен наставник?"},
            {"type": "date", "id": "when", "label": "Когда удобно?"},
            {"type": "phone", "id": "phone", "label": "Телефон"},
            {"type": "email", "id": "email", "label": "Почта"},
            {"type": "text", "id": "name", "label": "Как к вам обращаться?"},
            {"type": "text", "id": "comment", "label": "Комментарий", "multiline": True},
            {"type": "multiple_choice", "id": "support", "label": "Какая помощь нужна",
             "options": options(SUPPORT)},
        ],
    }  # fmt: skip


COMMENT = "Нужны курсы по формирующему оцениванию и методическая помощь с проектами. "


def answers(rng: random.Random, number: int) -> dict[str, Any]:
    school = number % SCHOOLS
    other = "Астрономия" if number % 7 == 0 else None
    return {
        "school": {
            "code": f"{school:04}",
            "name": f"МБОУ СОШ № {school}",
            "municipality": f"Район {school % 8}",
        },
        "position": rng.choice(("teacher", "head", "deputy", "methodist", "tutor")),
        "subjects": {"selected": rng.sample(SUBJECTS, 2), "other": other},
        "experience": rng.randint(0, 40),
        "hours": round(rng.uniform(10, 36), 1),
        **{area: rng.randint(1, 5) for area in AREAS},
        "mentor": rng.random() < 0.3,
        "when": (date(2025, 9, 1) + timedelta(days=number % 200)).isoformat(),
        "phone": f"+7916{number % 10_000_000:07}",
        "email": f"teacher{number}@school.example",
        "name": f"Учитель {number}",
        "comment": COMMENT * (1 + number % 3),
        "support": rng.sample(SUPPORT, 2),
    }


# --- the data --------------------------------------------------------------------------------


def fill(path: Path, rows: int) -> float:
    """Migrate an empty file, then insert the form, people, schools and responses."""
    from forms.schema import Form

    asyncio.run(_migrate(path))
    form = Form.model_validate(form_definition())
    started = time.perf_counter()
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA journal_mode=WAL")
        _insert(db, form, rows)
    return time.perf_counter() - started


async def _migrate(path: Path) -> None:
    from storage.database import Database
    from storage.migrate import upgrade

    database = Database.from_url(sqlite_url(path))
    try:
        await upgrade(database)
    finally:
        await database.dispose()


def _insert(db: sqlite3.Connection, form: Any, rows: int) -> None:
    now = "2025-09-01 06:00:00.000000"
    db.execute(
        "insert into form_versions"
        " (id, form_id, version, fingerprint, title, definition, created_at)"
        " values (1, ?, 1, ?, ?, ?, ?)",
        (FORM_ID, form.fingerprint(), form.title, json.dumps(form.model_dump(mode="json")), now),
    )
    db.execute("insert into municipalities (id, code, name) values (1, '01', 'Район')")
    db.executemany(
        "insert into schools (id, code, name, short_name, municipality_id, low_results,"
        " difficult_conditions, partner) values (?, ?, ?, ?, 1, 0, 0, 0)",
        [(n + 1, f"{n:04}", f"МБОУ СОШ № {n}", f"СОШ {n}") for n in range(SCHOOLS)],
    )
    people = max(rows // 5, 1)
    db.executemany(
        "insert into users (id, first_name, last_name, role, created_at)"
        " values (?, ?, ?, 'respondent', ?)",
        [(10_000 + n, "Учитель", f"Номер {n}", now) for n in range(people)],
    )
    db.executemany(
        "insert into submissions (id, form_version_id, respondent_id, status, school_id,"
        " municipality_id, created_at, updated_at, submitted_at)"
        " values (?, 1, ?, 'submitted', ?, 1, ?, ?, ?)",
        _submissions(rows, people),
    )
    db.executemany(
        "insert into answers (submission_id, question_id, value, answered_at) values (?, ?, ?, ?)",
        _answers(rows, now),
    )


def _submissions(rows: int, people: int) -> Iterator[tuple[Any, ...]]:
    for number in range(1, rows + 1):
        sent = (START + timedelta(minutes=3 * number)).strftime("%Y-%m-%d %H:%M:%S.%f")
        yield number, 10_000 + number % people, number % SCHOOLS + 1, sent, sent, sent


def _answers(rows: int, now: str) -> Iterator[tuple[Any, ...]]:
    rng = random.Random(20_26)
    for number in range(1, rows + 1):
        for question, value in answers(rng, number).items():
            yield number, question, json.dumps(value, ensure_ascii=False), now


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


# --- one measured export (in its own process) ---------------------------------------------


def peak_rss_mb() -> float:
    """This process's peak resident memory: ``VmHWM`` on Linux (``ru_maxrss`` survives
    ``exec``, so a child started by a large parent would report the parent's size)."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def _exporter(path: Path) -> tuple[Any, Any]:
    from zoneinfo import ZoneInfo

    from bot.workflows import declared
    from forms.i18n import translator
    from handlers.exporting.registers import Exporter, Order, Requester
    from storage.database import Database

    exporter = Exporter(
        Database.from_url(sqlite_url(path)),
        translator(),
        ZoneInfo(ZONE),
        KEY,
        declared(),
        writer="thread",  # reader and writer in one process: its peak memory is the export's
    )
    prepared = await exporter.prepare(Order(FORM_ID), Requester(None, "bench"))
    return exporter, prepared


@dataclass(frozen=True)
class Measured:
    """The production child's job, and where the child leaves its peak memory."""

    job: Any
    peak_file: str


def export_measured(measured: Measured, out: Path, progress: Any) -> int:
    """``export_in_child`` (the production child's work), then the child's peak memory."""
    from handlers.exporting.registers import export_in_child

    count = export_in_child(measured.job, out, progress)
    Path(measured.peak_file).write_text(str(peak_rss_mb()))
    return count


async def register(path: Path, out: Path) -> int:
    """The production path: checked here, read and written in the child process."""
    # by the module's name, not as __main__: the spawned child imports it to find the job
    from bench.export import Measured, export_measured
    from handlers.exporting.process import run_in_process
    from handlers.exporting.registers import RegisterJob

    exporter, prepared = await _exporter(path)
    try:
        job = RegisterJob(exporter.db.url, prepared, exporter.t.locale)
        measured = Measured(job, str(out.with_suffix(".peak")))
        # at the bench's priority, not the bot's lower one: pandas runs at it too
        return await run_in_process(export_measured, measured, out, None, nice=0)
    finally:
        await exporter.db.dispose()


async def pandas_export(path: Path, out: Path, engine: str) -> int:
    """The same rows, collected whole into a DataFrame and written by ``to_excel``."""
    import pandas as pd  # type: ignore[import-untyped,unused-ignore]

    from storage.registers import RegisterReader

    exporter, prepared = await _exporter(path)
    records: list[dict[str, Any]] = []
    async with exporter.db.read() as uow:
        async for batch in RegisterReader(uow.connection).batches(
            prepared.selection, prepared.reading
        ):
            records += [_flat(record) for record in batch]
    await exporter.db.dispose()
    frame = pd.DataFrame.from_records(records)
    frame.to_excel(out, engine=engine, index=False, sheet_name="Реестр")
    return len(frame)


def _flat(record: Any) -> dict[str, Any]:
    """What a script would put in a cell: scalars as they are, the rest as text."""
    row: dict[str, Any] = {
        "№": record.number,
        "Время отправки": record.sent_at.replace(tzinfo=None),
        "Статус": record.status,
        "Респондент": record.respondent_name,
    }
    for key, value in record.answers.items():
        row[key] = value if isinstance(value, int | float | str) or value is None else str(value)
    return row


def measure(kind: str, path: Path, out: Path, traced: bool) -> dict[str, Any]:
    import handlers.exporting.registers  # noqa: F401  (imports are not the export's memory)

    if kind != "register":
        import pandas  # noqa: F401
    before = peak_rss_mb()
    if traced:
        tracemalloc.start()
    started = time.perf_counter()
    if kind == "register":
        rows = asyncio.run(register(path, out))
    else:
        rows = asyncio.run(pandas_export(path, out, kind.removeprefix("pandas-")))
    seconds = time.perf_counter() - started
    result = {
        "kind": kind,
        "rows": rows,
        "seconds": seconds,
        "rss_mb": peak_rss_mb(),
        "base_mb": before,
    }
    if kind == "register":  # the export's memory is the child's
        result["parent_mb"] = result["rss_mb"] - before
        result["rss_mb"] = float(out.with_suffix(".peak").read_text())
    if traced:
        result["traced_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
    result["file_mb"] = out.stat().st_size / 2**20
    return result


# --- the run -------------------------------------------------------------------------------


def child(kind: str, path: Path, out: Path, traced: bool) -> dict[str, Any]:
    command = [
        sys.executable,
        "-m",
        "bench.export",
        "--measure",
        kind,
        "--db",
        str(path),
        "--out",
        str(out),
    ]
    if traced:
        command.append("--tracemalloc")
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=REPOSITORY)
    if done.returncode != 0:
        raise SystemExit(f"{kind} export failed:\n{done.stderr}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def has_pandas() -> bool:
    try:
        import pandas  # noqa: F401
    except ImportError:
        return False
    return True


def report(result: dict[str, Any]) -> str:
    rate = result["rows"] / result["seconds"]
    memory = (
        f"child's peak RSS {result['rss_mb']:6.0f} MB"
        f" (the parent grew {result['parent_mb']:.0f} MB)"
        if "parent_mb" in result
        else f"peak RSS {result['rss_mb']:6.0f} MB (after imports {result['base_mb']:.0f} MB)"
    )
    return (
        f"{result['kind']:<17} {result['rows']:>8,} rows  {result['seconds']:7.1f} s"
        f"  {rate:8,.0f} rows/s  {memory}  file {result['file_mb']:.1f} MB"
    )


PANDAS = ("pandas-openpyxl", "pandas-xlsxwriter")


def run(args: argparse.Namespace, folder: Path) -> int:
    path = args.db or folder / "bench.db"
    print(f"filling {path} with {args.rows:,} responses x 20 answers…", flush=True)
    print(f"  inserted in {fill(path, args.rows):.1f} s", flush=True)
    kinds = ["register"]
    if args.pandas and has_pandas():
        kinds += PANDAS
    elif args.pandas:
        print('pandas is not installed: .venv/bin/pip install -e ".[bench]" (comparison skipped)')
    rounds = []
    for number in range(1, args.repeat + 1):
        print(f"round {number} (load average {os.getloadavg()[0]:.1f})", flush=True)
        results = {}
        for kind in kinds:
            results[kind] = child(kind, path, folder / f"{kind}.xlsx", False)
            print("  " + report(results[kind]), flush=True)
            if results[kind]["rows"] != args.rows:
                print(f"  expected {args.rows} rows", file=sys.stderr)
                return 1
        rounds.append(results)
    if args.tracemalloc:
        for kind in kinds:
            traced = child(kind, path, folder / f"{kind}-traced.xlsx", True)
            print(f"{kind:<17} tracemalloc peak {traced['traced_mb']:.0f} MB")
    return verdict(rounds)


def verdict(rounds: list[dict[str, dict[str, Any]]]) -> int:
    peak = max(results["register"]["rss_mb"] for results in rounds)
    within = peak < AIM_MB
    print(f"register peak {peak:.0f} MB: {'under' if within else 'OVER'} the {AIM_MB} MB aim")
    for kind in PANDAS:
        if kind not in rounds[0]:
            continue
        ratios = [results[kind]["seconds"] / results["register"]["seconds"] for results in rounds]
        memory = [results[kind]["rss_mb"] / results["register"]["rss_mb"] for results in rounds]
        print(
            f"register vs {kind}: {', '.join(f'{ratio:.2f}x' for ratio in ratios)} the speed"
            f" (median {statistics.median(ratios):.2f}x),"
            f" {statistics.median(memory):.1f}x less memory"
        )
    return 0 if within else 1


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=100_000, help="responses (100,000)")
    parser.add_argument("--db", type=Path, help="SQLite file to create (default: a temporary one)")
    parser.add_argument("--keep", type=Path, help="a folder to keep the .xlsx files in")
    parser.add_argument(
        "--no-pandas", dest="pandas", action="store_false", help="skip the comparison"
    )
    parser.add_argument(
        "--tracemalloc", action="store_true", help="also measure Python's allocation peak"
    )
    parser.add_argument("--repeat", type=int, default=1, help="rounds of the three exports (1)")
    parser.add_argument("--measure", choices=("register", *PANDAS), help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.measure is not None:
        print(json.dumps(measure(args.measure, args.db, args.out, args.tracemalloc)))
        return 0
    if args.db is not None and args.db.exists():
        print(f"{args.db} exists: give a new file", file=sys.stderr)
        return 2
    if args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=True)
        return run(args, args.keep)
    with tempfile.TemporaryDirectory(prefix="bench-export-") as folder:
        return run(args, Path(folder))


if __name__ == "__main__":
    sys.exit(main())
