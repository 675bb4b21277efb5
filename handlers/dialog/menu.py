"""Choosing a form, starting it, resuming or discarding a draft."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder
from aiogram.utils.text_decorations import html_decoration

from forms.consent import consent
from forms.i18n import Translator
from forms.schema import Form
from forms.values import format_date
from forms.vocabulary import Role
from handlers.access import Access
from handlers.callbacks import ConsentCallback, MenuAction, MenuCallback
from handlers.dialog.callbacks import DraftAct, DraftCallback, StartForm
from handlers.dialog.data import DialogData, FormDialog
from handlers.dialog.flow import Dialogs
from handlers.dialog.handlers import apply
from handlers.profiles import profile_of
from storage.dto import DraftDTO, WaveDTO
from storage.repositories import UnitOfWork

COORDINATORS = frozenset({Role.admin, Role.coordinator, Role.municipal})


def setup() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(list_forms, MenuCallback.filter(F.action == MenuAction.forms))
    router.callback_query.register(start_form, StartForm.filter())
    router.callback_query.register(on_consent, ConsentCallback.filter())
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
    entries = [
        e for e in dialogs.catalog.all() if e.form.attached_to is None and may_fill(e.form, role)
    ]
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
    await open_form(query, callback_data.form, state=state, dialogs=dialogs, access=access, t=i18n)


async def open_form(
    query: CallbackQuery,
    form_id: str,
    *,
    state: FSMContext,
    dialogs: Dialogs,
    access: Access,
    t: Translator,
    parent_id: int | None = None,
) -> None:
    """Checks, the consent where the form needs it, then the draft and its first screen.

    ``parent_id``: the response an attached form is about (a meeting of a mentoring pair);
    the caller has checked that the person may add to it."""
    entry = dialogs.catalog.current(form_id)
    refusal = None if entry is None else _closed(entry.form, dialogs, t)
    if entry is None or refusal is not None:
        await query.answer(refusal or t("form-unavailable"), show_alert=True)
        return
    form, role = entry.form, (await access.scope(query.from_user.id)).role
    async with dialogs.db.transaction() as uow:
        user = await uow.users.save_profile(profile_of(query.from_user))
        allowed = may_fill(form, role)
        needs_consent = allowed and form.consent and user.consent_version != consent().version
        opened: int | str = t("form-unavailable", title=form.title)
        if allowed and not needs_consent:
            start = _Start(form, entry.version_id, user.id, parent_id, dialogs.clock.today())
            opened = await _draft_for(uow, start, t)
    submission_id = opened if isinstance(opened, int) else None
    refusal = opened if isinstance(opened, str) and not needs_consent else None
    await query.answer(refusal, show_alert=refusal is not None)
    if needs_consent and isinstance(query.message, Message):
        await query.message.answer(consent().text, reply_markup=_consent_buttons(t, form.id))
    elif submission_id is not None:
        await _enter(query, state, dialogs, submission_id, intro=_intro(form, t))


def _consent_buttons(t: Translator, form_id: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=t("consent-button-yes"), callback_data=ConsentCallback(form=form_id, a="y"))
    builder.button(text=t("consent-button-no"), callback_data=ConsentCallback(form=form_id, a="n"))
    builder.adjust(1)
    return builder.as_markup()


async def on_consent(
    query: CallbackQuery,
    callback_data: ConsentCallback,
    *,
    state: FSMContext,
    dialogs: Dialogs,
    access: Access,
    i18n: Translator,
) -> None:
    entry = dialogs.catalog.current(callback_data.form)
    if entry is None or not isinstance(query.message, Message):
        await query.answer(i18n("form-unavailable"), show_alert=True)
        return
    if callback_data.a != "y":
        await query.answer()
        await query.message.edit_text(i18n("consent-declined", title=entry.form.title))
        return
    version = consent().version
    async with dialogs.db.transaction() as uow:
        await uow.users.save_profile(profile_of(query.from_user))
        await uow.users.record_consent(query.from_user.id, version)
        await uow.audit.record(query.from_user.id, "consent_given", version=version)
    await query.message.edit_reply_markup(reply_markup=None)
    await query.message.answer(i18n("consent-given"))
    await open_form(query, entry.form.id, state=state, dialogs=dialogs, access=access, t=i18n)


def _closed(form: Form, dialogs: Dialogs, t: Translator) -> str | None:
    today = dialogs.clock.today()
    if form.opens_at is not None and today < form.opens_at:
        return t("form-not-open-yet", title=form.title, date=format_date(form.opens_at))
    if form.closes_at is not None and today > form.closes_at:
        return t("form-closed", title=form.title, date=format_date(form.closes_at))
    return None


@dataclass(frozen=True, slots=True)
class _Start:
    form: Form
    version_id: int
    user_id: int
    parent_id: int | None
    today: date


async def _draft_for(uow: UnitOfWork, start: _Start, t: Translator) -> int | str:
    """The draft to continue or a new one, or why there is none (the text to show)."""
    form = start.form
    wave = None
    if form.responses == "per_period":
        wave = await uow.waves.current(form.id, start.today)
        if wave is None:
            return t("form-no-wave", title=form.title)
    for draft in await uow.submissions.drafts(start.user_id):
        if draft.form_id == form.id:
            await uow.submissions.attach(draft.submission_id, start.parent_id)
            if wave is not None:
                await uow.submissions.set_wave(draft.submission_id, wave.id)
            return draft.submission_id
    if wave is not None:
        return await _in_wave(uow, start, wave, t)
    if form.responses == "once" and await uow.submissions.count_submitted(form.id, start.user_id):
        return t("form-already-done", title=form.title)
    opened = await uow.submissions.open_draft(
        start.version_id, start.user_id, parent_id=start.parent_id
    )
    return opened.id


async def _in_wave(uow: UnitOfWork, start: _Start, wave: WaveDTO, t: Translator) -> int | str:
    """One response per wave; a correction starts from the sent answers while it may."""
    sent = await uow.waves.response(start.form.id, wave.id, start.user_id)
    if sent is not None and start.form.editable_until == "never":
        return t("form-done-in-wave", title=start.form.title, wave=wave.title)
    draft = await uow.submissions.open_draft(start.version_id, start.user_id, wave_id=wave.id)
    if sent is not None:
        await uow.submissions.copy_answers(sent.id, draft.id)
    return draft.id


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
    outcome = await dialogs.of(query.from_user.id, query.bot).show(data)
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
