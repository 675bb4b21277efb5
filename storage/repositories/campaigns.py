"""Campaigns, their audience and coverage, and the school links that fill profiles."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, insert, or_, select, true, update
from sqlalchemy.ext.asyncio import AsyncConnection

from forms.vocabulary import SCHOOLS_AUDIENCE, Role, SchoolGroup, SubmissionStatus
from storage.dto import CampaignDTO, Coverage, Recipient
from storage.models import (
    Campaign,
    FormVersion,
    Municipality,
    School,
    SchoolLink,
    Submission,
    User,
)

_COLUMNS = select(Campaign.__table__)


def _in_schools(campaign: CampaignDTO) -> ColumnElement[bool]:
    """The schools a campaign reaches (its group of schools and its municipalities)."""
    group = SchoolGroup(campaign.schools)
    condition: ColumnElement[bool] = true()
    if group is SchoolGroup.low:
        condition = School.low_results.is_(True)
    elif group is SchoolGroup.difficult:
        condition = School.difficult_conditions.is_(True)
    elif group is SchoolGroup.both:
        condition = or_(School.low_results.is_(True), School.difficult_conditions.is_(True))
    if campaign.municipality_ids is not None:
        condition = and_(condition, School.municipality_id.in_(campaign.municipality_ids))
    return condition


def _responses(campaign: CampaignDTO, status: SubmissionStatus) -> ColumnElement[bool]:
    """Submissions of the campaign's form (of its stage; else made since it was created)."""
    of_form = Submission.form_version_id.in_(
        select(FormVersion.id).where(FormVersion.form_id == campaign.form_id)
    ) & Submission.test.is_(False)
    if campaign.wave_id is not None:
        return and_(of_form, Submission.status == status, Submission.wave_id == campaign.wave_id)
    since = Submission.created_at >= campaign.created_at
    return and_(of_form, Submission.status == status, since)


def _of_audience(campaign: CampaignDTO) -> ColumnElement[bool]:
    """People of the campaign's kind; for a school's form, the schools' confirmed heads."""
    if campaign.kind == SCHOOLS_AUDIENCE:
        return User.role == Role.school_head
    return User.kind == campaign.kind


def _answerer(campaign: CampaignDTO) -> ColumnElement[bool]:
    """Whose responses count as a recipient's: their own; for a school, their school's."""
    if campaign.kind == SCHOOLS_AUDIENCE:
        return and_(Submission.school_key.is_not(None), Submission.school_id == User.school_id)
    return Submission.respondent_id == User.id


class CampaignRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def create(self, **values: Any) -> int:
        result = await self._connection.execute(
            insert(Campaign).values(**values).returning(Campaign.id)
        )
        return int(result.scalar_one())

    async def get(self, campaign_id: int) -> CampaignDTO | None:
        row = (await self._connection.execute(_COLUMNS.where(Campaign.id == campaign_id))).first()
        return None if row is None else CampaignDTO(**row._mapping)

    async def latest(self, limit: int) -> list[CampaignDTO]:
        query = _COLUMNS.order_by(Campaign.id.desc()).limit(limit)
        return [CampaignDTO(**row._mapping) for row in await self._connection.execute(query)]

    async def in_state(self, *states: str) -> list[CampaignDTO]:
        query = _COLUMNS.where(Campaign.state.in_(states)).order_by(Campaign.id)
        return [CampaignDTO(**row._mapping) for row in await self._connection.execute(query)]

    async def change(self, campaign_id: int, states: Sequence[str], **values: Any) -> bool:
        """Set ``values`` if the campaign is in one of ``states`` (one conditional UPDATE:
        a double tap on «Отправить» sends once)."""
        result = await self._connection.execute(
            update(Campaign)
            .where(Campaign.id == campaign_id, Campaign.state.in_(states))
            .values(**values)
        )
        return bool(result.rowcount)

    async def audience(self, campaign: CampaignDTO) -> list[Recipient]:
        """The people the campaign is for: their profile's kind and school match (for a
        school's form: the confirmed heads, answered when their school has)."""
        mine = _answerer(campaign)
        answered = exists().where(mine, _responses(campaign, SubmissionStatus.submitted))
        draft = exists().where(mine, _responses(campaign, SubmissionStatus.draft))
        query = (
            select(
                User.id,
                answered.label("answered"),
                draft.label("has_draft"),
                User.muted_at.is_not(None).label("muted"),
                User.reminded_at,
            )
            .join(School, School.id == User.school_id)
            .where(
                _of_audience(campaign),
                User.erased_at.is_(None),
                User.blocked_at.is_(None),
                _in_schools(campaign),
            )
            .order_by(User.id)
        )
        rows = await self._connection.execute(query)
        return [
            Recipient(r.id, bool(r.answered), bool(r.has_draft), bool(r.muted), r.reminded_at)
            for r in rows
        ]

    async def coverage(self, campaign: CampaignDTO) -> list[Coverage]:
        """Every school the campaign reaches: registered people of its kind, and those who
        answered (by the school given in the response, else in the profile)."""
        registered = (
            select(User.school_id, func.count().label("n"))
            .where(_of_audience(campaign), User.erased_at.is_(None))
            .group_by(User.school_id)
            .subquery()
        )
        their_school = func.coalesce(Submission.school_id, User.school_id)
        schools = campaign.kind == SCHOOLS_AUDIENCE  # a school answers once, whoever sent it
        counted = func.count(func.distinct(their_school if schools else Submission.respondent_id))
        answered = (
            select(their_school.label("school_id"), counted.label("n"))
            .join(User, User.id == Submission.respondent_id)
            .where(_responses(campaign, SubmissionStatus.submitted))
            .group_by(their_school)
            .subquery()
        )
        query = (
            select(
                School.id,
                School.short_name,
                School.municipality_id,
                Municipality.name,
                func.coalesce(registered.c.n, 0),
                func.coalesce(answered.c.n, 0),
                School.teachers,
            )
            .join(Municipality, Municipality.id == School.municipality_id)
            .outerjoin(registered, registered.c.school_id == School.id)
            .outerjoin(answered, answered.c.school_id == School.id)
            .where(_in_schools(campaign))
            .order_by(Municipality.name, School.short_name)
        )
        return [Coverage(*row) for row in await self._connection.execute(query)]

    async def mark_reminded(
        self, user_ids: Sequence[int], now: datetime, since: datetime
    ) -> list[int]:
        """Of these people, those not reminded since ``since``, now marked reminded (one a day
        at most, whatever the campaign)."""
        if not user_ids:
            return []
        result = await self._connection.execute(
            update(User)
            .where(
                User.id.in_(user_ids),
                or_(User.reminded_at.is_(None), User.reminded_at < since),
            )
            .values(reminded_at=now)
            .returning(User.id)
        )
        return sorted(result.scalars().all())

    # --- school links ---------------------------------------------------------------------

    async def school_link(self, school_id: int) -> str | None:
        query = select(SchoolLink.code).where(
            SchoolLink.school_id == school_id, SchoolLink.revoked_at.is_(None)
        )
        return (await self._connection.execute(query.limit(1))).scalar_one_or_none()

    async def add_school_link(
        self, code: str, school_id: int, created_by: int, now: datetime
    ) -> None:
        await self._connection.execute(
            insert(SchoolLink).values(
                code=code, school_id=school_id, created_by=created_by, created_at=now
            )
        )

    async def revoke_school_link(self, school_id: int, now: datetime) -> int:
        result = await self._connection.execute(
            update(SchoolLink)
            .where(SchoolLink.school_id == school_id, SchoolLink.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        return result.rowcount or 0

    async def school_of_link(self, code: str) -> int | None:
        query = select(SchoolLink.school_id).where(
            SchoolLink.code == code, SchoolLink.revoked_at.is_(None)
        )
        return (await self._connection.execute(query)).scalar_one_or_none()
