"""Updates the bot cannot read are skipped and logged by their id, never whole.

aiogram reads a whole getUpdates batch as one pydantic model: one update it cannot decode (a
field a newer Bot API sends differently) fails the batch, and polling retries it forever,
logging the batch — names and phones — at ERROR each time. Here each update of a batch is
read on its own; one that does not read becomes a bare ``Update`` with its id, so the offset
moves past it, and ``SkipUnreadable`` drops it before any handler. Webhook updates are read
the same way (``read_update``)."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from typing import Any, ClassVar

from aiogram import BaseMiddleware, Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.exceptions import ClientDecodeError
from aiogram.methods import GetUpdates, TelegramMethod
from aiogram.methods.base import Response, TelegramType
from aiogram.types import TelegramObject, Update
from pydantic import ValidationError

logger = logging.getLogger(__name__)


def read_update(bot: Bot, raw: Any) -> Update | None:
    """One update as aiogram reads it; None (logged with its id) when it cannot be read."""
    try:
        return Update.model_validate(raw, context={"bot": bot})
    except ValidationError as error:
        update_id = raw.get("update_id") if isinstance(raw, dict) else None
        # The id and the count only: the error's text quotes what people wrote.
        logger.warning(
            "update %s could not be read (%d problem(s)): skipped",
            update_id,
            error.error_count(),
        )
        return None


def unreadable(update: Update) -> bool:
    """A placeholder for an update that could not be read: nothing but its id."""
    return update.model_fields_set <= {"update_id"}


class TolerantSession(AiohttpSession):
    """An aiohttp session whose getUpdates survives an update it cannot read.

    It also keeps the response model of each method it called (``Response[Message]`` and the
    like) alive. aiogram parametrises ``Response[...]`` on every call; pydantic keeps such
    classes in a weak cache, so once the garbage collector has taken one (they sit in
    reference cycles), the next call builds its schema and validator again: 10 ms each time,
    about once every ten replies under load. One class per method class: the dictionary is
    bounded by the Bot API's methods that aiogram defines."""

    response_types: ClassVar[dict[type[TelegramMethod[Any]], type[Response[Any]]]] = {}

    def check_response(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        status_code: int,
        content: str,
    ) -> Response[TelegramType]:
        if isinstance(method, GetUpdates) and status_code == HTTPStatus.OK:
            return self._updates(bot, content)  # type: ignore[return-value]
        keep_response_type(method)
        return super().check_response(bot, method, status_code, content)

    def _updates(self, bot: Bot, content: str) -> Response[list[Update]]:
        try:
            data = json.loads(content)
        except ValueError as error:
            raise ClientDecodeError("getUpdates answered what is not JSON", error, "…") from None
        result = data.get("result") if isinstance(data, dict) else None
        if not isinstance(data, dict) or not data.get("ok") or not isinstance(result, list):
            raise ClientDecodeError("getUpdates answered no list", ValueError("shape"), "…")
        updates = [read_update(bot, raw) or _placeholder(raw) for raw in result]
        return Response[list[Update]](ok=True, result=[u for u in updates if u is not None])


def keep_response_type(method: TelegramMethod[Any]) -> None:
    """Hold ``Response[<what the method returns>]`` so that pydantic's weak cache keeps it."""
    kind = type(method)
    if kind not in TolerantSession.response_types:
        TolerantSession.response_types[kind] = Response[method.__returning__]  # type: ignore[name-defined]


def _placeholder(raw: Any) -> Update | None:
    """A bare update with the id of one that could not be read: polling moves past it."""
    update_id = raw.get("update_id") if isinstance(raw, dict) else None
    return Update(update_id=update_id) if isinstance(update_id, int) else None


class SkipUnreadable(BaseMiddleware):
    """Drops the placeholders of updates that could not be read, before any handler."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        if isinstance(event, Update) and unreadable(event):
            return UNHANDLED
        return await handler(event, data)
