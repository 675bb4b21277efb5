"""Repositories: Core queries over one connection, returning plain frozen dataclasses."""

from __future__ import annotations

from functools import cached_property

from sqlalchemy.ext.asyncio import AsyncConnection

from storage.repositories.forms import FormRepository
from storage.repositories.schools import SchoolRepository
from storage.repositories.submissions import SubmissionRepository
from storage.repositories.users import UserRepository


class UnitOfWork:
    """The repositories of one transaction. Created by ``Database.transaction()``/``read()``."""

    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection

    @cached_property
    def users(self) -> UserRepository:
        return UserRepository(self.connection)

    @cached_property
    def forms(self) -> FormRepository:
        return FormRepository(self.connection)

    @cached_property
    def submissions(self) -> SubmissionRepository:
        return SubmissionRepository(self.connection)

    @cached_property
    def schools(self) -> SchoolRepository:
        return SchoolRepository(self.connection)


__all__ = [
    "FormRepository",
    "SchoolRepository",
    "SubmissionRepository",
    "UnitOfWork",
    "UserRepository",
]
