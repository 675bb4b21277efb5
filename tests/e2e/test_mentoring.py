"""A mentoring pair over HTTP against the fake Bot API: the mentor registers the pair and gets
the link, the mentee opens it and confirms with a double tap (one activation), the mentor is
told, the mentee logs a meeting; then the database is read."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from forms.directory import SAMPLE, read_directory
from forms.i18n import translator
from storage.database import Database
from storage.directory import save_directory
from storage.migrate import upgrade
from tests.bot_process import start_bot
from tests.fake_bot_api import BotMessage, FakeBotAPI, FakeUser

pytestmark = pytest.mark.e2e
t = translator()
MENTOR, MENTEE = FakeUser(1101, "Анна", last_name="Смирнова"), FakeUser(1102, "Борис")
LINK = re.compile(r"https://t\.me/school_test_bot\?start=(pair_[\w-]+)")
TOWN = "Городской округ Энск"
PAIR_FORM = "Регистрация наставнической пары"
SUBMIT = t("dialog-button-submit")
Wait = Callable[[BotMessage], bool]


async def seed(path: Path) -> None:
    database = Database.from_url(f"sqlite+aiosqlite:///{path}")
    try:
        await upgrade(database)
        async with database.transaction() as uow:
            await save_directory(uow, read_directory(SAMPLE))
    finally:
        await database.dispose()


def has(text: str) -> Callable[[Any], bool]:
    """A predicate on a message or an edit (an edit's text is its raw HTML)."""
    return lambda seen: text in getattr(seen, "plain_text", getattr(seen, "text", ""))


def with_button(label: str) -> Callable[[BotMessage], bool]:
    return lambda message: any(label in row for row in message.buttons)


def day(shift: int = 0) -> str:
    return (datetime.now(ZoneInfo("Europe/Moscow")) + timedelta(days=shift)).strftime("%d.%m.%Y")


class Player:
    """One person pressing and typing, waiting each time for the question that follows."""

    def __init__(self, fake: FakeBotAPI, user: FakeUser) -> None:
        self.fake, self.user = fake, user

    async def press(self, message: BotMessage, label: str, then: str | Wait) -> BotMessage:
        self.fake.press(self.user, message, label)
        return await self._next(then)

    async def type(self, text: str, then: str | Wait) -> BotMessage:
        self.fake.send_text(self.user, text)
        return await self._next(then)

    async def _next(self, then: str | Wait) -> BotMessage:
        predicate = has(then) if isinstance(then, str) else then
        return await self.fake.wait_for_message(self.user.id, predicate=predicate)

    async def school(self, message: BotMessage, name: str, then: str) -> BotMessage:
        self.fake.press(self.user, message, TOWN)
        schools = await self.fake.wait_for_edit(self.user.id, predicate=has("выберите школу"))
        return await self.press(schools.message, name, then)


async def register(mentor: Player) -> BotMessage:
    menu = await mentor.type("/start", with_button(t("menu-button-forms")))
    forms = await mentor.press(menu, t("menu-button-forms"), with_button(PAIR_FORM))
    first = await mentor.press(forms, PAIR_FORM, "В какой школе вы")
    position = await mentor.school(first, "СОШ № 1", "Какую должность вы занимаете?")
    kind = await mentor.press(position, "Учитель", "Какая у вас форма наставничества?")
    school = await mentor.press(kind, "Педагог — педагог", "В какой школе работает наставляемый?")
    theirs = await mentor.school(school, "СОШ № 7", "Какую должность занимает наставляемый?")
    subject = await mentor.press(theirs, "Учитель", "По какому предмету работает пара?")
    difficulty = await mentor.press(subject, "Математика (алгебра, геометрия)", "затруднением")
    await mentor.press(difficulty, "Оценивание и обратная связь", "Когда пара начала")
    await mentor.type(day(), "Когда вы планируете завершить")
    plan = await mentor.type(day(200), "Как часто вы планируете встречаться?")
    result = await mentor.press(plan, "Раз в две недели", "Какого результата вы ждёте")
    review = await mentor.press(result, t("form-button-skip"), with_button(SUBMIT))
    return await mentor.press(review, t("dialog-button-submit"), "ссылку-приглашение")


async def log_meeting(mentee: Player, confirmed: BotMessage) -> BotMessage:
    await mentee.press(confirmed, t("mentoring-button-meeting"), "Когда прошла встреча?")
    assert "Встреча наставнической пары" in mentee.fake.messages(MENTEE.id)[-2].plain_text
    topic = await mentee.type(day(), "Чему была посвящена встреча?")
    await mentee.press(topic, "Посещение и анализ урока", "Каков итог встречи?")
    review = await mentee.type("Разобрали урок в 7 классе.", with_button(SUBMIT))
    return await mentee.press(review, t("dialog-button-submit"), "Спасибо!")


async def test_a_mentor_and_a_mentee_start_a_pair_and_log_a_meeting(
    fake: FakeBotAPI, tmp_path: Path
) -> None:
    await seed(tmp_path / "bot.db")
    mentor, mentee = Player(fake, MENTOR), Player(fake, MENTEE)
    bot = await start_bot(fake, tmp_path)
    async with bot:
        registered = await register(mentor)
        found = LINK.search(registered.plain_text)
        assert found, registered.plain_text
        share = registered.inline_keyboard[0][0]
        assert share["url"].startswith("https://t.me/share/url?")

        own = await mentor.type(f"/start {found.group(1)}", "Это ваша ссылка-приглашение")
        assert own.buttons == []
        invitation = await mentee.type(f"/start {found.group(1)}", "Приглашение в наставническую")
        assert "Наставник Анна Смирнова приглашает вас" in invitation.plain_text
        first = fake.press(MENTEE, invitation, t("mentoring-button-confirm"))
        second = fake.press(MENTEE, invitation, t("mentoring-button-confirm"))  # a double tap
        assert (await fake.wait_for_callback_answer(first)).text is None
        assert (await fake.wait_for_callback_answer(second)).text == t(
            "mentoring-already-confirmed"
        )
        confirmed = await fake.wait_for_edit(MENTEE.id, predicate=has("Вы подтвердили участие"))
        await fake.wait_for_message(MENTOR.id, predicate=has("Наставляемый Борис подтвердил"))

        await log_meeting(mentee, confirmed.message)
        await mentor.type("/pairs", t("mentoring-card-meetings", count=1))
        assert await bot.terminate() == 0

    fake.assert_no_errors()  # every message valid for Telegram, every alert under 200
    with sqlite3.connect(tmp_path / "bot.db") as db:
        cases = db.execute("select submission_id, kind, status, assignee_id, subject from cases")
        [(pair, kind, status, mentee_id, subject)] = cases.fetchall()
        children = db.execute(
            "select id, respondent_id, status from submissions where parent_id = ?", (pair,)
        ).fetchall()
        actions = [row[0] for row in db.execute("select action from audit_log order by id")]
        [(meeting, _who, _status)] = children
        answers = dict(
            db.execute(
                "select question_id, value from answers where submission_id = ?", (meeting,)
            ).fetchall()
        )
    assert (kind, status, mentee_id, subject) == ("mentoring", "active", MENTEE.id, "math")
    assert children == [(meeting, MENTEE.id, "submitted")]
    assert actions == ["pair_registered", "pair_confirmed"]
    assert json.loads(answers["topic"]) == "lesson_visit"
    assert json.loads(answers["outcome"]) == "Разобрали урок в 7 классе."
