"""Who answers for a municipality: its municipal coordinators, or the region's."""

from __future__ import annotations

from forms.vocabulary import COORDINATORS, REGIONAL, Role
from storage.dto import StaffDTO
from storage.repositories import UnitOfWork


async def coordinators_of(uow: UnitOfWork, municipality_id: int | None) -> list[StaffDTO]:
    """The municipal coordinators of the municipality; the regional coordinators and admins
    when it has none (or when the school is not known)."""
    staff = [p for p in await uow.roles.staff() if p.role in COORDINATORS]
    local = [
        p
        for p in staff
        if p.role is Role.municipal
        and municipality_id is not None
        and municipality_id in p.municipality_ids
    ]
    return local or [p for p in staff if p.role in REGIONAL]
