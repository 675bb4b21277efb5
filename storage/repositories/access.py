"""Roles with their municipalities, one-time invitations, and the audit log."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from forms.vocabulary import Role
from storage.dto import AuditDTO, InvitationDTO, StaffDTO
from storage.models import AuditEntry, Invitation, Municipality, School, User, UserMunicipality
from storage.types import utcnow

_head_school = School.__table__.alias("head_school")


class RoleRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def municipalities_of(self, user_id: int) -> frozenset[int]:
        query = select(UserMunicipality.municipality_id).where(UserMunicipality.user_id == user_id)
        return frozenset((await self._connection.execute(query)).scalars())

    async def grant(self, user_id: int, role: Role, municipalities: Iterable[int] = ()) -> None:
        """Set the role and, for municipal roles, the municipalities (replacing earlier ones)."""
        await self._connection.execute(update(User).where(User.id == user_id).values(role=role))
        await self._connection.execute(
            delete(UserMunicipality).where(UserMunicipality.user_id == user_id)
        )
        rows = [{"user_id": user_id, "municipality_id": m} for m in set(municipalities)]
        if rows:
            await self._connection.execute(insert(UserMunicipality), rows)

    async def staff(self) -> list[StaffDTO]:
        """Everyone with a role other than respondent, with their municipalities' names (a
        school's head: the municipality of their school)."""
        theirs = func.coalesce(UserMunicipality.municipality_id, _head_school.c.municipality_id)
        query = (
            select(
                User.id,
                User.first_name,
                User.last_name,
                User.role,
                Municipality.id,
                Municipality.name,
            )
            .outerjoin(UserMunicipality, UserMunicipality.user_id == User.id)
            .outerjoin(
                _head_school,
                (_head_school.c.id == User.school_id) & (User.role == Role.school_head),
            )
            .outerjoin(Municipality, Municipality.id == theirs)
            .where(User.role != Role.respondent)
            .order_by(User.role, User.first_name, User.id, Municipality.name)
        )
        people: dict[int, StaffDTO] = {}
        for user_id, first, last, role, municipality_id, name in await self._connection.execute(
            query
        ):
            known = people.get(user_id)
            names = known.municipalities if known else ()
            ids = known.municipality_ids if known else frozenset()
            if name is not None:
                names, ids = (*names, name), ids | {municipality_id}
            people[user_id] = StaffDTO(user_id, first, last, role, names, ids)
        return list(people.values())


class InvitationRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def create(
        self,
        code: str,
        role: Role,
        municipality_id: int | None,
        created_by: int,
        expires_at: datetime,
        *,
        school_id: int | None = None,
    ) -> None:
        await self._connection.execute(
            insert(Invitation).values(
                code=code,
                role=role,
                municipality_id=municipality_id,
                school_id=school_id,
                created_by=created_by,
                created_at=utcnow(),
                expires_at=expires_at,
            )
        )

    async def get(self, code: str) -> InvitationDTO | None:
        row = (
            await self._connection.execute(
                select(Invitation.__table__).where(Invitation.code == code)
            )
        ).first()
        return None if row is None else InvitationDTO(**row._mapping)

    async def claim(self, code: str, user_id: int) -> bool:
        """Use the invitation if it is unused and not expired; exactly one claim can win."""
        now = utcnow()
        result = await self._connection.execute(
            update(Invitation)
            .where(
                Invitation.code == code,
                Invitation.used_by.is_(None),
                Invitation.expires_at > now,
            )
            .values(used_by=user_id, used_at=now)
        )
        return bool(result.rowcount)


class AuditRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def record(self, actor_id: int | None, action: str, **details: Any) -> None:
        await self._connection.execute(
            insert(AuditEntry).values(
                at=utcnow(), actor_id=actor_id, action=action, details=details
            )
        )

    async def entries(self, limit: int = 100_000) -> list[AuditDTO]:
        query = select(AuditEntry.__table__).order_by(AuditEntry.id).limit(limit)
        return [AuditDTO(**row._mapping) for row in await self._connection.execute(query)]
