"""«📊 Выгрузки» through the Dispatcher: the choice, the period, the document; refusals."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from aiogram import Dispatcher
from aiogram.methods import SendChatAction, SendDocument
from openpyxl.workbook import Workbook

from bot.factory import create_dispatcher
from bot.settings import Settings
from forms.i18n import translator
from handlers.clock import Clock
from handlers.exporting.service import ExportCallback, Span
from storage.database import Database
from tests.handlers.conversation import Conversation, person
from tests.handlers.export_data import (
    ADMIN,
    CONSULTANT,
    NORTH_COORDINATOR,
    STRANGER,
    Data,
    about,
    column,
    fill,
    header,
    survey,
    workbook,
)
from tests.mocked_bot import MockedBot

t = translator()
MOSCOW = ZoneInfo("Europe/Moscow")
SURVEY = "Анкета учителя"
CONSULTATIONS = "Запись на консультацию для родителей"


@pytest.fixture
async def data(sqlite_db: Database) -> Data:
    return await fill(sqlite_db)


async def started(
    settings: Settings, database: Database, bot: MockedBot, clock: Clock | None = None
) -> Dispatcher:
    dispatcher = create_dispatcher(settings, database, clock=clock)
    await dispatcher.emit_startup(bot=bot, **dispatcher.workflow_data)
    await dispatcher["services"].catalog.register(survey())
    return dispatcher


@pytest.fixture
async def dispatcher(
    settings: Settings, sqlite_db: Database, bot: MockedBot, data: Data
) -> Dispatcher:
    return await started(settings, sqlite_db, bot)


async def download(chat: Conversation, register: str, period: str) -> Workbook:
    await chat.send("/exports")
    await chat.press(register)
    await chat.press(period)
    [sent] = chat.bot.session.of_type(SendDocument)
    return workbook(sent.document.data)  # type: ignore[union-attr]


async def exports_audited(database: Database) -> list[tuple[int | None, dict[str, object]]]:
    async with database.read() as uow:
        entries = await uow.audit.entries()
    return [(e.actor_id, e.details) for e in entries if e.action == "register_exported"]


def survey_button(dispatcher: Dispatcher, span: Span | None = Span.all) -> str:
    entry = dispatcher["services"].catalog.current("survey")
    return ExportCallback(v=entry.version_id, p=span).pack()


async def test_an_admin_chooses_a_register_and_a_period_and_gets_the_file(
    dispatcher: Dispatcher, bot: MockedBot, sqlite_db: Database, data: Data
) -> None:
    admin = person(dispatcher, bot, ADMIN)
    await admin.send("/exports")
    assert admin.last().text == t("exports-choose")
    assert SURVEY in admin.last().buttons
    await admin.press(SURVEY)
    assert admin.last().buttons == [
        "Этот месяц",
        "Этот квартал",
        "Этот учебный год",
        "За всё время",
    ]
    assert await admin.press("За всё время") == t("exports-preparing")
    assert admin.last().text == t("exports-preparing")
    assert bot.session.of_type(SendChatAction)[0].action == "upload_document"
    [sent] = bot.session.of_type(SendDocument)
    assert sent.caption == f"«{SURVEY}», за всё время. Строк: 3."
    assert sent.document.filename.startswith("survey-")  # type: ignore[union-attr]
    book = workbook(sent.document.data)  # type: ignore[union-attr]
    assert header(book)[:6] == [
        "№",
        "Время отправки",
        "Статус",
        "Версия анкеты",
        "Респондент",
        "ID в Telegram",
    ]
    assert column(book, "№") == data.survey
    assert column(book, "Телефон") == ["+7 916 123-45-67"] * 3
    assert (
        about(book)["Кто выгрузил"]
        == f"Пользователь {ADMIN} (администратор, ID в Telegram {ADMIN})"
    )
    assert await exports_audited(sqlite_db) == [
        (ADMIN, {"form": "survey", "filters": {}, "anonymous": False, "rows": 3})
    ]


async def test_the_period_is_taken_in_the_configured_zone(
    settings: Settings, sqlite_db: Database, bot: MockedBot, data: Data
) -> None:
    april = Clock(MOSCOW, lambda: datetime(2026, 4, 15, 12, 0, tzinfo=UTC))
    dispatcher = await started(settings, sqlite_db, bot, april)
    admin = person(dispatcher, bot, ADMIN)
    book = await download(admin, SURVEY, "Этот учебный год")
    assert column(book, "№") == data.survey
    assert about(book)["Период"] == "с 01.09.2025 по 31.08.2026"
    bot.session.clear()
    empty = await download(admin, SURVEY, "Этот месяц")
    assert column(empty, "№") == []
    assert about(empty)["Период"] == "с 01.04.2026 по 30.04.2026"


async def test_a_municipal_coordinator_gets_their_municipality_anonymised(
    dispatcher: Dispatcher, bot: MockedBot, data: Data
) -> None:
    coordinator = person(dispatcher, bot, NORTH_COORDINATOR)
    book = await download(coordinator, SURVEY, "За всё время")
    assert column(book, "№") == data.survey[:2]
    assert "Респондент" not in header(book)
    assert "Телефон" not in header(book)
    [sent] = bot.session.of_type(SendDocument)
    assert sent.caption is not None
    assert "Обезличенный вариант" in sent.caption


async def test_a_forged_button_gives_a_municipal_coordinator_only_their_municipality(
    dispatcher: Dispatcher, bot: MockedBot, sqlite_db: Database, data: Data
) -> None:
    coordinator = person(dispatcher, bot, NORTH_COORDINATOR)
    await coordinator.press_data(survey_button(dispatcher), message_id=7)
    [sent] = bot.session.of_type(SendDocument)
    assert column(workbook(sent.document.data), "№") == data.survey[:2]  # type: ignore[union-attr]
    [(_actor, details)] = await exports_audited(sqlite_db)
    assert details["filters"] == {"municipalities": [data.north]}


async def test_a_consultant_sees_only_the_consultation_register(
    dispatcher: Dispatcher, bot: MockedBot, data: Data
) -> None:
    consultant = person(dispatcher, bot, CONSULTANT)
    await consultant.send("/exports")
    assert consultant.last().buttons == [CONSULTATIONS]
    book = await download(consultant, CONSULTATIONS, "За всё время")
    assert column(book, "№") == data.consultations
    assert column(book, "Консультант") == ["Ольга Координаторова", None]


async def test_a_consultant_forging_another_register_is_refused(
    dispatcher: Dispatcher, bot: MockedBot, sqlite_db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    consultant = person(dispatcher, bot, CONSULTANT)
    with caplog.at_level(logging.WARNING):
        await consultant.press_data(survey_button(dispatcher), message_id=7)
    assert consultant.callback_answer() == t("access-denied")
    assert bot.session.of_type(SendDocument) == []
    assert await exports_audited(sqlite_db) == []
    assert f"refused: user {CONSULTANT} tried an export" in caplog.text


async def test_a_stranger_typing_the_command_is_refused_and_logged(
    dispatcher: Dispatcher, bot: MockedBot, sqlite_db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    stranger = person(dispatcher, bot, STRANGER)
    with caplog.at_level(logging.WARNING):
        await stranger.send("/exports")
    assert stranger.last().text == t("access-denied")
    assert f"refused: user {STRANGER} tried /exports" in caplog.text
    assert await exports_audited(sqlite_db) == []


@pytest.mark.parametrize("span", [Span.all, None])
async def test_a_stranger_pressing_an_old_or_forged_button_is_refused(
    dispatcher: Dispatcher, bot: MockedBot, sqlite_db: Database, span: Span | None
) -> None:
    stranger = person(dispatcher, bot, STRANGER)
    await stranger.press_data(survey_button(dispatcher, span), message_id=7)
    assert stranger.callback_answer() == t("access-denied")
    assert bot.session.of_type(SendDocument) == []
    assert await exports_audited(sqlite_db) == []


async def test_a_button_of_an_unknown_version_is_refused(
    dispatcher: Dispatcher, bot: MockedBot, sqlite_db: Database
) -> None:
    admin = person(dispatcher, bot, ADMIN)
    await admin.press_data(ExportCallback(v=99_999, p=Span.all).pack(), message_id=7)
    assert admin.callback_answer() == t("access-denied")
    assert bot.session.of_type(SendDocument) == []
    assert await exports_audited(sqlite_db) == []


SUMMARY_BUTTON = "📈 Сводка рабочей группы"


async def summaries_audited(database: Database) -> list[tuple[int | None, dict[str, object]]]:
    async with database.read() as uow:
        entries = await uow.audit.entries()
    return [(e.actor_id, e.details) for e in entries if e.action == "summary_exported"]


async def test_an_admin_gets_the_summary_for_a_period(
    dispatcher: Dispatcher, bot: MockedBot, sqlite_db: Database
) -> None:
    admin = person(dispatcher, bot, ADMIN)
    await admin.send("/exports")
    assert admin.last().buttons[-1] == SUMMARY_BUTTON
    await admin.press(SUMMARY_BUTTON)
    assert admin.last().text == t("exports-summary-period")
    await admin.press("За всё время")
    [sent] = bot.session.of_type(SendDocument)
    assert sent.document.filename.startswith("summary-")  # type: ignore[union-attr]
    assert sent.caption == "Сводка рабочей группы, за всё время. Учтено ответов: 2."
    book = workbook(sent.document.data)  # type: ignore[union-attr]
    assert book.sheetnames[0] == "Показатели"
    assert await summaries_audited(sqlite_db) == [(ADMIN, {"filters": {}, "responses": 2})]


async def test_a_forged_summary_button_gives_a_municipal_coordinator_their_municipality(
    dispatcher: Dispatcher, bot: MockedBot, sqlite_db: Database, data: Data
) -> None:
    coordinator = person(dispatcher, bot, NORTH_COORDINATOR)
    await coordinator.press_data(ExportCallback(v=0, p=Span.all).pack(), message_id=7)
    assert len(bot.session.of_type(SendDocument)) == 1
    [(_actor, details)] = await summaries_audited(sqlite_db)
    assert details["filters"] == {"municipalities": [data.north]}


async def test_a_consultant_forging_the_summary_is_refused(
    dispatcher: Dispatcher, bot: MockedBot, sqlite_db: Database
) -> None:
    consultant = person(dispatcher, bot, CONSULTANT)
    await consultant.press_data(ExportCallback(v=0, p=Span.all).pack(), message_id=7)
    assert consultant.callback_answer() == t("access-denied")
    assert bot.session.of_type(SendDocument) == []
    assert await summaries_audited(sqlite_db) == []
