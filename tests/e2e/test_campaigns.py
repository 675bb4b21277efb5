"""A campaign over HTTP against the fake Bot API at Telegram's limits: a coordinator posts a
school link, a teacher joins by it and says who they are, the coordinator announces the survey
to the school's teachers, the teacher answers from the announcement, the board shows it, the
chart arrives as a photo and a reminder reaches only the one who has not answered."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from forms.directory import SAMPLE, read_directory
from forms.i18n import translator
from forms.vocabulary import PersonKind, Role
from storage.database import Database
from storage.directory import save_directory
from storage.migrate import upgrade
from storage.repositories.users import TelegramProfile
from tests.bot_process import start_bot
from tests.e2e.people import Person, has
from tests.fake_bot_api import FakeBotAPI, FakeUser

pytestmark = pytest.mark.e2e
t = translator()
COORDINATOR, IRINA, PAVEL = FakeUser(501, "Ольга"), FakeUser(1001, "Ирина"), FakeUser(1002, "Павел")
DEMO = "Пробная анкета"


async def seed(path: Path) -> None:
    """The directory, a coordinator, and Pavel, a teacher of ООШ № 12 who filled «О себе»."""
    database = Database.from_url(f"sqlite+aiosqlite:///{path}")
    try:
        await upgrade(database)
        async with database.transaction() as uow:
            await save_directory(uow, read_directory(SAMPLE))
            await uow.users.save_profile(TelegramProfile(COORDINATOR.id, "Ольга"))
            await uow.roles.grant(COORDINATOR.id, Role.coordinator)
            await uow.users.save_profile(TelegramProfile(PAVEL.id, "Павел"))
            school = await uow.schools.school_by_code("OO-0104")
            assert school is not None
            await uow.users.set_profile(PAVEL.id, PersonKind.teacher, school.id)
    finally:
        await database.dispose()


async def test_a_campaign_from_a_school_link_to_the_board_and_a_reminder(
    fake: FakeBotAPI, tmp_path: Path
) -> None:
    await seed(tmp_path / "bot.db")
    # Telegram's 30 a second in all. Its «one a second per chat» is kept by the outbox (see
    # test_outbox.py); a reply of two messages in a row is a burst Telegram lets through.
    fake.limit_rate(30, None)
    fake.open_chat(PAVEL)
    coordinator, irina, pavel = Person(fake, COORDINATOR), Person(fake, IRINA), Person(fake, PAVEL)
    async with await start_bot(fake, tmp_path) as bot:
        link = await coordinator.say("/link OO-0102")
        found = re.search(r"start=(sch_[\w-]+)", link.plain_text)
        assert found, link.plain_text

        joined = await irina.say(f"/start {found.group(1)}")
        assert joined.plain_text.startswith(t("school-link-joined", school="СОШ № 7"))
        question = await irina.press(joined, t("profile-button-fill"), "Кто вы?")
        question = await irina.press(question, "Педагог", "В какой школе")
        assert question.buttons[0] == [t("dialog-button-my-school", school="СОШ № 7")]
        review = await irina.press(question, question.buttons[0][0], "Проверьте")
        await irina.press(review, t("dialog-button-submit"), "Спасибо")

        campaigns = await coordinator.say("/campaigns")
        forms = await coordinator.press(campaigns, t("campaigns-button-new"))
        card = await coordinator.press(forms, DEMO)
        fake.press(COORDINATOR, card, t("campaign-button-schools"))  # все → ШНОР
        card_text = t("campaign-button-send", count=2)
        await fake.wait_for_edit(COORDINATOR.id, predicate=lambda e: card_text in str(e.buttons))
        fake.press(COORDINATOR, card, card_text)
        await fake.wait_for_edit(
            COORDINATOR.id, predicate=has("Рассылка опроса № 1 закончена"), timeout=15
        )

        announcement = await irina.next(DEMO)
        assert announcement.buttons == [[t("campaign-button-fill")]]
        await pavel.next(DEMO)
        fake.press(IRINA, announcement, t("campaign-button-fill"))  # the demo asks consent first
        consent = t("consent-button-yes")
        await fake.wait_for_message(IRINA.id, predicate=lambda m: consent in str(m.buttons))

        board_list = await coordinator.say("/campaigns")
        board = await coordinator.press(board_list, t("campaigns-button-open", number=1))
        assert "Ответили: 0 из 2" in board.plain_text
        fake.press(COORDINATOR, board, t("campaign-button-chart"))
        photo = await coordinator.next()
        assert photo.kind == "photo"
        fake.press(COORDINATOR, board, t("campaign-button-remind", count=2))
        reminder = await pavel.next("Напоминаем")
        assert t("campaign-button-mute") in reminder.buttons[1]
        await irina.next("Напоминаем")  # her draft is not an answer: she is asked to finish
        assert await bot.terminate() == 0

    fake.assert_no_errors()
    assert fake.max_sends_in_any_second() <= 30
    with sqlite3.connect(tmp_path / "bot.db") as db:
        statuses = dict(db.execute("select status, count(*) from outbox group by status"))
        [(kind, school)] = db.execute(f"select kind, school_id from users where id = {IRINA.id}")
    assert statuses == {"sent": 4}  # two announcements, two reminders
    assert kind == "teacher"
    assert school is not None
