"""Every query of the answer path uses an index: SQLite's plans, read for the statements that
really run while a person answers a questionnaire through the production Dispatcher.

The database is migrated, filled with a few hundred responses of other people (their answers,
FSM states, outbox messages, audit entries) and the sample school directory, and ANALYZEd,
so that the planner chooses as it would in use. Then one person answers a monitoring form
(a school question by buttons, a yes/no by a button, a number typed and, from the review,
typed again, then «Отправить»)
with every statement recorded; each recorded SELECT, UPDATE and DELETE is explained with its
own parameters, and a full scan of a table that grows with use fails the test. A SEARCH by an
index is accepted whatever the index's selectivity: the test catches a missing index, not a
poor one."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from aiogram import Dispatcher
from sqlalchemy import event, insert, text
from sqlalchemy.engine import Connection

from bot.factory import create_dispatcher
from bot.settings import Settings
from forms.directory import SAMPLE, read_directory
from forms.i18n import translator
from forms.vocabulary import Delivery, Role, SubmissionStatus
from storage.database import Database
from storage.directory import save_directory
from storage.models import Answer, AuditEntry, FSMRecord, OutboxMessage, Submission, User
from storage.types import utcnow
from tests.conftest import MACHINE_SPEED
from tests.handlers.conversation import Conversation, person
from tests.mocked_bot import TOKEN, MockedBot

t = translator()
ADMIN, PERSON = 9001, 1001
OTHERS = 300  # people who answered before: two responses each (one replaced), five answers
TITLE = "Проверка планов запросов"
FORM = f"""
id: plans_check
title: {TITLE}
roles: [any]
responses: per_period
editable_until: period_closes
questions:
  - type: school
    id: school
    label: В какой школе вы работаете?
  - type: yes_no
    id: courses
    label: Проходили ли вы курсы в этом году?
  - type: integer
    id: experience
    label: Ваш педагогический стаж (лет)?
    min: 0
    max: 60
"""

# Tables whose size is fixed by configuration, not by use: a full scan of them is a scan of
# a few dozen rows and costs nothing. Everything else grows with people and their answers.
SMALL_TABLES = {
    "alembic_version",  # one row
    "leases",  # one row per named lease (the single-process lease, jobs)
    "municipalities",  # the directory: a few dozen municipalities of a region
    "schools",  # the directory: a region's schools, read a municipality at a time
    "school_years",  # the directory's flags per school and school year
}

# What a campaign leaves in the outbox: mostly sent, some to people who blocked the bot or
# were skipped, a few failed, a few waiting for a retry after a 429 (not due yet). The
# sender's «is a message due?» (run after each update by the tests' Conversation, as the
# outbox job would) reads ix_outbox_queue by status; were every row «sent», SQLite's
# statistics could not tell that index from a scan.
_SENT = (Delivery.sent,) * 8
OUTBOX_MIX = [
    (*_SENT, Delivery.blocked),
    (*_SENT, Delivery.skipped),
    (*_SENT, Delivery.failed),
    (*_SENT, Delivery.pending),
]

SCAN = re.compile(r"^SCAN (?P<table>\w+)(?: AS \w+)?(?P<rest>.*)$")
INDEXED = ("USING INDEX", "USING COVERING INDEX", "USING INTEGER PRIMARY KEY")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    (tmp_path / "forms").mkdir()
    (tmp_path / "forms" / "plans_check.yaml").write_text(FORM, encoding="utf-8")
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        bot_token=TOKEN,
        forms_dir=tmp_path / "forms",
        admin_ids=frozenset({ADMIN}),
        throttle_burst=MACHINE_SPEED,
    )


@pytest.fixture
async def dispatcher(settings: Settings, sqlite_db: Database, bot: MockedBot) -> Dispatcher:
    async with sqlite_db.transaction() as uow:
        await save_directory(uow, read_directory(SAMPLE))
    dispatcher = create_dispatcher(settings, sqlite_db)
    await dispatcher.emit_startup(bot=bot, **dispatcher.workflow_data)
    return dispatcher


async def open_wave(admin: Conversation) -> None:
    await admin.send("/waves")
    await admin.press(t("waves-button-open", title=TITLE))
    label = next(b for b in admin.last().buttons if b.startswith("Входной мониторинг"))
    await admin.press(label)


async def fill(database: Database) -> None:
    """Other people's responses in the open wave (and a replaced one each), with answers,
    FSM states, outbox messages and audit entries: the volume of a region's campaign."""
    async with database.transaction() as uow:
        connection = uow.connection
        version_id = (
            await connection.execute(
                text("SELECT id FROM form_versions WHERE form_id = 'plans_check'")
            )
        ).scalar_one()
        wave_id = (
            await connection.execute(text("SELECT id FROM waves WHERE form_id = 'plans_check'"))
        ).scalar_one()
        school_ids = list((await connection.execute(text("SELECT id FROM schools"))).scalars())
        now = utcnow()
        people = range(2001, 2001 + OTHERS)
        await connection.execute(
            insert(User),
            [
                {"id": n, "first_name": f"Учитель {n}", "role": Role.respondent, "created_at": now}
                for n in people
            ],
        )
        rows = []
        for n in people:
            for status in (SubmissionStatus.replaced, SubmissionStatus.submitted):
                rows.append(
                    {
                        "form_version_id": version_id,
                        "respondent_id": n,
                        "status": status,
                        "wave_id": wave_id,
                        "school_id": school_ids[n % len(school_ids)],
                        "created_at": now,
                        "updated_at": now,
                        "submitted_at": now,
                    }
                )
        await connection.execute(insert(Submission), rows)
        submission_ids = list(
            (await connection.execute(text("SELECT id FROM submissions"))).scalars()
        )
        await connection.execute(
            insert(Answer),
            [
                {
                    "submission_id": s,
                    "question_id": q,
                    "value": value,
                    "answered_at": now,
                    "message_id": s * 10 + i,
                    "message_sent_at": now,
                    "typed_by": None,
                }
                for s in submission_ids
                for i, (q, value) in enumerate(
                    [
                        ("school", {"code": "x"}),
                        ("courses", True),
                        ("experience", s % 40),
                        ("extra_a", "a"),
                        ("extra_b", "b"),
                    ]
                )
            ],
        )
        await connection.execute(
            insert(FSMRecord),
            [{"key": f"fsm:{n}:{n}:default", "state": None, "data": {}} for n in people],
        )
        await connection.execute(
            insert(OutboxMessage),
            [
                {
                    "chat_id": n,
                    "text": "Напоминание",
                    "purpose": "reminder",
                    "status": status,
                    "not_before": now + timedelta(hours=1) if status is Delivery.pending else now,
                    "created_at": now,
                }
                for n in people
                for status in OUTBOX_MIX[n % len(OUTBOX_MIX)]
            ],
        )
        await connection.execute(
            insert(AuditEntry),
            [{"at": now, "actor_id": n, "action": "consent", "details": {}} for n in people],
        )
        await connection.execute(text("ANALYZE"))


@contextmanager
def recorded(database: Database) -> Iterator[list[tuple[str, Any]]]:
    statements: list[tuple[str, Any]] = []

    def record(
        _conn: Connection,
        _cursor: Any,
        statement: str,
        parameters: Any,
        _context: Any,
        executemany: bool,
    ) -> None:
        statements.append((statement, parameters))

    engine = database.engine.sync_engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def full_scans(plan: list[str]) -> list[str]:
    """The tables the plan reads whole, but for the small fixed ones."""
    scanned = []
    for step in plan:
        found = SCAN.match(step)
        if (
            found is None
            or step == "SCAN CONSTANT ROW"
            or any(way in found["rest"] for way in INDEXED)
        ):
            continue
        if found["table"] not in SMALL_TABLES:
            scanned.append(found["table"])
    return scanned


async def test_every_query_of_the_answer_path_uses_an_index(
    dispatcher: Dispatcher, bot: MockedBot, sqlite_db: Database
) -> None:
    await open_wave(person(dispatcher, bot, ADMIN))
    await fill(sqlite_db)
    chat = person(dispatcher, bot, PERSON)
    await chat.send("/start")
    await chat.press(t("menu-button-forms"))
    await chat.press(TITLE)

    with recorded(sqlite_db) as statements:
        await chat.press(chat.last().buttons[0])  # the first municipality
        await chat.press(chat.last().buttons[0])  # its first school
        await chat.press(t("answer-yes"))
        await chat.send("12")
        await chat.press(t("dialog-button-edit", number=3))  # an answer replaced: UPDATE
        await chat.send("13")
        assert t("dialog-button-submit") in chat.last().buttons
        await chat.press(t("dialog-button-submit"))
    sent = t("dialog-submitted", title=TITLE, number=2 * OTHERS + 1)
    assert chat.last().text.startswith(sent)

    explained: list[tuple[str, Any, list[str]]] = []
    async with sqlite_db.read() as uow:
        for statement, parameters in statements:
            verb = statement.lstrip().split(None, 1)[0].upper()
            if verb not in {"SELECT", "UPDATE", "DELETE", "WITH"}:
                continue
            result = await uow.connection.exec_driver_sql(
                f"EXPLAIN QUERY PLAN {statement}", parameters
            )
            explained.append((statement, parameters, [row.detail for row in result]))

    read = " ".join(" ".join(statement.split()) for statement, _, _ in explained)
    for part in (  # the path was recorded: the load, an answer replaced, the send, the FSM
        "LEFT OUTER JOIN answers",
        "UPDATE answers",
        "UPDATE submissions SET status",
        "UPDATE fsm_states",
        "FROM outbox",
    ):
        assert part in read, part
    scans = [
        f"{statement}\n  parameters: {parameters}\n  plan: " + "\n        ".join(plan)
        for statement, parameters, plan in explained
        if full_scans(plan)
    ]
    assert not scans, "full scans of growing tables on the answer path:\n\n" + "\n\n".join(scans)


def test_a_full_scan_is_told_from_an_index() -> None:
    assert full_scans(["SCAN answers"]) == ["answers"]
    assert full_scans(["SCAN s AS x"]) == ["s"]
    assert full_scans(["SCAN municipalities"]) == []
    assert full_scans(["SCAN fsm_states USING INDEX sqlite_autoindex_fsm_states_1"]) == []
    assert full_scans(["SEARCH submissions USING INTEGER PRIMARY KEY (rowid=?)"]) == []
    assert full_scans(["SCAN CONSTANT ROW"]) == []
