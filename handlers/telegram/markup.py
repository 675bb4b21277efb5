"""Replies and notices of the services sent through aiogram, and the ports they use.

``BotLinks`` is the Telegram side of ``handlers.ui.Links``; the routers hand it to services.
(Messages to other people go through the outbox: see ``handlers.telegram.outbox``.)"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from contextlib import suppress

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from aiogram.utils.deep_linking import create_start_link

from handlers.ui import Button, Keyboard, Markup, RemoveKeyboard, Reply, ShareContact

logger = logging.getLogger(__name__)
TelegramMarkup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove


def inline(keyboard: Keyboard | None) -> InlineKeyboardMarkup | None:
    """aiogram's inline markup. The buttons are validated as usual: for aiogram's button
    (fifteen fields, all but one defaulted) ``model_construct`` costs about 90 µs here and
    validation about 14 µs, since pydantic-core fills the defaults in Rust."""
    if not keyboard:
        return None
    return InlineKeyboardMarkup(
        inline_keyboard=[[_button(b) for b in row] for row in keyboard.rows]
    )


def _button(button: Button) -> InlineKeyboardButton:
    if button.url is not None:
        return InlineKeyboardButton(text=button.text, url=button.url)
    return InlineKeyboardButton(text=button.text, callback_data=button.data)


def telegram_markup(markup: Markup) -> TelegramMarkup | None:
    if isinstance(markup, Keyboard):
        return inline(markup)
    if isinstance(markup, ShareContact):
        button = KeyboardButton(text=markup.text, request_contact=True)
        return ReplyKeyboardMarkup(
            keyboard=[[button]], resize_keyboard=True, one_time_keyboard=True
        )
    if isinstance(markup, RemoveKeyboard):
        return ReplyKeyboardRemove()
    return None


async def send(bot: Bot, chat_id: int, replies: Sequence[Reply]) -> list[int]:
    """Send in turn; returns the sent messages' ids."""
    sent = []
    for reply in replies:
        message = await bot.send_message(
            chat_id, reply.text, reply_markup=telegram_markup(reply.markup)
        )
        sent.append(message.message_id)
    return sent


async def answer(message: Message, replies: Sequence[Reply]) -> None:
    for reply in replies:
        await message.answer(reply.text, reply_markup=telegram_markup(reply.markup))


async def edit(message: Message, reply: Reply) -> None:
    """Change the pressed message. An edit that changes nothing (a double tap) is refused by
    Telegram with "message is not modified": there is nothing to do then."""
    keyboard = reply.markup if isinstance(reply.markup, Keyboard) else None
    with suppress(TelegramBadRequest):
        await message.edit_text(reply.text, reply_markup=inline(keyboard))


async def drop_keyboard(message: Message) -> None:
    """Remove the pressed message's buttons, keep its text."""
    with suppress(TelegramBadRequest):
        await message.edit_reply_markup(reply_markup=None)


class BotLinks:
    """Deep links with the bot's username (asked once with getMe, then cached by aiogram)."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def start_link(self, payload: str) -> str:
        return await create_start_link(self.bot, payload)
