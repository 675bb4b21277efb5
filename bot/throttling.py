"""Per-user throttling of incoming updates: a token bucket per Telegram user id.

A flood from one person (dozens of updates a second: a stuck key, a script, an impatient
thumb on a button) is answered here, before it costs anything: no FSM state is read, no
per-user lock is taken, no handler runs. Other people never wait for it: each user has their
own bucket and the check is a few arithmetic operations, O(1), with no awaits and no locks.

Why dropping an update loses no legitimate answer:

* An answer is written only when a handler accepts it, and a dropped update never reaches a
  handler: it is not half-processed, so nothing is left inconsistent.
* Every answer accepted before the flood is already committed (each answer is saved at
  once); throttling only ever refuses *new* updates.
* The person is told, once per episode, to wait a few seconds and resend an answer the bot
  did not reply to. The bucket refills continuously, so after a short pause the same person
  is served again at once: nothing has to expire, nobody has to be unblocked.

The numbers come from settings (``THROTTLE_RATE``, ``THROTTLE_BURST``) through the
constructor. Logs carry the user id and counts only: never names or message text.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiogram import BaseMiddleware, Bot, Dispatcher
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.dispatcher.middlewares.error import ErrorsMiddleware
from aiogram.dispatcher.middlewares.user_context import (
    EVENT_CONTEXT_KEY,
    EventContext,
    UserContextMiddleware,
)
from aiogram.exceptions import TelegramAPIError
from aiogram.types import TelegramObject, Update

from forms.i18n import Translator, translator

logger = logging.getLogger(__name__)

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]

DEFAULT_RATE = 5.0
DEFAULT_BURST = 20
DEFAULT_MAX_USERS = 10_000
PRUNE_STEP = 4  # idle buckets dropped per update at most: more than the one it may add


@dataclass(slots=True)
class _Bucket:
    tokens: float
    stamp: float
    throttled: bool = False  # inside an episode: the notice was already sent
    dropped: int = 0


class ThrottlingMiddleware(BaseMiddleware):
    """An outer middleware of ``dispatcher.update``: ``rate`` updates a second per user,
    ``burst`` at once. Over the limit the update is not handled, and the person gets one
    polite notice per episode. An episode ends when the bucket is full again, that is after
    ``burst / rate`` seconds of quiet; updates without a user pass through untouched.

    Defaults (``rate=5``, ``burst=20``): a person answering a questionnaire taps a button,
    waits for the edited message and reads the next question, a second or more per answer;
    quick taps through options stay under 3-4 a second. An album of 10 files arrives as 10
    updates at once, so a burst of 20 covers it with room to spare, and a sustained 5 a second
    is above any human pace while it keeps a script to 300 updates a minute.
    """

    def __init__(
        self,
        rate: float = DEFAULT_RATE,
        burst: int = DEFAULT_BURST,
        *,
        t: Translator | None = None,
        clock: Callable[[], float] = time.monotonic,
        max_users: int = DEFAULT_MAX_USERS,
    ) -> None:
        if rate <= 0 or burst < 1 or max_users < 1:
            raise ValueError("throttling needs rate > 0, burst >= 1 and max_users >= 1")
        self.rate, self.burst, self.max_users = rate, burst, max_users
        self._t = t or translator()
        self._clock = clock
        self._full_after = burst / rate  # seconds of quiet that refill an empty bucket
        self._buckets: OrderedDict[int, _Bucket] = OrderedDict()  # least recently seen first

    def __len__(self) -> int:
        """How many users have a bucket in memory."""
        return len(self._buckets)

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        context = _context(event, data)
        if context is None or context.user is None:
            return await handler(event, data)
        refused = self._refused(context.user.id)
        if refused is None:
            return await handler(event, data)
        if not refused.throttled and _can_notify(event, context):
            refused.throttled = True  # before any await: concurrent updates see the episode
            logger.info("throttling user %d: over %g update(s)/s", context.user.id, self.rate)
            await self._notify(event, context, data["bot"])
        return UNHANDLED

    # The bucket arithmetic: synchronous, so concurrent updates never interleave in it.
    def _refused(self, user_id: int) -> _Bucket | None:
        """Takes a token; the user's bucket when there is none left, else None."""
        now = self._clock()
        self._prune(now)
        bucket = self._bucket(user_id, now)
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return None
        bucket.dropped += 1
        return bucket

    def _bucket(self, user_id: int, now: float) -> _Bucket:
        bucket = self._buckets.get(user_id)
        if bucket is None:
            bucket = self._buckets[user_id] = _Bucket(tokens=float(self.burst), stamp=now)
            if len(self._buckets) > self.max_users:
                self._forget(*self._buckets.popitem(last=False))
            return bucket
        self._buckets.move_to_end(user_id)
        bucket.tokens = min(float(self.burst), bucket.tokens + (now - bucket.stamp) * self.rate)
        bucket.stamp = now
        if bucket.throttled and bucket.tokens >= self.burst:
            self._end_episode(user_id, bucket)
        return bucket

    def _prune(self, now: float) -> None:
        """Forgets users idle long enough for their bucket to be full: the same as no bucket.
        The oldest come first, so a few steps per update keep the store amortised O(1)."""
        for _ in range(PRUNE_STEP):
            if not self._buckets:
                return
            bucket = next(iter(self._buckets.values()))
            if now - bucket.stamp < self._full_after:
                return
            self._forget(*self._buckets.popitem(last=False))

    def _forget(self, user_id: int, bucket: _Bucket) -> None:
        if bucket.throttled:
            self._end_episode(user_id, bucket)

    def _end_episode(self, user_id: int, bucket: _Bucket) -> None:
        logger.info("user %d no longer throttled; %d update(s) dropped", user_id, bucket.dropped)
        bucket.throttled, bucket.dropped = False, 0

    async def _notify(self, event: TelegramObject, context: EventContext, bot: Bot) -> None:
        """Sends the notice; a failure (blocked bot, network) is logged, never raised."""
        try:
            if isinstance(event, Update) and event.callback_query is not None:
                text = self._t("throttle-notice-button")
                await bot.answer_callback_query(
                    event.callback_query.id, text=text, show_alert=False
                )
            elif context.chat is not None:
                await bot.send_message(context.chat.id, self._t("throttle-notice-message"))
        except TelegramAPIError as error:
            logger.info("throttle notice not delivered: %s", type(error).__name__)


def _can_notify(event: TelegramObject, context: EventContext) -> bool:
    """A pressed button is answered; a message gets a reply. Other kinds (edits, inline
    queries, ...) are dropped silently and do not open an episode."""
    if not isinstance(event, Update):
        return False
    return event.callback_query is not None or (
        event.message is not None and context.chat is not None
    )


def _context(event: TelegramObject, data: dict[str, Any]) -> EventContext | None:
    context = data.get(EVENT_CONTEXT_KEY)
    if isinstance(context, EventContext):
        return context
    if isinstance(event, Update):
        return UserContextMiddleware.resolve_event_context(event)
    return None


def install_throttling(dispatcher: Dispatcher, throttling: ThrottlingMiddleware) -> None:
    """Registers ``throttling`` among the first outer middlewares (``install_early``): a
    dropped update costs nothing downstream."""
    install_early(dispatcher, throttling)


def install_early(dispatcher: Dispatcher, *middlewares: BaseMiddleware) -> None:
    """Registers ``middlewares`` as the first outer middlewares of ``dispatcher.update`` after
    aiogram's error and user-context ones, and so before the FSM middleware that
    ``Dispatcher()`` registers itself (it reads the state and takes a per-user lock for each
    update) and before every middleware registered so far. ``outer_middleware(m)`` alone
    would put it last."""
    outer = dispatcher.update.outer_middleware
    later = [m for m in outer if not isinstance(m, ErrorsMiddleware | UserContextMiddleware)]
    for middleware in later:
        outer.unregister(middleware)
    for middleware in middlewares:
        outer.register(middleware)
    for middleware in later:
        outer.register(middleware)
