"""End-to-end fixtures: the fake Bot API server, and the bot as a real subprocess."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.fake_bot_api import FakeBotAPI

pytestmark = pytest.mark.e2e


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI() as server:
        yield server
        assert server.unexpected_calls == [], "the bot called methods Telegram would not serve"
