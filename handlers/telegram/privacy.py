"""/mydata and /delete_me in Telegram."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, Message

from handlers.container import Services
from handlers.privacy.service import PrivacyAct, PrivacyCallback
from handlers.telegram.filters import Pressed
from handlers.telegram.markup import answer


def setup() -> Router:
    router = Router(name=__name__)
    router.message.register(my_data, Command("mydata"))
    router.message.register(delete_me, Command("delete_me"))
    router.callback_query.register(
        send_file, Pressed(PrivacyCallback, lambda c: c.a is PrivacyAct.file)
    )
    router.callback_query.register(
        erase, Pressed(PrivacyCallback, lambda c: c.a is PrivacyAct.erase)
    )
    router.callback_query.register(keep, Pressed(PrivacyCallback, lambda c: c.a is PrivacyAct.keep))
    return router


async def my_data(message: Message, services: Services) -> None:
    if message.from_user is not None:
        await answer(message, [await services.privacy.summary(message.from_user.id)])


async def send_file(query: CallbackQuery, services: Services) -> None:
    await query.answer()
    content = await services.privacy.file(query.from_user.id)
    if isinstance(query.message, Message):
        document = BufferedInputFile(content, "my-data.json")
        await query.message.answer_document(document, caption=services.t("mydata-file-caption"))


async def delete_me(message: Message, services: Services) -> None:
    await answer(message, [services.privacy.erase_question()])


async def erase(query: CallbackQuery, state: FSMContext, services: Services) -> None:
    await query.answer()
    text = await services.privacy.erase(query.from_user.id)
    await state.clear()
    if isinstance(query.message, Message):
        await query.message.edit_text(text)


async def keep(query: CallbackQuery, services: Services) -> None:
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.edit_text(services.t("deleteme-kept"))
