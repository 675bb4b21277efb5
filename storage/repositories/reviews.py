"""Reviews of sent responses: the status, its history, and the corrections they ask for.

A status change is one conditional write from the ``turn`` the reviewer saw (an INSERT for a
response nobody has reviewed, turn 0): of a double tap, or of two reviewers at once, exactly
one wins and the other gets False. A correction the review asked for replaces the response
when it is sent; the review and its history move to the correction with what it changed.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case, delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from forms.vocabulary import AWAITING_REVIEW, ReviewStatus, SubmissionStatus
from storage.models import FormVersion, Review, ReviewEvent, Submission
from storage.scopes import within


@dataclass(frozen=True, slots=True)
class ReviewDTO:
    submission_id: int
    status: ReviewStatus
    comment: str | None
    reviewer_id: int | None
    turn: int
    correction_id: int | None
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class ReviewEventDTO:
    id: int
    submission_id: int
    about_id: int
    at: datetime
    actor_id: int | None
    status: ReviewStatus
    comment: str | None
    question_id: str | None
    old: Any
    new: Any


@dataclass(frozen=True, slots=True)
class Change:
    """One question a correction changed: the stored values before and after (None: none)."""

    question_id: str
    old: Any
    new: Any


@dataclass(frozen=True, slots=True)
class Listed:
    """A sent response in the reviewers' list."""

    submission_id: int
    submitted_at: datetime | None
    status: ReviewStatus


RECEIVED = ReviewStatus.received


class ReviewRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def get(self, submission_id: int) -> ReviewDTO | None:
        query = select(Review.__table__).where(Review.submission_id == submission_id)
        row = (await self._connection.execute(query)).first()
        return None if row is None else ReviewDTO(**row._mapping)

    async def set_status(
        self,
        submission_id: int,
        seen: int,
        status: ReviewStatus,
        *,
        actor_id: int,
        now: datetime,
        comment: str | None = None,
    ) -> bool:
        """Set the status if the review is still at turn ``seen`` (0: never reviewed) and
        the response still counts (sent, not replaced); the change goes into the history.
        False when another change came first, or the response was corrected meanwhile."""
        locked = select(Submission.status).where(Submission.id == submission_id).with_for_update()
        if (await self._connection.execute(locked)).scalar() is not SubmissionStatus.submitted:
            return False
        values: dict[str, Any] = {"status": status, "reviewer_id": actor_id, "updated_at": now}
        if comment is not None or seen == 0:  # «Принять» keeps the last question asked
            values["comment"] = comment
        if seen == 0:
            try:
                async with self._connection.begin_nested():
                    await self._connection.execute(
                        insert(Review).values(submission_id=submission_id, turn=1, **values)
                    )
            except IntegrityError:
                return False
        else:
            result = await self._connection.execute(
                update(Review)
                .where(Review.submission_id == submission_id, Review.turn == seen)
                .values(turn=Review.turn + 1, **values)
            )
            if not result.rowcount:
                return False
        await self._event(submission_id, submission_id, now, actor_id, status, comment=comment)
        return True

    async def link_correction(self, submission_id: int, draft_id: int) -> bool:
        """The draft the respondent opened with «Исправить» is this response's correction;
        False when another draft already is (its draft still exists)."""
        result = await self._connection.execute(
            update(Review)
            .where(
                Review.submission_id == submission_id,
                or_(Review.correction_id.is_(None), Review.correction_id == draft_id),
            )
            .values(correction_id=draft_id)
        )
        return bool(result.rowcount)

    async def corrected_by(self, draft_id: int) -> ReviewDTO | None:
        """The review whose correction this draft is, if any."""
        query = select(Review.__table__).where(Review.correction_id == draft_id)
        row = (await self._connection.execute(query)).first()
        return None if row is None else ReviewDTO(**row._mapping)

    async def replace(
        self,
        old_id: int,
        new_id: int,
        *,
        actor_id: int,
        changes: Sequence[Change],
        now: datetime,
    ) -> bool:
        """A correction ``new_id`` was sent: ``old_id`` stops counting, its review and history
        move to the correction, whose status is «corrected», with what it changed."""
        await self._connection.execute(
            update(Submission)
            .where(Submission.id == old_id, Submission.status == SubmissionStatus.submitted)
            .values(status=SubmissionStatus.replaced, updated_at=now)
        )
        moved = await self._connection.execute(
            update(Review)
            .where(Review.submission_id == old_id)
            .values(
                submission_id=new_id,
                status=ReviewStatus.corrected,
                turn=Review.turn + 1,
                correction_id=None,
                updated_at=now,
            )
        )
        if not moved.rowcount:
            return False
        await self._connection.execute(
            update(ReviewEvent)
            .where(ReviewEvent.submission_id == old_id)
            .values(submission_id=new_id)
        )
        corrected = ReviewStatus.corrected
        if not changes:
            await self._event(new_id, new_id, now, actor_id, corrected)
        for change in changes:
            await self._event(
                new_id,
                new_id,
                now,
                actor_id,
                corrected,
                question_id=change.question_id,
                old=change.old,
                new=change.new,
            )
        return True

    async def visible(self, submission_id: int, municipalities: Collection[int]) -> bool:
        """The response belongs to these municipalities (as registers count them)."""
        query = select(Submission.id).where(Submission.id == submission_id, within(municipalities))
        return (await self._connection.execute(query)).first() is not None

    async def history(self, submission_id: int) -> list[ReviewEventDTO]:
        query = (
            select(ReviewEvent.__table__)
            .where(ReviewEvent.submission_id == submission_id)
            .order_by(ReviewEvent.id)
        )
        return [ReviewEventDTO(**row._mapping) for row in await self._connection.execute(query)]

    async def scrub_change(self, event_id: int, old: Any, new: Any) -> None:
        """Erasure: a change's values with the personal data replaced."""
        await self._connection.execute(
            update(ReviewEvent).where(ReviewEvent.id == event_id).values(old=old, new=new)
        )

    async def forget(self, submission_id: int) -> None:
        """The history and the review of a response (tests, cleanup)."""
        await self._connection.execute(
            delete(ReviewEvent).where(ReviewEvent.submission_id == submission_id)
        )
        await self._connection.execute(delete(Review).where(Review.submission_id == submission_id))

    # --- the reviewers' list ---------------------------------------------------------------

    async def listed(
        self,
        form_id: str,
        municipalities: Collection[int] | None,
        offset: int,
        limit: int,
    ) -> list[Listed]:
        """A form's sent responses (in these municipalities; None: everywhere): those
        awaiting review first, newest first within each."""
        status = func.coalesce(Review.status, RECEIVED)
        waiting = case((status.in_(sorted(AWAITING_REVIEW)), 0), else_=1)
        query = (
            select(Submission.id, Submission.submitted_at, status.label("review"))
            .select_from(_sent())
            .order_by(waiting, Submission.id.desc())
            .offset(offset)
            .limit(limit)
        )
        query = _where_sent(query, form_id, municipalities)
        return [
            Listed(row.id, row.submitted_at, ReviewStatus(row.review))
            for row in await self._connection.execute(query)
        ]

    async def counted(
        self, form_id: str, municipalities: Collection[int] | None
    ) -> tuple[int, int]:
        """How many sent responses the list has, and how many of them await review."""
        status = func.coalesce(Review.status, RECEIVED)
        waiting = func.sum(case((status.in_(sorted(AWAITING_REVIEW)), 1), else_=0))
        query = select(func.count(), waiting).select_from(_sent())
        query = _where_sent(query, form_id, municipalities)
        total, awaiting = (await self._connection.execute(query)).one()
        return int(total), int(awaiting or 0)

    async def _event(
        self,
        submission_id: int,
        about_id: int,
        at: datetime,
        actor_id: int | None,
        status: ReviewStatus,
        **values: Any,
    ) -> None:
        await self._connection.execute(
            insert(ReviewEvent).values(
                submission_id=submission_id,
                about_id=about_id,
                at=at,
                actor_id=actor_id,
                status=status,
                **values,
            )
        )


def _sent() -> Any:
    """Submissions with their form version and their review, if any."""
    return Submission.__table__.join(
        FormVersion, FormVersion.id == Submission.form_version_id
    ).outerjoin(Review, Review.submission_id == Submission.id)


def _where_sent(query: Any, form_id: str, municipalities: Collection[int] | None) -> Any:
    query = query.where(
        FormVersion.form_id == form_id, Submission.status == SubmissionStatus.submitted
    )
    if municipalities is not None:
        query = query.where(within(municipalities))
    return query


def counted_filter(counted: str) -> Any:
    """The condition a form's ``counted:`` puts on its sent responses (for the targets):
    None for ``sent`` (every one)."""
    status = select(Review.status).where(Review.submission_id == Submission.id).scalar_subquery()
    if counted == "accepted":
        return status == ReviewStatus.approved
    if counted == "not_rejected":
        return or_(status.is_(None), status != ReviewStatus.rejected)
    return None


def changes(old: dict[str, Any], new: dict[str, Any], order: Iterable[str]) -> list[Change]:
    """The questions whose stored value differs, in ``order`` (then any others, sorted)."""
    ids = list(dict.fromkeys([*order, *sorted(set(old) | set(new))]))
    return [
        Change(question_id, old.get(question_id), new.get(question_id))
        for question_id in ids
        if old.get(question_id) != new.get(question_id)
    ]
