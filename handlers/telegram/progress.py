"""/progress in Telegram, for coordinators; everyone else is refused politely."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import Message

from forms.vocabulary import COORDINATORS
from handlers.access import Scope
from handlers.container import Services
from handlers.telegram.filters import Commands, HasRole
from handlers.telegram.markup import answer
from handlers.telegram.refusals import refusing

COMMAND = "progress"


def setup() -> Router:
    router = Router(name=__name__)
    router.message.register(show_progress, Commands(COMMAND), HasRole(COORDINATORS))
    return router


def denied() -> Router:
    """/progress from anyone the router above did not admit."""
    return refusing(f"{__name__}.denied", (COMMAND,), ())


async def show_progress(message: Message, scope: Scope, services: Services) -> None:
    await answer(message, await services.progress.report(scope))
