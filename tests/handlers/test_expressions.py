"""The dialog over a form with expressions, defaults, a read-only question, «Другое» and
texts in two languages, through a real Dispatcher."""

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
FORMS = Path(__file__).parent / "expr_forms"
TITLE = "Анкета с выражениями"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    from tests.mocked_bot import TOKEN

    return Settings(_env_file=None, bot_token=TOKEN, forms_dir=FORMS, throttle_burst=MACHINE_SPEED)  # type: ignore[call-arg]


@pytest.fixture
async def dispatcher(settings: Settings, sqlite_db: Database, bot: MockedBot) -> Dispatcher:
    return await started(settings, sqlite_db, bot)


async def begin(chat: Conversation) -> None:
    await chat.send("/start")
    await chat.press(t("menu-button-forms"))
    await chat.press(TITLE)


async def test_default_read_only_other_and_filled_labels(
    dispatcher: Dispatcher, bot: MockedBot, sqlite_db: Database
) -> None:
    chat = Conversation(dispatcher, bot, updates.user(2001, "Ирина"))
    await begin(chat)
    assert "<b>Кто вы?</b>" in chat.last().text
    assert chat.last().buttons[:3] == ["Учитель", "Родитель", t("answer-other-button")]
    await chat.send("Завуч")  # typed: the «Другое» text

    keep = t("dialog-button-default", answer="25")
    assert chat.last().buttons[0] == keep
    await chat.send("50")
    assert chat.last().text == "От 1 до 40."  # the constraint's own message
    await chat.press(keep)

    read_only = chat.last()
    assert "Ваша школа" in read_only.text
    assert t("dialog-read-only", answer="Школа № 1") in read_only.text
    assert read_only.buttons[0] == t("form-button-next")
    assert t("form-button-skip") not in read_only.buttons
    await chat.press(t("form-button-next"))

    plan = chat.last().text
    assert "<b>Другое: Завуч: 25 учеников, это 3 группы. Что вы планируете?</b>" in plan
    assert "<i>Для Завуч, если вы вписали свою роль.</i>" in plan
    await chat.send("Разделить класс на группы")
    assert "3. Ваша школа" not in chat.last().text  # the review lists what was asked
    await chat.press(t("dialog-button-submit"))

    [(number, status)] = await submissions(sqlite_db)
    assert status == "submitted"
    saved = await answers_of(sqlite_db, number)
    assert saved == {
        "role": {"other": "Завуч"},
        "pupils": 25,
        "school": "Школа № 1",
        "plan": "Разделить класс на группы",
    }  # the calculation is not stored: it is worked out from these


async def test_the_form_speaks_the_persons_language(
    dispatcher: Dispatcher, bot: MockedBot, sqlite_db: Database
) -> None:
    chat = Conversation(dispatcher, bot, updates.user(2002, "John", language_code="en"))
    await begin(chat)  # the interface stays Russian: only the form's texts change
    assert "<b>Who are you?</b>" in chat.last().text
    assert chat.last().buttons[:2] == ["Teacher", "Parent"]
    await chat.press("Parent")
    assert "<b>How many pupils are in the class?</b>" in chat.last().text
    await chat.send("0")
    assert chat.last().text == "From 1 to 40."
    await chat.send("12")  # one group: the last question is not asked
    assert "Ваша школа" in chat.last().text  # no English text: the Russian one
    await chat.press(t("form-button-next"))
    await chat.press(t("dialog-button-submit"))
    [(number, _status)] = await submissions(sqlite_db)
    assert await answers_of(sqlite_db, number) == {
        "role": "parent",
        "pupils": 12,
        "school": "Школа № 1",
    }
