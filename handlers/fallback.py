"""Last in line: what no feature router took gets a polite pointer to the menu."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery, Message

from forms.i18n import Translator


def setup() -> Router:
    router = Router(name=__name__)
    router.message.register(unknown_message)
    router.callback_query.register(stale_button)
    return router


async def unknown_message(message: Message, i18n: Translator) -> None:
    await message.answer(i18n("unknown-message"))


async def stale_button(query: CallbackQuery, i18n: Translator) -> None:
    await query.answer(i18n("stale-button"), show_alert=True)
