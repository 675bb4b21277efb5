"""Monitoring waves: a coordinator opens and closes them; a teacher answers once per wave
and may correct the answer until the wave closes."""

from __future__ import annotations

from pathlib import Path

import pytest
from aiogram import Dispatcher
from sqlalchemy import select

from bot.factory import create_dispatcher
from bot.settings import Settings
from forms.i18n import translator
from forms.vocabulary import Role
from handlers.waves.service import WaveAct, WaveCallback
from storage.database import Database
from storage.models import AuditEntry, Submission, Wave
from tests.conftest import MACHINE_SPEED
from tests.handlers.conversation import Conversation, person
from tests.handlers.test_access import give_role
from tests.mocked_bot import TOKEN, MockedBot

t = translator()
ADMIN, COORDINATOR, TEACHER = 9001, 501, 1001
TITLE = "Самодиагностика затруднений"
FORM = f"""
id: waves_check
title: {TITLE}
roles: [teacher]
responses: per_period
editable_until: period_closes
questions:
  - type: yes_no
    id: courses
    label: Проходили ли вы курсы в этом году?
  - type: integer
    id: experience
    label: Ваш педагогический стаж (лет)?
    min: 0
    max: 60
"""


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    (tmp_path / "forms").mkdir()
    (tmp_path / "forms" / "waves_check.yaml").write_text(FORM, encoding="utf-8")
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        bot_token=TOKEN,
        forms_dir=tmp_path / "forms",
        admin_ids=frozenset({ADMIN}),
        throttle_burst=MACHINE_SPEED,
    )


@pytest.fixture
async def dispatcher(settings: Settings, sqlite_db: Database, bot: MockedBot) -> Dispatcher:
    dispatcher = create_dispatcher(settings, sqlite_db)
    await dispatcher.emit_startup(bot=bot, **dispatcher.workflow_data)
    return dispatcher


async def open_wave(chat: Conversation, kind: str = "Входной мониторинг") -> None:
    await chat.send("/waves")
    await chat.press(t("waves-button-open", title=TITLE))
    label = next(b for b in chat.last().buttons if b.startswith(kind))
    await chat.press(label)


async def answer(chat: Conversation, courses: str, years: str) -> None:
    await chat.send("/start")
    await chat.press(t("menu-button-forms"))
    await chat.press(TITLE)
    await chat.press(courses)
    await chat.send(years)
    await chat.press(t("dialog-button-submit"))


async def responses(database: Database) -> list[tuple[str, int | None]]:
    async with database.read() as uow:
        rows = await uow.connection.execute(
            select(Submission.status, Submission.wave_id).order_by(Submission.id)
        )
        return [(row.status.value, row.wave_id) for row in rows]


async def test_the_form_is_closed_until_a_coordinator_opens_a_wave(
    dispatcher: Dispatcher, bot: MockedBot, sqlite_db: Database
) -> None:
    teacher = person(dispatcher, bot, TEACHER)
    await teacher.send("/start")
    await teacher.press(t("menu-button-forms"))
    await teacher.press(TITLE)
    assert teacher.callback_answer() == t("form-no-wave", title=TITLE)
    assert await responses(sqlite_db) == []


async def test_one_response_per_wave_corrected_until_the_wave_closes(
    dispatcher: Dispatcher, bot: MockedBot, sqlite_db: Database
) -> None:
    await give_role(sqlite_db, COORDINATOR, Role.coordinator)
    coordinator, teacher = person(dispatcher, bot, COORDINATOR), person(dispatcher, bot, TEACHER)
    await open_wave(coordinator)
    assert "начат" in coordinator.last().text
    await answer(teacher, t("answer-yes"), "12")
    [(status, wave_id)] = await responses(sqlite_db)
    assert status == "submitted"
    assert wave_id is not None

    # Opening the form again in the same wave starts a correction from the sent answers.
    await teacher.send("/start")
    await teacher.press(t("menu-button-forms"))
    await teacher.press(TITLE)
    review = teacher.last()
    assert "12" in review.text
    assert t("dialog-button-submit") in review.buttons
    await teacher.press(t("dialog-button-submit"))
    assert await responses(sqlite_db) == [("replaced", wave_id), ("submitted", wave_id)]

    # The coordinator closes the wave: no more answers, and the register keeps one response.
    await coordinator.send("/waves")
    await coordinator.press(next(b for b in coordinator.last().buttons if "Завершить" in b))
    await coordinator.press(t("waves-button-close-yes"))
    assert "завершён" in coordinator.last().text
    await teacher.send("/start")
    await teacher.press(t("menu-button-forms"))
    await teacher.press(TITLE)
    assert teacher.callback_answer() == t("form-no-wave", title=TITLE)

    # The next wave takes a new response.
    await open_wave(coordinator, "Итоговый мониторинг")
    await answer(teacher, t("answer-no"), "13")
    statuses = await responses(sqlite_db)
    assert [s for s, _w in statuses] == ["replaced", "submitted", "submitted"]
    assert statuses[2][1] != wave_id
    async with sqlite_db.read() as uow:
        actions = (await uow.connection.execute(select(AuditEntry.action))).scalars().all()
        titles = (await uow.connection.execute(select(Wave.title))).scalars().all()
    assert actions.count("wave_opened") == 2
    assert actions.count("wave_closed") == 1
    assert titles[0].startswith("Входной мониторинг 20")


async def test_a_draft_cannot_be_sent_after_its_wave_closed(
    dispatcher: Dispatcher, bot: MockedBot, sqlite_db: Database
) -> None:
    admin, teacher = person(dispatcher, bot, ADMIN), person(dispatcher, bot, TEACHER)
    await open_wave(admin)
    await teacher.send("/start")
    await teacher.press(t("menu-button-forms"))
    await teacher.press(TITLE)
    await teacher.press(t("answer-yes"))
    await teacher.send("7")
    review = teacher.last()
    await admin.send("/waves")
    await admin.press(next(b for b in admin.last().buttons if "Завершить" in b))
    await admin.press(t("waves-button-close-yes"))
    await teacher.press(t("dialog-button-submit"), review)
    assert teacher.callback_answer() == t("dialog-wave-closed", wave=(await wave_title(sqlite_db)))
    assert await responses(sqlite_db) == [("draft", (await responses(sqlite_db))[0][1])]


async def wave_title(database: Database) -> str:
    async with database.read() as uow:
        return str((await uow.connection.execute(select(Wave.title))).scalar_one())


async def test_only_regional_staff_manage_waves(
    dispatcher: Dispatcher, bot: MockedBot, sqlite_db: Database
) -> None:
    admin, teacher = person(dispatcher, bot, ADMIN), person(dispatcher, bot, TEACHER)
    await admin.send("/waves")
    open_button = admin.last().data(t("waves-button-open", title=TITLE))
    await teacher.send("/waves")
    assert teacher.last().text == t("access-denied")
    await teacher.press_data(open_button, admin.last().message_id)
    assert teacher.callback_answer() == t("access-denied")
    forged = WaveCallback(a=WaveAct.open, f="waves_check", k="entry").pack()  # well-formed
    await teacher.press_data(forged, admin.last().message_id)
    assert teacher.callback_answer() == t("access-denied")
    async with sqlite_db.read() as uow:
        assert (await uow.connection.execute(select(Wave.id))).first() is None
