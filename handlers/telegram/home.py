"""/start, /help, /cancel and the main menu's help button."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message, ReplyKeyboardRemove

from handlers.container import Services
from handlers.home.screens import MenuAction, MenuCallback
from handlers.telegram.filters import Pressed
from handlers.telegram.markup import answer
from handlers.telegram.profiles import profile_of


def setup() -> Router:
    router = Router(name=__name__)
    router.message.register(start, CommandStart())
    router.message.register(help_command, Command("help"))
    router.message.register(cancel, Command("cancel"))
    router.callback_query.register(
        help_button, Pressed(MenuCallback, lambda c: c.action is MenuAction.help)
    )
    return router


async def start(message: Message, state: FSMContext, services: Services) -> None:
    if message.from_user is None:
        return
    await state.clear()
    await answer(message, [await services.home.greeting(profile_of(message.from_user))])


async def help_command(message: Message, services: Services) -> None:
    if message.from_user is not None:
        await answer(message, [await services.home.help(message.from_user.id)])


async def help_button(query: CallbackQuery, services: Services) -> None:
    await query.answer()
    if isinstance(query.message, Message):
        await answer(query.message, [await services.home.help(query.from_user.id)])


async def cancel(message: Message, state: FSMContext, services: Services) -> None:
    had_state = await state.get_state() is not None
    await state.clear()
    key = "cancel-done" if had_state else "cancel-nothing"
    await message.answer(services.t(key), reply_markup=ReplyKeyboardRemove())
