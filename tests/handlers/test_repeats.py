"""A form with an open repeat through a real Dispatcher: «Добавить ещё», «Готово», «Назад»
inside an entry, an edit from the review, an entry added and one removed from the review, a
stale button."""

from __future__ import annotations

from pathlib import Path

import pytest
from aiogram import Dispatcher

from bot.settings import Settings
from forms.i18n import translator
from storage.database import Database
from tests import updates
from tests.conftest import MACHINE_SPEED
from tests.handlers.conversation import Conversation
from tests.handlers.test_dialog import answers_of, started, submissions
from tests.mocked_bot import MockedBot

t = translator()
FORMS = Path(__file__).parent / "repeat_forms"
TITLE = "Состав команды"
ADD = t("dialog-button-add-entry")
DONE = t("form-button-done")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    from tests.mocked_bot import TOKEN

    return Settings(_env_file=None, bot_token=TOKEN, forms_dir=FORMS, throttle_burst=MACHINE_SPEED)  # type: ignore[call-arg]


@pytest.fixture
async def chat(settings: Settings, sqlite_db: Database, bot: MockedBot) -> Conversation:
    dispatcher: Dispatcher = await started(settings, sqlite_db, bot)
    return Conversation(dispatcher, bot, updates.user(1001, "Анна"))


def entry(number: int) -> str:
    return t("dialog-repeat-entry", title="Участник", number=number, total=0)


async def test_a_team_of_members_added_one_by_one(chat: Conversation, sqlite_db: Database) -> None:
    await chat.send("/start")
    await chat.press(t("menu-button-forms"))
    await chat.press(TITLE)
    await chat.send("Совы")

    assert entry(1) in chat.last().text
    assert "Как зовут участника?" in chat.last().text
    await chat.send("Иван")
    await chat.send("15")
    assert t("dialog-repeat-more", title="Участник", count=1) in chat.last().text
    assert chat.last().buttons[:2] == [ADD, DONE]
    first_more = chat.last()
    await chat.press(ADD)
    assert "<i>Участник</i>: запись 2" in chat.last().text
    assert t("dialog-your-answer", answer=ADD) in chat.screen()[-2].text

    # «Назад» inside the second entry, then its answer changed.
    await chat.send("Мария")
    await chat.press(t("form-button-back"))
    assert "Как зовут участника?" in chat.last().text
    assert t("dialog-current-answer", answer="Мария") in chat.last().text
    await chat.send("Мария Петрова")
    assert "Сколько участнику лет?" in chat.last().text
    assert entry(2) in chat.last().text
    await chat.send("14")

    # The first entry's «Добавить ещё» is behind: its button is refused.
    assert await chat.press(ADD, first_more) == t("dialog-stale")
    await chat.press(DONE)
    await chat.press(t("answer-yes"))

    review = chat.last().text
    assert t("dialog-review-entry", title="Участник", number=1) in review
    assert t("dialog-review-entry", title="Участник", number=2) in review
    assert review.index("Иван") < review.index("Мария Петрова")

    # ✏️ 5 is the second member's age.
    await chat.press(t("dialog-button-edit", number=5))
    assert entry(2) in chat.last().text
    assert "Сколько участнику лет?" in chat.last().text
    await chat.send("16")
    assert t("dialog-review-title", title=TITLE) in chat.last().text

    # One more member, added from the review.
    await chat.press(t("dialog-button-add-entry-to", title="Участник"))
    await chat.press(ADD)
    assert entry(3) in chat.last().text
    await chat.send("Олег")
    await chat.send("13")
    await chat.press(DONE)
    review = chat.last().text
    assert t("dialog-review-entry", title="Участник", number=3) in review
    assert "<b>16</b>" in review  # the edited age

    # The second member removed: the third moves up.
    await chat.press(t("dialog-button-remove-entry", title="Участник", number=2))
    review = chat.last().text
    assert "Мария" not in review
    assert t("dialog-review-entry", title="Участник", number=3) not in review
    assert t("dialog-button-remove-entry", title="Участник", number=3) not in chat.last().buttons
    await chat.press(t("dialog-button-submit"))

    [(number, status)] = await submissions(sqlite_db)
    assert status == "submitted"
    assert await answers_of(sqlite_db, number) == {
        "team": "Совы",
        "member[1]": "Иван",
        "age[1]": 15,
        "members[1]": True,
        "member[2]": "Олег",
        "age[2]": 13,
        "members[2]": False,
        "ready": True,
    }
