"""Who may do what. Role checks are filters put on routers, never ``if`` in handlers."""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from aiogram.filters import Filter
from aiogram.types import CallbackQuery, Message, TelegramObject

from forms.i18n import Translator
from forms.vocabulary import Role
from storage.database import Database

logger = logging.getLogger(__name__)
STAFF = frozenset({Role.admin, Role.coordinator, Role.municipal, Role.consultant})
REGIONAL = frozenset({Role.admin, Role.coordinator})


@dataclass(frozen=True, slots=True)
class Scope:
    """A person's role and the municipalities it covers (all, for regional roles)."""

    user_id: int
    role: Role
    municipalities: frozenset[int] = frozenset()

    @property
    def regional(self) -> bool:
        return self.role in REGIONAL

    def covers(self, municipality_id: int | None) -> bool:
        return self.regional or (
            municipality_id is not None and municipality_id in self.municipalities
        )


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
            return Scope(user_id, user.role, await uow.roles.municipalities_of(user_id))


def _user_id(event: TelegramObject) -> int | None:
    user = getattr(event, "from_user", None)
    return None if user is None else int(user.id)


class HasRole(Filter):
    """Passes people with one of ``roles`` and hands the handler their ``scope``."""

    def __init__(self, roles: Collection[Role]) -> None:
        self.roles = frozenset(roles)

    async def __call__(self, event: TelegramObject, access: Access) -> bool | dict[str, Any]:
        user_id = _user_id(event)
        if user_id is None:
            return False
        scope = await access.scope(user_id)
        return {"scope": scope} if scope.role in self.roles else False


class Commands(Filter):
    """A message that is one of these commands (cheap: checked before any role lookup)."""

    def __init__(self, *names: str) -> None:
        self.prefixes = tuple(f"/{name}" for name in names)

    async def __call__(self, message: Message) -> bool:
        text = message.text or ""
        command = text.split(maxsplit=1)[0].split("@", 1)[0] if text else ""
        return command in self.prefixes


class CallbackPrefixes(Filter):
    """A button of one of these callback data prefixes (cheap, before any role lookup)."""

    def __init__(self, *prefixes: str) -> None:
        self.prefixes = tuple(f"{prefix}:" for prefix in prefixes)

    async def __call__(self, query: CallbackQuery) -> bool:
        return (query.data or "").startswith(self.prefixes)


def refused(event: TelegramObject, what: str) -> None:
    """Log a refused attempt: who (an id) and what, never message text."""
    logger.warning("refused: user %s tried %s", _user_id(event), what)


async def refuse_command(message: Message, i18n: Translator) -> None:
    """The polite answer to a command the person's role does not allow (and a log line)."""
    refused(message, (message.text or "").split(maxsplit=1)[0])
    await message.answer(i18n("access-denied"))


async def refuse_button(query: CallbackQuery, i18n: Translator) -> None:
    """The same for a button: an old message, another person's, or a forged one."""
    refused(query, (query.data or "").split(":", 1)[0] + " button")
    await query.answer(i18n("access-denied"), show_alert=True)
