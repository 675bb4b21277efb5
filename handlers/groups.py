"""Outside private chats the bot only says where it works."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.types import Message

from forms.i18n import Translator
from handlers.filters import NotPrivateChat


def setup() -> Router:
    router = Router(name=__name__)
    router.message.filter(NotPrivateChat())
    router.callback_query.filter(NotPrivateChat())
    router.message.register(private_only)
    return router


async def private_only(message: Message, bot: Bot, i18n: Translator) -> None:
    me = await bot.me()
    await message.reply(i18n("private-only", username=me.username or ""))
