"""The questionnaire dialog in Telegram: one set of handlers runs every form.

Choosing a form (the main menu's «Заполнить анкету»), consent, drafts, then every typed
answer and every press under a question. What to say comes from ``Dialog`` and ``Opening``;
this module only reads the update, keeps the FSM state and sends."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message

from forms.inputs import ContactInput, FileInput, RawAnswer, TextInput
from handlers.container import Services
from handlers.dialog.callbacks import (
    AnswerCallback,
    ConsentCallback,
    DraftAct,
    DraftCallback,
    StartForm,
)
from handlers.dialog.data import DialogData
from handlers.dialog.flow import Outcome, Typed
from handlers.home.screens import MenuAction, MenuCallback
from handlers.telegram.filters import NotCommand, Pressed
from handlers.telegram.markup import BotLinks, answer, drop_keyboard, edit, send
from handlers.telegram.profiles import profile_of


class FormDialog(StatesGroup):
    answering = State()


def setup() -> Router:
    router = Router(name=__name__)
    router.message.register(on_message, NotCommand(), StateFilter(FormDialog.answering))
    router.callback_query.register(
        on_button, Pressed(AnswerCallback), StateFilter(FormDialog.answering)
    )
    router.callback_query.register(
        list_forms, Pressed(MenuCallback, lambda c: c.action is MenuAction.forms)
    )
    router.callback_query.register(start_form, Pressed(StartForm))
    router.callback_query.register(on_consent, Pressed(ConsentCallback))
    router.callback_query.register(on_draft, Pressed(DraftCallback))
    return router


# --- answering -------------------------------------------------------------------------


async def on_message(message: Message, state: FSMContext, services: Services, bot: Bot) -> None:
    if message.from_user is None:
        return
    data = DialogData.model_validate(await state.get_data())
    user = message.from_user
    dialog = services.dialogs.of(user.id, BotLinks(bot), user.language_code)
    typed = Typed(message.message_id, message.date)
    outcome = await dialog.typed(data, raw_answer(message), typed)
    await apply(outcome, state, bot, message.chat.id, services)


async def on_button(
    query: CallbackQuery,
    callback_data: AnswerCallback,
    state: FSMContext,
    services: Services,
    bot: Bot,
) -> None:
    data = DialogData.model_validate(await state.get_data())
    user = query.from_user
    dialog = services.dialogs.of(user.id, BotLinks(bot), user.language_code)
    outcome = await dialog.pressed(data, callback_data)
    await query.answer(outcome.alert, show_alert=outcome.alert is not None)
    message = query.message
    if isinstance(message, Message):
        if outcome.edit is not None:
            await edit(message, outcome.edit)
        elif outcome.drop_keyboard:
            await drop_keyboard(message)
    if message is not None:
        await apply(outcome, state, bot, message.chat.id, services)


async def apply(
    outcome: Outcome, state: FSMContext, bot: Bot, chat_id: int, services: Services
) -> None:
    """Keep the new FSM data, then send the replies (the screen they show is remembered: a
    message typed after it answers its question), then tell other people."""
    if outcome.finished:
        await state.clear()
    elif outcome.data is not None:
        await state.set_data(outcome.data.model_dump(mode="json"))
    sent = await send(bot, chat_id, outcome.replies)
    if outcome.screen is not None and sent:
        submission_id, question_id = outcome.screen
        services.dialogs.prompts.shown((submission_id, chat_id), sent[0], question_id)
    if outcome.notices:
        services.sender.wake()


def raw_answer(message: Message) -> RawAnswer | None:
    """The engine's raw answer; None for content no question takes (a sticker, a voice
    message, a location…)."""
    if message.text is not None:
        return TextInput(message.text)
    if message.contact is not None:
        own = message.from_user is not None and message.contact.user_id == message.from_user.id
        return ContactInput(message.contact.phone_number, is_own=own)
    if message.document is not None:
        document = message.document
        return FileInput(
            file_id=document.file_id,
            name=document.file_name or "file",
            size=document.file_size or 0,
            mime=document.mime_type or "",
            kind="document",
        )
    if message.photo:
        photo = message.photo[-1]  # the largest size
        name = f"photo-{photo.file_unique_id}.jpg"
        return FileInput(photo.file_id, name, photo.file_size or 0, "image/jpeg", "photo")
    return None


# --- choosing and entering a form ---------------------------------------------------------


async def list_forms(query: CallbackQuery, services: Services) -> None:
    reply = await services.opening.choices(profile_of(query.from_user))
    await query.answer()
    if isinstance(query.message, Message):
        await answer(query.message, [reply])


async def start_form(
    query: CallbackQuery, callback_data: StartForm, state: FSMContext, services: Services, bot: Bot
) -> None:
    await open_form(query, callback_data.form, state=state, services=services, bot=bot)


async def open_form(
    query: CallbackQuery,
    form_id: str,
    *,
    state: FSMContext,
    services: Services,
    bot: Bot,
    parent_id: int | None = None,
) -> None:
    """The consent where the form needs it, else the draft's first screen (or why not)."""
    opened = await services.opening.open(profile_of(query.from_user), form_id, parent_id)
    await query.answer(opened.alert, show_alert=opened.alert is not None)
    if opened.consent is not None and isinstance(query.message, Message):
        await answer(query.message, [opened.consent])
    elif opened.submission_id is not None:
        await enter(
            query, state, services, bot, submission_id=opened.submission_id, intro=opened.intro
        )


async def enter(
    query: CallbackQuery,
    state: FSMContext,
    services: Services,
    bot: Bot,
    *,
    submission_id: int,
    intro: str = "",
) -> None:
    data = DialogData(submission=submission_id)
    await state.set_state(FormDialog.answering)
    await state.set_data(data.model_dump(mode="json"))
    if query.message is None:
        return
    chat_id = query.message.chat.id
    if intro:
        await bot.send_message(chat_id, intro)
    user = query.from_user
    outcome = await services.dialogs.of(user.id, BotLinks(bot), user.language_code).show(data)
    await apply(outcome, state, bot, chat_id, services)


async def on_consent(
    query: CallbackQuery,
    callback_data: ConsentCallback,
    state: FSMContext,
    services: Services,
    bot: Bot,
) -> None:
    t, title = services.t, services.opening.title(callback_data.form)
    if title is None or not isinstance(query.message, Message):
        await query.answer(t("form-unavailable"), show_alert=True)
        return
    if callback_data.a != "y":
        await query.answer()
        await query.message.edit_text(t("consent-declined", title=title))
        return
    if not await services.opening.agree(profile_of(query.from_user)):
        await query.answer(t("consent-already"))  # a second tap: the form is open already
        return
    await drop_keyboard(query.message)
    await query.message.answer(t("consent-given"))
    await open_form(query, callback_data.form, state=state, services=services, bot=bot)


async def on_draft(
    query: CallbackQuery,
    callback_data: DraftCallback,
    state: FSMContext,
    services: Services,
    bot: Bot,
) -> None:
    t, opening = services.t, services.opening
    draft = await opening.draft(query.from_user.id, callback_data.s)
    if draft is None:
        await query.answer(t("stale-button"), show_alert=True)
        return
    await query.answer()
    act, message = callback_data.a, query.message
    if act is DraftAct.resume:
        await enter(query, state, services, bot, submission_id=draft.submission_id)
    elif not isinstance(message, Message):
        return
    elif act is DraftAct.discard:
        await answer(message, [opening.discard_question(draft)])
    elif act is DraftAct.discard_no:
        await message.edit_text(t("draft-kept"))
    else:
        await opening.discard(draft)
        if (await state.get_data()).get("submission") == draft.submission_id:
            await state.clear()
        await message.edit_text(t("draft-discarded"))
