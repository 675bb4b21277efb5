"""Users: the people who write to the bot."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from forms.vocabulary import Role
from storage.dto import UserDTO
from storage.models import User
from storage.types import utcnow


@dataclass(frozen=True, slots=True)
class TelegramProfile:
    """What Telegram tells about a user; the handlers build it from ``aiogram.types.User``."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language: str | None = None


class UserRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def get(self, user_id: int) -> UserDTO | None:
        query = select(User.__table__).where(User.id == user_id)
        row = (await self._connection.execute(query)).first()
        return None if row is None else UserDTO(**row._mapping)

    async def make_head(self, user_id: int, school_id: int) -> bool:
        """The role of a school's head, if the person still says they head that school (one
        conditional UPDATE: a change of school at the same moment wins over a stale claim)."""
        result = await self._connection.execute(
            update(User)
            .where(
                User.id == user_id,
                User.school_id == school_id,
                User.kind == "head",
                User.role.in_([Role.respondent, Role.school_head]),
            )
            .values(role=Role.school_head)
        )
        return bool(result.rowcount)

    async def heads_of(self, school_id: int) -> list[UserDTO]:
        """The confirmed heads of a school (who report for it and are told of its requests)."""
        query = select(User.__table__).where(
            User.role == Role.school_head, User.school_id == school_id, User.erased_at.is_(None)
        )
        return [UserDTO(**row._mapping) for row in await self._connection.execute(query)]

    async def record_consent(self, user_id: int, version: str) -> bool:
        """The consent to ``version``; False when it was given already (a second tap)."""
        given = or_(User.consent_version.is_(None), User.consent_version != version)
        result = await self._connection.execute(
            update(User)
            .where(User.id == user_id, given)
            .values(consent_version=version, consent_at=utcnow())
        )
        return bool(result.rowcount)

    async def erase_profile(self, user_id: int, pseudonym: str) -> None:
        """Name and username replaced by a pseudonym; the person can still use the bot."""
        await self._connection.execute(
            update(User)
            .where(User.id == user_id)
            .values(
                first_name=pseudonym,
                last_name=None,
                username=None,
                kind=None,
                school_id=None,
                erased_at=utcnow(),
            )
        )

    async def save_profile(self, profile: TelegramProfile, *, role: Role | None = None) -> UserDTO:
        """Create the user or refresh their Telegram profile; the role changes only when given."""
        values = {
            "first_name": profile.first_name[:128],
            "last_name": profile.last_name[:128] if profile.last_name else None,
            "username": profile.username,
            "language": profile.language,
            "blocked_at": None,  # they wrote: they have not blocked the bot (any more)
        }
        if role is not None:
            values["role"] = role
        updated = await self._connection.execute(
            update(User).where(User.id == profile.id, User.erased_at.is_(None)).values(**values)
        )
        if updated.rowcount == 0 and await self.get(profile.id) is not None:
            # An erased profile keeps its pseudonym, but roles still change.
            kept: dict[str, object] = {"blocked_at": None} | ({"role": role} if role else {})
            await self._connection.execute(update(User).where(User.id == profile.id).values(kept))
            user = await self.get(profile.id)
            assert user is not None
            return user
        if updated.rowcount == 0:
            await self._connection.execute(
                insert(User).values(
                    id=profile.id, role=role or Role.respondent, created_at=utcnow(), **values
                )
            )
        user = await self.get(profile.id)
        assert user is not None
        return user

    async def set_profile(self, user_id: int, kind: str | None, school_id: int | None) -> None:
        """Who they are among the respondents and their school (None leaves it as it is)."""
        values: dict[str, object] = {}
        if kind is not None:
            values["kind"] = kind
        if school_id is not None:
            values["school_id"] = school_id
        if values:
            await self._connection.execute(update(User).where(User.id == user_id).values(values))

    async def mute(self, user_id: int, now: datetime | None) -> None:
        """Campaign reminders off (``now``) or back on (None)."""
        await self._connection.execute(update(User).where(User.id == user_id).values(muted_at=now))
