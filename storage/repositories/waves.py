"""Monitoring waves of ``per_period`` forms, and the one response per person per wave."""

from __future__ import annotations

from datetime import date

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from forms.vocabulary import SubmissionStatus
from storage.dto import SubmissionDTO, WaveDTO
from storage.models import FormVersion, Submission, Wave
from storage.types import utcnow

_COLUMNS = select(Wave.__table__)


class WaveRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def open(
        self,
        form_id: str,
        *,
        kind: str,
        title: str,
        opens_on: date,
        closes_on: date,
        created_by: int,
    ) -> WaveDTO | None:
        """A new stage from ``opens_on``; None when one is open already (someone else opened
        one at the same moment: the unique index of open stages refuses the second). Stages
        that ran out before ``opens_on`` are closed first."""
        await self._connection.execute(
            update(Wave)
            .where(Wave.form_id == form_id, Wave.closed_at.is_(None), Wave.closes_on < opens_on)
            .values(closed_at=utcnow())
        )
        query = (
            insert(Wave)
            .values(
                form_id=form_id,
                kind=kind,
                title=title,
                opens_on=opens_on,
                closes_on=closes_on,
                created_by=created_by,
                created_at=utcnow(),
            )
            .returning(Wave.id)
        )
        try:
            async with self._connection.begin_nested():
                result = await self._connection.execute(query)
        except IntegrityError:
            return None
        return await self.get(result.scalar_one())

    async def get(self, wave_id: int) -> WaveDTO | None:
        row = (await self._connection.execute(_COLUMNS.where(Wave.id == wave_id))).first()
        return None if row is None else WaveDTO(**row._mapping)

    async def of_form(self, form_id: str) -> list[WaveDTO]:
        query = _COLUMNS.where(Wave.form_id == form_id).order_by(Wave.opens_on, Wave.id)
        return [WaveDTO(**row._mapping) for row in await self._connection.execute(query)]

    async def current(self, form_id: str, today: date) -> WaveDTO | None:
        """The wave open today (the latest opened, should two overlap)."""
        waves = [wave for wave in await self.of_form(form_id) if wave.is_open(today)]
        return waves[-1] if waves else None

    async def close(self, wave_id: int) -> bool:
        result = await self._connection.execute(
            update(Wave)
            .where(Wave.id == wave_id, Wave.closed_at.is_(None))
            .values(closed_at=utcnow())
        )
        return bool(result.rowcount)

    async def response(
        self, form_id: str, wave_id: int, respondent_id: int
    ) -> SubmissionDTO | None:
        """The person's sent response in the wave, if any."""
        query = (
            select(Submission.__table__)
            .join(FormVersion, FormVersion.id == Submission.form_version_id)
            .where(
                FormVersion.form_id == form_id,
                Submission.wave_id == wave_id,
                Submission.respondent_id == respondent_id,
                Submission.status == SubmissionStatus.submitted,
            )
        )
        row = (await self._connection.execute(query)).first()
        return None if row is None else SubmissionDTO(**row._mapping)
