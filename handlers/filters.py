"""Filters. Coroutines on purpose: aiogram runs plain callables through a thread hop."""

from __future__ import annotations

from aiogram.enums import ChatType
from aiogram.filters import Filter
from aiogram.types import CallbackQuery, Message


def _chat_type(event: Message | CallbackQuery) -> str | None:
    message = event.message if isinstance(event, CallbackQuery) else event
    return None if message is None else message.chat.type


class PrivateChat(Filter):
    """The update comes from a private chat with the bot."""

    async def __call__(self, event: Message | CallbackQuery) -> bool:
        return _chat_type(event) == ChatType.PRIVATE


class NotCommand(Filter):
    """Anything but a /command: commands keep working in the middle of a conversation."""

    async def __call__(self, message: Message) -> bool:
        return not (message.text or "").startswith("/")


class NotPrivateChat(Filter):
    """The update comes from a group, a supergroup or a channel."""

    async def __call__(self, event: Message | CallbackQuery) -> bool:
        chat_type = _chat_type(event)
        return chat_type is not None and chat_type != ChatType.PRIVATE
