"""Who may do what: a person's scope (role and municipalities), resolved from the database.

Role checks are router filters (``handlers.telegram.filters.HasRole``), never ``if`` in
handlers; services receive the ``Scope`` the filter found and re-check ids against it.
"""

from __future__ import annotations

from dataclasses import dataclass

from forms.vocabulary import REGIONAL, Role
from storage.database import Database


@dataclass(frozen=True, slots=True)
class Scope:
    """A person's role and the municipalities it covers (all, for regional roles); for a
    school's head, the school they report for."""

    user_id: int
    role: Role
    municipalities: frozenset[int] = frozenset()
    school_id: int | None = None

    @property
    def head_of(self) -> int | None:
        """The school this person reports for, if they are its confirmed head."""
        return self.school_id if self.role is Role.school_head else None

    @property
    def regional(self) -> bool:
        return self.role in REGIONAL

    def covers(self, municipality_id: int | None) -> bool:
        return self.regional or (
            municipality_id is not None and municipality_id in self.municipalities
        )

    def within(self, wanted: frozenset[int] | None = None) -> frozenset[int] | None:
        """The municipalities this person may read of ``wanted`` (None: all of them)."""
        if self.regional:
            return wanted
        return self.municipalities if wanted is None else wanted & self.municipalities


@dataclass(frozen=True, slots=True)
class Access:
    """Resolves scopes: ``ADMIN_IDS`` are admins whatever the database says."""

    db: Database
    admin_ids: frozenset[int]
    invitation_days: int = 7

    async def scope(self, user_id: int) -> Scope:
        if user_id in self.admin_ids:
            return Scope(user_id, Role.admin)
        async with self.db.read() as uow:
            user = await uow.users.get(user_id)
            if user is None or user.role is Role.respondent:
                return Scope(user_id, Role.respondent)
            if user.role is Role.school_head:
                return Scope(user_id, user.role, school_id=user.school_id)
            return Scope(user_id, user.role, await uow.roles.municipalities_of(user_id))
