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
        # While replies go out the outbox leaves a tenth of the rate more: its messages reach
        # Telegram a few milliseconds after the pace let them go (their «sending» commit comes
        # first), replies do not, so a second at Telegram's end can hold more than one here.
        self.replying_rate = max(self.bulk_rate - rate // 10, 1)
        # Replies keep one slot free too (at rates of 10 and more): a reply refused by
        # Telegram waits a whole second, a reply held for the next free slot some milliseconds.
        self.urgent_rate = rate - 1 if rate >= 10 else rate
        self._clock = clock
        self._sent: deque[float] = deque()
        self._last: OrderedDict[int, float] = OrderedDict()  # chat → when it last got one
        self._paused_until = 0.0
        self._urgent_waiting = 0  # replies waiting for room: the outbox lets them go first
        self._replies: deque[float] = deque()  # when this window's replies went
        self._next_bulk = 0.0  # the outbox's sends are spread evenly, on a grid, never in bursts

    def pause(self, seconds: float) -> None:
        """Telegram said «retry after»: the outbox waits that long."""
        self._paused_until = max(self._paused_until, self._clock() + seconds)

    async def urgent(self, chat_id: int | None) -> None:
        """A reply: waits only while the whole window is full, ahead of the outbox."""
        self._urgent_waiting += 1
        try:
            # A wait for time to pass, not for an event: ASYNC110 does not apply.
            while (delay := self._wait_for(chat_id, self.urgent_rate, per_chat=False)) > 0:  # noqa: ASYNC110
                await asyncio.sleep(delay)
        finally:
            self._urgent_waiting -= 1
        self._record(chat_id)
        self._replies.append(self._clock())

    async def bulk(self, chat_id: int) -> None:
        """An outbox message: waits for room under ``rate - reserve`` (one every
        ``window / (rate - reserve)`` seconds: a burst at the start of each window would land
        in the previous one at Telegram's end), for its chat's second, and for a pause."""
        while (delay := self._wait_for(chat_id, self._bulk_limit(), per_chat=True)) > 0 or (  # noqa: ASYNC110
            self._urgent_waiting
        ):
            await asyncio.sleep(delay or self.window / self.rate)
        self._record(chat_id)
        self._next_slot()

    def _bulk_limit(self) -> int:
        now = self._clock()
        while self._replies and self._replies[0] <= now - self.window:
            self._replies.popleft()
        return self.replying_rate if self._replies else self.bulk_rate

    def _next_slot(self) -> None:
        """The next outbox send's earliest time: one spacing after this one's slot, so that
        a sleep that overslept is made up for; after a lull the grid starts again from now."""
        now, spacing = self._clock(), self.window / self._bulk_limit()
        late = now - self._next_bulk
        base = self._next_bulk if 0 <= late < spacing else now
        self._next_bulk = base + spacing

    def _wait_for(self, chat_id: int | None, limit: int, *, per_chat: bool) -> float:
        now = self._clock()
        while self._sent and self._sent[0] <= now - self.window:
            self._sent.popleft()
        delays = [0.0]
        if len(self._sent) >= limit:
            delays.append(self._sent[len(self._sent) - limit] + self.window - now)
        if per_chat:
            delays.append(self._paused_until - now)
            delays.append(self._next_bulk - now)
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
