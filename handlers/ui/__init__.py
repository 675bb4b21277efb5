"""What the bot says, apart from Telegram.

Services answer with ``Reply`` and ``Notice`` objects whose keyboards hold ``Button``s with
packed ``Callback`` data; the Telegram layer (``handlers.telegram``) turns them into aiogram's
markup and sends them; notices to other people are queued in the outbox (``handlers.outbox``).
One port reaches Telegram the other way: ``Links`` names the bot's deep links. Nothing here
imports aiogram, so services (and the command line that runs some of them) load without it:
importing aiogram costs about 5 s and 170 MB on this kind of machine.
"""

from handlers.ui.callbacks import Callback
from handlers.ui.messages import (
    Button,
    Keyboard,
    Links,
    Markup,
    Notice,
    RemoveKeyboard,
    Reply,
    ShareContact,
)
from handlers.ui.text import TEXT_LIMIT, quote, split_text

__all__ = [
    "TEXT_LIMIT",
    "Button",
    "Callback",
    "Keyboard",
    "Links",
    "Markup",
    "Notice",
    "RemoveKeyboard",
    "Reply",
    "ShareContact",
    "quote",
    "split_text",
]
