"""Mentoring pairs in Telegram: the mentee's invitation link, /pairs, and the pairs' buttons."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from handlers.container import Services
from handlers.telegram.dialog import open_form
from handlers.telegram.filters import Pressed
from handlers.telegram.markup import BotLinks, answer, edit
from handlers.telegram.profiles import profile_of
from handlers.workflows.mentoring.screens import PAIR_PREFIX, PairCallback


def setup() -> Router:
    router = Router(name=__name__)
    router.message.register(
        open_invitation, CommandStart(deep_link=True, magic=F.args.startswith(PAIR_PREFIX))
    )
    router.message.register(list_pairs, Command("pairs"))
    router.callback_query.register(on_button, Pressed(PairCallback))
    return router


async def open_invitation(
    message: Message, command: CommandObject, services: Services, bot: Bot
) -> None:
    if message.from_user is None or command.args is None:
        return
    code = command.args.removeprefix(PAIR_PREFIX)
    desk = services.pairs.desk(BotLinks(bot))
    await answer(message, [await desk.opened(profile_of(message.from_user), code)])


async def list_pairs(message: Message, services: Services, bot: Bot) -> None:
    if message.from_user is not None:
        desk = services.pairs.desk(BotLinks(bot))
        await answer(message, await desk.listing(message.from_user.id))


async def on_button(
    query: CallbackQuery,
    callback_data: PairCallback,
    state: FSMContext,
    services: Services,
    bot: Bot,
) -> None:
    desk = services.pairs.desk(BotLinks(bot))
    screen = await desk.pressed(profile_of(query.from_user), callback_data)
    if screen.meeting is not None:
        await open_form(
            query,
            screen.meeting_form,
            state=state,
            services=services,
            bot=bot,
            parent_id=screen.meeting,
        )
        return
    await query.answer(screen.alert, show_alert=screen.alert is not None)
    if screen.edit is not None and isinstance(query.message, Message):
        await edit(query.message, screen.edit)
    if screen.notices:
        services.sender.wake()
