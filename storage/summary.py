"""The facts behind the working group's summary: sent responses of a form with a few answers,
their place (school and municipality from the directory), wave and workflow status.

A summary covers hundreds or a few thousand responses, so the facts are read whole; only the
answers a summary needs are read. The figures themselves are computed in ``exports``.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncConnection

from forms.vocabulary import SubmissionStatus
from storage.models import (
    Answer,
    Case,
    FormVersion,
    Municipality,
    School,
    SchoolYear,
    Submission,
    Wave,
)
from storage.registers import BATCH_SIZE as CHUNK
from storage.scopes import within


@dataclass(frozen=True, slots=True)
class Fact:
    """One sent response as a summary sees it: no names, no Telegram ids."""

    submission_id: int
    sent_at: datetime | None
    municipality: str | None
    school: str | None
    school_code: str | None
    wave: str | None
    status: str | None  # the workflow's status (a case), None without one
    answers: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Within:
    """Which responses: sent from ``sent_from`` up to ``sent_before`` (aware UTC), in
    ``municipalities`` (None: everywhere)."""

    sent_from: datetime | None = None
    sent_before: datetime | None = None
    municipalities: frozenset[int] | None = None


class SummaryReader:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def newest_definitions(self) -> dict[str, dict[str, Any]]:
        """The newest stored definition of every form."""
        query = select(FormVersion.form_id, FormVersion.definition).order_by(
            FormVersion.form_id, FormVersion.version
        )
        rows = await self._connection.execute(query)
        return {str(form_id): dict(definition) for form_id, definition in rows}  # newest last

    async def facts(self, form_id: str, questions: Collection[str], scope: Within) -> list[Fact]:
        """Sent responses of a form (every version), oldest first, with the answers to
        ``questions``."""
        query = (
            select(
                Submission.id,
                Submission.submitted_at,
                Municipality.name.label("municipality"),
                School.name.label("school"),
                School.code.label("school_code"),
                Wave.title.label("wave"),
                Case.status,
            )
            .join(FormVersion, FormVersion.id == Submission.form_version_id)
            .outerjoin(School, School.id == Submission.school_id)
            .outerjoin(Municipality, Municipality.id == Submission.municipality_id)
            .outerjoin(Wave, Wave.id == Submission.wave_id)
            .outerjoin(Case, Case.submission_id == Submission.id)
            .where(FormVersion.form_id == form_id, *_filters(scope))
            .order_by(Submission.id)
        )
        rows = list(await self._connection.execute(query))
        answers = await self._answers([row.id for row in rows], questions)
        return [
            Fact(
                submission_id=row.id,
                sent_at=row.submitted_at,
                municipality=row.municipality,
                school=row.school,
                school_code=row.school_code,
                wave=row.wave,
                status=None if row.status is None else str(row.status),
                answers=answers.get(row.id, {}),
            )
            for row in rows
        ]

    async def waves(self, form_id: str) -> list[str]:
        """The titles of a form's waves in the order they opened."""
        query = select(Wave.title).where(Wave.form_id == form_id).order_by(Wave.opens_on, Wave.id)
        return list((await self._connection.execute(query)).scalars())

    async def low_result_schools(
        self, municipalities: frozenset[int] | None, year: int | None = None
    ) -> frozenset[str]:
        """Codes of the schools with low results (in these municipalities): in the school
        ``year`` where a directory of that year was imported, else in the latest."""
        kept = (
            year is not None
            and (
                await self._connection.execute(
                    select(SchoolYear.school_id).where(SchoolYear.year == year).limit(1)
                )
            ).first()
            is not None
        )
        if kept:
            query = (
                select(School.code)
                .join(SchoolYear, SchoolYear.school_id == School.id)
                .where(SchoolYear.year == year, SchoolYear.low_results.is_(True))
            )
        else:
            query = select(School.code).where(School.low_results.is_(True))
        if municipalities is not None:
            query = query.where(School.municipality_id.in_(sorted(municipalities)))
        return frozenset((await self._connection.execute(query)).scalars())

    async def _answers(
        self, ids: list[int], questions: Collection[str]
    ) -> dict[int, dict[str, Any]]:
        found: dict[int, dict[str, Any]] = {}
        if not questions:
            return found
        for start in range(0, len(ids), CHUNK):
            query = select(Answer.submission_id, Answer.question_id, Answer.value).where(
                Answer.submission_id.in_(ids[start : start + CHUNK]),
                Answer.question_id.in_(sorted(questions)),
            )
            for submission_id, question_id, value in await self._connection.execute(query):
                found.setdefault(submission_id, {})[question_id] = value
        return found


def _filters(scope: Within) -> list[ColumnElement[bool]]:
    filters: list[ColumnElement[bool]] = [Submission.status == SubmissionStatus.submitted]
    if scope.sent_from is not None:
        filters.append(Submission.submitted_at >= scope.sent_from)
    if scope.sent_before is not None:
        filters.append(Submission.submitted_at < scope.sent_before)
    if scope.municipalities is not None:
        filters.append(within(scope.municipalities))
    return filters
