"""A consultation over HTTP against the fake Bot API: the consultant publishes a time, a
parent sends a request and books it, the consultant records that it was held."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from forms.directory import SAMPLE, read_directory
from forms.i18n import translator
from forms.vocabulary import Role
from storage.database import Database
from storage.directory import save_directory
from storage.migrate import upgrade
from storage.repositories.users import TelegramProfile
from tests.bot_process import start_bot
from tests.fake_bot_api import BotMessage, FakeBotAPI, FakeUser

pytestmark = pytest.mark.e2e
t = translator()
TITLE = "Запись на консультацию для родителей"
PARENT, OTHER, CONSULTANT = FakeUser(1001, "Анна"), FakeUser(1002, "Ольга"), FakeUser(701, "Мария")


async def seed(path: Path) -> None:
    """The sample directory and a consultant of its first municipality."""
    database = Database.from_url(f"sqlite+aiosqlite:///{path}")
    try:
        await upgrade(database)
        async with database.transaction() as uow:
            await save_directory(uow, read_directory(SAMPLE))
            town = (await uow.schools.municipalities())[0]
            await uow.users.save_profile(TelegramProfile(CONSULTANT.id, "Мария"))
            await uow.roles.grant(CONSULTANT.id, Role.consultant, [town.id])
    finally:
        await database.dispose()


def has(text: str) -> Callable[[Any], bool]:
    """A predicate on a message or an edit (an edit's text is its raw HTML)."""
    return lambda seen: text in getattr(seen, "plain_text", getattr(seen, "text", ""))


async def step(fake: FakeBotAPI, parent: FakeUser, message: BotMessage, label: str) -> BotMessage:
    fake.press(parent, message, label)
    return await fake.wait_for_message(parent.id)


async def request(fake: FakeBotAPI, parent: FakeUser, name: str) -> BotMessage:
    """The whole form, as a parent fills it in; returns the offer of free times."""
    fake.send_text(parent, "/start")
    menu = await fake.wait_for_message(parent.id)
    forms = await step(fake, parent, menu, t("menu-button-forms"))
    consent = await step(fake, parent, forms, TITLE)
    await step(fake, parent, consent, t("consent-button-yes"))  # «согласие получено»
    intro = await fake.wait_for_message(parent.id)  # the form's title
    note = await fake.wait_for_message(parent.id)
    assert intro.plain_text.startswith(TITLE)
    towns = await step(fake, parent, note, t("form-button-next"))
    fake.press(parent, towns, "Городской округ Энск")
    schools = await fake.wait_for_edit(parent.id, predicate=has("выберите школу"))
    grade = await step(fake, parent, schools.message, "СОШ № 7")
    topic = await step(fake, parent, grade, "5 класс")
    details = await step(fake, parent, topic, "Трудности в учёбе")
    form_of = await step(fake, parent, details, t("form-button-skip"))
    when = await step(fake, parent, form_of, "По телефону")
    name_question = await step(fake, parent, when, t("form-button-skip"))
    assert "обращаться" in name_question.plain_text
    fake.send_text(parent, name)
    await fake.wait_for_message(parent.id)  # the phone question
    fake.send_text(parent, "8 916 123-45-67")
    review = await fake.wait_for_message(parent.id, predicate=lambda m: bool(m.buttons))
    fake.press(parent, review, t("dialog-button-submit"))
    return await fake.wait_for_message(parent.id, predicate=has("Выберите удобное время"))


async def test_a_parent_books_and_the_consultant_marks_it_held(
    fake: FakeBotAPI, tmp_path: Path
) -> None:
    await seed(tmp_path / "bot.db")
    moment = datetime.now(UTC) + timedelta(days=3)
    bot = await start_bot(fake, tmp_path)
    async with bot:
        fake.send_text(CONSULTANT, f"/slot {moment:%d.%m.%Y} 15:00")
        assert (await fake.wait_for_message(CONSULTANT.id)).plain_text.startswith("Время добавлено")
        offer = await request(fake, PARENT, "Анна Сергеевна")
        request_notice = await fake.wait_for_message(CONSULTANT.id, predicate=has("Новая заявка"))
        assert "+7 916 123-45-67" in request_notice.plain_text  # the consultant needs the phone
        fake.press(PARENT, offer, offer.buttons[0][0])
        await fake.wait_for_edit(PARENT.id, predicate=has("Вы записаны на консультацию"))
        notice = await fake.wait_for_message(CONSULTANT.id, predicate=has("Родитель записался"))
        fake.press(CONSULTANT, notice, t("consult-button-held"))
        await fake.wait_for_edit(CONSULTANT.id, predicate=has("консультация состоялась"))
        assert await bot.terminate() == 0

    fake.assert_no_errors()
    with sqlite3.connect(tmp_path / "bot.db") as db:
        assert db.execute("select kind, status, assignee_id from cases").fetchall() == [
            ("consultation", "held", CONSULTANT.id)
        ]
        assert db.execute("select submission_id from slots").fetchall() == [(1,)]
    assert "Анна Сергеевна" not in bot.log_text()


async def test_two_parents_press_the_one_free_time_at_once(
    fake: FakeBotAPI, tmp_path: Path
) -> None:
    await seed(tmp_path / "bot.db")
    moment = datetime.now(UTC) + timedelta(days=2)
    bot = await start_bot(fake, tmp_path)
    async with bot:
        fake.send_text(CONSULTANT, f"/slot {moment:%d.%m.%Y} 10:00")
        await fake.wait_for_message(CONSULTANT.id)
        first = await request(fake, PARENT, "Анна")
        second = await request(fake, OTHER, "Ольга")
        assert first.buttons[0] == second.buttons[0]
        # Both presses reach the bot in the same batch of updates.
        presses = [
            fake.press(PARENT, first, first.buttons[0][0]),
            fake.press(OTHER, second, second.buttons[0][0]),
        ]
        answers = [await fake.wait_for_callback_answer(press) for press in presses]
        assert sorted(answer.text or "" for answer in answers) == ["", t("consult-slot-taken")]
        loser = OTHER if answers[1].text else PARENT
        again = await fake.wait_for_message(
            loser.id, predicate=has("Свободного времени больше нет")
        )
        assert again.plain_text == t("consult-no-slots-left")
        assert await bot.terminate() == 0

    fake.assert_no_errors()
    with sqlite3.connect(tmp_path / "bot.db") as db:
        statuses = sorted(row[0] for row in db.execute("select status from cases"))
        booked = db.execute("select count(*) from slots where submission_id is not null").fetchone()
    assert statuses == ["new", "scheduled"]
    assert booked == (1,)
