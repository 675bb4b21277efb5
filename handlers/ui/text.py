"""Text for Telegram's HTML: escaping what people wrote, and splitting long messages."""

from __future__ import annotations

import html
from collections.abc import Sequence

TEXT_LIMIT = 4096
"""Telegram's longest message text, in characters."""


def quote(text: str) -> str:
    """Text safe inside HTML markup (what aiogram's ``html_decoration.quote`` does)."""
    return html.escape(text, quote=False)


def split_text(lines: Sequence[str], limit: int = TEXT_LIMIT) -> list[str]:
    """Lines joined by blank lines into as few messages as Telegram's length limit allows."""
    messages: list[str] = []
    current = ""
    for line in lines:
        joined = f"{current}\n\n{line}" if current else line
        if len(joined) > limit and current:
            messages.append(current)
            joined = line
        current = joined
    messages.append(current)
    return messages
