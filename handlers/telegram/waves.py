"""/waves in Telegram: regional coordinators and administrators open and close waves."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery, Message

from forms.vocabulary import REGIONAL
from handlers.access import Scope
from handlers.container import Services
from handlers.telegram.filters import CallbackPrefixes, Commands, HasRole, Pressed
from handlers.telegram.markup import answer, edit
from handlers.telegram.refusals import refuse_button, refuse_command
from handlers.waves.service import WaveCallback

MANAGERS = HasRole(REGIONAL)


def setup() -> Router:
    router = Router(name=__name__)
    router.message.register(show_waves, Commands("waves"), MANAGERS)
    router.callback_query.register(on_wave, Pressed(WaveCallback), MANAGERS)
    router.message.register(refuse_command, Commands("waves"))
    router.callback_query.register(refuse_button, CallbackPrefixes(WaveCallback))
    return router


async def show_waves(message: Message, services: Services) -> None:
    await answer(message, [await services.waves.overview()])


async def on_wave(
    query: CallbackQuery, callback_data: WaveCallback, scope: Scope, services: Services
) -> None:
    pressed = await services.waves.press(scope, callback_data)
    await query.answer(pressed.alert, show_alert=pressed.alert is not None)
    if not isinstance(query.message, Message):
        return
    if pressed.edit is not None:
        await edit(query.message, pressed.edit)
    if pressed.new is not None:
        await answer(query.message, [pressed.new])
