"""The session keeps the response model of each method it called: pydantic's cache of
parametrised models is weak, and building ``Response[Message]`` again costs 10 ms."""

from __future__ import annotations

import gc
import weakref

from aiogram import Bot
from aiogram.methods import SendMessage
from aiogram.methods.base import Response
from aiogram.types import Message

from bot.updates import TolerantSession
from tests.fake_bot_api import TOKEN

SENT = (
    '{"ok": true, "result": {"message_id": 7, "date": 1, '
    '"chat": {"id": 1, "type": "private"}, "text": "x"}}'
)


async def test_the_response_model_outlives_the_garbage_collector() -> None:
    session = TolerantSession()
    bot = Bot(TOKEN, session=session)
    try:
        answer = session.check_response(bot, SendMessage(chat_id=1, text="x"), 200, SENT)
        assert isinstance(answer.result, Message)
        del answer
        model = weakref.ref(Response[Message])
        gc.collect()
        assert model() is not None  # pydantic finds it in its cache: no schema built again
    finally:
        await session.close()
