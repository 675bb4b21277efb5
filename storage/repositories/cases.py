"""Workflow state on top of submissions: consultation requests and mentoring pairs.

Every change of status is one conditional UPDATE (``move``): of two people pressing at
the same moment, exactly one wins, and the other is told what happened."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from forms.vocabulary import CLOSED_CASES, CaseStatus, SubmissionStatus
from storage.dto import CaseDTO
from storage.models import Case, Submission
from storage.types import utcnow

_COLUMNS = select(
    Case.submission_id,
    Case.kind,
    Case.status,
    Case.assignee_id,
    Case.code,
    Case.subject,
    Case.reason,
    Case.updated_at,
    Case.closed_at,
    Submission.respondent_id,
    Submission.form_version_id,
    Submission.municipality_id,
    Submission.submitted_at,
    Submission.school_id,
).join(Submission, Submission.id == Case.submission_id)


class CaseRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def open(
        self, submission_id: int, kind: str, status: CaseStatus, **values: Any
    ) -> CaseDTO:
        now = utcnow()
        await self._connection.execute(
            insert(Case).values(
                submission_id=submission_id, kind=kind, status=status, updated_at=now, **values
            )
        )
        case = await self.get(submission_id)
        assert case is not None
        return case

    async def get(self, submission_id: int) -> CaseDTO | None:
        return await self._one(_COLUMNS.where(Case.submission_id == submission_id))

    async def by_code(self, code: str) -> CaseDTO | None:
        return await self._one(_COLUMNS.where(Case.code == code))

    async def move(
        self,
        submission_id: int,
        allowed: Iterable[CaseStatus],
        status: CaseStatus,
        **values: Any,
    ) -> bool:
        """Change the status only from one of ``allowed``; False when someone was first."""
        now = utcnow()
        closed = {"closed_at": now} if status in CLOSED_CASES else {}
        result = await self._connection.execute(
            update(Case)
            .where(Case.submission_id == submission_id, Case.status.in_(list(allowed)))
            .values(status=status, updated_at=now, **closed, **values)
        )
        return bool(result.rowcount)

    async def find(
        self,
        kind: str,
        *,
        statuses: Iterable[CaseStatus] | None = None,
        assignee_id: int | None = None,
        respondent_id: int | None = None,
        party_id: int | None = None,
        subject: str | None = None,
        school_id: int | None = None,
    ) -> list[CaseDTO]:
        """Cases of a kind, oldest first; ``party_id`` is either the respondent or the assignee."""
        query = _COLUMNS.where(Case.kind == kind)
        if subject is not None:
            query = query.where(Case.subject == subject)
        if statuses is not None:
            query = query.where(Case.status.in_(list(statuses)))
        if assignee_id is not None:
            query = query.where(Case.assignee_id == assignee_id)
        if school_id is not None:
            query = query.where(Submission.school_id == school_id)
        if respondent_id is not None:
            query = query.where(Submission.respondent_id == respondent_id)
        if party_id is not None:
            query = query.where(
                (Submission.respondent_id == party_id) | (Case.assignee_id == party_id)
            )
        rows = await self._connection.execute(query.order_by(Case.submission_id))
        return [CaseDTO(**row._mapping) for row in rows]

    async def attached_counts(self, submission_ids: Iterable[int]) -> dict[int, int]:
        """How many sent responses are attached to each case's submission (a pair's meetings)."""
        ids = list(submission_ids)
        if not ids:
            return {}
        query = (
            select(Submission.parent_id, func.count(Submission.id))
            .where(Submission.parent_id.in_(ids), Submission.status == SubmissionStatus.submitted)
            .group_by(Submission.parent_id)
        )
        rows = await self._connection.execute(query)
        counted = {parent: int(count) for parent, count in rows if parent is not None}
        return {submission_id: counted.get(submission_id, 0) for submission_id in ids}

    async def count(
        self,
        kind: str,
        statuses: Iterable[CaseStatus],
        *,
        changed_from: datetime | None = None,
        changed_to: datetime | None = None,
    ) -> int:
        """How many cases are in one of ``statuses``, changed within the period when given."""
        query = (
            select(func.count())
            .select_from(Case)
            .where(Case.kind == kind, Case.status.in_(list(statuses)))
        )
        if changed_from is not None:
            query = query.where(Case.updated_at >= changed_from)
        if changed_to is not None:
            query = query.where(Case.updated_at < changed_to)
        return int((await self._connection.execute(query)).scalar_one())

    async def _one(self, query: Any) -> CaseDTO | None:
        row = (await self._connection.execute(query)).first()
        return None if row is None else CaseDTO(**row._mapping)
