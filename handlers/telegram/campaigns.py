"""/campaigns, /link, /mute and the school links in Telegram; the campaigns' progress
messages, edited as their announcements go out."""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import CommandStart, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import BufferedInputFile, CallbackQuery, Message

from exports.chart import Bar, coverage_png
from forms.vocabulary import COORDINATORS
from handlers.access import Scope
from handlers.campaigns.screens import CampaignAct, CampaignCallback
from handlers.campaigns.service import Chart
from handlers.container import Services
from handlers.telegram.filters import CallbackPrefixes, Commands, HasRole, NotCommand, Pressed
from handlers.telegram.markup import BotLinks, answer, edit, inline
from handlers.telegram.profiles import profile_of
from handlers.telegram.refusals import refuse_button, refuse_command
from handlers.ui import quote

logger = logging.getLogger(__name__)
COORDINATING = HasRole(COORDINATORS)
SCHOOL_PREFIX = "sch_"
PERSONAL = (CampaignAct.mute, CampaignAct.unmute)


class CampaignText(StatesGroup):
    typing = State()  # the next message is a draft's announcement


def setup() -> Router:
    router = Router(name=__name__)
    router.message.register(
        joined, CommandStart(deep_link=True, magic=F.args.startswith(SCHOOL_PREFIX))
    )
    router.message.register(mute, Commands("mute"))
    router.callback_query.register(
        on_personal, Pressed(CampaignCallback, lambda c: c.a in PERSONAL)
    )
    router.message.register(overview, Commands("campaigns"), COORDINATING)
    router.message.register(school_link, Commands("link"), COORDINATING)
    router.message.register(
        typed_text, NotCommand(), StateFilter(CampaignText.typing), COORDINATING
    )
    router.callback_query.register(on_button, Pressed(CampaignCallback), COORDINATING)
    router.message.register(refuse_command, Commands("campaigns", "link"))
    router.callback_query.register(refuse_button, CallbackPrefixes(CampaignCallback))
    return router


async def overview(message: Message, scope: Scope, services: Services) -> None:
    await answer(message, [await services.campaigns.overview(scope)])


async def on_button(
    query: CallbackQuery,
    callback_data: CampaignCallback,
    scope: Scope,
    state: FSMContext,
    services: Services,
) -> None:
    campaigns, message = services.campaigns, query.message
    if callback_data.a is CampaignAct.send:
        where = message.message_id if isinstance(message, Message) else None
        done = await campaigns.send(scope, callback_data.c, query.from_user.id, where)
    else:
        done = await campaigns.press(scope, callback_data)
    await query.answer(done.alert, show_alert=done.alert is not None and done.edit is None)
    if done.queued:
        services.sender.wake()
    if not isinstance(message, Message):
        return
    if done.edit is not None:
        await edit(message, done.edit)
    await answer(message, done.new)
    if done.wants_text is not None:
        await state.set_state(CampaignText.typing)
        await state.set_data({"campaign": done.wants_text})
    if done.chart is not None:
        await send_chart(message, callback_data.c, done.chart)


async def send_chart(message: Message, campaign_id: int, chart: Chart) -> None:
    """The board as a picture, drawn in a worker thread (matplotlib takes a moment)."""
    bars = [Bar(name, answered, expected) for name, answered, expected in chart.bars]
    picture = await asyncio.to_thread(
        coverage_png, bars, title=chart.title, caption=chart.caption, no_data=chart.no_data
    )
    await message.answer_photo(BufferedInputFile(picture, f"campaign-{campaign_id}.png"))


async def typed_text(message: Message, scope: Scope, state: FSMContext, services: Services) -> None:
    data = await state.get_data()
    if message.text is None:
        await message.answer(services.t("campaign-type-text"))
        return
    reply = await services.campaigns.set_text(scope, int(data.get("campaign", 0)), message.text)
    await state.clear()
    await answer(message, [reply])


async def school_link(message: Message, scope: Scope, services: Services, bot: Bot) -> None:
    words = (message.text or "").split()[1:]
    if not words:
        await message.answer(services.t("school-link-how"))
        return
    renew = len(words) > 1 and words[1].lower() == services.t("school-link-renew-word")
    found = await services.campaigns.school_link(scope, words[0], renew)
    if found is None:
        await message.answer(services.t("school-link-unknown-school"))
        return
    link = await BotLinks(bot).start_link(SCHOOL_PREFIX + found.code)
    await message.answer(services.t("school-link-made", school=quote(found.school), link=link))


async def joined(message: Message, services: Services) -> None:
    if message.from_user is None or message.text is None:
        return
    code = message.text.split(maxsplit=1)[1][len(SCHOOL_PREFIX) :]
    await answer(message, [await services.campaigns.joined(profile_of(message.from_user), code)])


async def mute(message: Message, services: Services) -> None:
    if message.from_user is not None:
        await answer(message, [await services.campaigns.mute(message.from_user.id, True)])


async def on_personal(
    query: CallbackQuery, callback_data: CampaignCallback, services: Services
) -> None:
    on = callback_data.a is CampaignAct.mute
    reply = await services.campaigns.mute(query.from_user.id, on)
    await query.answer()
    if isinstance(query.message, Message):
        await answer(query.message, [reply])


async def show_progress(bot: Bot, services: Services) -> int:
    """Edit each campaign's progress message («Отправлено 1 240 из 3 000…»)."""
    shown = 0
    for chat_id, message_id, text, _finished in await services.campaigns.progress():
        with suppress(TelegramAPIError):  # not modified, or deleted by the coordinator
            await bot.edit_message_text(
                text, chat_id=chat_id, message_id=message_id, reply_markup=inline(None)
            )
            shown += 1
    return shown
