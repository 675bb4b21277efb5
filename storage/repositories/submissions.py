"""Submissions and their answers. Where a person is in a form follows from the answers."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import fields
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, func, insert, literal, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from forms.vocabulary import SubmissionStatus
from storage.dto import DraftDTO, LoadedSubmission, SubmissionDTO, TypedAnswer
from storage.models import Answer, Case, FormVersion, Submission
from storage.types import utcnow

_COLUMNS = select(Submission.__table__)

# The statements of every answer, built once: building a statement from the ORM's attributes
# costs more than executing it (SQLAlchemy's compiled cache then serves them by identity).
# The load's columns are in the order of ``SubmissionDTO``'s fields, then the answer's: each
# row is read by position (a ``Row``'s mapping and named access cost more than the query).
_DTO_FIELDS = tuple(field.name for field in fields(SubmissionDTO))
_LOAD = (
    select(
        *(Submission.__table__.c[name] for name in _DTO_FIELDS),
        Answer.question_id,
        Answer.value,
        Answer.message_id,
        Answer.message_sent_at,
        Answer.typed_by,
    )
    .outerjoin(Answer, Answer.submission_id == Submission.id)
    .where(Submission.id == bindparam("submission_id"))
)
_SPLIT = len(_DTO_FIELDS)
_ANSWERS = Answer.metadata.tables["answers"]  # the Table, typed as one
_ANSWER_VALUES = ("value", "answered_at", "message_id", "message_sent_at", "typed_by")
_UPDATE_ANSWER = (
    update(_ANSWERS)
    .where(
        Answer.submission_id == bindparam("_submission"),
        Answer.question_id == bindparam("_question"),
    )
    .values({name: bindparam(f"_{name}") for name in _ANSWER_VALUES})
)
_INSERT_ANSWER = insert(_ANSWERS)


def school_key(form_id: str, school_id: int, wave_id: int | None) -> str:
    """What the shared draft and the sent response of a school's form are keyed by: one of
    each per form, school and wave (unique indexes on ``submissions.school_key``)."""
    return f"{form_id}:{school_id}:{wave_id or 0}"


class SubmissionRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def get(self, submission_id: int) -> SubmissionDTO | None:
        row = (
            await self._connection.execute(_COLUMNS.where(Submission.id == submission_id))
        ).first()
        return None if row is None else SubmissionDTO(**row._mapping)

    async def load(self, submission_id: int, typist: int | None = None) -> LoadedSubmission | None:
        """The submission, its answers and the latest answer ``typist`` typed (message ids are
        per chat: the other heads of a school answer in their own chats), in one query (the
        hot path of every answer)."""
        rows = (await self._connection.execute(_LOAD, {"submission_id": submission_id})).all()
        if not rows:
            return None
        answers: dict[str, Any] = {}
        last: tuple[str, int, datetime] | None = None
        for question_id, value, message_id, sent_at, typed_by in (r[_SPLIT:] for r in rows):
            if question_id is None:
                continue
            answers[question_id] = value
            typed = message_id is not None and sent_at is not None
            if typed and typed_by in (None, typist) and (last is None or message_id > last[1]):
                last = (question_id, message_id, sent_at)
        submission = SubmissionDTO(*rows[0][:_SPLIT])
        return LoadedSubmission(submission, answers, None if last is None else TypedAnswer(*last))

    async def draft_of(
        self, form_version_id: int, respondent_id: int, *, test: bool = False
    ) -> SubmissionDTO | None:
        query = _COLUMNS.where(
            Submission.form_version_id == form_version_id,
            Submission.respondent_id == respondent_id,
            Submission.status == SubmissionStatus.draft,
            Submission.test.is_(test),
        )
        row = (await self._connection.execute(query)).first()
        return None if row is None else SubmissionDTO(**row._mapping)

    async def open_draft(
        self,
        form_version_id: int,
        respondent_id: int,
        *,
        wave_id: int | None = None,
        parent_id: int | None = None,
        test: bool = False,
    ) -> SubmissionDTO:
        """The person's unfinished submission of this version, or a new one; ``test``: a
        coordinator's trial of a form not yet published (never counted anywhere)."""
        existing = await self.draft_of(form_version_id, respondent_id, test=test)
        if existing is not None:
            return existing
        values: dict[str, Any] = {"wave_id": wave_id, "parent_id": parent_id, "test": test}
        result = await self._connection.execute(
            _new_draft(form_version_id, respondent_id, **values)
        )
        created = await self.get(result.scalar_one())
        assert created is not None
        return created

    async def school_draft(self, key: str) -> SubmissionDTO | None:
        return await self._of_school(key, SubmissionStatus.draft)

    async def school_sent(self, key: str) -> SubmissionDTO | None:
        return await self._of_school(key, SubmissionStatus.submitted)

    async def _of_school(self, key: str, status: SubmissionStatus) -> SubmissionDTO | None:
        query = _COLUMNS.where(Submission.school_key == key, Submission.status == status)
        row = (await self._connection.execute(query)).first()
        return None if row is None else SubmissionDTO(**row._mapping)

    async def open_school_draft(
        self,
        form_version_id: int,
        respondent_id: int,
        key: str,
        place: tuple[int, int],
        wave_id: int | None = None,
    ) -> tuple[SubmissionDTO, bool]:
        """The school's shared draft (``place``: its school and municipality), or a new one;
        and whether it is new. Two heads opening it at the same moment get the same draft:
        the unique index lets one insert win, and the other reads the winner's."""
        existing = await self.school_draft(key)
        if existing is not None:
            return existing, False
        school_id, municipality_id = place
        query = _new_draft(
            form_version_id,
            respondent_id,
            wave_id=wave_id,
            school_id=school_id,
            municipality_id=municipality_id,
            school_key=key,
        )
        try:
            async with self._connection.begin_nested():
                await self._connection.execute(query)
        except IntegrityError:
            created = False
        else:
            created = True
        draft = await self.school_draft(key)
        assert draft is not None
        return draft, created

    async def drafts(self, respondent_id: int, school_id: int | None = None) -> list[DraftDTO]:
        """Unfinished questionnaires of a person (and the shared drafts of the school they
        head, ``school_id``), newest first."""
        answered = (
            select(func.count(Answer.id))
            .where(Answer.submission_id == Submission.id)
            .scalar_subquery()
        )
        query = (
            select(
                Submission.id,
                FormVersion.form_id,
                FormVersion.id,
                FormVersion.title,
                answered,
                Submission.created_at,
            )
            .join(FormVersion, FormVersion.id == Submission.form_version_id)
            .where(
                _own_or_school(respondent_id, school_id),
                Submission.status == SubmissionStatus.draft,
                Submission.test.is_(False),
            )
            .order_by(Submission.created_at.desc(), Submission.id.desc())
        )
        return [DraftDTO(*row) for row in await self._connection.execute(query)]

    async def count_submitted(self, form_id: str, respondent_id: int) -> int:
        query = (
            select(func.count(Submission.id))
            .join(FormVersion, FormVersion.id == Submission.form_version_id)
            .where(
                FormVersion.form_id == form_id,
                Submission.respondent_id == respondent_id,
                Submission.status == SubmissionStatus.submitted,
            )
        )
        return int((await self._connection.execute(query)).scalar_one())

    async def of_respondent(self, respondent_id: int) -> list[SubmissionDTO]:
        """A person's own responses and drafts: not their school's (``school_key``), which
        they may have opened or sent for it but which belong to the school."""
        query = _COLUMNS.where(
            Submission.respondent_id == respondent_id, Submission.school_key.is_(None)
        ).order_by(Submission.id)
        return [SubmissionDTO(**row._mapping) for row in await self._connection.execute(query)]

    async def expired_personal(
        self, form_id: str, submitted_before: datetime
    ) -> list[SubmissionDTO]:
        """Personal data not yet erased, and old enough: counted from the send, or, for a
        response with a workflow (a consultation), from when that closed; never while open."""
        since_sent = Case.submission_id.is_(None) & (Submission.submitted_at < submitted_before)
        since_closed = Case.closed_at.is_not(None) & (Case.closed_at < submitted_before)
        query = (
            _COLUMNS.join(FormVersion, FormVersion.id == Submission.form_version_id)
            .outerjoin(Case, Case.submission_id == Submission.id)
            .where(
                FormVersion.form_id == form_id,
                Submission.status.in_([SubmissionStatus.submitted, SubmissionStatus.replaced]),
                Submission.personal_erased_at.is_(None),
                since_sent | since_closed,
            )
            .order_by(Submission.id)
        )
        return [SubmissionDTO(**row._mapping) for row in await self._connection.execute(query)]

    async def mark_personal_erased(self, submission_id: int) -> None:
        await self._connection.execute(
            update(Submission)
            .where(Submission.id == submission_id)
            .values(personal_erased_at=utcnow())
        )

    async def answers(self, submission_id: int) -> dict[str, Any]:
        query = select(Answer.question_id, Answer.value).where(
            Answer.submission_id == submission_id
        )
        return {row.question_id: row.value for row in await self._connection.execute(query)}

    async def save_answer(
        self,
        submission_id: int,
        question_id: str,
        value: Any,
        *,
        exists: bool | None = None,
        message: tuple[int, datetime] | None = None,
        typed_by: int | None = None,
    ) -> None:
        """Insert or replace one answer (``message``: the id and the sending time of the
        Telegram message that carried it). A caller that loaded the answers says whether this
        one ``exists`` (one statement); otherwise UPDATE, then INSERT (no dialect-specific
        upsert)."""
        now = utcnow()
        changed = None
        message_id, sent_at = message if message is not None else (None, None)
        values = {
            "value": value,
            "answered_at": now,
            "message_id": message_id,
            "message_sent_at": sent_at,
            "typed_by": typed_by if message is not None else None,
        }
        if exists is not False:
            changed = await self._connection.execute(
                _UPDATE_ANSWER,
                {
                    "_submission": submission_id,
                    "_question": question_id,
                    **{f"_{name}": v for name, v in values.items()},
                },
            )
        if changed is None or changed.rowcount == 0:
            await self._connection.execute(
                _INSERT_ANSWER,
                {"submission_id": submission_id, "question_id": question_id, **values},
            )

    async def delete_answers(self, submission_id: int, question_ids: Iterable[str]) -> None:
        ids = list(question_ids)
        if ids:
            await self._connection.execute(
                delete(Answer).where(
                    Answer.submission_id == submission_id, Answer.question_id.in_(ids)
                )
            )

    async def submit(
        self, submission_id: int, by: int | None = None, many: bool = False, test: bool = False
    ) -> bool:
        """Mark a draft submitted (``tested``, a trial). False when it was not a draft (a second
        tap, a stale button).

        A school's draft records who sent it (``by``); a school's form with many responses
        makes its key its own (``…:<number>``), so that the next request of the school is a
        new draft while the response stays the school's."""
        now = utcnow()
        status = SubmissionStatus.tested if test else SubmissionStatus.submitted
        values: dict[str, Any] = {"status": status}
        values.update(submitted_at=now, updated_at=now)
        if by is not None:
            values["respondent_id"] = by
        if many:
            values["school_key"] = Submission.school_key + f":{submission_id}"
        result = await self._connection.execute(
            update(Submission)
            .where(Submission.id == submission_id, Submission.status == SubmissionStatus.draft)
            .values(**values)
        )
        return bool(result.rowcount)

    async def replace_school_response(self, submission: SubmissionDTO) -> int:
        """A school's correction is about to be sent: its earlier response stops counting
        (first, so that the unique index never sees two)."""
        if submission.school_key is None:
            return 0
        result = await self._connection.execute(
            update(Submission)
            .where(
                Submission.school_key == submission.school_key,
                Submission.status == SubmissionStatus.submitted,
                Submission.id != submission.id,
            )
            .values(status=SubmissionStatus.replaced, updated_at=utcnow())
        )
        return int(result.rowcount)

    async def copy_answers(self, source_id: int, target_id: int) -> None:
        """Start a correction: the draft gets the answers of the sent response."""
        answers = select(
            literal(target_id).label("submission_id"),
            Answer.question_id,
            Answer.value,
            Answer.answered_at,
        ).where(Answer.submission_id == source_id)
        await self._connection.execute(
            insert(Answer).from_select(
                ["submission_id", "question_id", "value", "answered_at"], answers
            )
        )

    async def replace_in_wave(self, submission: SubmissionDTO, form_id: str) -> int:
        """A correction was sent: the person's earlier responses in the wave stop counting."""
        if submission.wave_id is None:
            return 0
        versions = select(FormVersion.id).where(FormVersion.form_id == form_id)
        result = await self._connection.execute(
            update(Submission)
            .where(
                Submission.form_version_id.in_(versions),
                Submission.wave_id == submission.wave_id,
                Submission.respondent_id == submission.respondent_id,
                Submission.status == SubmissionStatus.submitted,
                Submission.id != submission.id,
            )
            .values(status=SubmissionStatus.replaced, updated_at=utcnow())
        )
        return int(result.rowcount)

    async def set_wave(self, submission_id: int, wave_id: int) -> None:
        await self._connection.execute(
            update(Submission).where(Submission.id == submission_id).values(wave_id=wave_id)
        )

    async def attach(self, submission_id: int, parent_id: int | None) -> None:
        """Point a draft of an attached form at the response it is about (the latest pick)."""
        if parent_id is not None:
            await self._connection.execute(
                update(Submission).where(Submission.id == submission_id).values(parent_id=parent_id)
            )

    async def place(self, submission_id: int, school_id: int, municipality_id: int) -> None:
        """The school a response is about, for filters by school and municipality."""
        await self._connection.execute(
            update(Submission)
            .where(Submission.id == submission_id)
            .values(school_id=school_id, municipality_id=municipality_id)
        )

    async def discard(self, submission_id: int) -> bool:
        """Delete an unfinished submission with its answers."""
        result = await self._connection.execute(
            delete(Submission).where(
                Submission.id == submission_id, Submission.status == SubmissionStatus.draft
            )
        )
        return bool(result.rowcount)


def _new_draft(form_version_id: int, respondent_id: int, **values: Any) -> Any:
    """The INSERT of a new draft (a person's, or a school's with its key and place)."""
    now = utcnow()
    return (
        insert(Submission)
        .values(
            form_version_id=form_version_id,
            respondent_id=respondent_id,
            status=SubmissionStatus.draft,
            created_at=now,
            updated_at=now,
            **values,
        )
        .returning(Submission.id)
    )


def _own_or_school(respondent_id: int, school_id: int | None) -> Any:
    """A person's own drafts, and those of the school they head (nobody else's school's)."""
    own = (Submission.respondent_id == respondent_id) & Submission.school_key.is_(None)
    if school_id is None:
        return own
    return or_(own, Submission.school_key.is_not(None) & (Submission.school_id == school_id))
