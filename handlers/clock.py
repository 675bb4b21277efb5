"""Local time for the handlers, injected by the composition root (tests may fix it)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo


@dataclass(frozen=True, slots=True)
class Clock:
    zone: ZoneInfo
    now_utc: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))

    def now(self) -> datetime:
        return self.now_utc().astimezone(self.zone)

    def today(self) -> date:
        return self.now().date()
