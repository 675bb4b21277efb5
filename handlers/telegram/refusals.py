"""The polite «no» to what a person's role does not allow, and its log line."""

from __future__ import annotations

import logging

from aiogram import Router
from aiogram.types import CallbackQuery, Message, TelegramObject

from handlers.container import Services
from handlers.telegram.filters import CallbackPrefixes, Commands, user_id_of
from handlers.ui import Callback

logger = logging.getLogger(__name__)


def refused(event: TelegramObject, what: str) -> None:
    """Log a refused attempt: who (an id) and what, never message text."""
    logger.warning("refused: user %s tried %s", user_id_of(event), what)


async def refuse_command(message: Message, services: Services) -> None:
    """The polite answer to a command the person's role does not allow (and a log line)."""
    refused(message, (message.text or "").split(maxsplit=1)[0])
    await message.answer(services.t("access-denied"))


async def refuse_button(query: CallbackQuery, services: Services) -> None:
    """The same for a button: an old message, another person's, or a forged one."""
    refused(query, (query.data or "").split(":", 1)[0] + " button")
    await query.answer(services.t("access-denied"), show_alert=True)


def refusing(name: str, commands: tuple[str, ...], buttons: tuple[type[Callback], ...]) -> Router:
    """A router that refuses these commands and buttons: put it after the router that
    admits the people who may use them."""
    router = Router(name=name)
    if commands:
        router.message.register(refuse_command, Commands(*commands))
    if buttons:
        router.callback_query.register(refuse_button, CallbackPrefixes(*buttons))
    return router
