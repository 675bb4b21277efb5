"""The questionnaire dialog: any form, one set of handlers."""

from __future__ import annotations

from aiogram import Router

from handlers.dialog import handlers, menu


def setup() -> Router:
    router = Router(name=__name__)
    router.include_routers(menu.setup(), handlers.setup())
    return router
