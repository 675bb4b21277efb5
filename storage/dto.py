"""Plain objects the repositories return. Frozen, detached from any session."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.models import Role


@dataclass(frozen=True, slots=True)
class UserDTO:
    id: int
    first_name: str
    last_name: str | None
    username: str | None
    language: str | None
    role: Role
    created_at: datetime
