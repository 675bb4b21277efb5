"""A person's own data as use cases: everything kept about them, as text and as a JSON file,
and its erasure (names, phones and own words; figures stay)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from forms.display import format_answer
from forms.i18n import Translator
from forms.personal import pseudonym_code
from forms.values import format_date
from forms.vocabulary import SubmissionStatus
from handlers.clock import Clock
from handlers.dialog.callbacks import StartForm
from handlers.ui import Button, Callback, Keyboard, Reply, quote
from storage.catalog import FormCatalog
from storage.database import Database
from storage.dto import SubmissionDTO, UserDTO
from storage.erasure import erase_person
from storage.files import FileStore
from storage.repositories import UnitOfWork


class PrivacyAct(StrEnum):
    file = "f"
    erase = "e"
    keep = "k"


class PrivacyCallback(Callback, prefix="pd"):
    a: PrivacyAct


@dataclass(frozen=True, slots=True)
class Held:
    """Everything kept about one person."""

    user: UserDTO | None
    submissions: list[tuple[SubmissionDTO, str, list[tuple[str, str, Any]]]]
    school: str | None = None  # the profile's school, by name


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
            for q in form.answered_questions(answers.keys())
            if q.answerable
        ]
        rows.append((submission, form.title, items))
    school = await uow.schools.school(user.school_id) if user and user.school_id else None
    return Held(user, rows, school.short_name if school else None)


def _summary(held: Held, t: Translator, clock: Clock) -> str:
    lines = [
        t("mydata-title"),
        *_profile_lines(held.user, t, clock),
        *_about_lines(held, t),
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


def _about_lines(held: Held, t: Translator) -> list[str]:
    """What the form «О себе» keeps: who they are, their school, the reminders."""
    user = held.user
    if user is None:
        return []
    kind = t(f"profile-kind-{user.kind}") if user.kind else t("mydata-not-said")
    lines = [
        t("mydata-kind", kind=kind),
        t("mydata-school", school=quote(held.school)) if held.school else t("mydata-no-school"),
    ]
    if user.muted_at:
        lines.append(t("mydata-muted"))
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
            "kind": user.kind,
            "school": held.school,
            "reminders_muted": user.muted_at is not None,
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


@dataclass(frozen=True, slots=True)
class Privacy:
    db: Database
    catalog: FormCatalog
    pseudonym_key: bytes
    t: Translator
    clock: Clock
    files: FileStore | None = None  # where files of responses are saved, deleted on erasure

    def pseudonym(self, user_id: int) -> str:
        return self.t("pseudonym", code=pseudonym_code(user_id, self.pseudonym_key))

    async def summary(self, user_id: int) -> Reply:
        """/mydata: the profile and each form, with «Получить все ответы файлом»."""
        async with self.db.read() as uow:
            held = await _held(uow, self.catalog, user_id, self.t)
        button = Button(self.t("mydata-button-file"), PrivacyCallback(a=PrivacyAct.file).pack())
        change = Button(self.t("profile-button-change"), StartForm(form="profile").pack())
        return Reply(_summary(held, self.t, self.clock), Keyboard.of([change], [button]))

    async def file(self, user_id: int) -> bytes:
        """Everything kept, as JSON (the request is audited)."""
        async with self.db.transaction() as uow:
            held = await _held(uow, self.catalog, user_id, self.t)
            await uow.audit.record(user_id, "data_requested")
        return json.dumps(_as_json(held, self.clock), ensure_ascii=False, indent=2).encode()

    def erase_question(self) -> Reply:
        t = self.t
        yes = Button(t("deleteme-button-yes"), PrivacyCallback(a=PrivacyAct.erase).pack())
        no = Button(t("deleteme-button-no"), PrivacyCallback(a=PrivacyAct.keep).pack())
        return Reply(t("deleteme-confirm"), Keyboard.grid([yes, no], 1))

    async def erase(self, user_id: int) -> str:
        async with self.db.transaction() as uow:
            erased = await erase_person(
                uow,
                self.catalog,
                user_id,
                pseudonym=self.pseudonym(user_id),
                marker=self.t("data-erased-marker"),
                files=self.files,
            )
        return self.t("deleteme-done", answers=erased.answers, drafts=erased.drafts)
