"""The figures behind /progress: how far each roadmap target is.

Counting cases is SQL. Answers are JSON, and JSON operators differ between SQLite and
PostgreSQL, so for responses the query reads only the few answers a measure needs (one
row per answer) and ``forms.targets`` tallies them in Python. A region sends hundreds of
event reports a year, so this stays a few milliseconds.

``municipalities`` limits every figure to responses placed in those municipalities (a
municipal coordinator); None means everywhere. A response without a place (a working-group
meeting names no school) counts for the municipalities of the person who sent it. Measures
of schools (distinct schools, shares, per-school minimums) count the schools where they are:
they read the responses of the whole region and see only the directory's schools of those
municipalities, so an event of the next district counts for our school that took part.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, or_, select, true
from sqlalchemy.ext.asyncio import AsyncConnection

from forms.directory import school_year_of
from forms.targets import (
    ActiveCases,
    ClosedCases,
    DirectorySchool,
    Measure,
    Period,
    Responses,
    Result,
    SchoolFlag,
    SchoolResponses,
    Sent,
)
from forms.vocabulary import SubmissionStatus
from storage.models import Answer, Case, FormVersion, School, SchoolYear, Submission
from storage.repositories.reviews import counted_filter
from storage.scopes import within

Answers = dict[str, Any]
CHUNK = 2_000
"""Submission ids per query of their answers (a bound for the drivers' parameters)."""


class ProgressRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def figure(
        self,
        measure: Measure,
        period: Period,
        zone: ZoneInfo,
        municipalities: Collection[int] | None = None,
    ) -> Result:
        """The current figure of a measure; the period's days are taken in ``zone``."""
        if isinstance(measure, ClosedCases):
            start, end = _moment(period.start, zone), _moment(period.end, zone)
            return await self.closed_cases(measure, start, end, municipalities)
        if isinstance(measure, ActiveCases):
            return measure.tally(await self.active_cases(measure, municipalities))
        if isinstance(measure, SchoolResponses):
            directory = await self.directory(municipalities, school_year_of(period.start))
            return measure.tally(await self.sent(measure, zone), period, directory)
        return measure.tally(await self.sent(measure, zone, municipalities), period)

    async def closed_cases(
        self,
        measure: ClosedCases,
        start: datetime,
        end: datetime,
        municipalities: Collection[int] | None = None,
    ) -> int:
        """Cases of the kind in the status, closed from ``start`` up to ``end`` (whose
        responses meet ``where``)."""
        query = (
            select(Case.submission_id)
            .join(Submission, Submission.id == Case.submission_id)
            .where(
                Case.kind == measure.case,
                Case.status == measure.status,
                Case.closed_at >= start,
                Case.closed_at < end,
                _within(municipalities),
            )
        )
        if measure.form is not None:
            query = query.join(FormVersion, FormVersion.id == Submission.form_version_id).where(
                FormVersion.form_id == measure.form
            )
        ids = [row.submission_id for row in await self._connection.execute(query)]
        if measure.where is None:
            return len(ids)
        return measure.tally((await self._answers(ids, measure.questions())).values())

    async def active_cases(
        self, measure: ActiveCases, municipalities: Collection[int] | None = None
    ) -> list[Answers]:
        """The answers ``where`` reads, one dict per case of the kind in the status now."""
        query = (
            select(Case.submission_id)
            .join(Submission, Submission.id == Case.submission_id)
            .where(
                Case.kind == measure.case,
                Case.status == measure.status,
                _within(municipalities),
            )
        )
        if measure.form is not None:
            query = query.join(FormVersion, FormVersion.id == Submission.form_version_id).where(
                FormVersion.form_id == measure.form
            )
        ids = [row.submission_id for row in await self._connection.execute(query)]
        return list((await self._answers(ids, measure.questions())).values())

    async def sent(
        self, measure: Responses, zone: ZoneInfo, municipalities: Collection[int] | None = None
    ) -> list[Sent]:
        """The sent responses of the measure's form that it counts (the form's ``counted:``:
        every one, or by their review), with the answers it reads, the local day each was
        sent and the code of its school."""
        query = (
            select(Submission.id, Submission.submitted_at, School.code)
            .join(FormVersion, FormVersion.id == Submission.form_version_id)
            .outerjoin(School, School.id == Submission.school_id)
            .where(
                FormVersion.form_id == measure.form,
                Submission.status == SubmissionStatus.submitted,
                _within(municipalities),
            )
        )
        reviewed = counted_filter(await self._counted(measure.form))
        if reviewed is not None:
            query = query.where(reviewed)
        rows = list(await self._connection.execute(query))
        answers = await self._answers([row.id for row in rows], measure.questions())
        return [Sent(answers[row.id], _day(row.submitted_at, zone), row.code) for row in rows]

    async def directory(
        self, municipalities: Collection[int] | None = None, year: int | None = None
    ) -> dict[str, DirectorySchool]:
        """The directory's schools (in these municipalities) by code, with their flags: of
        the school ``year`` where a directory of that year was imported, else the latest."""
        kept = None if year is None else await self._year_kept(year)
        if kept:
            query = (
                select(
                    School.code,
                    School.municipality_id,
                    SchoolYear.low_results,
                    SchoolYear.difficult_conditions,
                    SchoolYear.partner,
                )
                .join(SchoolYear, SchoolYear.school_id == School.id)
                .where(SchoolYear.year == year)
            )
        else:
            query = select(
                School.code,
                School.municipality_id,
                School.low_results,
                School.difficult_conditions,
                School.partner,
            )
        if municipalities is not None:
            query = query.where(School.municipality_id.in_(sorted(municipalities)))
        return {
            row.code: DirectorySchool(row.code, row.municipality_id, _flags(row))
            for row in await self._connection.execute(query)
        }

    async def _counted(self, form_id: str) -> str:
        """What the form's newest version says its targets count (``sent`` by default)."""
        query = (
            select(FormVersion.definition)
            .where(FormVersion.form_id == form_id)
            .order_by(FormVersion.version.desc())
            .limit(1)
        )
        definition = (await self._connection.execute(query)).scalar()
        found = definition.get("counted") if isinstance(definition, dict) else None
        return found if isinstance(found, str) else "sent"

    async def _year_kept(self, year: int) -> bool:
        query = select(SchoolYear.school_id).where(SchoolYear.year == year).limit(1)
        return (await self._connection.execute(query)).first() is not None

    async def _answers(self, ids: list[int], questions: Collection[str]) -> dict[int, Answers]:
        found: dict[int, Answers] = {submission_id: {} for submission_id in ids}
        if not ids or not questions:
            return found
        asked = or_(
            Answer.question_id.in_(sorted(questions)),
            *(Answer.question_id.like(_entries_of(q), escape="\\") for q in sorted(questions)),
        )
        for start in range(0, len(ids), CHUNK):
            query = select(Answer.submission_id, Answer.question_id, Answer.value).where(
                Answer.submission_id.in_(ids[start : start + CHUNK]), asked
            )
            for row in await self._connection.execute(query):
                found[row.submission_id][row.question_id] = row.value
        return found


def _entries_of(question_id: str) -> str:
    """A LIKE pattern of the entries' answers of a repeat's question: ``school[1]``, …"""
    return question_id.replace("_", "\\_") + "[%"


def _moment(day: date, zone: ZoneInfo) -> datetime:
    """The start of a local day, as an aware datetime."""
    return datetime.combine(day, time.min, tzinfo=zone)


def _day(moment: datetime | None, zone: ZoneInfo) -> date | None:
    return None if moment is None else moment.astimezone(zone).date()


def _flags(row: Any) -> frozenset[SchoolFlag]:
    flags: list[SchoolFlag] = []
    if row.low_results:
        flags.append("low_results")
    if row.difficult_conditions:
        flags.append("difficult_conditions")
    if row.partner:
        flags.append("partner")
    return frozenset(flags)


def _within(municipalities: Collection[int] | None) -> ColumnElement[bool]:
    """Responses of these municipalities (see storage.scopes); None: everywhere."""
    return true() if municipalities is None else within(municipalities)
