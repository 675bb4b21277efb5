"""Telegram's limits kept on the way out: about 30 messages a second in all and one a second
per chat. Replies to someone who is acting (``urgent``) go first; the outbox (``bulk``) takes
what is left, less a reserve kept free for replies, and waits after a 429."""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from contextvars import ContextVar

PACED: ContextVar[bool] = ContextVar("paced", default=False)
"""Set while the outbox sends: its request has been paced already, and a 429 is the outbox's
to handle (the message goes back to the queue), not to be waited out by the session."""

CHATS_REMEMBERED = 10_000


class Pace:
    """A sliding one-second window of the messages sent by this process."""

    def __init__(
        self,
        rate: int,
        per_chat: float = 1.0,
        reserve: int = 1,
        *,
        window: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rate, self.per_chat, self.window = rate, per_chat, window
        self.bulk_rate = max(rate - reserve, 1)
        self._clock = clock
        self._sent: deque[float] = deque()
        self._last: OrderedDict[int, float] = OrderedDict()  # chat → when it last got one
        self._paused_until = 0.0
        self._urgent_waiting = 0  # replies waiting for room: the outbox lets them go first
        self._last_bulk = -window  # the outbox's sends are spread evenly, never in bursts

    def pause(self, seconds: float) -> None:
        """Telegram said «retry after»: the outbox waits that long."""
        self._paused_until = max(self._paused_until, self._clock() + seconds)

    async def urgent(self, chat_id: int | None) -> None:
        """A reply: waits only while the whole window is full, ahead of the outbox."""
        self._urgent_waiting += 1
        try:
            # A wait for time to pass, not for an event: ASYNC110 does not apply.
            while (delay := self._wait_for(chat_id, self.rate, per_chat=False)) > 0:  # noqa: ASYNC110
                await asyncio.sleep(delay)
        finally:
            self._urgent_waiting -= 1
        self._record(chat_id)

    async def bulk(self, chat_id: int) -> None:
        """An outbox message: waits for room under ``rate - reserve`` (one every
        ``window / (rate - reserve)`` seconds: a burst at the start of each window would land
        in the previous one at Telegram's end), for its chat's second, and for a pause."""
        while (delay := self._wait_for(chat_id, self.bulk_rate, per_chat=True)) > 0 or (  # noqa: ASYNC110
            self._urgent_waiting
        ):
            await asyncio.sleep(delay or self.window / self.rate)
        self._record(chat_id)
        self._last_bulk = self._clock()

    def _wait_for(self, chat_id: int | None, limit: int, *, per_chat: bool) -> float:
        now = self._clock()
        while self._sent and self._sent[0] <= now - self.window:
            self._sent.popleft()
        delays = [0.0]
        if len(self._sent) >= limit:
            delays.append(self._sent[len(self._sent) - limit] + self.window - now)
        if per_chat:
            delays.append(self._paused_until - now)
            delays.append(self._last_bulk + self.window / self.bulk_rate - now)
            last = self._last.get(chat_id) if chat_id is not None else None
            if last is not None:
                delays.append(last + self.per_chat - now)
        return max(delays)

    def _record(self, chat_id: int | None) -> None:
        now = self._clock()
        self._sent.append(now)
        if chat_id is not None:
            self._last[chat_id] = now
            self._last.move_to_end(chat_id)
            while len(self._last) > CHATS_REMEMBERED:
                self._last.popitem(last=False)
