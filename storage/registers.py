"""The rows of one form's register, read in batches so that memory does not grow with them.

Sent responses (status ``submitted``; corrected ones marked ``replaced`` are left out) of
every version of a form, or of the chosen versions, filtered by period, place, wave and
workflow status. Batches are read by keyset (submission id), each with its answers in one
query, so a register of 100,000 responses holds one batch of rows at a time.

The records are plain: ``handlers`` turns them into ``exports.rows.RegisterRow`` (storage and
exports do not import each other). An anonymised reading carries neither names nor
Telegram ids, only the stable pseudonym, and leaves out the ``hidden`` (personal) answers.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ColumnElement, Select, func, select
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.orm import aliased

from forms.personal import pseudonym_code
from forms.vocabulary import CaseStatus, SubmissionStatus, WorkflowKind
from storage.models import (
    Answer,
    AuditEntry,
    Case,
    FormVersion,
    Municipality,
    Review,
    ReviewEvent,
    School,
    Slot,
    Submission,
    User,
)
from storage.repositories.cases import CaseRepository
from storage.scopes import within

BATCH_SIZE = 2_000
SENT = "submitted"
"""The status of a sent response that no workflow follows (no case)."""
MENTORING = WorkflowKind.mentoring
REQUEST = WorkflowKind.request
PAIR_CONFIRMED = "pair_confirmed"
"""The audit action that records when a mentee confirmed a pair (its ``pair`` detail)."""


class Extra(StrEnum):
    """Keys of a record's workflow values (``RegisterRecord.extra``)."""

    slot = "slot"  # consultation: the booked time
    consultant = "consultant"  # consultation: who took the request (a name: personal)
    closed_at = "closed_at"  # consultation or pair: when it reached its last status
    mentee = "mentee"  # pair: the mentee's name (personal)
    confirmed_at = "confirmed_at"  # pair: when the mentee confirmed
    meetings = "meetings"  # pair: sent meeting records
    reason = "reason"  # pair: why it was dissolved; a school's request: why declined (a code)
    assignee = "assignee"  # a school's request: the coordinator who took it


PERSONAL_EXTRAS = frozenset({Extra.consultant, Extra.mentee})


@dataclass(frozen=True, slots=True)
class Selection:
    """Which responses: ``versions`` are version numbers (empty: all); ``sent_from`` and
    ``sent_before`` are aware UTC bounds (the caller turns local dates into them);
    ``municipalities`` None means everywhere; ``status`` is a case status or ``SENT``."""

    form_id: str
    versions: frozenset[int] = frozenset()
    sent_from: datetime | None = None
    sent_before: datetime | None = None
    municipalities: frozenset[int] | None = None
    school_id: int | None = None
    wave_id: int | None = None
    status: str | None = None


@dataclass(frozen=True, slots=True)
class Reading:
    """How rows are read: anonymised (pseudonyms, no names or ids) or in full.

    ``hidden`` question ids are not read at all (the personal questions, when anonymised);
    nor are the entries of the ``hidden_in_repeats`` ones (``name[1]``, ``name[2]``…)."""

    pseudonym_key: bytes
    anonymous: bool = False
    hidden: frozenset[str] = frozenset()
    batch_size: int = BATCH_SIZE
    hidden_in_repeats: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class ReviewRecord:
    """An entry of a response's review history (see ``storage.models.ReviewEvent``): ``who``
    a name, or, anonymised, the respondent's pseudonym when they made it; ``hidden``: the
    values of a personal question, not read for an anonymised register."""

    at: datetime
    who: str | None
    status: str
    comment: str | None = None
    question_id: str | None = None
    old: Any = None
    new: Any = None
    hidden: bool = False


@dataclass(frozen=True, slots=True)
class RegisterRecord:
    """One sent response, as ``exports.rows.RegisterRow`` wants it: a name and an id in full,
    a pseudonym only anonymised (the only register that shows it; an HMAC a row)."""

    number: int
    version: int
    status: str
    sent_at: datetime | None
    respondent_id: int | None
    respondent_name: str | None
    pseudonym: str | None
    answers: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    school: dict[str, str] | None = None
    review_status: str = "received"
    review_comment: str | None = None
    review: tuple[ReviewRecord, ...] = ()


class RegisterReader:
    """Reads a register over one connection (a ``Database.read()`` snapshot)."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def versions(self, form_id: str) -> dict[int, int]:
        """Version id → version number, for every stored version of the form."""
        query = select(FormVersion.id, FormVersion.version).where(FormVersion.form_id == form_id)
        return {row.id: row.version for row in await self._connection.execute(query)}

    async def count(self, selection: Selection) -> int:
        versions = await self._chosen_versions(selection)
        query = select(func.count()).select_from(_source()).where(*_filters(selection, versions))
        return int((await self._connection.execute(query)).scalar_one())

    async def batches(
        self, selection: Selection, reading: Reading
    ) -> AsyncGenerator[list[RegisterRecord], None]:
        """Records in submission order, ``reading.batch_size`` at a time."""
        versions = await self._chosen_versions(selection)
        after = 0
        while True:
            rows = await self._rows(selection, versions, reading, after)
            if not rows:
                return
            yield await self._records(rows, versions, reading)
            after = rows[-1].id

    async def _chosen_versions(self, selection: Selection) -> dict[int, int]:
        versions = await self.versions(selection.form_id)
        if not selection.versions:
            return versions
        return {key: number for key, number in versions.items() if number in selection.versions}

    async def _rows(
        self, selection: Selection, versions: Mapping[int, int], reading: Reading, after: int
    ) -> list[Row[Any]]:
        query = (
            _batch_query(selection, reading)
            .where(*_filters(selection, versions), Submission.id > after)
            .order_by(Submission.id)
            .limit(reading.batch_size)
        )
        return list(await self._connection.execute(query))

    async def _records(
        self, rows: list[Row[Any]], versions: Mapping[int, int], reading: Reading
    ) -> list[RegisterRecord]:
        ids = [row.id for row in rows]
        answers = await self._answers(ids, reading)
        pairs = [row.id for row in rows if row.kind == MENTORING]
        meetings = await CaseRepository(self._connection).attached_counts(pairs)
        confirmed = await self._confirmations(pairs)
        reviewed = [row.id for row in rows if row.review_status is not None]
        history = await self._review_history(reviewed, reading, rows)
        records = []
        for row in rows:
            extra = _extra(row, reading.anonymous)
            if row.kind == MENTORING:
                extra[Extra.meetings] = meetings.get(row.id, 0)
                extra[Extra.confirmed_at] = confirmed.get(row.id)
            record = _record(row, versions, reading, answers.pop(row.id, {}), extra)
            if row.review_status is not None:
                record = replace(
                    record,
                    review_status=str(row.review_status),
                    review_comment=row.review_comment,
                    review=tuple(history.get(row.id, ())),
                )
            records.append(record)
        return records

    async def _review_history(
        self, ids: list[int], reading: Reading, rows: list[Row[Any]]
    ) -> dict[int, list[ReviewRecord]]:
        """The review history of the batch's reviewed responses, in one query: who by name
        (the respondent by pseudonym when anonymised); a personal question's values are not
        read when anonymised."""
        if not ids:
            return {}
        respondents = {row.id: row.respondent_id for row in rows}
        query = (
            select(ReviewEvent.__table__, _ACTOR.first_name, _ACTOR.last_name)
            .outerjoin(_ACTOR, _ACTOR.id == ReviewEvent.actor_id)
            .where(ReviewEvent.submission_id.in_(ids))
            .order_by(ReviewEvent.id)
        )
        found: dict[int, list[ReviewRecord]] = {}
        for event in await self._connection.execute(query):
            hidden = reading.anonymous and _is_hidden(event.question_id, reading)
            by_respondent = event.actor_id == respondents.get(event.submission_id)
            who: str | None
            if reading.anonymous and by_respondent and event.actor_id is not None:
                who = pseudonym_code(event.actor_id, reading.pseudonym_key)
            else:
                who = _name(event.first_name, event.last_name)
            found.setdefault(event.submission_id, []).append(
                ReviewRecord(
                    at=event.at,
                    who=who,
                    status=str(event.status),
                    comment=event.comment,
                    question_id=event.question_id,
                    old=None if hidden else event.old,
                    new=None if hidden else event.new,
                    hidden=hidden,
                )
            )
        return found

    async def _answers(self, ids: list[int], reading: Reading) -> dict[int, dict[str, Any]]:
        """The answers of each submission as one JSON object built by the database: one row
        per submission instead of one per answer (twice as fast on SQLite)."""
        answers = _answers_object(self._connection.dialect.name)
        query = (
            select(Answer.submission_id, answers)
            .where(Answer.submission_id.in_(ids))
            .group_by(Answer.submission_id)
        )
        if reading.hidden:
            query = query.where(Answer.question_id.not_in(sorted(reading.hidden)))
        for question_id in sorted(reading.hidden_in_repeats):
            query = query.where(Answer.question_id.not_like(_entries_of(question_id), escape="\\"))
        rows = await self._connection.execute(query)
        return {int(submission_id): dict(found) for submission_id, found in rows}

    async def _confirmations(self, pairs: list[int]) -> dict[int, datetime]:
        """When each pair was confirmed: the time of the audit entry the confirmation wrote
        (the case keeps only its latest change)."""
        if not pairs:
            return {}
        pair = AuditEntry.details["pair"].as_integer()
        query = (
            select(pair, func.min(AuditEntry.at))
            .where(AuditEntry.action == PAIR_CONFIRMED, pair.in_(pairs))
            .group_by(pair)
        )
        return {int(number): at for number, at in await self._connection.execute(query)}


# --- the query -------------------------------------------------------------------------------


def _answers_object(dialect: str) -> ColumnElement[Any]:
    """question id → value, aggregated: PostgreSQL's ``json_object_agg``, SQLite's
    ``json_group_object`` (the two dialects the bot runs on)."""
    if dialect == "postgresql":
        return func.json_object_agg(Answer.question_id, Answer.value, type_=JSON)
    return func.json_group_object(Answer.question_id, func.json(Answer.value), type_=JSON)


def _entries_of(question_id: str) -> str:
    """The LIKE pattern of a repeat question's entry ids: ``name[%``, ``_`` taken literally."""
    return question_id.replace("_", "\\_") + "[%"


_ASSIGNEE = aliased(User, name="assignee")
_ACTOR = aliased(User, name="actor")


def _is_hidden(question_id: str | None, reading: Reading) -> bool:
    """A personal question's answer id (a repeat's entry of one, too)."""
    if question_id is None:
        return False
    if question_id in reading.hidden:
        return True
    base = question_id.split("[", 1)[0]
    return question_id != base and base in reading.hidden_in_repeats


def _source() -> Any:
    """Submissions with their case (the status filter needs it)."""
    return Submission.__table__.outerjoin(Case, Case.submission_id == Submission.id)


def _batch_query(selection: Selection, reading: Reading) -> Select[Any]:
    columns: list[Any] = [
        Submission.id,
        Submission.form_version_id,
        Submission.submitted_at,
        Submission.respondent_id,
        Case.kind,
        Case.status,
        Case.closed_at,
        Case.reason,
        Slot.starts_at,
        School.short_name.label("school_name"),
        Municipality.name.label("school_municipality"),
        Review.status.label("review_status"),
        Review.comment.label("review_comment"),
    ]
    query = select(*columns).select_from(_source())
    query = query.outerjoin(Review, Review.submission_id == Submission.id)
    query = query.outerjoin(Slot, Slot.submission_id == Submission.id)
    query = query.outerjoin(School, School.id == Submission.school_id)
    query = query.outerjoin(Municipality, Municipality.id == School.municipality_id)
    if reading.anonymous:
        return query
    return (
        query.add_columns(
            User.first_name,
            User.last_name,
            _ASSIGNEE.first_name.label("assignee_first"),
            _ASSIGNEE.last_name.label("assignee_last"),
        )
        .outerjoin(User, User.id == Submission.respondent_id)
        .outerjoin(_ASSIGNEE, _ASSIGNEE.id == Case.assignee_id)
    )


def _filters(selection: Selection, versions: Mapping[int, int]) -> list[ColumnElement[bool]]:
    filters: list[ColumnElement[bool]] = [
        Submission.form_version_id.in_(sorted(versions)),
        Submission.status == SubmissionStatus.submitted,
    ]
    if selection.sent_from is not None:
        filters.append(Submission.submitted_at >= selection.sent_from)
    if selection.sent_before is not None:
        filters.append(Submission.submitted_at < selection.sent_before)
    if selection.municipalities is not None:
        filters.append(within(selection.municipalities))
    if selection.school_id is not None:
        filters.append(Submission.school_id == selection.school_id)
    if selection.wave_id is not None:
        filters.append(Submission.wave_id == selection.wave_id)
    if selection.status is not None:
        filters.append(_status_is(selection.status))
    return filters


def _status_is(status: str) -> ColumnElement[bool]:
    if status == SENT:
        return Case.submission_id.is_(None)
    return Case.status == CaseStatus(status)


# --- rows into records -----------------------------------------------------------------------


def _record(
    row: Row[Any],
    versions: Mapping[int, int],
    reading: Reading,
    answers: dict[str, Any],
    extra: dict[str, Any],
) -> RegisterRecord:
    anonymous = reading.anonymous
    return RegisterRecord(
        number=row.id,
        version=versions[row.form_version_id],
        status=SENT if row.status is None else str(row.status),
        sent_at=row.submitted_at,
        respondent_id=None if anonymous else row.respondent_id,
        respondent_name=None if anonymous else _name(row.first_name, row.last_name),
        pseudonym=pseudonym_code(row.respondent_id, reading.pseudonym_key) if anonymous else None,
        answers=answers,
        extra=extra,
        school=_school(row),
    )


def _school(row: Row[Any]) -> dict[str, str] | None:
    """The school the response is about (a school's form: the school that answered)."""
    if row.school_name is None:
        return None
    return {"name": row.school_name, "municipality": row.school_municipality}


def _extra(row: Row[Any], anonymous: bool) -> dict[str, Any]:
    if row.kind is None:
        return {}
    extra: dict[str, Any] = {Extra.closed_at: row.closed_at}
    if row.kind == MENTORING:
        extra[Extra.reason] = row.reason
        if not anonymous:
            extra[Extra.mentee] = _name(row.assignee_first, row.assignee_last)
        return extra
    if row.kind == REQUEST:
        extra[Extra.reason] = row.reason
        extra[Extra.assignee] = _name(row.assignee_first, row.assignee_last)
        return extra
    extra[Extra.slot] = row.starts_at
    if not anonymous:
        extra[Extra.consultant] = _name(row.assignee_first, row.assignee_last)
    return extra


def _name(first: str | None, last: str | None) -> str | None:
    return " ".join(part for part in (first, last) if part) or None
