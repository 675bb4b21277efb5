"""What happens when a handler fails: a log line without personal data, and an apology."""

from __future__ import annotations

import logging
import traceback
from contextlib import suppress

from aiogram import Router
from aiogram.exceptions import TelegramAPIError, TelegramForbiddenError
from aiogram.types import ErrorEvent

from handlers.container import Services

logger = logging.getLogger(__name__)


def setup() -> Router:
    router = Router(name=__name__)
    router.errors.register(on_error)
    return router


async def on_error(event: ErrorEvent, services: Services) -> bool:
    error = event.exception
    update_id = event.update.update_id
    if isinstance(error, TelegramForbiddenError):
        logger.info("update %s: the user blocked the bot or left the chat", update_id)
        return True
    logger.error("update %s failed with %s\n%s", update_id, type(error).__name__, _stack(error))
    with suppress(TelegramAPIError):
        await _apologise(event, services.t("error-apology"))
    return True


def _stack(error: BaseException) -> str:
    """Where it failed, without the exception's text: that may carry what the user typed."""
    return "".join(traceback.format_tb(error.__traceback__)).rstrip()


async def _apologise(event: ErrorEvent, text: str) -> None:
    update = event.update
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=True)
    elif update.message is not None:
        await update.message.answer(text)
