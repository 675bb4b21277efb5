"""The generic questionnaire dialog: one set of handlers runs every form."""

from __future__ import annotations

import logging
from contextlib import suppress

from aiogram import Bot, Router
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from handlers.dialog.callbacks import AnswerCallback
from handlers.dialog.data import DialogData, FormDialog
from handlers.dialog.flow import Dialogs, Outcome
from handlers.dialog.followup import Notice
from handlers.dialog.inputs import raw_answer
from handlers.filters import NotCommand

logger = logging.getLogger(__name__)


def setup() -> Router:
    router = Router(name=__name__)
    router.message.register(on_message, NotCommand(), StateFilter(FormDialog.answering))
    router.callback_query.register(
        on_button, AnswerCallback.filter(), StateFilter(FormDialog.answering)
    )
    return router


async def on_message(message: Message, state: FSMContext, dialogs: Dialogs) -> None:
    if message.from_user is None:
        return
    data = DialogData.model_validate(await state.get_data())
    outcome = await dialogs.of(message.from_user.id, message.bot).typed(data, raw_answer(message))
    await apply(outcome, state, message.bot, message.chat.id)


async def on_button(
    query: CallbackQuery, callback_data: AnswerCallback, state: FSMContext, dialogs: Dialogs
) -> None:
    data = DialogData.model_validate(await state.get_data())
    outcome = await dialogs.of(query.from_user.id, query.bot).pressed(data, callback_data)
    await query.answer(outcome.alert, show_alert=outcome.alert is not None)
    message = query.message
    if isinstance(message, Message):
        await edit(message, outcome)
    if message is not None:
        await apply(outcome, state, query.bot, message.chat.id)


async def apply(outcome: Outcome, state: FSMContext, bot: Bot | None, chat_id: int) -> None:
    """Keep the new FSM data, then send the replies."""
    if outcome.finished:
        await state.clear()
    elif outcome.data is not None:
        await state.set_data(outcome.data.model_dump(mode="json"))
    if bot is None:
        return
    for reply in outcome.replies:
        await bot.send_message(chat_id, reply.text, reply_markup=reply.markup)
    await notify(bot, outcome.notices)


async def notify(bot: Bot, notices: tuple[Notice, ...]) -> None:
    """Tell other people. Someone who blocked the bot is skipped (and logged), never a crash."""
    for notice in notices:
        try:
            await bot.send_message(notice.chat_id, notice.text, reply_markup=notice.markup)
        except (TelegramForbiddenError, TelegramBadRequest) as error:
            logger.warning("notice to %s not delivered: %s", notice.chat_id, type(error).__name__)


async def edit(message: Message, outcome: Outcome) -> None:
    """Change the pressed message. An edit that changes nothing (a double tap) is refused by
    Telegram with "message is not modified": there is nothing to do then."""
    with suppress(TelegramBadRequest):
        if outcome.edit is not None:
            markup = outcome.edit.markup
            inline = markup if isinstance(markup, InlineKeyboardMarkup) else None
            await message.edit_text(outcome.edit.text, reply_markup=inline)
        elif outcome.drop_keyboard:
            await message.edit_reply_markup(reply_markup=None)
