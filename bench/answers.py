"""Answers per second: simulated users fill a 12-question form through the real Dispatcher.

The production Dispatcher (``bot.factory.create_dispatcher``: SQL FSM storage, in-process
event isolation, every router) runs over a SQLite file. The Bot API is the tests' recording
session, so nothing leaves the process (and a guard refuses any network connection).

Each user opens the form as a person does (/start, «Заполнить анкету», the form's title),
answers 12 questions (nine typed, three by pressing the buttons the bot sent under the
question) and sends the review. Only the 12 answers are timed: the latency and the CPU time of
each answer update, and answers per second over the wall clock of the answering phases. In the
same run, interleaved with the answers, a bare aiogram Dispatcher answers a message with one
sendMessage through the same recording session: the floor any answer costs, and the ratio.
With ``--prefill N`` a second database holds N answer rows of other people, and the same
people answer there too, interleaved. At the end each database must hold every answer of
every sent response, or the exit status is 1.

    .venv/bin/python -m bench.answers --users 200 --rounds 3
    .venv/bin/python -m bench.answers --users 40 --rounds 2 --concurrency 1 --prefill 1000000
    .venv/bin/python -m bench.answers --users 200 --rounds 1 --profile
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import logging
import math
import pstats
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository, for `tests`

import yaml
from aiogram import Dispatcher, Router
from aiogram.methods import SendMessage
from aiogram.types import InlineKeyboardMarkup, Message, Update, User
from aiogram.utils.text_decorations import html_decoration
from sqlalchemy import func, select

from bot.factory import create_dispatcher
from bot.settings import Settings
from forms.i18n import Translator, translator
from forms.vocabulary import SubmissionStatus
from storage.database import Database
from storage.migrate import upgrade
from storage.models import Answer, FormVersion, Submission
from tests import updates
from tests.mocked_bot import TOKEN, MockedBot, RecordingSession

FORM_ID = "bench_answers"
TITLE = "Анкета для замера скорости"
TARGET = 1000.0  # answers per second, from the issue
TARGET_RATIO = 3.0  # CPU per answer against the bare aiogram floor, from the issue
TARGET_SCALE = 1.2  # CPU per answer with the pre-filled database against the empty one
PREFILL_FIRST_USER = 1_000_000  # other people's ids in the pre-filled database
FIRST_USER_ID = 5_000_000
# Simulated people answer with no pause, faster than any person: the per-user throttling
# middleware still runs on every update, but with limits they never reach.
NO_LIMIT = 10**9
BUTTON_TYPES = frozenset({"single_choice", "yes_no", "rating"})
COMMENT = (
    "Хотелось бы больше времени на подготовку к урокам и меньше отчётов. "
    "Нужны курсы по формирующему оцениванию и методическая помощь с проектами."
)

# Each question of the form with the answers users give (typed text, or a button's label).
QUESTIONS: tuple[tuple[dict[str, Any], tuple[str, ...]], ...] = (
    ({"type": "text", "id": "name", "label": "Как вас зовут?"}, ("Анна Петровна", "Иван")),
    (
        {
            "type": "single_choice",
            "id": "position",
            "label": "Кем вы работаете?",
            "options": [
                {"value": "teacher", "label": "Учитель"},
                {"value": "head", "label": "Руководитель школы"},
                {"value": "methodist", "label": "Методист"},
            ],
        },
        ("Учитель", "Руководитель школы", "Методист"),
    ),
    (
        {
            "type": "integer",
            "id": "years",
            "label": "Сколько лет вы работаете?",
            "min": 0,
            "max": 60,
        },
        ("12", "3", "0", "41"),
    ),
    (
        {
            "type": "decimal",
            "id": "hours",
            "label": "Сколько часов в неделю на подготовку?",
            "min": 0,
            "max": 80,
        },
        ("7,5", "12", "3.25"),
    ),
    (
        {"type": "date", "id": "started", "label": "Когда вы пришли в эту школу?", "max": "today"},
        ("01.09.2015", "1.9.2020", "15.01.2024"),
    ),
    (
        {"type": "yes_no", "id": "wants_mentor", "label": "Нужен ли вам наставник?"},
        ("Да", "Нет"),
    ),
    (
        {
            "type": "rating",
            "id": "difficulty",
            "label": "Насколько вам трудно?",
            "min": 1,
            "max": 5,
            "min_label": "Легко",
            "max_label": "Трудно",
        },
        ("1", "2", "3", "4", "5"),
    ),
    (
        {"type": "text", "id": "subject", "label": "Какой предмет вы ведёте?"},
        ("Математика", "Русский язык", "Физика"),
    ),
    (
        {
            "type": "integer",
            "id": "pupils",
            "label": "Сколько учеников в вашем классе?",
            "min": 1,
            "max": 40,
        },
        ("25", "31", "18"),
    ),
    (
        {
            "type": "text",
            "id": "comment",
            "label": "Что бы вы хотели изменить в работе?",
            "multiline": True,
            "max_length": 2000,
        },
        (COMMENT, "Ничего"),
    ),
    (
        {
            "type": "decimal",
            "id": "score",
            "label": "Средний балл класса по математике?",
            "min": 2,
            "max": 5,
        },
        ("3,8", "4.1", "4"),
    ),
    (
        {
            "type": "date",
            "id": "courses",
            "label": "Когда вы в последний раз были на курсах?",
            "max": "today",
        },
        ("20.03.2024", "5.11.2023"),
    ),
)


class BenchError(Exception):
    """The bot did not do what a person filling the form expects."""


# --- the form --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Step:
    label: str  # the question as the bot shows it
    answers: tuple[str, ...]
    pressed: bool  # answered by a button (its label is the answer) rather than typed

    def answer(self, person: int, round_: int) -> str:
        return self.answers[(person + round_) % len(self.answers)]


STEPS = tuple(Step(q["label"], a, q["type"] in BUTTON_TYPES) for q, a in QUESTIONS)


def write_form(folder: Path) -> None:
    form = {
        "id": FORM_ID,
        "version": 1,
        "title": TITLE,
        "description": "Двенадцать вопросов для замера скорости бота.",
        "roles": ["any"],
        "responses": "many",
        "questions": [question for question, _ in QUESTIONS],
    }
    text = yaml.safe_dump(form, allow_unicode=True, sort_keys=False)
    (folder / f"{FORM_ID}.yaml").write_text(text, encoding="utf-8")


# --- what each chat sees -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Shown:
    message_id: int
    text: str
    markup: InlineKeyboardMarkup | None

    def data(self, label: str) -> str:
        """The callback data of the button a person would press."""
        rows = self.markup.inline_keyboard if self.markup is not None else []
        for row in rows:
            for button in row:
                if button.text == label and button.callback_data is not None:
                    return button.callback_data
        raise BenchError(f"no button {label!r} under {self.text[:80]!r}")


class Inbox:
    """The last message sent to each chat, read from the recording session as it grows
    (the session's lists are emptied on every read, so memory and cost stay flat)."""

    def __init__(self, session: RecordingSession) -> None:
        self._session = session
        self._last: dict[int, Shown] = {}
        self.calls: Counter[str] = Counter()

    def last(self, chat_id: int) -> Shown:
        self._sync()
        shown = self._last.get(chat_id)
        if shown is None:
            raise BenchError(f"the bot sent nothing to chat {chat_id}")
        return shown

    def _sync(self) -> None:
        for method, result in self._session.results:
            self.calls[type(method).__name__] += 1
            if isinstance(method, SendMessage):
                markup = method.reply_markup
                inline = markup if isinstance(markup, InlineKeyboardMarkup) else None
                self._last[int(method.chat_id)] = Shown(result.message_id, method.text, inline)
        self._session.results.clear()
        self._session.requests.clear()


# --- measurements ------------------------------------------------------------------------------


@dataclass
class Stats:
    typed: list[float] = field(default_factory=list)  # seconds per answer update
    pressed: list[float] = field(default_factory=list)
    submits: list[float] = field(default_factory=list)
    other_updates: int = 0  # /start, the menu, the form list
    rounds: list[tuple[int, float]] = field(default_factory=list)  # answers, wall seconds
    loop_cpu: float = 0.0  # CPU of the event loop's thread while answering
    process_cpu: float = 0.0  # CPU of the whole process (aiosqlite threads too)
    cpu: list[float] = field(default_factory=list)  # CPU seconds per answer (concurrency 1)
    failures: list[str] = field(default_factory=list)  # people who stopped, and why

    @property
    def answers(self) -> list[float]:
        return self.typed + self.pressed

    @property
    def answer_seconds(self) -> float:
        return sum(seconds for _, seconds in self.rounds)


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile of unsorted values."""
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))
    return ordered[index]


def spread_ms(values: Sequence[float]) -> str:
    if not values:
        return "-"
    parts = [f"p{int(s * 100)} {percentile(values, s) * 1000:.2f}" for s in (0.5, 0.95, 0.99)]
    return "  ".join([*parts, f"max {max(values) * 1000:.1f}"])


class ErrorLog(logging.Filter):
    """Counts ERROR records (the bot's error handler logs a failed update and carries on);
    only the first ones reach the console, so a failing run stays readable."""

    def __init__(self, shown: int = 1) -> None:
        super().__init__()
        self.count, self.shown = 0, shown

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.ERROR:
            return True
        self.count += 1
        return self.count <= self.shown


def console_log() -> ErrorLog:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    errors = ErrorLog()
    for handler in logging.getLogger().handlers:
        handler.addFilter(errors)
    return errors


# --- simulated people --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Person:
    number: int
    user: User


def people(count: int) -> list[Person]:
    return [Person(n, updates.user(FIRST_USER_ID + n, f"Учитель {n}")) for n in range(count)]


class Simulation:
    """Feeds people's updates to the Dispatcher and checks what the bot answered."""

    def __init__(
        self,
        dispatcher: Dispatcher,
        bot: MockedBot,
        t: Translator,
        stats: Stats,
        own_cpu: bool = False,
    ) -> None:
        self.dispatcher, self.bot, self.t, self.stats = dispatcher, bot, t, stats
        self.inbox = Inbox(bot.session)
        self.stopped: set[int] = set()  # people the bot failed: they take no further part
        # One person at a time: each answer's CPU is its own.
        self.own_cpu = own_cpu
        self.last_cpu = 0.0

    async def everyone(
        self, crowd: Sequence[Person], action: Callable[[Person], Awaitable[None]], limit: int
    ) -> None:
        """Every person's action, at most ``limit`` people at a time; each person's own
        updates go one after another, as Telegram delivers them."""
        gate = asyncio.Semaphore(limit)

        async def one(person: Person) -> None:
            if person.number in self.stopped:
                return
            async with gate:
                try:
                    await action(person)
                except BenchError as error:
                    self.stopped.add(person.number)
                    self.stats.failures.append(str(error))

        await asyncio.gather(*(one(person) for person in crowd))

    async def feed(self, update: Update) -> float:
        cpu, started = time.process_time(), time.perf_counter()
        await self.dispatcher.feed_update(self.bot, update)
        wall = time.perf_counter() - started
        self.last_cpu = time.process_time() - cpu
        return wall

    async def send(self, person: Person, text: str) -> float:
        return await self.feed(updates.message(text, sender=person.user))

    async def press(self, person: Person, label: str) -> float:
        shown = self.inbox.last(person.user.id)
        update = updates.callback(
            shown.data(label), sender=person.user, message_id=shown.message_id
        )
        return await self.feed(update)

    def expect(self, person: Person, fragment: str) -> Shown:
        shown = self.inbox.last(person.user.id)
        if fragment not in shown.text:
            raise BenchError(
                f"user {person.number}: expected {fragment!r}, the bot said {shown.text[:120]!r}"
            )
        return shown

    async def open_form(self, person: Person) -> None:
        await self.send(person, "/start")
        await self.press(person, self.t("menu-button-forms"))
        await self.press(person, TITLE)
        self.stats.other_updates += 3
        self.expect(person, html_decoration.quote(STEPS[0].label))

    async def fill(self, person: Person, round_: int) -> None:
        for number, step in enumerate(STEPS, start=1):
            answer = step.answer(person.number, round_)
            if step.pressed:
                self.stats.pressed.append(await self.press(person, answer))
            else:
                self.stats.typed.append(await self.send(person, answer))
            if self.own_cpu:
                self.stats.cpu.append(self.last_cpu)
            if number < len(STEPS):
                self.expect(person, self.t("form-progress", number=number + 1, total=len(STEPS)))
        self.expect(person, self.t("dialog-review-title", title=html_decoration.quote(TITLE)))

    async def submit(self, person: Person) -> None:
        self.stats.submits.append(await self.press(person, self.t("dialog-button-submit")))
        shown = self.expect(person, html_decoration.quote(TITLE))
        if shown.markup is not None:
            raise BenchError(f"user {person.number}: the response was not sent")


@contextmanager
def answering(stats: Stats, profiler: cProfile.Profile | None) -> Iterator[None]:
    """Times one answering phase: wall clock, CPU of the loop's thread and of the process."""
    answers = len(stats.answers)
    wall, loop_cpu, cpu = time.perf_counter(), time.thread_time(), time.process_time()
    if profiler is not None:
        profiler.enable()
    try:
        yield
    finally:
        if profiler is not None:
            profiler.disable()
        stats.rounds.append((len(stats.answers) - answers, time.perf_counter() - wall))
        stats.loop_cpu += time.thread_time() - loop_cpu
        stats.process_cpu += time.process_time() - cpu


@dataclass
class Target:
    """One database with its own Dispatcher, and the people's answers measured on it."""

    name: str
    database: Database
    dispatcher: Dispatcher
    bot: MockedBot
    sim: Simulation
    check: str = ""
    ok: bool = False

    @property
    def stats(self) -> Stats:
        return self.sim.stats


async def simulate(
    targets: Sequence[Target],
    floor: BareFloor,
    args: argparse.Namespace,
    profiler: cProfile.Profile | None,
) -> None:
    """People in groups of ``--concurrency``; each group fills the form on every target in
    turn, so that the targets and the bare floor are measured interleaved, under the same
    load of the machine: a block of bare updates, as many as the group's answers (at most
    600), follows each group's answering."""
    crowd, limit = people(args.users), args.concurrency
    groups = [crowd[start : start + limit] for start in range(0, len(crowd), limit)]
    for round_ in range(args.rounds):
        for group in groups:
            for target in targets:
                sim = target.sim
                await sim.everyone(group, sim.open_form, limit)
                with answering(sim.stats, profiler):
                    await sim.everyone(group, partial(sim.fill, round_=round_), limit)
                await sim.everyone(group, sim.submit, limit)
                for _ in range(min(len(group) * len(STEPS), 600)):
                    await floor.one()
        line = ", ".join(
            f"{t.name}: {sum(a for a, _ in t.stats.rounds[-len(groups) :]):,} answers in "
            f"{sum(w for _, w in t.stats.rounds[-len(groups) :]):.2f} s"
            for t in targets
        )
        print(f"round {round_ + 1}: {line}", flush=True)


# --- the floor: a bare aiogram Dispatcher ------------------------------------------------------


class BareFloor:
    """A bare aiogram Dispatcher (its default memory FSM storage, no middlewares of ours):
    one message handler that answers with one sendMessage through the same recording
    session. No answer of the bot can cost less than this."""

    def __init__(self) -> None:
        self.dispatcher = Dispatcher()
        router = Router()
        router.message.register(self._reply)
        self.dispatcher.include_router(router)
        self.bot = MockedBot()
        self.user = updates.user(FIRST_USER_ID - 1, "Учитель")
        self.cpu: list[float] = []  # CPU seconds per update

    @staticmethod
    async def _reply(message: Message) -> None:
        await message.answer("Спасибо, ответ сохранён.")

    async def one(self) -> None:
        update = updates.message("Анна Петровна", sender=self.user)
        cpu = time.process_time()
        await self.dispatcher.feed_update(self.bot, update)
        self.cpu.append(time.process_time() - cpu)
        self.bot.session.results.clear()
        self.bot.session.requests.clear()


# --- a database with a million answers ---------------------------------------------------------


def prefill(path: Path, answers: int) -> float:
    """Other people's sent responses to the benchmark's form, ``len(STEPS)`` answers each,
    inserted with ``executemany`` in one transaction; then ``ANALYZE``. Returns seconds."""
    started = time.perf_counter()
    responses = max(1, answers // len(STEPS))
    people_count = max(1, responses // 4)
    now = "2026-09-01 06:00:00.000000"
    with sqlite3.connect(path) as db:
        (version,) = db.execute(
            "select id from form_versions where form_id = ?", (FORM_ID,)
        ).fetchone()
        db.executemany(
            "insert into users (id, first_name, role, created_at) values (?, ?, 'respondent', ?)",
            ((PREFILL_FIRST_USER + n, f"Учитель {n}", now) for n in range(people_count)),
        )
        db.executemany(
            "insert into submissions (id, form_version_id, respondent_id, status, created_at,"
            " updated_at, submitted_at) values (?, ?, ?, 'submitted', ?, ?, ?)",
            (
                (n + 1, version, PREFILL_FIRST_USER + n % people_count, now, now, now)
                for n in range(responses)
            ),
        )
        db.executemany(
            "insert into answers (submission_id, question_id, value, answered_at)"
            " values (?, ?, ?, ?)",
            (
                (n + 1, question["id"], json.dumps(values[n % len(values)]), now)
                for n in range(responses)
                for question, values in QUESTIONS
            ),
        )
        db.execute("ANALYZE")
    return time.perf_counter() - started


# --- the database check ------------------------------------------------------------------------


async def check_database(database: Database, responses: int) -> tuple[bool, str]:
    """Every response of the simulated people sent, with all its answers; no draft left
    behind (the pre-filled responses of other people are not counted)."""
    expected_answers = responses * len(STEPS)
    of_form = (
        select(Submission.id, Submission.status)
        .join(FormVersion, FormVersion.id == Submission.form_version_id)
        .where(FormVersion.form_id == FORM_ID, Submission.respondent_id >= FIRST_USER_ID - 1)
        .subquery()
    )
    per_submission = (
        select(of_form.c.status, func.count(Answer.id).label("answers"))
        .select_from(of_form)
        .outerjoin(Answer, Answer.submission_id == of_form.c.id)
        .group_by(of_form.c.id, of_form.c.status)
    )
    async with database.read() as uow:
        rows = (await uow.connection.execute(per_submission)).all()
    sent = [row.answers for row in rows if row.status == SubmissionStatus.submitted]
    drafts = len(rows) - len(sent)
    incomplete = sum(1 for count in sent if count != len(STEPS))
    ok = len(sent) == responses and sum(sent) == expected_answers and not drafts and not incomplete
    line = (
        f"{len(sent)}/{responses} responses sent, {sum(sent)}/{expected_answers} answers saved, "
        f"{incomplete} incomplete, {drafts} drafts left: {'OK' if ok else 'MISSING DATA'}"
    )
    return ok, line


# --- no network --------------------------------------------------------------------------------


def forbid_network() -> None:
    """Any attempt to resolve a name or connect over IP fails loudly."""
    connect, connect_ex = socket.socket.connect, socket.socket.connect_ex

    def refuse(sock: socket.socket, address: Any) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            raise RuntimeError(f"the benchmark must not open a network connection ({address})")

    def guarded(sock: socket.socket, address: Any) -> None:
        refuse(sock, address)
        connect(sock, address)

    def guarded_ex(sock: socket.socket, address: Any) -> int:
        refuse(sock, address)
        return connect_ex(sock, address)

    def resolve(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError(f"the benchmark must not resolve names ({args[:2]})")

    socket.socket.connect = guarded  # type: ignore[method-assign, assignment]
    socket.socket.connect_ex = guarded_ex  # type: ignore[method-assign, assignment]
    socket.getaddrinfo = resolve


# --- running -----------------------------------------------------------------------------------


def revision() -> str:
    """The commit measured, so runs can be compared."""
    root = Path(__file__).resolve().parents[1]
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, check=True
        )
        dirty = subprocess.run(["git", "diff", "--quiet", "HEAD"], cwd=root, check=False)
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head.stdout.decode().strip() + (" + uncommitted changes" if dirty.returncode else "")


async def prepared(path: Path, forms_dir: Path) -> tuple[Database, Dispatcher, MockedBot]:
    url = f"sqlite+aiosqlite:///{path}"
    database = Database.from_url(url)
    await upgrade(database)
    write_form(forms_dir)
    settings = Settings(
        _env_file=None,
        bot_token=TOKEN,
        database_url=url,
        forms_dir=forms_dir,
        redis_url=None,
        throttle_rate=NO_LIMIT,
        throttle_burst=NO_LIMIT,
    )
    dispatcher = create_dispatcher(settings, database)
    bot = MockedBot()
    await dispatcher.emit_startup(bot=bot, **dispatcher.workflow_data)
    if dispatcher["services"].catalog.current(FORM_ID) is None:
        raise BenchError("the benchmark's form was not loaded (see the log above)")
    return database, dispatcher, bot


async def bench(args: argparse.Namespace, folder: Path, errors: ErrorLog) -> int:
    forms_dir = folder / "forms"
    forms_dir.mkdir()
    paths = [("empty", args.db or folder / "bench.db")]
    if args.prefill:
        paths.append((f"{args.prefill:,} rows", folder / "prefilled.db"))
    floor = BareFloor()
    targets: list[Target] = []
    # CPU of the loop's thread, not wall time: waiting for the GIL or the machine is not charged.
    profiler = cProfile.Profile(time.thread_time) if args.profile else None
    try:
        for name, path in paths:
            database, dispatcher, bot = await prepared(path, forms_dir)
            if path.name == "prefilled.db":
                seconds = await asyncio.to_thread(prefill, path, args.prefill)
                print(f"pre-filled {args.prefill:,} answer rows in {seconds:.1f} s", flush=True)
            sim = Simulation(dispatcher, bot, translator(), Stats(), own_cpu=args.concurrency == 1)
            targets.append(Target(name, database, dispatcher, bot, sim))
        await floor.one()  # aiogram's first-time paths are not charged to the floor
        floor.cpu.clear()
        await simulate(targets, floor, args, profiler)
        for target in targets:
            target.ok, target.check = await check_database(
                target.database, args.users * args.rounds
            )
    finally:
        for target in targets:
            await target.dispatcher.emit_shutdown(bot=target.bot, **target.dispatcher.workflow_data)
            await target.dispatcher.storage.close()
            await target.database.dispose()
    for target in targets:
        report(args, target, errors.count)
    summary(targets, floor)
    if profiler is not None:
        print_profile(profiler, args.top)
    ok = all(t.ok and not t.stats.failures for t in targets)
    return 0 if ok and errors.count == 0 else 1


def report(args: argparse.Namespace, target: Target, errors: int) -> None:
    stats, calls = target.stats, target.sim.inbox.calls
    answers, seconds = len(stats.answers), stats.answer_seconds
    rate = answers / seconds
    verdict = "reached" if rate >= TARGET else "NOT reached"
    api = ", ".join(f"{name} {count}" for name, count in sorted(calls.items()))
    print(
        f"\n== database: {target.name} ==\n"
        f"users {args.users} x rounds {args.rounds} x {len(STEPS)} questions, "
        f"concurrency {args.concurrency}, SQLite {args.db or 'temporary file'}, "
        f"code {revision()}\n"
        f"answers          {answers} ({len(stats.typed)} typed, {len(stats.pressed)} pressed)\n"
        f"answering time   {seconds:.2f} s (wall clock of the answering phases)\n"
        f"answers/s        {rate:,.0f}   (target {TARGET:,.0f}: {verdict})\n"
        f"per answer, ms   {spread_ms(stats.answers)}\n"
        f"  typed, ms      {spread_ms(stats.typed)}\n"
        f"  pressed, ms    {spread_ms(stats.pressed)}\n"
        f"submit, ms       {spread_ms(stats.submits)}\n"
        f"CPU answering    event-loop thread {stats.loop_cpu:.2f} s "
        f"({stats.loop_cpu / seconds:.0%} of wall), whole process {stats.process_cpu:.2f} s\n"
        f"other updates    {stats.other_updates} (/start, menu, form list; not timed)\n"
        f"Bot API calls    {api}\n"
        f"errors logged    {errors}\n"
        f"people stopped   {len(stats.failures)}"
        f"{f' (first: {stats.failures[0]})' if stats.failures else ''}\n"
        f"DB check         {target.check}"
    )


def cpu_per_answer(stats: Stats) -> float:
    """Mean CPU seconds of the process per answer: each answer's own at concurrency 1 (the
    bare updates between them left out), else the answering phases' CPU over the answers."""
    if stats.cpu:
        return statistics.fmean(stats.cpu)
    return stats.process_cpu / max(1, len(stats.answers))


def summary(targets: Sequence[Target], floor: BareFloor) -> None:
    """The floor, each database's CPU per answer, and the ratios, from this run."""
    bare = statistics.fmean(floor.cpu)
    print(
        f"\n== CPU per update, same run, interleaved (process_time: every thread) ==\n"
        f"bare aiogram     mean {bare * 1000:.3f} ms  p50 "
        f"{statistics.median(floor.cpu) * 1000:.3f} ms  ({len(floor.cpu):,} updates: "
        "message + one sendMessage, same recording session)"
    )
    for target in targets:
        stats, cost = target.stats, cpu_per_answer(target.stats)
        ratio = cost / bare
        verdict = "reached" if ratio <= TARGET_RATIO else "NOT reached"
        p50 = f"  p50 {statistics.median(stats.cpu) * 1000:.3f} ms" if stats.cpu else ""
        print(
            f"{target.name + ':':16} mean {cost * 1000:.3f} ms{p50}  = {ratio:.1f}x the bare "
            f"floor (target <= {TARGET_RATIO:g}x: {verdict})"
        )
    if len(targets) > 1:
        empty, full = cpu_per_answer(targets[0].stats), cpu_per_answer(targets[1].stats)
        scale = full / empty
        verdict = "reached" if scale <= TARGET_SCALE else "NOT reached"
        print(f"{targets[1].name} / empty: {scale:.2f}x (target <= {TARGET_SCALE:g}x: {verdict})")


def print_profile(profiler: cProfile.Profile, top: int) -> None:
    """The event loop's thread only: time spent in aiosqlite's threads is not seen here.
    A coroutine counts once per resumption and its cumulative time overlaps its callers':
    tottime, and the share of each package, say where the loop's CPU goes."""
    stats = pstats.Stats(profiler, stream=sys.stdout)
    print("\n--- profile of the answering phases: own time (tottime) by package ---")
    shares = package_times(stats)
    total = sum(shares.values())
    for name, seconds in shares.most_common(12):
        print(f"{seconds:8.2f} s {seconds / total:6.1%}  {name}")
    for key in ("cumulative", "tottime"):
        print(f"\n--- top {top} by {key} ---")
        stats.strip_dirs().sort_stats(key).print_stats(top)


def package_times(stats: pstats.Stats) -> Counter[str]:
    root = str(Path(__file__).resolve().parents[1]) + "/"
    shares: Counter[str] = Counter()
    for (filename, _, name), row in stats.stats.items():  # type: ignore[attr-defined]
        if "site-packages/" in filename:
            package = filename.split("site-packages/")[1].split("/")[0]
        elif filename.startswith(root):
            package = "app: " + filename[len(root) :].split("/")[0]
        elif filename == "~":
            package = "waiting in epoll" if "poll" in name else "C functions"
        else:
            package = "stdlib"
        shares[package] += row[2]
    return shares


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=200, help="simulated people (200)")
    parser.add_argument("--rounds", type=int, default=3, help="times each fills the form (3)")
    parser.add_argument(
        "--concurrency", type=int, default=0, help="people in flight at once (0: all of them)"
    )
    parser.add_argument("--db", type=Path, help="SQLite file to create (a temporary one)")
    parser.add_argument(
        "--prefill",
        type=int,
        default=0,
        help="also answer on a second database holding this many answer rows (0: no)",
    )
    parser.add_argument("--profile", action="store_true", help="cProfile the answering phases")
    parser.add_argument("--top", type=int, default=25, help="profile lines to print (25)")
    args = parser.parse_args(argv)
    if args.users < 1 or args.rounds < 1 or args.concurrency < 0 or args.prefill < 0:
        parser.error("--users and --rounds must be positive, --concurrency, --prefill not negative")
    args.concurrency = args.concurrency or args.users
    if args.db is not None and args.db.exists():
        parser.error(f"{args.db} exists: the check needs a new database file")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    given = list(sys.argv[1:] if argv is None else argv)
    if any(word == "--processes" or word.startswith("--processes=") for word in given):
        from bench import processes  # webhook processes on PostgreSQL and Redis

        return processes.cli(given)
    args = parse_args(argv)
    errors = console_log()
    forbid_network()
    with tempfile.TemporaryDirectory(prefix="bench-answers-") as folder:
        try:
            return asyncio.run(bench(args, Path(folder), errors))
        except BenchError as error:
            print(f"benchmark failed: {error}", file=sys.stderr)
            return 2


if __name__ == "__main__":
    sys.exit(main())
