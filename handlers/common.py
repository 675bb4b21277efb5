"""/start, /help, /cancel and the main menu."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message, ReplyKeyboardRemove
from aiogram.utils.text_decorations import html_decoration

from forms.i18n import Translator
from handlers.access import Access
from handlers.callbacks import MenuAction, MenuCallback
from handlers.keyboards import main_menu
from handlers.profiles import profile_of
from storage.database import Database


def setup() -> Router:
    router = Router(name=__name__)
    router.message.register(start, CommandStart())
    router.message.register(help_command, Command("help"))
    router.message.register(cancel, Command("cancel"))
    router.callback_query.register(help_button, MenuCallback.filter(F.action == MenuAction.help))
    return router


async def start(message: Message, state: FSMContext, db: Database, i18n: Translator) -> None:
    """Greets and shows the menu; a questionnaire in progress waits under «Продолжить»."""
    user = message.from_user
    if user is None:
        return
    await state.clear()
    async with db.transaction() as uow:
        await uow.users.save_profile(profile_of(user))
        drafts = await uow.submissions.drafts(user.id)
    text = i18n("start-greeting", name=html_decoration.quote(user.first_name))
    await message.answer(text, reply_markup=main_menu(i18n, drafts))


async def help_command(message: Message, access: Access, i18n: Translator) -> None:
    if message.from_user is not None:
        await message.answer(await help_text(message.from_user.id, access, i18n))


async def help_button(query: CallbackQuery, access: Access, i18n: Translator) -> None:
    await query.answer()
    if query.message is not None:
        await query.message.answer(await help_text(query.from_user.id, access, i18n))


async def help_text(user_id: int, access: Access, t: Translator) -> str:
    """What everyone can do, then the commands of the person's role."""
    role = (await access.scope(user_id)).role
    return "\n\n".join([t("help-text"), t(f"help-role-{role.value}")])


async def cancel(message: Message, state: FSMContext, i18n: Translator) -> None:
    had_state = await state.get_state() is not None
    await state.clear()
    key = "cancel-done" if had_state else "cancel-nothing"
    await message.answer(i18n(key), reply_markup=ReplyKeyboardRemove())
