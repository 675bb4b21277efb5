"""Consultation requests in Telegram: /slot, /slots and «Убрать» for consultants, /requests
for everyone, and the requests' buttons."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.types import CallbackQuery, Message

from forms.vocabulary import Role
from handlers.access import Scope
from handlers.container import Services
from handlers.telegram.filters import CallbackPrefixes, Commands, HasRole, Pressed
from handlers.telegram.markup import answer, edit, send
from handlers.telegram.refusals import refuse_button, refuse_command, refused
from handlers.ui import Reply
from handlers.workflows.consultation.screens import ConsultCallback, SlotCallback

CONSULTANTS = HasRole({Role.consultant})


def setup() -> Router:
    router = Router(name=__name__)
    router.message.register(add_slot, Commands("slot"), CONSULTANTS)
    router.message.register(list_slots, Commands("slots"), CONSULTANTS)
    router.message.register(refuse_command, Commands("slot", "slots"))
    router.message.register(list_requests, Commands("requests"))
    router.callback_query.register(remove_slot, Pressed(SlotCallback), CONSULTANTS)
    router.callback_query.register(refuse_button, CallbackPrefixes(SlotCallback))
    router.callback_query.register(on_press, Pressed(ConsultCallback))
    return router


async def add_slot(message: Message, scope: Scope, services: Services) -> None:
    arguments = (message.text or "").partition(" ")[2]
    await message.answer(await services.consultations.add_slot(scope, arguments))


async def list_slots(message: Message, scope: Scope, services: Services) -> None:
    await answer(message, [await services.consultations.slots(scope)])


async def remove_slot(
    query: CallbackQuery, callback_data: SlotCallback, scope: Scope, services: Services
) -> None:
    removed = await services.consultations.remove_slot(scope, callback_data.id)
    t = services.t
    await query.answer(t("slot-removed" if removed else "slot-not-removed"), show_alert=True)
    if removed and isinstance(query.message, Message):
        await query.message.edit_reply_markup(reply_markup=None)


async def list_requests(message: Message, services: Services) -> None:
    if message.from_user is not None:
        await answer(message, await services.consultations.requests(message.from_user.id))


async def on_press(
    query: CallbackQuery, callback_data: ConsultCallback, services: Services, bot: Bot
) -> None:
    done = await services.consultations.press(query.from_user.id, callback_data)
    if done.denied:
        refused(query, f"consultation button {callback_data.a.value}")
    await query.answer(done.alert, show_alert=done.alert is not None)
    message = query.message
    if done.text is not None and isinstance(message, Message):
        reply = Reply(done.text, done.markup)
        if done.as_new_message:
            await answer(message, [reply])
        else:
            await edit(message, reply)
    if done.more and message is not None:
        await send(bot, message.chat.id, done.more)
    if done.notices:
        services.sender.wake()
