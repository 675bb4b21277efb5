"""A person's own data: /mydata shows it (and sends it as a file), /delete_me erases it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder
from aiogram.utils.text_decorations import html_decoration

from forms.display import format_answer
from forms.i18n import Translator
from forms.personal import pseudonym_code
from forms.values import format_date
from forms.vocabulary import SubmissionStatus
from handlers.callbacks import PrivacyAct, PrivacyCallback
from handlers.clock import Clock
from storage.catalog import FormCatalog
from storage.database import Database
from storage.dto import SubmissionDTO, UserDTO
from storage.erasure import erase_person
from storage.files import FileStore
from storage.repositories import UnitOfWork

quote = html_decoration.quote


@dataclass(frozen=True, slots=True)
class Privacy:
    db: Database
    catalog: FormCatalog
    pseudonym_key: bytes
    files: FileStore | None = None  # where files of responses are saved, deleted on erasure

    def pseudonym(self, user_id: int, t: Translator) -> str:
        return t("pseudonym", code=pseudonym_code(user_id, self.pseudonym_key))


def setup() -> Router:
    router = Router(name=__name__)
    router.message.register(my_data, Command("mydata"))
    router.message.register(delete_me, Command("delete_me"))
    router.callback_query.register(send_file, PrivacyCallback.filter(F.a == PrivacyAct.file))
    router.callback_query.register(erase, PrivacyCallback.filter(F.a == PrivacyAct.erase))
    router.callback_query.register(keep, PrivacyCallback.filter(F.a == PrivacyAct.keep))
    return router


@dataclass(frozen=True, slots=True)
class Held:
    """Everything kept about one person."""

    user: UserDTO | None
    submissions: list[tuple[SubmissionDTO, str, list[tuple[str, str, Any]]]]


async def _held(uow: UnitOfWork, catalog: FormCatalog, user_id: int, t: Translator) -> Held:
    user = await uow.users.get(user_id)
    rows = []
    for submission in await uow.submissions.of_respondent(user_id):
        form = await catalog.version(submission.form_version_id, uow)
        answers = await uow.submissions.answers(submission.id)
        if form is None:
            continue
        items = [
            (q.id, q.label, format_answer(q, answers[q.id], t))
            for q in form.all_questions()
            if q.answerable and q.id in answers
        ]
        rows.append((submission, form.title, items))
    return Held(user, rows)


async def my_data(message: Message, privacy: Privacy, i18n: Translator, clock: Clock) -> None:
    if message.from_user is None:
        return
    async with privacy.db.read() as uow:
        held = await _held(uow, privacy.catalog, message.from_user.id, i18n)
    builder = InlineKeyboardBuilder()
    builder.button(
        text=i18n("mydata-button-file"), callback_data=PrivacyCallback(a=PrivacyAct.file)
    )
    await message.answer(_summary(held, i18n, clock), reply_markup=builder.as_markup())


def _summary(held: Held, t: Translator, clock: Clock) -> str:
    lines = [
        t("mydata-title"),
        *_profile_lines(held.user, t, clock),
        "",
        *_form_lines(held, t, clock),
    ]
    lines += ["", t("mydata-hint")]
    return "\n".join(lines)


def _profile_lines(user: UserDTO | None, t: Translator, clock: Clock) -> list[str]:
    if user is None:
        return []
    name = " ".join(filter(None, [user.first_name, user.last_name]))
    lines = [t("mydata-name", name=quote(name))]
    if user.username:
        lines.append(t("mydata-username", username=quote(user.username)))
    lines.append(t("mydata-role", role=t(f"role-{user.role.value}")))
    if user.consent_version and user.consent_at:
        date = format_date(user.consent_at.astimezone(clock.zone).date())
        lines.append(t("mydata-consent", version=user.consent_version, date=date))
    else:
        lines.append(t("mydata-no-consent"))
    if user.erased_at:
        lines.append(
            t("mydata-erased", date=format_date(user.erased_at.astimezone(clock.zone).date()))
        )
    return lines


def _form_lines(held: Held, t: Translator, clock: Clock) -> list[str]:
    if not held.submissions:
        return [t("mydata-no-forms")]
    lines = [t("mydata-forms")]
    for number, (submission, title, items) in enumerate(held.submissions, start=1):
        if submission.status is SubmissionStatus.submitted and submission.submitted_at:
            sent = format_date(submission.submitted_at.astimezone(clock.zone).date())
            status = t("mydata-status-submitted", date=sent)
        else:
            status = t("mydata-status-draft")
        lines.append(
            t(
                "mydata-form-line",
                number=number,
                title=quote(title),
                status=status,
                answers=len(items),
            )
        )
    return lines


async def send_file(query: CallbackQuery, privacy: Privacy, i18n: Translator, clock: Clock) -> None:
    await query.answer()
    async with privacy.db.transaction() as uow:
        held = await _held(uow, privacy.catalog, query.from_user.id, i18n)
        await uow.audit.record(query.from_user.id, "data_requested")
    content = json.dumps(_as_json(held, clock), ensure_ascii=False, indent=2).encode()
    if isinstance(query.message, Message):
        document = BufferedInputFile(content, "my-data.json")
        await query.message.answer_document(document, caption=i18n("mydata-file-caption"))


def _as_json(held: Held, clock: Clock) -> dict[str, Any]:
    user = held.user
    profile = (
        None
        if user is None
        else {
            "telegram_id": user.id,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "username": user.username,
            "role": user.role.value,
            "consent_version": user.consent_version,
            "consent_at": user.consent_at.astimezone(clock.zone).isoformat()
            if user.consent_at
            else None,
        }
    )
    forms = [
        {
            "number": submission.id,
            "form": title,
            "status": submission.status.value,
            "sent_at": submission.submitted_at.astimezone(clock.zone).isoformat()
            if submission.submitted_at
            else None,
            "answers": [{"question": label, "answer": text} for _id, label, text in items],
        }
        for submission, title, items in held.submissions
    ]
    return {"profile": profile, "forms": forms}


async def delete_me(message: Message, i18n: Translator) -> None:
    await message.answer(i18n("deleteme-confirm"), reply_markup=_confirm(i18n))


def _confirm(t: Translator) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=t("deleteme-button-yes"), callback_data=PrivacyCallback(a=PrivacyAct.erase))
    builder.button(text=t("deleteme-button-no"), callback_data=PrivacyCallback(a=PrivacyAct.keep))
    builder.adjust(1)
    return builder.as_markup()


async def erase(
    query: CallbackQuery, state: FSMContext, privacy: Privacy, i18n: Translator
) -> None:
    await query.answer()
    user_id = query.from_user.id
    async with privacy.db.transaction() as uow:
        erased = await erase_person(
            uow,
            privacy.catalog,
            user_id,
            pseudonym=privacy.pseudonym(user_id, i18n),
            marker=i18n("data-erased-marker"),
            files=privacy.files,
        )
    await state.clear()
    if isinstance(query.message, Message):
        text = i18n("deleteme-done", answers=erased.answers, drafts=erased.drafts)
        await query.message.edit_text(text)


async def keep(query: CallbackQuery, i18n: Translator) -> None:
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.edit_text(i18n("deleteme-kept"))
