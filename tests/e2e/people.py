"""A person of an end-to-end test: says things to the bot and presses its buttons through
the fake Bot API, and waits for the bot's next message."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.fake_bot_api import BotMessage, FakeBotAPI, FakeUser


def has(text: str) -> Callable[[Any], bool]:
    """A predicate for a message or an edit whose text contains ``text``."""
    return lambda seen: text in getattr(seen, "plain_text", getattr(seen, "text", ""))


class Person:
    def __init__(self, fake: FakeBotAPI, user: FakeUser) -> None:
        self.fake, self.user = fake, user

    async def next(self, text: str | None = None) -> BotMessage:
        """The bot's next message to this person (the next one containing ``text``)."""
        predicate = None if text is None else has(text)
        return await self.fake.wait_for_message(self.user.id, predicate=predicate)

    async def say(self, text: str) -> BotMessage:
        self.fake.send_text(self.user, text)
        return await self.next()

    async def press(self, message: BotMessage, label: str, text: str | None = None) -> BotMessage:
        self.fake.press(self.user, message, label)
        return await self.next(text)
