"""Last in line: what no feature router took gets a polite pointer to the menu."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery, Message

from handlers.container import Services


def setup() -> Router:
    router = Router(name=__name__)
    router.message.register(unknown_message)
    router.callback_query.register(stale_button)
    return router


async def unknown_message(message: Message, services: Services) -> None:
    await message.answer(services.t("unknown-message"))


async def stale_button(query: CallbackQuery, services: Services) -> None:
    await query.answer(services.t("stale-button"), show_alert=True)
