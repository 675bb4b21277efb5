"""Choosing a form and entering it: who may fill it, its dates, the consent it asks first,
the draft to continue or a new one (one response per wave, a correction from the sent
answers); and the drafts a person may resume or discard."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from forms.consent import consent
from forms.i18n import Translator
from forms.schema import Form
from forms.values import format_date
from forms.vocabulary import COORDINATORS
from handlers.access import Access, Scope
from handlers.clock import Clock
from handlers.dialog.callbacks import ConsentCallback, DraftAct, DraftCallback, StartForm
from handlers.ui import Button, Keyboard, Reply, quote
from storage.catalog import FormCatalog
from storage.database import Database
from storage.dto import DraftDTO, WaveDTO
from storage.repositories import UnitOfWork
from storage.repositories.submissions import school_key
from storage.repositories.users import TelegramProfile


def may_fill(form: Form, scope: Scope) -> bool:
    """Teacher, parent and mentor forms are open to everyone; coordinator forms to staff;
    a school's form to the confirmed heads of schools."""
    if form.respondent == "school":
        return scope.head_of is not None
    if "coordinator" in form.roles and scope.role in COORDINATORS:
        return True
    return any(r != "coordinator" for r in form.roles)


@dataclass(frozen=True, slots=True)
class Opened:
    """What opening a form came to: an alert (why not), the consent text to answer first,
    or the submission to enter, with the form's introduction."""

    alert: str | None = None
    consent: Reply | None = None
    submission_id: int | None = None
    intro: str = ""


@dataclass(frozen=True, slots=True)
class _Start:
    form: Form
    version_id: int
    user_id: int
    parent_id: int | None
    today: date
    school_id: int | None = None  # the school a head reports for


@dataclass(frozen=True, slots=True)
class Opening:
    """The forms a person may fill, and entering one; built once by the composition root."""

    db: Database
    catalog: FormCatalog
    access: Access
    t: Translator
    clock: Clock

    async def choices(self, profile: TelegramProfile) -> Reply:
        """The forms this person may fill, one button each (attached forms are opened from
        what they are about, never from the list)."""
        async with self.db.transaction() as uow:
            await uow.users.save_profile(profile)
        scope = await self.access.scope(profile.id)
        entries = [
            e for e in self.catalog.all() if e.form.attached_to is None and may_fill(e.form, scope)
        ]
        if not entries:
            return Reply(self.t("forms-list-empty"))
        buttons = [Button(e.form.title, StartForm(form=e.form.id).pack()) for e in entries]
        return Reply(self.t("forms-list-title"), Keyboard.grid(buttons, 1))

    async def open(
        self, profile: TelegramProfile, form_id: str, parent_id: int | None = None
    ) -> Opened:
        """Checks, the consent where the form needs it, then the draft to enter.

        ``parent_id``: the response an attached form is about (a meeting of a mentoring
        pair); the caller has checked that the person may add to it."""
        t, entry = self.t, self.catalog.current(form_id)
        refusal = None if entry is None else self._closed(entry.form)
        if entry is None or refusal is not None:
            return Opened(alert=refusal or t("form-unavailable"))
        form, scope = entry.form, await self.access.scope(profile.id)
        if not may_fill(form, scope):
            async with self.db.transaction() as uow:
                await uow.users.save_profile(profile)
            refusal = "form-for-school-heads" if form.respondent == "school" else "form-unavailable"
            return Opened(alert=t(refusal, title=form.title))
        async with self.db.transaction() as uow:
            user = await uow.users.save_profile(profile)
            if form.consent and user.consent_version != consent().version:
                return Opened(consent=Reply(consent().text, _consent_buttons(t, form.id)))
            today = self.clock.today()
            start = _Start(form, entry.version_id, user.id, parent_id, today, scope.head_of)
            opened = await _draft_for(uow, start, t)
        if isinstance(opened, str):
            return Opened(alert=opened)
        return Opened(submission_id=opened, intro=_intro(form, t))

    async def agree(self, profile: TelegramProfile) -> bool:
        """The person agreed to the current consent text: its version and time are kept.
        False when it was given already (a double tap): nothing is written twice."""
        version = consent().version
        async with self.db.transaction() as uow:
            await uow.users.save_profile(profile)
            if not await uow.users.record_consent(profile.id, version):
                return False
            await uow.audit.record(profile.id, "consent_given", version=version)
        return True

    def title(self, form_id: str) -> str | None:
        entry = self.catalog.current(form_id)
        return None if entry is None else entry.form.title

    def _closed(self, form: Form) -> str | None:
        today, t = self.clock.today(), self.t
        if form.opens_at is not None and today < form.opens_at:
            return t("form-not-open-yet", title=form.title, date=format_date(form.opens_at))
        if form.closes_at is not None and today > form.closes_at:
            return t("form-closed", title=form.title, date=format_date(form.closes_at))
        return None

    # --- drafts -------------------------------------------------------------------------

    async def draft(self, user_id: int, submission_id: int) -> DraftDTO | None:
        """The person's own draft (or their school's), or None (a stale or forged button)."""
        school_id = (await self.access.scope(user_id)).head_of
        async with self.db.read() as uow:
            drafts = await uow.submissions.drafts(user_id, school_id)
        return next((d for d in drafts if d.submission_id == submission_id), None)

    def discard_question(self, draft: DraftDTO) -> Reply:
        return Reply(
            self.t("draft-discard-confirm", title=draft.title),
            confirm_discard(self.t, draft.submission_id),
        )

    async def discard(self, draft: DraftDTO) -> None:
        async with self.db.transaction() as uow:
            await uow.submissions.discard(draft.submission_id)


def _consent_buttons(t: Translator, form_id: str) -> Keyboard:
    yes = Button(t("consent-button-yes"), ConsentCallback(form=form_id, a="y").pack())
    no = Button(t("consent-button-no"), ConsentCallback(form=form_id, a="n").pack())
    return Keyboard.grid([yes, no], 1)


def confirm_discard(t: Translator, submission_id: int) -> Keyboard:
    yes = DraftCallback(s=submission_id, a=DraftAct.discard_yes).pack()
    no = DraftCallback(s=submission_id, a=DraftAct.discard_no).pack()
    return Keyboard.of(
        [Button(t("draft-button-discard-yes"), yes), Button(t("draft-button-discard-no"), no)]
    )


async def _draft_for(uow: UnitOfWork, start: _Start, t: Translator) -> int | str:
    """The draft to continue or a new one, or why there is none (the text to show)."""
    form = start.form
    wave = None
    if form.responses == "per_period":
        wave = await uow.waves.current(form.id, start.today)
        if wave is None:
            return t("form-no-wave", title=form.title)
    if form.respondent == "school":
        return await _school_draft(uow, start, wave, t)
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


async def _school_draft(
    uow: UnitOfWork, start: _Start, wave: WaveDTO | None, t: Translator
) -> int | str:
    """A school's form: the school's shared draft, whichever head opened it; one response
    per school (and wave), and a correction from the sent answers while the form allows."""
    form, school_id = start.form, start.school_id
    school = await uow.schools.school(school_id) if school_id is not None else None
    if school is None:
        return t("form-for-school-heads", title=form.title)
    key = school_key(form.id, school.id, wave.id if wave else None)
    sent = None if form.responses == "many" else await uow.submissions.school_sent(key)
    if sent is not None and form.editable_until == "never":
        name = quote(school.short_name)
        if wave is not None:
            return t("form-school-done-in-wave", title=form.title, school=name, wave=wave.title)
        return t("form-school-done", title=form.title, school=name)
    place = (school.id, school.municipality_id)
    draft, created = await uow.submissions.open_school_draft(
        start.version_id, start.user_id, key, place, wave.id if wave else None
    )
    if sent is not None and created:  # read again: another head may have just corrected it
        latest = await uow.submissions.school_sent(key)
        await uow.submissions.copy_answers((latest or sent).id, draft.id)
    return draft.id


def _intro(form: Form, t: Translator) -> str:
    return t("form-intro", title=quote(form.title), description=quote(form.description)).strip()
