"""The working group's side over HTTP against the fake Bot API: a coordinator starts a
monitoring stage, an organiser reports an event with an attendance sheet (saved to disk),
and /progress counts its participants."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from forms.directory import SAMPLE, read_directory
from forms.i18n import translator
from forms.vocabulary import Role
from storage.database import Database
from storage.directory import save_directory
from storage.migrate import upgrade
from storage.repositories.users import TelegramProfile
from tests.bot_process import start_bot
from tests.e2e.people import Person, has
from tests.fake_bot_api import BotMessage, FakeBotAPI, FakeUser

pytestmark = pytest.mark.e2e
t = translator()
COORDINATOR, TEACHER = FakeUser(501, "Ольга"), FakeUser(1001, "Ирина")
SURVEY = "Анкета самодиагностики профессиональных затруднений педагога"
REPORT = "Отчёт о мероприятии"
SHEET = "Лист регистрации.pdf".encode() + b"%PDF-1.4 attendance"


async def seed(path: Path) -> None:
    database = Database.from_url(f"sqlite+aiosqlite:///{path}")
    try:
        await upgrade(database)
        async with database.transaction() as uow:
            await save_directory(uow, read_directory(SAMPLE))
            await uow.users.save_profile(TelegramProfile(COORDINATOR.id, "Ольга"))
            await uow.roles.grant(COORDINATOR.id, Role.coordinator)
    finally:
        await database.dispose()


async def open_forms(person: Person) -> BotMessage:
    menu = await person.say("/start")
    return await person.press(menu, t("menu-button-forms"))


async def test_a_stage_an_event_report_with_a_file_and_progress(
    fake: FakeBotAPI, tmp_path: Path
) -> None:
    await seed(tmp_path / "bot.db")
    today = datetime.now(ZoneInfo("Europe/Moscow")).date()
    files = tmp_path / "files"
    bot = await start_bot(fake, tmp_path, FILES_DIR=str(files), TIMEZONE="Europe/Moscow")
    coordinator, teacher = Person(fake, COORDINATOR), Person(fake, TEACHER)
    async with bot:
        # Before a stage is open, the survey is closed.
        forms = await open_forms(teacher)
        answer = await fake.wait_for_callback_answer(fake.press(TEACHER, forms, SURVEY))
        assert answer.text == t("form-no-wave", title=SURVEY)

        stages = await coordinator.say("/waves")
        kinds = await coordinator.press(stages, t("waves-button-open", title=SURVEY))
        fake.press(COORDINATOR, kinds, kinds.buttons[0][0])
        await fake.wait_for_edit(COORDINATOR.id, predicate=has("начат"))

        forms = await open_forms(teacher)
        intro = await teacher.press(forms, SURVEY)
        assert intro.plain_text.startswith(SURVEY)
        assert "Вопрос 1 из" in (await teacher.next()).plain_text

        # The coordinator reports a working-group meeting with an attendance sheet.
        forms = await open_forms(coordinator)
        await coordinator.press(forms, REPORT)
        question = await coordinator.next("Как называется мероприятие?")
        question = await coordinator.say("Заседание муниципальной рабочей группы")
        question = await coordinator.press(question, "Заседание рабочей группы")
        question = await coordinator.say(today.strftime("%d.%m.%Y"))
        question = await coordinator.press(question, "Онлайн")
        question = await coordinator.say("МОЦ Энска")
        fake.press(COORDINATOR, question, "Члены рабочей группы")
        await fake.wait_for_edit(COORDINATOR.id, predicate=lambda edit: "✓" in str(edit.buttons))
        question = await coordinator.press(question, t("form-button-done"))
        question = await coordinator.press(question, t("answer-yes"))
        await coordinator.say("45")
        question = await coordinator.say("0")
        assert "итоги" in question.plain_text
        await coordinator.say("Утвердили план методических десантов на II полугодие.")
        fake.send_document(COORDINATOR, "../../Лист регистрации.pdf", SHEET, "application/pdf")
        received = await coordinator.next("Получен 1 файл")
        review = await coordinator.press(received, t("form-button-done"))
        fake.press(COORDINATOR, review, t("dialog-button-submit"))
        await coordinator.next("Спасибо!")

        progress = await coordinator.say("/progress")
        assert "Сейчас 45 из 100" in progress.plain_text
        assert await bot.terminate() == 0

    fake.assert_no_errors()
    with sqlite3.connect(tmp_path / "bot.db") as db:
        stages = db.execute("select kind, closed_at from waves").fetchall()
        [(value,)] = db.execute("select value from answers where question_id = 'materials'")
    assert stages == [("entry", None)]
    [saved] = json.loads(value)
    assert (files / saved["path"]).read_bytes() == SHEET
    assert (files / saved["path"]).resolve().is_relative_to(files.resolve())
