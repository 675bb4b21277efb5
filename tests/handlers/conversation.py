"""A person talking to the bot through a real Dispatcher: send text, press buttons by label,
read what is on the screen (sent messages with their later edits)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageReplyMarkup,
    EditMessageText,
    SendMessage,
)
from aiogram.types import InlineKeyboardMarkup, Update, User

from bot.factory import create_dispatcher
from bot.settings import Settings
from handlers.clock import Clock
from handlers.telegram.outbox import BotCourier
from storage.database import Database
from tests import updates
from tests.mocked_bot import MockedBot


@dataclass
class Shown:
    message_id: int
    text: str
    markup: Any

    @property
    def buttons(self) -> list[str]:
        if not isinstance(self.markup, InlineKeyboardMarkup):
            return []
        return [button.text for row in self.markup.inline_keyboard for button in row]

    def data(self, label: str) -> str:
        assert isinstance(self.markup, InlineKeyboardMarkup)
        for row in self.markup.inline_keyboard:
            for button in row:
                if button.text == label:
                    assert button.callback_data is not None
                    return button.callback_data
        raise AssertionError(f"no button {label!r} in {self.buttons}")


class Conversation:
    def __init__(self, dispatcher: Dispatcher, bot: MockedBot, user: User) -> None:
        self.dispatcher, self.bot, self.user = dispatcher, bot, user

    async def feed(self, update: Update) -> None:
        await self.dispatcher.feed_update(self.bot, update)
        await deliver_outbox(self.dispatcher, self.bot)

    async def send(self, text: str) -> None:
        await self.feed(updates.message(text, sender=self.user))

    def screen(self) -> list[Shown]:
        """The chat as the person sees it now: messages in order, edits applied."""
        shown: dict[int, Shown] = {}
        for method, result in self.bot.session.results:
            if getattr(method, "chat_id", self.user.id) != self.user.id:
                continue  # another person's chat
            if isinstance(method, SendMessage):
                shown[result.message_id] = Shown(
                    result.message_id, method.text, method.reply_markup
                )
            elif isinstance(method, EditMessageText) and method.message_id in shown:
                shown[method.message_id] = Shown(
                    method.message_id, method.text, method.reply_markup
                )
            elif isinstance(method, EditMessageReplyMarkup) and method.message_id in shown:
                before = shown[method.message_id]
                shown[method.message_id] = Shown(
                    before.message_id, before.text, method.reply_markup
                )
        return list(shown.values())

    def last(self) -> Shown:
        return self.screen()[-1]

    def last_with(self, label: str) -> Shown:
        for message in reversed(self.screen()):
            if label in message.buttons:
                return message
        raise AssertionError(f"no message with a button {label!r}")

    async def press(self, label: str, message: Shown | None = None) -> str | None:
        """Press a button; returns the alert or notice the bot answered with."""
        target = message or self.last_with(label)
        await self.press_data(target.data(label), target.message_id)
        return self.callback_answer()

    async def press_data(self, data: str, message_id: int) -> None:
        await self.feed(updates.callback(data, sender=self.user, message_id=message_id))

    def callback_answer(self) -> str | None:
        answers = self.bot.session.of_type(AnswerCallbackQuery)
        assert answers, "the bot did not answer the press"
        return answers[-1].text

    def texts(self) -> list[str]:
        return [m.text for m in self.screen()]


async def started(
    settings: Settings, database: Database, bot: MockedBot, clock: Clock | None = None
) -> Dispatcher:
    """The production dispatcher, started (its forms loaded) as the bot process starts it."""
    dispatcher = create_dispatcher(settings, database, clock=clock)
    await dispatcher.emit_startup(bot=bot, **dispatcher.workflow_data)
    return dispatcher


def person(dispatcher: Dispatcher, bot: MockedBot, user_id: int) -> Conversation:
    """Someone called «Пользователь <id>» talking to the bot."""
    return Conversation(dispatcher, bot, updates.user(user_id, f"Пользователь {user_id}"))


async def deliver_outbox(dispatcher: Dispatcher, bot: Bot) -> int:
    """Send what the update queued for other people, as the bot's outbox job would. The pace
    between two messages to one chat is left out here (tests/handlers/test_outbox.py checks
    it); handler tests check what is said."""
    sender = dispatcher["services"].sender
    sender.pace.per_chat = 0.0
    handled = 0
    while found := await sender.run(BotCourier(bot)):
        handled += found
    return handled
