"""/start, /help, /cancel, the menu, groups and stale buttons, through a real Dispatcher."""

from __future__ import annotations

import logging

import pytest
from aiogram import Dispatcher
from aiogram.exceptions import TelegramForbiddenError, TelegramRetryAfter
from aiogram.fsm.storage.base import StorageKey
from aiogram.methods import AnswerCallbackQuery, SendMessage
from aiogram.types import ReplyKeyboardRemove

from bot.middlewares import RetryAfterMiddleware
from forms.i18n import translator
from forms.vocabulary import Role
from storage.database import Database
from storage.repositories.users import UserRepository
from tests import updates
from tests.mocked_bot import MockedBot

t = translator()
HELP = t("help-text") + "\n\n" + t("help-role-respondent")  # what a respondent sees


async def test_start_greets_by_name_saves_the_user_and_shows_the_menu(
    dispatcher: Dispatcher, bot: MockedBot, sqlite_db: Database
) -> None:
    sender = updates.user(1001, first_name="Анна <Мария> & Co")
    await dispatcher.feed_update(bot, updates.message("/start", sender=sender))

    sent = bot.session.of_type(SendMessage)
    assert len(sent) == 1
    assert "Здравствуйте, Анна &lt;Мария&gt; &amp; Co!" in sent[0].text
    buttons = [b.text for row in sent[0].reply_markup.inline_keyboard for b in row]  # type: ignore[union-attr]
    assert t("menu-button-help") in buttons
    async with sqlite_db.read() as uow:
        saved = await uow.users.get(1001)
    assert saved is not None
    assert saved.first_name == "Анна <Мария> & Co"
    assert saved.role is Role.respondent


async def test_start_twice_keeps_one_user_with_the_fresh_name(
    dispatcher: Dispatcher, bot: MockedBot, sqlite_db: Database
) -> None:
    await dispatcher.feed_update(bot, updates.message("/start", sender=updates.user(7, "Олег")))
    await dispatcher.feed_update(bot, updates.message("/start", sender=updates.user(7, "Олег Н.")))
    async with sqlite_db.read() as uow:
        saved = await uow.users.get(7)
        count = len((await uow.connection.exec_driver_sql("select id from users")).all())
    assert count == 1
    assert saved is not None
    assert saved.first_name == "Олег Н."


async def test_help_command_and_help_button_show_the_same_help(
    dispatcher: Dispatcher, bot: MockedBot
) -> None:
    await dispatcher.feed_update(bot, updates.message("/help"))
    await dispatcher.feed_update(bot, updates.callback("m1:h"))
    texts = [m.text for m in bot.session.of_type(SendMessage)]
    assert texts == [HELP, HELP]
    assert len(bot.session.of_type(AnswerCallbackQuery)) == 1


async def test_cancel_without_a_conversation_says_so(
    dispatcher: Dispatcher, bot: MockedBot
) -> None:
    await dispatcher.feed_update(bot, updates.message("/cancel"))
    assert bot.session.last_text() == t("cancel-nothing")


async def test_cancel_leaves_the_conversation(dispatcher: Dispatcher, bot: MockedBot) -> None:
    key = StorageKey(bot_id=bot.id, chat_id=1001, user_id=1001)
    await dispatcher.storage.set_state(key, "SomeForm:question")
    await dispatcher.storage.set_data(key, {"submission": 5})

    await dispatcher.feed_update(bot, updates.message("/cancel"))

    reply = bot.session.of_type(SendMessage)[-1]
    assert reply.text == t("cancel-done")
    assert isinstance(reply.reply_markup, ReplyKeyboardRemove)
    assert await dispatcher.storage.get_state(key) is None
    assert await dispatcher.storage.get_data(key) == {}


@pytest.mark.parametrize("data", ["m1:zz", "m0:h", "garbage", "x" * 64])
async def test_forged_or_stale_buttons_get_a_polite_alert(
    dispatcher: Dispatcher, bot: MockedBot, data: str
) -> None:
    await dispatcher.feed_update(bot, updates.callback(data))
    answers = bot.session.of_type(AnswerCallbackQuery)
    assert [(a.text, a.show_alert) for a in answers] == [(t("stale-button"), True)]
    assert bot.session.of_type(SendMessage) == []


async def test_unknown_text_points_to_the_menu(dispatcher: Dispatcher, bot: MockedBot) -> None:
    await dispatcher.feed_update(bot, updates.message("привет"))
    assert bot.session.last_text() == t("unknown-message")


async def test_a_sticker_gets_the_same_polite_pointer(
    dispatcher: Dispatcher, bot: MockedBot
) -> None:
    await dispatcher.feed_update(bot, updates.sticker())
    assert bot.session.last_text() == t("unknown-message")


@pytest.mark.parametrize("text", ["/start", "/help", "какой-то текст"])
async def test_in_a_group_the_bot_only_says_it_works_in_private(
    dispatcher: Dispatcher, bot: MockedBot, sqlite_db: Database, text: str
) -> None:
    update = updates.message(text, chat=updates.group_chat())
    await dispatcher.feed_update(bot, update)

    sent = bot.session.of_type(SendMessage)
    assert [m.text for m in sent] == [t("private-only", username="school_test_bot")]
    assert sent[0].chat_id == -100500
    async with sqlite_db.read() as uow:
        assert await uow.users.get(1001) is None


async def test_a_failing_handler_apologises_and_logs_no_personal_data(
    dispatcher: Dispatcher,
    bot: MockedBot,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    personal = " ".join(["Иванова", "Мария", "+79161234567"])

    async def broken(*_: object, **__: object) -> None:
        raise RuntimeError(personal)

    monkeypatch.setattr(UserRepository, "save_profile", broken)
    sender = updates.user(1001, first_name="Мария", last_name="Иванова")
    with caplog.at_level(logging.INFO):
        await dispatcher.feed_update(bot, updates.message("/start", sender=sender))

    assert bot.session.last_text() == t("error-apology")
    failure = [r for r in caplog.records if r.name == "handlers.telegram.errors"]
    assert len(failure) == 1
    assert "RuntimeError" in failure[0].getMessage()
    assert "home/service.py" in failure[0].getMessage()  # where it failed is kept
    for record in caplog.records:
        text = record.getMessage() + (record.exc_text or "")
        assert "Иванова" not in text
        assert "79161234567" not in text


async def test_a_user_who_blocked_the_bot_is_not_an_error(
    dispatcher: Dispatcher, bot: MockedBot, caplog: pytest.LogCaptureFixture
) -> None:
    bot.session.fail_next(
        SendMessage, TelegramForbiddenError(SendMessage(chat_id=1, text="x"), "bot was blocked")
    )
    with caplog.at_level(logging.INFO):
        await dispatcher.feed_update(bot, updates.message("/help"))
    assert len(bot.session.of_type(SendMessage)) == 1  # no apology attempted
    assert any("blocked the bot" in r.getMessage() for r in caplog.records)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_flood_control_is_waited_out_and_the_message_is_sent(
    dispatcher: Dispatcher, bot: MockedBot
) -> None:
    bot.session.middleware(RetryAfterMiddleware(attempts=3))
    method = SendMessage(chat_id=1, text="x")
    bot.session.fail_next(SendMessage, TelegramRetryAfter(method, "Too Many Requests", 0))
    await dispatcher.feed_update(bot, updates.message("/help"))
    sent = bot.session.of_type(SendMessage)
    assert [m.text for m in sent] == [HELP, HELP]  # tried, waited, sent


async def test_flood_control_gives_up_after_the_attempts(bot: MockedBot) -> None:
    bot.session.middleware(RetryAfterMiddleware(attempts=2))
    method = SendMessage(chat_id=1, text="x")
    for _ in range(2):
        bot.session.fail_next(SendMessage, TelegramRetryAfter(method, "Too Many Requests", 0))
    with pytest.raises(TelegramRetryAfter):
        await bot.send_message(1, "x")
    assert len(bot.session.of_type(SendMessage)) == 2
