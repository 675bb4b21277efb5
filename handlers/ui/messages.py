"""Replies, keyboards and notices as plain data, and the ports that reach people."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Button:
    """An inline button: ``data`` is packed callback data (64 bytes at most), or ``url``."""

    text: str
    data: str | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Keyboard:
    """Inline buttons in rows."""

    rows: tuple[tuple[Button, ...], ...] = ()

    @classmethod
    def of(cls, *rows: Iterable[Button]) -> Keyboard:
        """Rows as given; empty rows are left out."""
        return cls(tuple(row for row in (tuple(r) for r in rows) if row))

    @classmethod
    def grid(cls, buttons: Iterable[Button], *widths: int) -> Keyboard:
        """Buttons laid out ``widths[0]`` in the first row, ``widths[1]`` in the next…, the
        last width repeated for the rest (aiogram's ``InlineKeyboardBuilder.adjust``)."""
        items, sizes = list(buttons), list(widths) or [1]
        rows: list[tuple[Button, ...]] = []
        while items:
            size = sizes[min(len(rows), len(sizes) - 1)]
            rows.append(tuple(items[:size]))
            items = items[size:]
        return cls(tuple(rows))

    @property
    def buttons(self) -> list[Button]:
        return [button for row in self.rows for button in row]

    def __bool__(self) -> bool:
        return bool(self.rows)


@dataclass(frozen=True, slots=True)
class ShareContact:
    """A keyboard under the input field with one button that sends the person's own phone."""

    text: str


@dataclass(frozen=True, slots=True)
class RemoveKeyboard:
    """Take away a keyboard under the input field (after the phone was given)."""


Markup = Keyboard | ShareContact | RemoveKeyboard | None


@dataclass(frozen=True, slots=True)
class Reply:
    text: str
    markup: Markup = None


@dataclass(frozen=True, slots=True)
class Notice:
    """A message to someone other than the person acting (a consultant, a mentee)."""

    chat_id: int
    text: str
    markup: Keyboard | None = None


class Links(Protocol):
    """The bot's deep links (``https://t.me/<bot>?start=<payload>``)."""

    async def start_link(self, payload: str) -> str: ...
