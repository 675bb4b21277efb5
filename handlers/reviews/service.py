"""/review as use cases: staff who may read a form's register set its responses' review
status (ODK Central's states: «Принято», «Есть вопросы» with a comment, «Отклонено» with a
reason), and the respondent's «Исправить» opens a correction from the sent answers.

Who may review a form is exactly who may export its register, and who sees names and
personal answers is who gets the full register: the composition root hands in the
exporter's own two rules. Every press is checked again against the database and the
person's scope; every change is one conditional write from the turn the screen showed, so a
double tap, a stale button or a second reviewer ends with one result, and the loser is told.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from forms.i18n import Translator
from forms.schema import Form
from forms.vocabulary import ReviewStatus, SubmissionStatus, WorkflowKind
from handlers.access import Access, Scope
from handlers.clock import Clock
from handlers.outbox.queue import queue
from handlers.reviews.screens import (
    COMMENT_LIMIT,
    PAGE,
    Shown,
    cancel_keyboard,
    decision_keyboard,
    fix_keyboard,
    forms_keyboard,
    list_keyboard,
    response_lines,
    status_name,
)
from handlers.ui import Keyboard, Notice, Reply, quote, split_text
from handlers.workflows.corrections import ReviewAct, ReviewCallback
from handlers.workflows.profile.screens import person_name
from storage.catalog import FormCatalog
from storage.database import Database
from storage.dto import SubmissionDTO
from storage.repositories import UnitOfWork
from storage.repositories.reviews import ReviewDTO
from storage.repositories.submissions import school_key

MayRead = Callable[[Scope, Form], bool]
SeesPersonal = Callable[[Scope | None, Form], bool]
ASKED = {ReviewAct.issues: ReviewStatus.has_issues, ReviewAct.reject: ReviewStatus.rejected}
WITH_CASES = frozenset({WorkflowKind.consultation, WorkflowKind.mentoring, WorkflowKind.request})
NOT_SENT = frozenset({SubmissionStatus.draft, SubmissionStatus.tested})
"""Nothing to review: a draft, or a coordinator's trial of a form before publishing it."""
"""Workflows whose sent response opens a case (a request, a pair): a correction would open a
second one, so their responses are accepted or rejected, never asked about."""


@dataclass(frozen=True, slots=True)
class Asked:
    """The comment (or the reason) the reviewer's next message is: kept in the FSM."""

    submission_id: int
    turn: int
    status: ReviewStatus


@dataclass(frozen=True, slots=True)
class Done:
    """What a command, a press or a typed comment came to."""

    replies: tuple[Reply, ...] = ()
    alert: str | None = None
    edit: Reply | None = None  # new text and buttons of the pressed message
    asked: Asked | None = None  # the next message is a comment: keep this in the FSM
    finished: bool = False  # no comment is asked any more: clear the FSM
    queued: bool = False  # notices went to the outbox: wake the sender
    refused: str | None = None  # what was refused, for the log (never text)


@dataclass(frozen=True, slots=True)
class Fix:
    """The respondent's «Исправить»: the correction's draft to enter, or why not."""

    alert: str | None = None
    submission_id: int | None = None
    intro: str = ""


@dataclass(frozen=True, slots=True)
class _Found:
    submission: SubmissionDTO
    form: Form
    version_id: int  # of the form's current version (the list's button)


@dataclass(frozen=True, slots=True)
class Reviews:
    db: Database
    catalog: FormCatalog
    access: Access
    t: Translator
    clock: Clock
    may_read: MayRead = field(default=lambda _scope, _form: False)
    sees_personal: SeesPersonal = field(default=lambda _scope, _form: False)

    # --- finding a response ----------------------------------------------------------------

    def forms(self, scope: Scope) -> Reply:
        """/review: the forms whose register this person may read."""
        entries = [
            (entry.form.title, entry.version_id)
            for entry in self.catalog.with_withdrawn()
            if self.may_read(scope, entry.form)
        ]
        if not entries:
            return Reply(self.t("review-no-forms"))
        return Reply(self.t("review-choose-form"), forms_keyboard(entries))

    async def listing(self, scope: Scope, version_id: int, page: int) -> Done:
        """A form's latest responses, those awaiting review first, a page at a time."""
        async with self.db.read() as uow:
            form = await self.catalog.version(version_id, uow)
            current = self.catalog.known(form.id) if form is not None else None
            if form is None or current is None or not self.may_read(scope, current.form):
                return Done(alert=self.t("review-gone"), refused="a review list beyond their role")
            municipalities = scope.within(None)
            total, awaiting = await uow.reviews.counted(form.id, municipalities)
            pages = max(1, math.ceil(total / PAGE))
            page = min(max(page, 0), pages - 1)
            rows = await uow.reviews.listed(form.id, municipalities, page * PAGE, PAGE)
        if not total:
            text = self.t("review-list-empty", title=quote(form.title))
        else:
            text = self.t(
                "review-list-title",
                title=quote(form.title),
                total=total,
                awaiting=awaiting,
                page=page + 1,
                pages=pages,
            )
        keyboard = list_keyboard(
            self.t, self.clock.zone, current.version_id, rows, page=page, pages=pages
        )
        return Done(edit=Reply(text, keyboard))

    async def open(self, scope: Scope, submission_id: int) -> Done:
        """One response: answers, status, history and the buttons (``/review 123``)."""
        async with self.db.read() as uow:
            found = await self._reviewable(uow, scope, submission_id)
            if isinstance(found, Done):
                return found
            return Done(replies=await self._screen(uow, scope, found))

    # --- deciding ----------------------------------------------------------------------------

    async def press(self, scope: Scope, data: ReviewCallback) -> Done:
        if data.a is ReviewAct.forms:
            return Done(edit=self.forms(scope))
        if data.a is ReviewAct.list:
            return await self.listing(scope, data.s, data.n)
        if data.a is ReviewAct.open:
            return await self.open(scope, data.s)
        if data.a is ReviewAct.cancel:
            return Done(edit=Reply(self.t("review-cancelled")), finished=True)
        if data.a is ReviewAct.approve:
            return await self.decide(scope, Asked(data.s, data.n, ReviewStatus.approved))
        return await self._ask(scope, data.s, data.n, ASKED[data.a])

    async def typed(self, scope: Scope, asked: Asked, text: str | None) -> Done:
        """The comment or the reason, typed as the next message."""
        words = (text or "").strip()
        if not words:
            return Done(replies=(Reply(self.t("review-type-text"), cancel_keyboard(self.t)),))
        if len(words) > COMMENT_LIMIT:
            too_long = self.t("review-comment-too-long", limit=COMMENT_LIMIT, length=len(words))
            return Done(replies=(Reply(too_long, cancel_keyboard(self.t)),))
        return await self.decide(scope, asked, words)

    async def decide(self, scope: Scope, asked: Asked, comment: str | None = None) -> Done:
        """Set the status by one conditional write; audited; the respondent is told."""
        t, now = self.t, self.clock.now_utc()
        number = asked.submission_id
        async with self.db.transaction() as uow:
            found = await self._reviewable(uow, scope, number)
            if isinstance(found, Done):
                return Done(alert=found.alert, refused=found.refused, finished=True)
            if asked.status is ReviewStatus.has_issues and not correctable(found.form):
                return Done(alert=t("review-no-questions"), finished=True)
            review = await uow.reviews.get(number)
            if review is not None and review.status is asked.status:
                return Done(alert=t("review-same-status"), finished=True)
            written = await uow.reviews.set_status(
                number, asked.turn, asked.status, actor_id=scope.user_id, now=now, comment=comment
            )
            if not written:
                screen = await self._screen(uow, scope, found)
                return Done(alert=t("review-changed"), replies=screen, finished=True)
            await uow.audit.record(
                scope.user_id, f"review_{asked.status.value}", response=number, turn=asked.turn
            )
            notices = await self._tell_respondent(uow, found, asked.status, comment)
            queued = await queue(uow, notices, now)
            screen = await self._screen(uow, scope, found)
        said = t("review-set", number=number, status=status_name(t, asked.status))
        return Done(replies=(Reply(said), *screen), finished=True, queued=queued > 0)

    async def _ask(self, scope: Scope, number: int, turn: int, status: ReviewStatus) -> Done:
        """«Есть вопросы» or «Отклонить»: the comment or the reason is the next message."""
        async with self.db.read() as uow:
            found = await self._reviewable(uow, scope, number)
            if isinstance(found, Done):
                return found
            if status is ReviewStatus.has_issues and not correctable(found.form):
                return Done(alert=self.t("review-no-questions"))
            review = await uow.reviews.get(number)
            if (review.turn if review is not None else 0) != turn:
                screen = await self._screen(uow, scope, found)
                return Done(alert=self.t("review-changed"), replies=screen)
        issues = status is ReviewStatus.has_issues
        message_id = "review-ask-comment" if issues else "review-ask-reason"
        text = self.t(message_id, number=number, limit=COMMENT_LIMIT)
        ask = Reply(text, cancel_keyboard(self.t))
        return Done(replies=(ask,), asked=Asked(number, turn, status))

    # --- the respondent's side ---------------------------------------------------------------

    async def fix(self, user_id: int, number: int) -> Fix:
        """«Исправить»: a correction from the sent answers, through the ordinary dialog, even
        where the form's ``editable_until`` or its wave would not allow one (the review asked
        for it). A school's response: any head of that school."""
        t = self.t
        scope = await self.access.scope(user_id)
        async with self.db.transaction() as uow:
            submission = await uow.submissions.get(number)
            if submission is None or not _answers_for(submission, scope):
                return Fix(alert=t("review-fix-not-yours"))
            review = await uow.reviews.get(number)
            linked = await self._linked_draft(uow, review.correction_id if review else None)
            if linked is not None and submission.status is SubmissionStatus.submitted:
                return Fix(submission_id=linked, intro=t("review-fix-intro", number=number))
            refusal = _fix_refusal(t, submission, review)
            form = await self.catalog.version(submission.form_version_id, uow)
            if form is not None and not correctable(form):
                refusal = refusal or t("review-no-questions")
            if refusal is not None or form is None:
                return Fix(alert=refusal or t("form-unavailable"))
            draft = await self._correction(uow, submission, form, user_id)
            if isinstance(draft, str):
                return Fix(alert=draft)
            await uow.reviews.link_correction(number, draft)
            await uow.audit.record(user_id, "review_fix_opened", response=number, draft=draft)
        return Fix(submission_id=draft, intro=t("review-fix-intro", number=number))

    async def _linked_draft(self, uow: UnitOfWork, draft_id: int | None) -> int | None:
        """The correction already opened (a second press, another head of the school)."""
        if draft_id is None:
            return None
        draft = await uow.submissions.get(draft_id)
        return draft_id if draft is not None and draft.status is SubmissionStatus.draft else None

    async def _correction(
        self, uow: UnitOfWork, sent: SubmissionDTO, form: Form, user_id: int
    ) -> int | str:
        """The correction's draft with the sent answers (the form's current version), or why
        there is none: another unfinished response of the same form is in the way."""
        current = self.catalog.current(form.id)
        version_id = current.version_id if current is not None else sent.form_version_id
        if sent.school_key is not None and sent.school_id is not None:
            key = school_key(form.id, sent.school_id, sent.wave_id)
            place = (sent.school_id, sent.municipality_id or 0)
            draft, created = await uow.submissions.open_school_draft(
                version_id, user_id, key, place, sent.wave_id
            )
            if created:
                await uow.submissions.copy_answers(sent.id, draft.id)
                return draft.id
            if form.responses == "many":  # the school's next request, not this correction
                return self.t("review-fix-draft-in-way", title=quote(form.title))
            return draft.id  # the school's correction from the sent answers, opened already
        for existing in await uow.submissions.drafts(user_id):
            if existing.form_id == form.id:
                found = await uow.submissions.get(existing.submission_id)
                if sent.wave_id is not None and found is not None and found.wave_id == sent.wave_id:
                    return existing.submission_id  # the wave's correction, from the sent answers
                return self.t("review-fix-draft-in-way", title=quote(form.title))
        draft = await uow.submissions.open_draft(
            version_id, user_id, wave_id=sent.wave_id, parent_id=sent.parent_id
        )
        await uow.submissions.copy_answers(sent.id, draft.id)
        return draft.id

    async def _tell_respondent(
        self, uow: UnitOfWork, found: _Found, status: ReviewStatus, comment: str | None
    ) -> list[Notice]:
        """The respondent (a school's heads) hears the status: «Есть вопросы» with the comment
        and «Исправить», «Отклонено» with the reason, «Принято» briefly."""
        submission, t = found.submission, self.t
        params = {
            "number": submission.id,
            "title": quote(found.form.title),
            "comment": quote(comment or ""),
        }
        message_id = f"review-notice-{status.value.replace('_', '-')}"
        markup: Keyboard | None = None
        if status is ReviewStatus.has_issues:
            markup = fix_keyboard(t, submission.id)
        text = t(message_id, **params)
        return [Notice(chat, text, markup) for chat in await _respondents(uow, submission)]

    # --- shared ------------------------------------------------------------------------------

    async def _reviewable(self, uow: UnitOfWork, scope: Scope, number: int) -> _Found | Done:
        """The response if this person may review it: a sent one, of a form whose register
        they may read, in their municipalities."""
        gone = Done(alert=self.t("review-gone"), refused="a review beyond their scope")
        submission = await uow.submissions.get(number)
        if submission is None or submission.status in NOT_SENT:
            return gone  # a trial of a form before its publication is nobody's to review
        form = await self.catalog.version(submission.form_version_id, uow)
        current = self.catalog.known(form.id) if form is not None else None
        if form is None or current is None or not self.may_read(scope, current.form):
            return gone
        municipalities = scope.within(None)
        if municipalities is not None and not await uow.reviews.visible(number, municipalities):
            return gone
        if submission.status is SubmissionStatus.replaced:
            return Done(alert=self.t("review-replaced", number=number))
        return _Found(submission, form, current.version_id)

    async def _screen(self, uow: UnitOfWork, scope: Scope, found: _Found) -> tuple[Reply, ...]:
        submission, form = found.submission, found.form
        personal = self.sees_personal(scope, form) and not form.anonymous
        review = await uow.reviews.get(submission.id)
        history = await uow.reviews.history(submission.id)
        answers = await uow.submissions.answers(submission.id)
        names = {}
        for actor in {event.actor_id for event in history if event.actor_id is not None}:
            if actor == submission.respondent_id and not personal:
                names[actor] = self.t("review-respondent")
            else:
                names[actor] = person_name(await uow.users.get(actor))
        school = None
        if submission.school_id is not None:
            found_school = await uow.schools.school(submission.school_id)
            school = found_school.short_name if found_school is not None else None
        respondent = None
        if personal:
            respondent = person_name(await uow.users.get(submission.respondent_id))
        status = review.status if review is not None else ReviewStatus.received
        shown = Shown(
            form=form,
            number=submission.id,
            sent_at=submission.submitted_at,
            answers=answers,
            status=status,
            comment=review.comment if review is not None else None,
            history=history,
            names=names,
            respondent=respondent,
            school=school,
            personal=personal,
        )
        texts = split_text(response_lines(self.t, self.clock.zone, shown))
        turn = review.turn if review is not None else 0
        keyboard = decision_keyboard(
            self.t, submission.id, status, turn, found.version_id, asks=correctable(form)
        )
        replies = [Reply(text) for text in texts]
        replies[-1] = Reply(replies[-1].text, keyboard)
        return tuple(replies)


def correctable(form: Form) -> bool:
    """Whether a response of this form may be asked about and corrected."""
    return form.workflow not in WITH_CASES


def _fix_refusal(t: Translator, submission: SubmissionDTO, review: ReviewDTO | None) -> str | None:
    """Why «Исправить» opens nothing: corrected already, nothing asked, data erased."""
    if submission.status is not SubmissionStatus.submitted:
        return t("review-fix-replaced", number=submission.id)
    if review is None or review.status is not ReviewStatus.has_issues:
        return t("review-fix-not-asked", number=submission.id)
    if submission.personal_erased_at is not None:
        return t("review-fix-erased")
    return None


def _answers_for(submission: SubmissionDTO, scope: Scope) -> bool:
    """The respondent's own response; a school's, for any head of that school."""
    if submission.school_key is None:
        return submission.respondent_id == scope.user_id
    return scope.head_of is not None and scope.head_of == submission.school_id


async def _respondents(uow: UnitOfWork, submission: SubmissionDTO) -> list[int]:
    """Who is told of a review: the respondent (not after /delete_me), or the school's heads."""
    if submission.school_key is not None and submission.school_id is not None:
        return [head.id for head in await uow.users.heads_of(submission.school_id)]
    user = await uow.users.get(submission.respondent_id)
    return [] if user is None or user.erased_at is not None else [user.id]
