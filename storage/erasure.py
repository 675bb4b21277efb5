"""Erasing personal data: on a person's request, and when a form's retention period ends."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from forms.personal import scrub
from forms.questions import FileQuestion
from forms.schema import Form
from forms.vocabulary import SubmissionStatus
from storage.catalog import FormCatalog
from storage.files import FileStore
from storage.repositories import UnitOfWork

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Erased:
    drafts: int
    answers: int


async def scrub_submission(
    uow: UnitOfWork,
    form: Form,
    submission_id: int,
    marker: str,
    *,
    files: FileStore | None = None,
) -> int:
    """Replace the personal answers of one submission; returns how many changed. Files are
    personal: the ones saved to disk for it are deleted too, after its answers are scrubbed
    (a download finishing at the same moment then finds the answer erased and drops its copy)."""
    changed = 0
    answers = await uow.submissions.answers(submission_id)
    for question in form.answered_questions(answers.keys()):  # a repeat's under entry ids
        value = scrub(question, answers[question.id], marker)
        if value != answers[question.id]:
            await uow.submissions.save_answer(submission_id, question.id, value)
            changed += 1
    await scrub_review(uow, form, submission_id, marker)
    await uow.submissions.mark_personal_erased(submission_id)
    if files is not None and any(isinstance(q, FileQuestion) for q in form.every_question()):
        files.remove(form.id, submission_id)
    return changed


async def scrub_review(uow: UnitOfWork, form: Form, submission_id: int, marker: str) -> None:
    """The values a correction changed, in the review's history, scrubbed as the answers
    are (the staff's comments and reasons are theirs and stay)."""
    for event in await uow.reviews.history(submission_id):
        question = None if event.question_id is None else form.answer_question(event.question_id)
        if question is None:
            continue
        old, new = scrub(question, event.old, marker), scrub(question, event.new, marker)
        if (old, new) != (event.old, event.new):
            await uow.reviews.scrub_change(event.id, old, new)


async def erase_person(
    uow: UnitOfWork,
    catalog: FormCatalog,
    user_id: int,
    *,
    pseudonym: str,
    marker: str,
    files: FileStore | None = None,
) -> Erased:
    """Drafts are deleted; sent answers keep what statistics need; the name becomes a pseudonym."""
    drafts = answers = 0
    for submission in await uow.submissions.of_respondent(user_id):
        if submission.status is SubmissionStatus.draft:
            drafts += await uow.submissions.discard(submission.id)
            continue
        form = await catalog.version(submission.form_version_id, uow)
        if form is not None:
            answers += await scrub_submission(uow, form, submission.id, marker, files=files)
    await uow.users.erase_profile(user_id, pseudonym)
    await uow.outbox.forget_chat(user_id)  # nothing more is sent to them from the queue
    await uow.audit.record(user_id, "data_erased", drafts=drafts, answers=answers)
    return Erased(drafts, answers)


async def erase_expired(
    uow: UnitOfWork,
    catalog: FormCatalog,
    now: datetime,
    marker: str,
    *,
    files: FileStore | None = None,
) -> int:
    """Erase the personal answers of responses older than their form's retention period."""
    erased = 0
    for entry in catalog.all():
        days = entry.form.retention_days
        if days is None:
            continue
        for submission in await uow.submissions.expired_personal(
            entry.form.id, now - timedelta(days=days)
        ):
            form = await catalog.version(submission.form_version_id, uow)
            if form is not None:
                await scrub_submission(uow, form, submission.id, marker, files=files)
                erased += 1
    if erased:
        await uow.audit.record(None, "retention_erased", submissions=erased)
        logger.info("retention: personal data of %d response(s) erased", erased)
    return erased
