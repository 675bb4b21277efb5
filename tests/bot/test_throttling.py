"""Throttling through a real Dispatcher: a tiny echo router, a fake clock, a recording bot."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from typing import Any

import pytest
from aiogram import Dispatcher, F, Router
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.dispatcher.middlewares.error import ErrorsMiddleware
from aiogram.dispatcher.middlewares.user_context import UserContextMiddleware
from aiogram.exceptions import TelegramForbiddenError
from aiogram.fsm.storage.base import StorageKey
from aiogram.fsm.storage.memory import MemoryStorage
from aiogram.methods import AnswerCallbackQuery, SendMessage
from aiogram.types import CallbackQuery, Chat, Message, Update

from bot.throttling import ThrottlingMiddleware, install_throttling
from forms.i18n import translator
from tests import updates
from tests.mocked_bot import MockedBot

t = translator()
NOTICE = t("throttle-notice-message")
BUTTON_NOTICE = t("throttle-notice-button")
RATE, BURST = 5.0, 20


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def echo_router() -> Router:
    router = Router()

    @router.message(F.text)
    async def echo(message: Message) -> None:
        await message.answer(f"echo {message.text}")

    @router.callback_query()
    async def pressed(query: CallbackQuery) -> None:
        await query.answer(f"pressed {query.data}")

    @router.channel_post()
    async def post(message: Message) -> None:
        await message.answer(f"echo {message.text}")

    return router


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def throttling(clock: FakeClock) -> ThrottlingMiddleware:
    return ThrottlingMiddleware(rate=RATE, burst=BURST, t=t, clock=clock)


@pytest.fixture
def dispatcher(throttling: ThrottlingMiddleware) -> Dispatcher:
    dispatcher = Dispatcher()
    install_throttling(dispatcher, throttling)
    dispatcher.include_router(echo_router())
    return dispatcher


@pytest.fixture
def bot() -> MockedBot:
    return MockedBot()


async def send(dispatcher: Dispatcher, bot: MockedBot, user_id: int, text: str) -> None:
    sender = updates.user(user_id)
    await dispatcher.feed_update(bot, updates.message(text, sender=sender))


def sent_to(bot: MockedBot, user_id: int) -> list[str]:
    return [r.text for r in bot.session.of_type(SendMessage) if r.chat_id == user_id]


def echoes(bot: MockedBot, user_id: int) -> list[str]:
    return [text for text in sent_to(bot, user_id) if text.startswith("echo ")]


def notices(bot: MockedBot, user_id: int) -> int:
    return sent_to(bot, user_id).count(NOTICE)


async def test_a_flood_is_served_up_to_the_burst_with_one_notice(
    dispatcher: Dispatcher, bot: MockedBot
) -> None:
    for number in range(60):
        await send(dispatcher, bot, 7, f"m{number}")

    assert echoes(bot, 7) == [f"echo m{number}" for number in range(BURST)]
    assert notices(bot, 7) == 1
    assert len(bot.session.requests) == BURST + 1


async def test_a_concurrent_flood_also_gets_one_notice(
    dispatcher: Dispatcher, bot: MockedBot
) -> None:
    flood = [updates.message(f"m{n}", sender=updates.user(7)) for n in range(60)]
    await asyncio.gather(*(dispatcher.feed_update(bot, update) for update in flood))

    assert len(echoes(bot, 7)) == BURST
    assert notices(bot, 7) == 1


async def test_a_dropped_update_is_reported_unhandled(
    dispatcher: Dispatcher, bot: MockedBot
) -> None:
    results = [
        await dispatcher.feed_update(bot, updates.message("m", sender=updates.user(7)))
        for _ in range(BURST + 2)
    ]
    assert [r is UNHANDLED for r in results] == [False] * BURST + [True] * 2


async def test_another_user_interleaved_with_a_flood_is_fully_served(
    dispatcher: Dispatcher, bot: MockedBot, clock: FakeClock
) -> None:
    for number in range(60):
        await send(dispatcher, bot, 7, f"flood{number}")
        if number % 4 == 0:
            await send(dispatcher, bot, 8, f"calm{number}")
        clock.advance(0.01)

    assert echoes(bot, 8) == [f"echo calm{number}" for number in range(0, 60, 4)]
    assert notices(bot, 8) == 0
    assert notices(bot, 7) == 1


async def test_a_person_answering_at_a_normal_pace_is_never_throttled(
    dispatcher: Dispatcher, bot: MockedBot, clock: FakeClock
) -> None:
    for number in range(200):
        await send(dispatcher, bot, 7, f"a{number}")
        clock.advance(0.3)

    assert len(echoes(bot, 7)) == 200
    assert notices(bot, 7) == 0


async def test_fifteen_quick_taps_then_a_normal_pace_are_never_throttled(
    dispatcher: Dispatcher, bot: MockedBot, clock: FakeClock
) -> None:
    for number in range(15):
        await dispatcher.feed_update(bot, updates.callback(f"b{number}", sender=updates.user(7)))
        clock.advance(0.05)
    for number in range(30):
        await send(dispatcher, bot, 7, f"a{number}")
        clock.advance(0.5)

    answers = [r.text for r in bot.session.of_type(AnswerCallbackQuery)]
    assert answers == [f"pressed b{number}" for number in range(15)]
    assert len(echoes(bot, 7)) == 30


async def test_after_a_short_pause_the_user_is_served_again_at_once(
    dispatcher: Dispatcher, bot: MockedBot, clock: FakeClock
) -> None:
    for number in range(40):
        await send(dispatcher, bot, 7, f"m{number}")
    clock.advance(1 / RATE)
    await send(dispatcher, bot, 7, "after a pause")
    await send(dispatcher, bot, 7, "too soon")

    assert echoes(bot, 7)[-1] == "echo after a pause"
    assert len(echoes(bot, 7)) == BURST + 1
    assert notices(bot, 7) == 1  # still the same episode


async def test_after_a_full_pause_the_user_is_served_and_a_new_episode_notifies_once(
    dispatcher: Dispatcher, bot: MockedBot, clock: FakeClock
) -> None:
    for number in range(60):
        await send(dispatcher, bot, 7, f"first{number}")
    clock.advance(BURST / RATE)
    for number in range(60):
        await send(dispatcher, bot, 7, f"second{number}")

    assert echoes(bot, 7)[BURST:] == [f"echo second{number}" for number in range(BURST)]
    assert notices(bot, 7) == 2


async def test_the_episode_ends_when_the_bucket_is_full_even_if_still_remembered(
    dispatcher: Dispatcher, bot: MockedBot, throttling: ThrottlingMiddleware, clock: FakeClock
) -> None:
    for number in range(30):
        await send(dispatcher, bot, 7, f"first{number}")
    clock.advance(0.1)
    await send(dispatcher, bot, 7, "half a token: dropped")
    clock.advance(3.95)  # 0.5 + 3.95 * RATE > BURST tokens, yet not idle for BURST / RATE
    for number in range(30):
        await send(dispatcher, bot, 7, f"second{number}")

    assert len(throttling) == 1
    assert len(echoes(bot, 7)) == 2 * BURST
    assert notices(bot, 7) == 2


async def test_a_flooding_callback_is_answered_with_the_notice(
    dispatcher: Dispatcher, bot: MockedBot
) -> None:
    for number in range(BURST + 5):
        await dispatcher.feed_update(bot, updates.callback(f"b{number}", sender=updates.user(7)))

    answers = bot.session.of_type(AnswerCallbackQuery)
    assert [a.text for a in answers[:BURST]] == [f"pressed b{n}" for n in range(BURST)]
    assert [(a.text, a.show_alert) for a in answers[BURST:]] == [(BUTTON_NOTICE, False)]
    assert bot.session.of_type(SendMessage) == []


async def test_a_failing_notice_never_raises_and_is_not_retried(
    dispatcher: Dispatcher, bot: MockedBot
) -> None:
    for number in range(BURST):
        await send(dispatcher, bot, 7, f"m{number}")
    blocked = TelegramForbiddenError(SendMessage(chat_id=7, text="x"), "bot was blocked")
    bot.session.fail_next(SendMessage, blocked)
    for number in range(10):
        await send(dispatcher, bot, 7, f"over{number}")  # the first one's notice fails

    assert notices(bot, 7) == 1  # attempted once (and refused), never again
    assert len(echoes(bot, 7)) == BURST


async def test_updates_without_a_user_pass_through(dispatcher: Dispatcher, bot: MockedBot) -> None:
    channel = Chat(id=-100123, type="channel", title="Новости")
    for number in range(60):
        post = Message(message_id=number + 1, date=datetime.now(UTC), chat=channel, text="p")
        await dispatcher.feed_update(bot, Update(update_id=90_000 + number, channel_post=post))

    assert len(bot.session.of_type(SendMessage)) == 60


async def test_flood_logs_carry_no_text_and_no_names(
    dispatcher: Dispatcher, bot: MockedBot, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    sender = updates.user(4242, first_name="Зинаида", last_name="Секретова", username="zina_s")
    for _ in range(60):
        update = updates.message("мой телефон 89161234567", sender=sender)
        await dispatcher.feed_update(bot, update)
    clock.advance(BURST / RATE)
    await dispatcher.feed_update(bot, updates.message("ещё", sender=sender))

    ours = [r.getMessage() for r in caplog.records if r.name == "bot.throttling"]
    assert len(ours) == 2  # one line when the episode starts, one when it ends
    assert "4242" in ours[0]
    assert "40 update(s) dropped" in ours[1]
    for forbidden in ("Зинаида", "Секретова", "zina_s", "89161234567", "телефон", "ещё"):
        assert forbidden not in caplog.text


async def test_idle_buckets_are_forgotten(
    dispatcher: Dispatcher, bot: MockedBot, throttling: ThrottlingMiddleware, clock: FakeClock
) -> None:
    for user_id in range(1, 1001):
        await send(dispatcher, bot, user_id, "hi")
        clock.advance(0.1)

    # Only users seen within the refill time (BURST / RATE = 4 s) may still hold a bucket.
    assert len(throttling) <= BURST / RATE / 0.1 + 1
    clock.advance(BURST / RATE)
    for _ in range(15):
        await send(dispatcher, bot, 5000, "hi")
    assert len(throttling) == 1


async def test_the_store_is_bounded_even_when_everyone_is_active_at_once(
    bot: MockedBot, clock: FakeClock
) -> None:
    throttling = ThrottlingMiddleware(rate=RATE, burst=BURST, t=t, clock=clock, max_users=50)
    dispatcher = Dispatcher()
    install_throttling(dispatcher, throttling)
    dispatcher.include_router(echo_router())
    for user_id in range(1, 501):
        await send(dispatcher, bot, user_id, "hi")

    assert len(throttling) == 50
    assert len(bot.session.of_type(SendMessage)) == 500


class CountingStorage(MemoryStorage):
    def __init__(self) -> None:
        super().__init__()
        self.reads = 0

    async def get_state(self, key: StorageKey) -> str | None:
        self.reads += 1
        return await super().get_state(key)


async def test_a_dropped_update_costs_nothing_downstream(bot: MockedBot, clock: FakeClock) -> None:
    storage = CountingStorage()
    dispatcher = Dispatcher(storage=storage)
    seen: list[Any] = []

    async def downstream(handler: Any, event: Any, data: dict[str, Any]) -> Any:
        seen.append(event)
        return await handler(event, data)

    dispatcher.update.outer_middleware(downstream)
    install_throttling(dispatcher, ThrottlingMiddleware(RATE, BURST, t=t, clock=clock))
    dispatcher.include_router(echo_router())
    for number in range(60):
        await send(dispatcher, bot, 7, f"m{number}")

    assert storage.reads == BURST
    assert len(seen) == BURST


def test_install_puts_throttling_before_the_fsm_and_after_aiogram_context() -> None:
    dispatcher = Dispatcher()
    throttling = ThrottlingMiddleware(t=t)
    install_throttling(dispatcher, throttling)

    kinds = [type(m) for m in dispatcher.update.outer_middleware]
    assert kinds[:3] == [ErrorsMiddleware, UserContextMiddleware, ThrottlingMiddleware]
    assert dispatcher.update.outer_middleware[3] is dispatcher.fsm


@pytest.mark.parametrize(("rate", "burst"), [(0, 20), (-1, 20), (5, 0)])
def test_impossible_limits_are_refused(rate: float, burst: int) -> None:
    with pytest.raises(ValueError, match="throttling needs"):
        ThrottlingMiddleware(rate, burst, t=t)


def test_both_notices_exist_and_fit_telegram_limits() -> None:
    assert NOTICE.strip()
    assert 0 < len(BUTTON_NOTICE) <= 200
