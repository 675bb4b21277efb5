"""Notices to rows of the outbox and back."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import IntEnum

from handlers.ui.messages import Button, Keyboard, Notice
from storage.dto import OutboxDTO, Outgoing
from storage.repositories import UnitOfWork


class Priority(IntEnum):
    """Lower goes first: someone waits for a notice; nobody waits for an announcement."""

    notice = 0
    reminder = 1
    broadcast = 2


async def queue(
    uow: UnitOfWork,
    notices: Iterable[Notice],
    now: datetime,
    *,
    purpose: str = "notice",
    priority: Priority = Priority.notice,
    campaign_id: int | None = None,
) -> int:
    """Queue the notices in the caller's transaction; returns how many were queued (people
    who blocked the bot are left out)."""
    rows = [
        Outgoing(
            notice.chat_id, notice.text, buttons(notice.markup), purpose, priority, campaign_id
        )
        for notice in notices
    ]
    return await uow.outbox.put(rows, now)


def buttons(keyboard: Keyboard | None) -> list[list[dict[str, str]]] | None:
    if not keyboard:
        return None
    return [[_button(button) for button in row] for row in keyboard.rows]


def _button(button: Button) -> dict[str, str]:
    if button.url is not None:
        return {"text": button.text, "url": button.url}
    return {"text": button.text, "data": button.data or ""}


def notice(message: OutboxDTO) -> Notice:
    """The row as the notice it was queued from."""
    rows = message.buttons or []
    keyboard = Keyboard.of(
        *([Button(item["text"], item.get("data"), item.get("url")) for item in row] for row in rows)
    )
    return Notice(message.chat_id, message.text, keyboard or None)
