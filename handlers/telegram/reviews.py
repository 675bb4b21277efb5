"""/review in Telegram: staff find a response (by form, or by its number) and set its review
status; «Есть вопросы» and «Отклонить» take the next message as the comment or the reason.
The respondent's «Исправить» opens the correction in the ordinary dialog."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message

from forms.vocabulary import STAFF, ReviewStatus
from handlers.access import Scope
from handlers.container import Services
from handlers.reviews.service import Asked, Done
from handlers.telegram.dialog import enter
from handlers.telegram.filters import CallbackPrefixes, Commands, HasRole, NotCommand, Pressed
from handlers.telegram.markup import answer, edit
from handlers.telegram.refusals import refuse_button, refuse_command, refused
from handlers.workflows.corrections import FixCallback, ReviewCallback

COMMAND = "review"


class ReviewComment(StatesGroup):
    typing = State()  # the next message is the comment («Есть вопросы») or the reason


def setup() -> Router:
    router = Router(name=__name__)
    reviewers = HasRole(STAFF)
    router.callback_query.register(on_fix, Pressed(FixCallback))  # respondents, heads
    router.message.register(show, Commands(COMMAND), reviewers)
    router.message.register(typed, NotCommand(), StateFilter(ReviewComment.typing), reviewers)
    router.callback_query.register(on_press, Pressed(ReviewCallback), reviewers)
    router.message.register(refuse_command, Commands(COMMAND))
    router.callback_query.register(refuse_button, CallbackPrefixes(ReviewCallback))
    return router


async def show(message: Message, scope: Scope, services: Services) -> None:
    """/review: the forms; /review 123: that response."""
    words = (message.text or "").split()[1:]
    reviews = services.reviews
    if not words:
        await answer(message, [reviews.forms(scope)])
        return
    number = words[0].lstrip("№")
    if not number.isdigit():
        await message.answer(services.t("review-how"))
        return
    done = await reviews.open(scope, int(number))
    if done.refused is not None:
        refused(message, done.refused)
    if done.alert is not None:
        await message.answer(done.alert)
    await answer(message, done.replies)


async def on_press(
    query: CallbackQuery,
    callback_data: ReviewCallback,
    scope: Scope,
    state: FSMContext,
    services: Services,
) -> None:
    done = await services.reviews.press(scope, callback_data)
    await shown(query, done, state, services)


async def typed(message: Message, scope: Scope, state: FSMContext, services: Services) -> None:
    try:
        kept = (await state.get_data())["asked"]
        asked = Asked(int(kept["submission_id"]), int(kept["turn"]), ReviewStatus(kept["status"]))
    except (KeyError, TypeError, ValueError):
        await state.clear()
        await message.answer(services.t("stale-button"))
        return
    done = await services.reviews.typed(scope, asked, message.text)
    if done.finished:
        await state.clear()
    if done.refused is not None:
        refused(message, done.refused)
    if done.alert is not None:
        await message.answer(done.alert)
    await answer(message, done.replies)
    if done.queued:
        services.sender.wake()


async def shown(query: CallbackQuery, done: Done, state: FSMContext, services: Services) -> None:
    """Answer the press, keep or clear the asked comment, then edit and send."""
    if done.refused is not None:
        refused(query, done.refused)
    await query.answer(done.alert, show_alert=done.alert is not None)
    if done.asked is not None:
        await state.set_state(ReviewComment.typing)
        asked = done.asked
        kept = {"submission_id": asked.submission_id, "turn": asked.turn}
        await state.set_data({"asked": {**kept, "status": asked.status.value}})
    elif done.finished and await state.get_state() == ReviewComment.typing.state:
        await state.clear()
    if done.queued:
        services.sender.wake()
    message = query.message
    if not isinstance(message, Message):
        return
    if done.edit is not None:
        await edit(message, done.edit)
    await answer(message, done.replies)


async def on_fix(
    query: CallbackQuery,
    callback_data: FixCallback,
    state: FSMContext,
    services: Services,
    bot: Bot,
) -> None:
    """«Исправить»: the correction's draft, entered like any form."""
    fix = await services.reviews.fix(query.from_user.id, callback_data.s)
    await query.answer(fix.alert, show_alert=fix.alert is not None)
    if fix.submission_id is not None:
        await enter(query, state, services, bot, submission_id=fix.submission_id, intro=fix.intro)
