"""A correction the staff's review asked for («Есть вопросы» → «Исправить»), once it is sent.

It runs for every form, in the transaction that marks the correction sent (after the form's
own workflow): the response it corrects stops counting, the review and its history move to
the correction with the questions it changed (old and new values), the status becomes
«Исправлено, ждёт проверки», and the reviewer who asked is told through the outbox.

The buttons of the review live here too, since the notices carry them: ``ReviewCallback``
(the staff's, /review) and ``FixCallback`` (the respondent's «Исправить»).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from forms.i18n import Translator
from handlers.ui import Button, Callback, Keyboard, Notice, Reply, quote
from handlers.workflows import FollowUp, Sent
from storage.repositories import UnitOfWork
from storage.repositories.reviews import changes


class ReviewAct(StrEnum):
    forms = "m"  # the forms the person may review
    list = "l"  # a form's responses: ``s`` a version id of the form, ``n`` the page
    open = "o"  # a response: ``s``
    approve = "y"  # «Принять»: ``s`` and the review's turn ``n`` the screen showed
    issues = "q"  # «Есть вопросы»: asks for the comment
    reject = "r"  # «Отклонить»: asks for the reason
    cancel = "c"  # «Отмена» while the comment is asked


class ReviewCallback(Callback, prefix="rv"):
    a: ReviewAct
    s: int = 0
    n: int = 0


class FixCallback(Callback, prefix="rf"):
    """The respondent's «Исправить» under «Есть вопросы»: ``s`` is the response."""

    s: int


def open_button(t: Translator, submission_id: int) -> Button:
    return Button(
        t("review-button-open", number=submission_id),
        ReviewCallback(a=ReviewAct.open, s=submission_id).pack(),
    )


class Corrections:
    """Runs after every send; does something only for a correction a review asked for."""

    def __init__(self, t: Translator) -> None:
        self.t = t

    async def sent(self, uow: UnitOfWork, sent: Sent, now: datetime) -> FollowUp:
        review = await uow.reviews.corrected_by(sent.submission.id)
        if review is None:
            return FollowUp()
        old_id, new_id = review.submission_id, sent.submission.id
        sent_now = await uow.submissions.get(new_id)  # a school's: the head who sent it
        actor = sent_now.respondent_id if sent_now is not None else sent.submission.respondent_id
        before = await uow.submissions.answers(old_id)
        order = [question.id for question in sent.form.every_question()]
        found = changes(before, dict(sent.answers), order)
        await uow.reviews.replace(old_id, new_id, actor_id=actor, changes=found, now=now)
        await uow.audit.record(
            actor, "review_corrected", response=old_id, correction=new_id, changes=len(found)
        )
        reply = Reply(self.t("review-fix-sent"))
        if review.reviewer_id is None:
            return FollowUp(replies=(reply,))
        text = self.t(
            "review-notice-corrected",
            old=old_id,
            new=new_id,
            title=quote(sent.form.title),
            changes=len(found),
        )
        notice = Notice(review.reviewer_id, text, Keyboard.of([open_button(self.t, new_id)]))
        return FollowUp(replies=(reply,), notices=(notice,))
