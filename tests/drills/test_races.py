"""Drill: two people pressing the one thing at the same moment, fifty rounds, on SQLite and
PostgreSQL, through the production Dispatcher. Exactly one wins each round; the other is told.

- two parents pressing the one free consultation time;
- two coordinators opening a stage of the teacher survey (PostgreSQL opened two before the
  unique index of open stages).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from aiogram import Dispatcher
from aiogram.methods import AnswerCallbackQuery

from bot.factory import create_dispatcher
from bot.logs import quiet_loggers
from bot.settings import Settings
from forms.i18n import translator
from forms.vocabulary import CaseStatus, WorkflowKind
from handlers.container import Services
from handlers.waves.service import WaveAct, WaveCallback
from handlers.workflows.consultation.screens import Act, ConsultCallback
from storage.database import Database
from tests import updates
from tests.mocked_bot import TOKEN, MockedBot

pytestmark = pytest.mark.drill
t = translator()
ROUNDS = 50
COORDINATORS = (9101, 9102)
PARENTS = (9201, 9202)
CONSULTANT = 9301
SURVEY, REQUEST = "teacher_difficulties", "parent_consultation"


@pytest.fixture
async def dispatcher(settings: Settings, database: Database, bot: MockedBot) -> Dispatcher:
    admins = settings.model_copy(update={"admin_ids": frozenset(COORDINATORS)})
    dispatcher = create_dispatcher(admins, database)
    await dispatcher.emit_startup(bot=bot, **dispatcher.workflow_data)
    return dispatcher


def answers_since(bot: MockedBot, start: int) -> list[str | None]:
    return [a.text for a in bot.session.of_type(AnswerCallbackQuery)[start:]]


async def at_once(dispatcher: Dispatcher, bot: MockedBot, presses: list[tuple[int, str]]) -> None:
    feeds = [
        dispatcher.feed_update(bot, updates.callback(data, sender=updates.user(who, "Имя")))
        for who, data in presses
    ]
    await asyncio.gather(*feeds)


@pytest.fixture(autouse=True)
def log_scan(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Everything logged at DEBUG carries no name and no token."""
    quiet_loggers("DEBUG")
    with caplog.at_level(logging.DEBUG):
        yield
    for record in caplog.records:
        text = record.getMessage()
        assert "Имя" not in text
        assert TOKEN not in text


async def test_two_coordinators_open_one_stage(
    dispatcher: Dispatcher, bot: MockedBot, database: Database, drill_report: list[str]
) -> None:
    opened = told = 0
    press = WaveCallback(a=WaveAct.open, f=SURVEY, k="entry").pack()
    for _ in range(ROUNDS):
        start = len(bot.session.of_type(AnswerCallbackQuery))
        await at_once(dispatcher, bot, [(who, press) for who in COORDINATORS])
        async with database.transaction() as uow:
            stages = [w for w in await uow.waves.of_form(SURVEY) if w.closed_at is None]
            assert len(stages) == 1, f"{len(stages)} stages open at once"
            assert await uow.waves.close(stages[0].id)
        answers = answers_since(bot, start)
        refusals = [a for a in answers if a == t("waves-already-open", wave=stages[0].title)]
        assert len(answers) == 2
        assert len(refusals) == 1, answers
        opened, told = opened + 1, told + len(refusals)
    drill_report.append(
        f"stages ({database.dialect}): {ROUNDS} rounds, {opened} opened, {told} told "
        "«already open», 0 doubles"
    )


async def requests_of_two_parents(database: Database, services: Services) -> tuple[int, int]:
    entry = services.catalog.current(REQUEST)
    assert entry is not None
    made = []
    async with database.transaction() as uow:
        for parent in PARENTS:
            draft = await uow.submissions.open_draft(entry.version_id, parent)
            assert await uow.submissions.submit(draft.id)
            await uow.cases.open(draft.id, WorkflowKind.consultation, CaseStatus.new)
            made.append(draft.id)
    return made[0], made[1]


async def test_two_parents_press_the_one_free_time(
    dispatcher: Dispatcher, bot: MockedBot, database: Database, drill_report: list[str]
) -> None:
    services: Services = dispatcher["services"]
    async with database.transaction() as uow:
        for person in (*PARENTS, CONSULTANT):
            await uow.users.save_profile(updates.profile(person))
    booked = told = 0
    for round_number in range(ROUNDS):
        first, second = await requests_of_two_parents(database, services)
        moment = datetime.now(UTC) + timedelta(days=2, minutes=round_number)
        async with database.transaction() as uow:
            slot = await uow.slots.add(CONSULTANT, moment)
        assert slot is not None
        start = len(bot.session.of_type(AnswerCallbackQuery))
        presses = [
            (PARENTS[0], ConsultCallback(s=first, a=Act.book, slot=slot.id).pack()),
            (PARENTS[1], ConsultCallback(s=second, a=Act.book, slot=slot.id).pack()),
        ]
        await at_once(dispatcher, bot, presses)
        async with database.read() as uow:
            taken = await uow.slots.get(slot.id)
            cases = [await uow.cases.get(first), await uow.cases.get(second)]
        assert taken is not None
        assert taken.submission_id in (first, second)
        scheduled = [c for c in cases if c is not None and c.status is CaseStatus.scheduled]
        assert [c.submission_id for c in scheduled] == [taken.submission_id]
        answers = answers_since(bot, start)
        assert answers.count(t("consult-slot-taken")) == 1, answers
        booked, told = booked + 1, told + 1
    drill_report.append(
        f"one free time ({database.dialect}): {ROUNDS} rounds, {booked} booked, {told} told "
        "«already taken», 0 doubles"
    )
