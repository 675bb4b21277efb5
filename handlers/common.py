"""/start, /help, /cancel and the main menu."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message, ReplyKeyboardRemove
from aiogram.utils.text_decorations import html_decoration

from forms.i18n import Translator
from handlers.callbacks import MenuAction, MenuCallback
from handlers.keyboards import main_menu
from storage.database import Database
from storage.repositories.users import TelegramProfile


def setup() -> Router:
    router = Router(name=__name__)
    router.message.register(start, CommandStart())
    router.message.register(help_command, Command("help"))
    router.message.register(cancel, Command("cancel"))
    router.callback_query.register(help_button, MenuCallback.filter())
    return router


async def start(message: Message, db: Database, i18n: Translator) -> None:
    user = message.from_user
    if user is None:
        return
    profile = TelegramProfile(
        id=user.id,
        first_name=user.first_name,
        last_name=user.last_name,
        username=user.username,
        language=user.language_code,
    )
    async with db.transaction() as uow:
        await uow.users.save_profile(profile)
    text = i18n("start-greeting", name=html_decoration.quote(user.first_name))
    await message.answer(text, reply_markup=main_menu(i18n))


async def help_command(message: Message, i18n: Translator) -> None:
    await message.answer(i18n("help-text"))


async def help_button(query: CallbackQuery, callback_data: MenuCallback, i18n: Translator) -> None:
    await query.answer()
    if query.message is not None and callback_data.action is MenuAction.help:
        await query.message.answer(i18n("help-text"))


async def cancel(message: Message, state: FSMContext, i18n: Translator) -> None:
    had_state = await state.get_state() is not None
    await state.clear()
    key = "cancel-done" if had_state else "cancel-nothing"
    await message.answer(i18n(key), reply_markup=ReplyKeyboardRemove())
