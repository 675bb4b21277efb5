"""Repositories: Core queries over one connection, returning plain frozen dataclasses."""

from __future__ import annotations

from functools import cached_property

from sqlalchemy.ext.asyncio import AsyncConnection

from storage.repositories.users import UserRepository


class UnitOfWork:
    """The repositories of one transaction. Created by ``Database.transaction()``/``read()``."""

    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection

    @cached_property
    def users(self) -> UserRepository:
        return UserRepository(self.connection)


__all__ = ["UnitOfWork", "UserRepository"]
