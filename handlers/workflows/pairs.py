"""Mentoring pairs in Telegram: the mentee's invitation link, /pairs, and the pairs' buttons."""

from __future__ import annotations

from contextlib import suppress

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from forms.i18n import Translator
from handlers.access import Access
from handlers.dialog.flow import Dialogs
from handlers.dialog.handlers import notify
from handlers.dialog.menu import open_form
from handlers.dialog.render import Reply
from handlers.profiles import profile_of
from handlers.workflows.mentoring import MEETING_FORM, PAIR_PREFIX, PairCallback
from handlers.workflows.pair_actions import PairDesk, Screen


def setup() -> Router:
    router = Router(name=__name__)
    router.message.register(
        open_invitation, CommandStart(deep_link=True, magic=F.args.startswith(PAIR_PREFIX))
    )
    router.message.register(list_pairs, Command("pairs"))
    router.callback_query.register(on_button, PairCallback.filter())
    return router


def desk(dialogs: Dialogs, t: Translator, bot: Bot | None) -> PairDesk:
    return PairDesk(dialogs.db, dialogs.catalog, t, dialogs.clock, bot)


async def open_invitation(
    message: Message, command: CommandObject, dialogs: Dialogs, i18n: Translator
) -> None:
    if message.from_user is None or command.args is None:
        return
    code = command.args.removeprefix(PAIR_PREFIX)
    reply = await desk(dialogs, i18n, message.bot).opened(profile_of(message.from_user), code)
    await message.answer(reply.text, reply_markup=reply.markup)


async def list_pairs(message: Message, dialogs: Dialogs, i18n: Translator) -> None:
    if message.from_user is None:
        return
    for reply in await desk(dialogs, i18n, message.bot).listing(message.from_user.id):
        await message.answer(reply.text, reply_markup=reply.markup)


async def on_button(
    query: CallbackQuery,
    callback_data: PairCallback,
    *,
    state: FSMContext,
    dialogs: Dialogs,
    access: Access,
    i18n: Translator,
) -> None:
    screen = await desk(dialogs, i18n, query.bot).pressed(
        profile_of(query.from_user), callback_data
    )
    if screen.meeting is not None:
        await open_form(
            query,
            MEETING_FORM,
            state=state,
            dialogs=dialogs,
            access=access,
            t=i18n,
            parent_id=screen.meeting,
        )
        return
    await query.answer(screen.alert, show_alert=screen.alert is not None)
    await _show(query, screen)


async def _show(query: CallbackQuery, screen: Screen) -> None:
    if screen.edit is not None and isinstance(query.message, Message):
        await _edit(query.message, screen.edit)
    if query.bot is not None:
        await notify(query.bot, screen.notices)


async def _edit(message: Message, reply: Reply) -> None:
    """An edit that changes nothing (a double tap) is refused by Telegram: nothing to do."""
    markup = reply.markup if isinstance(reply.markup, InlineKeyboardMarkup) else None
    with suppress(TelegramBadRequest):
        await message.edit_text(reply.text, reply_markup=markup)
