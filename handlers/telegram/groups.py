"""Outside private chats the bot only says where it works."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.types import Message

from handlers.container import Services
from handlers.telegram.filters import NotPrivateChat


def setup() -> Router:
    router = Router(name=__name__)
    router.message.filter(NotPrivateChat())
    router.callback_query.filter(NotPrivateChat())
    router.message.register(private_only)
    return router


async def private_only(message: Message, bot: Bot, services: Services) -> None:
    me = await bot.me()
    await message.reply(services.t("private-only", username=me.username or ""))
