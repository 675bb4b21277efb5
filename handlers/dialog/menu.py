"""Choosing a form, starting it, resuming or discarding a draft."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder
from aiogram.utils.text_decorations import html_decoration

from forms.i18n import Translator
from forms.schema import Form
from forms.values import format_date
from handlers.access import Access
from handlers.callbacks import MenuAction, MenuCallback
from handlers.dialog.callbacks import DraftAct, DraftCallback, StartForm
from handlers.dialog.data import DialogData, FormDialog
from handlers.dialog.flow import Dialogs
from handlers.dialog.handlers import apply
from handlers.profiles import profile_of
from storage.dto import DraftDTO
from storage.models import Role
from storage.repositories import UnitOfWork

COORDINATORS = frozenset({Role.admin, Role.coordinator, Role.municipal})


def setup() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(list_forms, MenuCallback.filter(F.action == MenuAction.forms))
    router.callback_query.register(start_form, StartForm.filter())
    router.callback_query.register(on_draft, DraftCallback.filter())
    return router


def may_fill(form: Form, role: Role) -> bool:
    """Teacher, parent and mentor forms are open to everyone; coordinator forms to staff."""
    if "coordinator" in form.roles and role in COORDINATORS:
        return True
    return any(r != "coordinator" for r in form.roles)


async def list_forms(
    query: CallbackQuery, dialogs: Dialogs, access: Access, i18n: Translator
) -> None:
    async with dialogs.db.transaction() as uow:
        await uow.users.save_profile(profile_of(query.from_user))
    role = (await access.scope(query.from_user.id)).role
    entries = [e for e in dialogs.catalog.all() if may_fill(e.form, role)]
    await query.answer()
    if not isinstance(query.message, Message):
        return
    if not entries:
        await query.message.answer(i18n("forms-list-empty"))
        return
    builder = InlineKeyboardBuilder()
    for entry in entries:
        builder.button(text=entry.form.title, callback_data=StartForm(form=entry.form.id))
    builder.adjust(1)
    await query.message.answer(i18n("forms-list-title"), reply_markup=builder.as_markup())


async def start_form(
    query: CallbackQuery,
    callback_data: StartForm,
    *,
    state: FSMContext,
    dialogs: Dialogs,
    access: Access,
    i18n: Translator,
) -> None:
    entry = dialogs.catalog.current(callback_data.form)
    refusal = None if entry is None else _closed(entry.form, dialogs, i18n)
    if entry is None or refusal is not None:
        await query.answer(refusal or i18n("form-unavailable"), show_alert=True)
        return
    role = (await access.scope(query.from_user.id)).role
    async with dialogs.db.transaction() as uow:
        user = await uow.users.save_profile(profile_of(query.from_user))
        allowed = may_fill(entry.form, role)
        submission_id = (
            await _draft_for(uow, entry.form, entry.version_id, user.id) if allowed else None
        )
    if not allowed or submission_id is None:
        refusal = "form-already-done" if allowed else "form-unavailable"
        await query.answer(i18n(refusal, title=entry.form.title), show_alert=True)
        return
    await query.answer()
    await _enter(query, state, dialogs, submission_id, intro=_intro(entry.form, i18n))


def _closed(form: Form, dialogs: Dialogs, t: Translator) -> str | None:
    today = dialogs.clock.today()
    if form.opens_at is not None and today < form.opens_at:
        return t("form-not-open-yet", title=form.title, date=format_date(form.opens_at))
    if form.closes_at is not None and today > form.closes_at:
        return t("form-closed", title=form.title, date=format_date(form.closes_at))
    return None


async def _draft_for(uow: UnitOfWork, form: Form, version_id: int, user_id: int) -> int | None:
    """The draft to continue or a new one; None when the one allowed response is already in."""
    for draft in await uow.submissions.drafts(user_id):
        if draft.form_id == form.id:
            return draft.submission_id
    if form.responses != "many" and await uow.submissions.count_submitted(form.id, user_id):
        return None
    return (await uow.submissions.open_draft(version_id, user_id)).id


def _intro(form: Form, t: Translator) -> str:
    quote = html_decoration.quote
    return t("form-intro", title=quote(form.title), description=quote(form.description)).strip()


async def _enter(
    query: CallbackQuery, state: FSMContext, dialogs: Dialogs, submission_id: int, intro: str = ""
) -> None:
    data = DialogData(submission=submission_id)
    await state.set_state(FormDialog.answering)
    await state.set_data(data.model_dump(mode="json"))
    if query.message is None or query.bot is None:
        return
    if intro:
        await query.bot.send_message(query.message.chat.id, intro)
    outcome = await dialogs.of(query.from_user.id).show(data)
    await apply(outcome, state, query.bot, query.message.chat.id)


async def on_draft(
    query: CallbackQuery,
    callback_data: DraftCallback,
    state: FSMContext,
    dialogs: Dialogs,
    i18n: Translator,
) -> None:
    async with dialogs.db.read() as uow:
        drafts = {d.submission_id: d for d in await uow.submissions.drafts(query.from_user.id)}
    draft = drafts.get(callback_data.s)
    if draft is None:
        await query.answer(i18n("stale-button"), show_alert=True)
        return
    await query.answer()
    if callback_data.a is DraftAct.resume:
        await _enter(query, state, dialogs, draft.submission_id)
    elif isinstance(query.message, Message):
        await _discard_step(
            query.message, callback_data.a, draft, state=state, dialogs=dialogs, t=i18n
        )


async def _discard_step(
    message: Message,
    act: DraftAct,
    draft: DraftDTO,
    *,
    state: FSMContext,
    dialogs: Dialogs,
    t: Translator,
) -> None:
    if act is DraftAct.discard:
        await message.answer(
            t("draft-discard-confirm", title=draft.title),
            reply_markup=confirm_discard(t, draft.submission_id),
        )
        return
    if act is DraftAct.discard_no:
        await message.edit_text(t("draft-kept"))
        return
    async with dialogs.db.transaction() as uow:
        await uow.submissions.discard(draft.submission_id)
    if (await state.get_data()).get("submission") == draft.submission_id:
        await state.clear()
    await message.edit_text(t("draft-discarded"))


def confirm_discard(t: Translator, submission_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=t("draft-button-discard-yes"),
        callback_data=DraftCallback(s=submission_id, a=DraftAct.discard_yes),
    )
    builder.button(
        text=t("draft-button-discard-no"),
        callback_data=DraftCallback(s=submission_id, a=DraftAct.discard_no),
    )
    builder.adjust(2)
    return builder.as_markup()
