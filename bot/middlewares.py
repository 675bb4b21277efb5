"""Middlewares of the dispatcher and of the Bot API session."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import TelegramObject

from handlers.outbox.pace import PACED

logger = logging.getLogger(__name__)
CLOSING = 0.5
"""Seconds kept, within SHUTDOWN_TIMEOUT, for what follows the updates: the jobs, the FSM
storage, the database and the Bot API session (aiogram waits 0.25 s for its connections)."""


class InFlightTracker(BaseMiddleware):
    """Counts updates being handled, so shutdown can wait for them to finish."""

    def __init__(self) -> None:
        self._running = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self._stop_by: float | None = None  # the loop time by which the process must be done

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        self._running += 1
        self._idle.clear()
        try:
            return await handler(event, data)
        finally:
            self._running -= 1
            if self._running == 0:
                self._idle.set()

    @property
    def running(self) -> int:
        return self._running

    def begin_stop(self, timeout: float) -> None:
        """The stop began: updates in progress get until ``timeout`` seconds from now, less
        what closing takes after them (``CLOSING``); the first call sets the deadline."""
        if self._stop_by is None:
            closing = min(CLOSING, timeout / 4)
            self._stop_by = asyncio.get_running_loop().time() + timeout - closing

    def remaining(self) -> float:
        """Seconds left until the deadline (0 once it has passed)."""
        if self._stop_by is None:
            return 0.0
        return max(self._stop_by - asyncio.get_running_loop().time(), 0.0)

    async def wait_idle(self, timeout: float) -> bool:
        """True when every update finished within the timeout."""
        if self._running == 0:
            return True
        try:
            await asyncio.wait_for(self._idle.wait(), timeout)
        except TimeoutError:
            return False
        return True


class RetryAfterMiddleware(BaseRequestMiddleware):
    """Waits as Telegram asks (HTTP 429) and sends again, a bounded number of times."""

    def __init__(self, attempts: int = 3, max_wait: float = 60.0) -> None:
        self._attempts = attempts
        self._max_wait = max_wait

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Any:
        for attempt in range(1, self._attempts + 1):
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as error:
                if PACED.get():  # the outbox puts its message back in the queue itself
                    raise
                if attempt == self._attempts or error.retry_after > self._max_wait:
                    raise
                logger.warning(
                    "%s: flood control, retrying in %s s", method.__api_method__, error.retry_after
                )
                await asyncio.sleep(error.retry_after)
        raise AssertionError("unreachable")
