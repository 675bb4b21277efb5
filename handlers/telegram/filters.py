"""Filters. Coroutines on purpose: aiogram runs plain callables through a thread hop."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

from aiogram.enums import ChatType
from aiogram.filters import Filter
from aiogram.types import CallbackQuery, Message, TelegramObject

from forms.vocabulary import Role
from handlers.container import Services
from handlers.ui import Callback


def _chat_type(event: Message | CallbackQuery) -> str | None:
    message = event.message if isinstance(event, CallbackQuery) else event
    return None if message is None else message.chat.type


def user_id_of(event: TelegramObject) -> int | None:
    user = getattr(event, "from_user", None)
    return None if user is None else int(user.id)


class PrivateChat(Filter):
    """The update comes from a private chat with the bot."""

    async def __call__(self, event: Message | CallbackQuery) -> bool:
        return _chat_type(event) == ChatType.PRIVATE


class NotPrivateChat(Filter):
    """The update comes from a group, a supergroup or a channel."""

    async def __call__(self, event: Message | CallbackQuery) -> bool:
        chat_type = _chat_type(event)
        return chat_type is not None and chat_type != ChatType.PRIVATE


class NotCommand(Filter):
    """Anything but a /command: commands keep working in the middle of a conversation."""

    async def __call__(self, message: Message) -> bool:
        return not (message.text or "").startswith("/")


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

    def __init__(self, *callbacks: type[Callback]) -> None:
        self.prefixes = tuple(f"{callback.__prefix__}:" for callback in callbacks)

    async def __call__(self, query: CallbackQuery) -> bool:
        return (query.data or "").startswith(self.prefixes)


class Pressed(Filter):
    """A button whose data unpacks as ``callback`` (and meets ``rule``); the handler gets it
    as ``callback_data``. Malformed or forged data does not match: it falls through to the
    polite «old button» answer."""

    def __init__(self, callback: type[Callback], rule: Callable[[Any], bool] | None = None) -> None:
        self.callback, self.rule = callback, rule

    async def __call__(self, query: CallbackQuery) -> bool | dict[str, Any]:
        parsed = self.callback.parse(query.data)
        if parsed is None or (self.rule is not None and not self.rule(parsed)):
            return False
        return {"callback_data": parsed}


class HasRole(Filter):
    """Passes people with one of ``roles`` and hands the handler their ``scope``."""

    def __init__(self, roles: Collection[Role]) -> None:
        self.roles = frozenset(roles)

    async def __call__(self, event: TelegramObject, services: Services) -> bool | dict[str, Any]:
        user_id = user_id_of(event)
        if user_id is None:
            return False
        scope = await services.access.scope(user_id)
        return {"scope": scope} if scope.role in self.roles else False
