"""/forms in Telegram: a form file sent as a document is checked and, once it passes, tried,
published or dropped; the list of forms, a form's card, the XLSForm template. Only admins
and regional coordinators get here; others are refused politely."""

from __future__ import annotations

import asyncio
import logging
from io import BytesIO
from pathlib import Path

from aiogram import Bot, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import BufferedInputFile, CallbackQuery, Message

from exports.template import template_workbook
from forms.loading import FORM_SUFFIXES
from forms.vocabulary import PUBLISHERS
from handlers.container import Services
from handlers.publishing.screens import FormAct, FormCallback
from handlers.telegram.dialog import enter
from handlers.telegram.downloads import DOWNLOAD_ERRORS
from handlers.telegram.filters import CallbackPrefixes, Commands, HasRole, NotCommand, Pressed
from handlers.telegram.markup import answer, edit
from handlers.telegram.profiles import profile_of
from handlers.telegram.refusals import refused

logger = logging.getLogger(__name__)
PUBLISHING = HasRole(PUBLISHERS)


class FormUpload(StatesGroup):
    waiting = State()  # «Загрузить анкету» was pressed: the next message should be the file


def setup() -> Router:
    router = Router(name=__name__)
    router.message.register(overview, Commands("forms"), PUBLISHING)
    router.message.register(uploaded, _document, StateFilter(FormUpload.waiting), PUBLISHING)
    router.message.register(not_a_file, NotCommand(), StateFilter(FormUpload.waiting), PUBLISHING)
    router.message.register(uploaded, _form_file, StateFilter(None), PUBLISHING)
    router.callback_query.register(on_button, Pressed(FormCallback), PUBLISHING)
    router.message.register(refuse, Commands("forms"))
    router.callback_query.register(refuse_button, CallbackPrefixes(FormCallback))
    return router


async def _form_file(message: Message) -> bool:
    """A document named like a form file (other documents are not taken for uploads)."""
    document = message.document
    name = document.file_name if document is not None else None
    return name is not None and Path(name).suffix.lower() in FORM_SUFFIXES


async def _document(message: Message) -> bool:
    return message.document is not None


async def overview(message: Message, state: FSMContext, services: Services) -> None:
    if await state.get_state() == FormUpload.waiting.state:
        await state.clear()
    await answer(message, [await services.publishing.overview()])


async def uploaded(message: Message, state: FSMContext, services: Services, bot: Bot) -> None:
    document, publishing, t = message.document, services.publishing, services.t
    if document is None or message.from_user is None:
        return
    await state.clear()
    name = document.file_name or "form"
    refusal = publishing.refusal(name, document.file_size or 0)
    if refusal is not None:
        await message.answer(refusal)
        return
    buffer = BytesIO()
    try:
        await bot.download(document.file_id, destination=buffer)
    except DOWNLOAD_ERRORS as error:
        logger.warning("form upload: download failed with %s", type(error).__name__)
        await message.answer(t("publish-download-failed"))
        return
    await answer(message, await publishing.upload(message.from_user.id, name, buffer.getvalue()))


async def not_a_file(message: Message, services: Services) -> None:
    await message.answer(services.t("forms-admin-how"))


async def on_button(
    query: CallbackQuery,
    callback_data: FormCallback,
    state: FSMContext,
    services: Services,
    bot: Bot,
) -> None:
    act, message, t = callback_data.a, query.message, services.t
    if act is FormAct.trial:
        await _trial(query, callback_data, state, services, bot)
        return
    if not isinstance(message, Message):
        await query.answer()
        return
    if act is FormAct.upload:
        await query.answer()
        await state.set_state(FormUpload.waiting)
        await message.answer(t("forms-admin-how"))
    elif act is FormAct.template:
        await query.answer()
        content = await asyncio.to_thread(template_workbook, t)
        workbook = BufferedInputFile(content, t("publish-template-file"))
        await message.answer_document(workbook, caption=t("publish-template-caption"))
    elif act is FormAct.back:
        await query.answer()
        await edit(message, await services.publishing.overview())
    else:
        done = await services.publishing.press(
            query.from_user.id, act, callback_data.f, callback_data.v
        )
        await query.answer(done.alert, show_alert=done.alert is not None and done.edit is None)
        if done.edit is not None:
            await edit(message, done.edit)
        await answer(message, list(done.replies))


async def _trial(
    query: CallbackQuery,
    callback_data: FormCallback,
    state: FSMContext,
    services: Services,
    bot: Bot,
) -> None:
    trial = await services.publishing.trial(
        profile_of(query.from_user), callback_data.f, callback_data.v
    )
    if trial.submission_id is None:
        await query.answer(trial.alert, show_alert=True)
        return
    await query.answer()
    await enter(query, state, services, bot, submission_id=trial.submission_id, intro=trial.intro)


async def refuse(message: Message, services: Services) -> None:
    refused(message, "/forms")
    await message.answer(services.t("forms-admin-only"))


async def refuse_button(query: CallbackQuery, services: Services) -> None:
    refused(query, "forms button")
    await query.answer(services.t("forms-admin-only"), show_alert=True)
