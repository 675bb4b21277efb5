"""The outbox's sender without Telegram: a fake courier, a fake clock (the pace's sleeps move
it, so nothing waits for real), on SQLite and PostgreSQL; then the aiogram side: BotCourier's
answers for Telegram's errors and the session middlewares around it."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any
from weakref import WeakKeyDictionary
from zoneinfo import ZoneInfo

import pytest
from aiogram.client.session.middlewares.base import BaseRequestMiddleware
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import EditMessageText, SendMessage
from aiogram.types import InlineKeyboardMarkup
from sqlalchemy import select

from bot.factory import create_bot, create_sender
from bot.middlewares import RetryAfterMiddleware
from bot.settings import Settings
from forms.vocabulary import Delivery
from handlers.clock import Clock
from handlers.outbox import pace as pace_module
from handlers.outbox.pace import PACED, Pace
from handlers.outbox.queue import Priority, queue
from handlers.outbox.sender import (
    Blocked,
    Delivered,
    Failed,
    Result,
    Retry,
    Sender,
    SenderSettings,
)
from handlers.telegram.outbox import BotCourier, PacingMiddleware
from handlers.ui.messages import Button, Keyboard, Notice
from storage.database import Database
from storage.dto import OutboxDTO, Outgoing
from storage.models import OutboxMessage
from storage.repositories import UnitOfWork
from storage.repositories.users import TelegramProfile
from tests.mocked_bot import MockedBot, RecordingSession

START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
ZONE = ZoneInfo("Europe/Moscow")
REAL_SLEEP = asyncio.sleep
EPSILON = 1e-6


class FakeTime:
    """One fake clock for the pace (monotonic seconds) and the sender (UTC now). The pace's
    sleeps move it forward, so a test never waits for real time."""

    def __init__(self) -> None:
        self.t = 0.0

    def monotonic(self) -> float:
        return self.t

    def now_utc(self) -> datetime:
        return START + timedelta(seconds=self.t)

    def advance(self, seconds: float) -> None:
        self.t += seconds

    async def sleep(self, delay: float) -> None:
        self.t += max(delay, 0.0)
        await REAL_SLEEP(0)


@pytest.fixture
def fake_time(monkeypatch: pytest.MonkeyPatch) -> FakeTime:
    time = FakeTime()
    monkeypatch.setattr(pace_module, "asyncio", SimpleNamespace(sleep=time.sleep))
    return time


def most_in_window(times: Sequence[float], window: float) -> int:
    """The most of ``times`` within one half-open window of ``window`` seconds."""
    ordered = sorted(times)
    return max(
        (sum(1 for t in ordered if start <= t < start + window - EPSILON) for start in ordered),
        default=0,
    )


# --------------------------------------------------------------------------- the pace


async def test_bulk_never_fills_a_window_past_rate_less_reserve(fake_time: FakeTime) -> None:
    pace = Pace(5, per_chat=1.0, reserve=1, clock=fake_time.monotonic)
    granted: list[tuple[float, int]] = []

    async def send(chat: int) -> None:
        await pace.bulk(chat)
        granted.append((fake_time.t, chat))

    chats = [chat for _ in range(4) for chat in range(10)]
    await asyncio.gather(*(send(chat) for chat in chats))
    times = [at for at, _ in granted]
    assert len(times) == 40
    assert most_in_window(times, 1.0) == 4  # rate 5 less the reserve of 1, and no fewer
    assert fake_time.t >= 9.0  # 40 messages at 4 a second
    for chat in range(10):
        mine = sorted(at for at, to in granted if to == chat)
        assert len(mine) == 4
        assert all(b - a >= 1.0 - EPSILON for a, b in itertools.pairwise(mine))


async def test_bulk_keeps_one_second_between_messages_to_one_chat(fake_time: FakeTime) -> None:
    pace = Pace(30, per_chat=1.0, clock=fake_time.monotonic)
    await pace.bulk(1)
    assert fake_time.t == 0.0
    await pace.bulk(2)  # another chat: only the even spacing of the outbox, 1/29 s
    assert fake_time.t == pytest.approx(1 / 29)
    await pace.bulk(1)
    assert fake_time.t >= 1.0 - EPSILON
    moment = fake_time.t
    await pace.bulk(1)
    assert fake_time.t - moment >= 1.0 - EPSILON


async def test_a_reply_goes_through_when_the_outbox_would_wait(fake_time: FakeTime) -> None:
    pace = Pace(5, per_chat=1.0, reserve=1, clock=fake_time.monotonic, window=1.0)
    for chat in (1, 2, 3, 4):
        await pace.bulk(chat)  # spread evenly: 0, 0.25, 0.5, 0.75
    assert fake_time.t == pytest.approx(0.75)
    await pace.urgent(1)  # the reserve, and no per-chat second for a reply
    assert fake_time.t == pytest.approx(0.75)
    await pace.urgent(None)  # the whole window is full now: a reply waits too
    assert fake_time.t >= 1.0 - EPSILON
    await pace.bulk(5)  # room under rate - reserve once the 0.5 s send leaves the window
    assert fake_time.t == pytest.approx(1.5)


async def test_a_pause_holds_the_outbox_not_the_replies(fake_time: FakeTime) -> None:
    pace = Pace(30, per_chat=1.0, clock=fake_time.monotonic)
    pace.pause(2)
    pace.pause(1)  # a shorter one does not cut the longer short
    await pace.urgent(7)
    assert fake_time.t == 0.0
    await pace.bulk(8)
    assert fake_time.t >= 2.0 - EPSILON
    moment = fake_time.t
    await pace.bulk(9)
    assert fake_time.t == pytest.approx(moment + 1 / 29)  # over: the even spacing only


@pytest.mark.parametrize("bulk_first", [True, False])
async def test_a_waiting_reply_goes_ahead_of_the_outbox(
    fake_time: FakeTime, *, bulk_first: bool
) -> None:
    pace = Pace(5, per_chat=1.0, reserve=1, clock=fake_time.monotonic)
    for _ in range(5):
        await pace.urgent(None)  # the window is full
    order: list[str] = []

    async def bulk() -> None:
        await pace.bulk(100)
        order.append("bulk")

    async def urgent() -> None:
        await pace.urgent(200)
        order.append("urgent")

    first, second = (bulk, urgent) if bulk_first else (urgent, bulk)
    await asyncio.gather(first(), second())
    assert order == ["urgent", "bulk"]


# --------------------------------------------------------------------------- the sender

Answer = Callable[[OutboxDTO], Result]


class FakeCourier:
    """Records what it was given (and when, on the fake clock) and answers as told."""

    def __init__(self, time: FakeTime, answer: Answer | None = None) -> None:
        self.time = time
        self.answer = answer or (lambda message: Delivered(5000 + message.id))
        self.got: list[OutboxDTO] = []
        self.at: list[float] = []

    async def send(self, message: OutboxDTO) -> Result:
        self.got.append(message)
        self.at.append(self.time.t)
        return self.answer(message)

    def texts(self) -> list[str]:
        return [message.text for message in self.got]


class HangingCourier(FakeCourier):
    """Never answers: the process is killed while the requests are under way."""

    async def send(self, message: OutboxDTO) -> Result:
        self.got.append(message)
        await asyncio.Event().wait()
        raise AssertionError("unreachable")


def sender(database: Database, time: FakeTime, *, alone: bool = False, **settings: Any) -> Sender:
    pace = Pace(30, per_chat=1.0, reserve=1, clock=time.monotonic)
    return Sender(
        database, pace, Clock(ZONE, time.now_utc), SenderSettings(**settings), alone=alone
    )


LABELS: WeakKeyDictionary[Database, dict[int, str]] = WeakKeyDictionary()
"""Each test database's rows by id → the text they were queued with (a handled message's text
is not kept: see OutboxRepository)."""


async def enqueue(database: Database, time: FakeTime, *messages: tuple[int, str]) -> None:
    async with database.transaction() as uow:
        await uow.outbox.put([Outgoing(chat, text) for chat, text in messages], time.now_utc())
        found = await uow.connection.execute(select(OutboxMessage.id, OutboxMessage.text))
        labels = LABELS.setdefault(database, {})
        labels.update({row.id: row.text for row in found if row.id not in labels})


async def rows(database: Database) -> dict[str, OutboxDTO]:
    """Every row of the outbox by the text it was queued with (each message has its own)."""
    async with database.read() as uow:
        found = await uow.connection.execute(select(OutboxMessage.__table__))
    labels = LABELS.get(database, {})
    return {labels.get(row.id, row.text): OutboxDTO(**row._mapping) for row in found}


async def statuses(database: Database) -> dict[str, Delivery]:
    return {text: message.status for text, message in (await rows(database)).items()}


async def drain(the_sender: Sender, courier: FakeCourier, rounds: int = 10) -> int:
    handled = 0
    for _ in range(rounds):
        found = await the_sender.run(courier)
        if not found:
            return handled
        handled += found
    raise AssertionError("the queue never emptied")


async def test_delivered_messages_are_sent_with_telegrams_id(
    database: Database, fake_time: FakeTime
) -> None:
    await enqueue(database, fake_time, (1, "a1"), (2, "b1"), (1, "a2"), (3, "c1"))
    the_sender = sender(database, fake_time)
    courier = FakeCourier(fake_time)
    assert await the_sender.run(courier) == 4
    assert await the_sender.run(courier) == 0
    assert sorted(courier.texts()) == ["a1", "a2", "b1", "c1"]
    assert courier.texts().index("a1") < courier.texts().index("a2")  # a chat's order kept
    a1, a2 = (courier.at[courier.texts().index(text)] for text in ("a1", "a2"))
    # A second between two messages to one chat (the courier sees them a spacing or two
    # after the pace let them go: the other chats' waits move the shared fake clock).
    assert a2 - a1 >= 1.0 - 3 / 29
    for message in (await rows(database)).values():
        assert message.status is Delivery.sent
        assert message.message_id == 5000 + message.id
        assert message.attempts == 1
        assert message.claim is None
        assert message.sent_at is not None
        assert message.sent_at >= START
    assert not the_sender.requested.is_set()


async def test_a_full_batch_asks_for_the_next_round_at_once(
    database: Database, fake_time: FakeTime
) -> None:
    await enqueue(database, fake_time, *((n, f"m{n}") for n in range(5)))
    the_sender = sender(database, fake_time, batch=3)
    courier = FakeCourier(fake_time)
    assert await the_sender.run(courier) == 3
    assert the_sender.requested.is_set()
    the_sender.requested.clear()
    assert await the_sender.run(courier) == 2
    assert not the_sender.requested.is_set()
    assert sorted(courier.texts()) == [f"m{n}" for n in range(5)]


async def test_a_retry_after_puts_the_message_back_and_pauses_the_outbox(
    database: Database, fake_time: FakeTime
) -> None:
    await enqueue(database, fake_time, (1, "a1"))
    answers: list[Result] = [Retry("429", 3.0)]
    courier = FakeCourier(fake_time, lambda _: answers.pop(0) if answers else Delivered(77))
    the_sender = sender(database, fake_time)
    assert await the_sender.run(courier) == 1
    asked_at = START + timedelta(seconds=courier.at[0])
    message = (await rows(database))["a1"]
    assert message.status is Delivery.pending
    assert abs((message.not_before - asked_at) - timedelta(seconds=3)) < timedelta(milliseconds=1)
    assert (message.error, message.attempts, message.claim) == ("429", 1, None)
    assert await the_sender.run(courier) == 0  # not due yet

    moment = fake_time.t
    await the_sender.pace.bulk(999)  # the outbox waits out Telegram's «retry after»
    assert fake_time.t - courier.at[0] >= 3.0 - EPSILON
    assert fake_time.t > moment

    fake_time.advance(0.01)
    assert await the_sender.run(courier) == 1
    message = (await rows(database))["a1"]
    assert (message.status, message.message_id, message.attempts) == (Delivery.sent, 77, 2)
    assert courier.texts() == ["a1", "a1"]


async def test_network_errors_wait_longer_each_time_then_give_up(
    database: Database, fake_time: FakeTime
) -> None:
    await enqueue(database, fake_time, (1, "a1"))
    courier = FakeCourier(fake_time, lambda _: Retry("TelegramNetworkError"))
    the_sender = sender(database, fake_time, attempts=5, longest_pause=5.0)
    pauses = []
    for attempt in range(1, 5):
        assert await the_sender.run(courier) == 1
        message = (await rows(database))["a1"]
        assert (message.status, message.attempts) == (Delivery.pending, attempt)
        pause = message.not_before - (START + timedelta(seconds=courier.at[-1]))
        pauses.append(round(pause.total_seconds(), 3))
        assert await the_sender.run(courier) == 0
        fake_time.t = (message.not_before - START).total_seconds()
    assert pauses == [2.0, 4.0, 5.0, 5.0]  # growing, up to the longest pause
    assert await the_sender.run(courier) == 1
    message = (await rows(database))["a1"]
    assert (message.status, message.attempts) == (Delivery.failed, 5)
    assert message.error == "TelegramNetworkError"
    fake_time.advance(600)
    assert await the_sender.run(courier) == 0
    assert len(courier.got) == 5


def blocking(chat: int) -> Answer:
    """Telegram's answers when ``chat`` blocked the bot: 403 every time."""
    return lambda message: Blocked() if message.chat_id == chat else Delivered(message.id)


async def test_a_blocked_chat_gets_nothing_more(database: Database, fake_time: FakeTime) -> None:
    async with database.transaction() as uow:
        await uow.users.save_profile(TelegramProfile(1, "Анна"))
        await uow.users.save_profile(TelegramProfile(2, "Ольга"))
    await enqueue(database, fake_time, (1, "a1"), (2, "b1"), (1, "a2"), (1, "a3"), (2, "b2"))
    the_sender = sender(database, fake_time)
    courier = FakeCourier(fake_time, blocking(1))
    await drain(the_sender, courier)
    assert await statuses(database) == {
        "a1": Delivery.blocked,
        "a2": Delivery.blocked,
        "a3": Delivery.blocked,
        "b1": Delivery.sent,
        "b2": Delivery.sent,
    }
    async with database.read() as uow:
        blocked, other = await uow.users.get(1), await uow.users.get(2)
    assert blocked is not None
    assert blocked.blocked_at is not None
    assert other is not None
    assert other.blocked_at is None
    await enqueue(database, fake_time, (1, "a4"), (2, "b3"))
    assert await drain(the_sender, courier) == 1
    assert "a4" not in await statuses(database)  # never queued
    assert courier.texts()[-1] == "b3"


async def test_after_a_403_the_chats_other_messages_are_not_tried(
    database: Database, fake_time: FakeTime
) -> None:
    async with database.transaction() as uow:
        await uow.users.save_profile(TelegramProfile(1, "Анна"))
    await enqueue(database, fake_time, (1, "a1"), (1, "a2"), (1, "a3"), (2, "b1"))
    courier = FakeCourier(fake_time, blocking(1))
    await drain(sender(database, fake_time), courier)
    assert sorted(courier.texts()) == ["a1", "b1"]


async def test_a_refused_message_does_not_stop_the_chat(
    database: Database, fake_time: FakeTime
) -> None:
    await enqueue(database, fake_time, (1, "a1"), (1, "a2"))

    def answer(message: OutboxDTO) -> Result:
        return Failed("TelegramBadRequest") if message.text == "a1" else Delivered(9)

    courier = FakeCourier(fake_time, answer)
    assert await sender(database, fake_time).run(courier) == 2
    assert courier.texts() == ["a1", "a2"]
    found = await rows(database)
    assert (found["a1"].status, found["a1"].error) == (Delivery.failed, "TelegramBadRequest")
    assert (found["a2"].status, found["a2"].message_id) == (Delivery.sent, 9)


async def test_a_killed_sender_leaves_in_doubt_only_what_was_under_way(
    database: Database, fake_time: FakeTime
) -> None:
    await enqueue(
        database, fake_time, *((chat, f"{chat}-{n}") for n in range(3) for chat in (1, 2, 3))
    )
    hanging = HangingCourier(fake_time)
    dead = sender(database, fake_time)
    task = asyncio.create_task(dead.run(hanging))
    async with asyncio.timeout(5):
        while len(hanging.got) < 3:  # one request under way in each chat
            await REAL_SLEEP(0.01)
    task.cancel()  # kill -9: nothing more happens in that process
    with pytest.raises(asyncio.CancelledError):
        await task
    in_flight = {message.text for message in hanging.got}
    assert in_flight == {"1-0", "2-0", "3-0"}
    assert set((await statuses(database)).values()) == {Delivery.sending, Delivery.claimed}

    # A sender that has not the database to itself waits until the claims are old enough.
    careful = FakeCourier(fake_time)
    assert await sender(database, fake_time).run(careful) == 0
    assert careful.got == []

    courier = FakeCourier(fake_time)
    restarted = sender(database, fake_time, alone=True)
    assert await drain(restarted, courier) == 6
    assert in_flight.isdisjoint(courier.texts())
    everything = [message.id for message in hanging.got + courier.got]
    assert len(everything) == len(set(everything)) == 9  # each reached Telegram at most once
    after = await statuses(database)
    assert {text for text, status in after.items() if status is Delivery.unknown} == in_flight
    assert {text for text, status in after.items() if status is Delivery.sent} == set(
        courier.texts()
    )


async def test_claims_of_a_dead_sender_are_taken_back_after_claim_seconds(
    database: Database, fake_time: FakeTime
) -> None:
    await enqueue(database, fake_time, (1, "a1"), (1, "a2"))
    hanging = HangingCourier(fake_time)
    task = asyncio.create_task(sender(database, fake_time, claim_seconds=30).run(hanging))
    async with asyncio.timeout(5):
        while not hanging.got:
            await REAL_SLEEP(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    other = sender(database, fake_time, claim_seconds=30)
    courier = FakeCourier(fake_time)
    fake_time.advance(29)
    assert await other.run(courier) == 0  # not yet a dead one's
    fake_time.advance(2)
    assert await other.run(courier) == 0  # looked for at most every claim_seconds / 2
    fake_time.advance(14)
    assert await other.run(courier) == 1
    assert courier.texts() == ["a2"]
    assert await statuses(database) == {"a1": Delivery.unknown, "a2": Delivery.sent}


async def test_stop_sends_nothing_more_and_gives_back_the_rest(
    database: Database, fake_time: FakeTime
) -> None:
    await enqueue(database, fake_time, (1, "a1"), (1, "a2"), (1, "a3"))
    the_sender = sender(database, fake_time)

    class StoppedMidway(FakeCourier):
        async def send(self, message: OutboxDTO) -> Result:
            await the_sender.stop()  # SIGTERM while the first request is under way
            return await super().send(message)

    courier = StoppedMidway(fake_time)
    assert await the_sender.run(courier) == 3
    assert courier.texts() == ["a1"]
    assert await statuses(database) == {
        "a1": Delivery.sent,
        "a2": Delivery.pending,
        "a3": Delivery.pending,
    }
    assert (await rows(database))["a2"].claim is None
    assert await sender(database, fake_time).run(FakeCourier(fake_time)) == 2


async def test_skipped_messages_never_reach_the_courier(
    database: Database, fake_time: FakeTime
) -> None:
    await enqueue(database, fake_time, (1, "keep"), (2, "drop"), (1, "drop too"), (3, "keep too"))
    seen: list[list[str]] = []

    async def answered_meanwhile(uow: UnitOfWork, batch: Sequence[OutboxDTO]) -> set[int]:
        seen.append([message.text for message in batch])
        assert await uow.outbox.get(batch[0].id) is not None  # the claim's own transaction
        return {message.id for message in batch if message.text.startswith("drop")}

    the_sender = sender(database, fake_time)
    the_sender.skips.append(answered_meanwhile)
    courier = FakeCourier(fake_time)
    assert await the_sender.run(courier) == 4
    assert seen == [["keep", "drop", "drop too", "keep too"]]
    assert sorted(courier.texts()) == ["keep", "keep too"]
    assert await statuses(database) == {
        "keep": Delivery.sent,
        "drop": Delivery.skipped,
        "drop too": Delivery.skipped,
        "keep too": Delivery.sent,
    }
    assert await the_sender.run(courier) == 0


async def test_notices_are_queued_with_their_buttons(sqlite_db: Database) -> None:
    keyboard = Keyboard.of(
        [Button("Да", "c:1"), Button("Нет", "c:0")], [Button("Сайт", url="https://e.org")]
    )
    notices = [Notice(1, "Новая заявка", keyboard), Notice(2, "Напоминаем")]
    async with sqlite_db.transaction() as uow:
        assert await queue(uow, notices, START, purpose="reminder", priority=Priority.reminder)
        queued = await uow.outbox.claim("s", START, 10)
    assert [(m.chat_id, m.purpose, m.priority) for m in queued] == [
        (1, "reminder", 1),
        (2, "reminder", 1),
    ]
    assert queued[0].buttons == [
        [{"text": "Да", "data": "c:1"}, {"text": "Нет", "data": "c:0"}],
        [{"text": "Сайт", "url": "https://e.org"}],
    ]
    assert queued[1].buttons is None


async def test_create_sender_follows_the_settings(
    settings: Settings, sqlite_db: Database, fake_time: FakeTime
) -> None:
    tuned = settings.model_copy(
        update={"send_rate": 10, "send_reserve": 3, "outbox_batch": 7, "outbox_attempts": 2}
    )
    made = create_sender(tuned, sqlite_db, Clock(ZONE, fake_time.now_utc))
    assert (made.pace.rate, made.pace.bulk_rate, made.pace.per_chat) == (10, 7, 1.0)
    assert (made.settings.batch, made.settings.attempts) == (7, 2)
    # Without Redis the process is alone with its database: a claim left behind is recovered
    # at the first round; with Redis another process may be sending it.
    for redis, expected in ((None, 1), ("redis://127.0.0.1:6379/0", 0)):
        await enqueue(sqlite_db, fake_time, (1, f"left by a dead sender {redis}"))
        async with sqlite_db.transaction() as uow:
            await uow.outbox.claim("dead", fake_time.now_utc(), 10)
        shaped = tuned.model_copy(update={"redis_url": redis})
        made = create_sender(shaped, sqlite_db, Clock(ZONE, fake_time.now_utc))
        assert await made.run(FakeCourier(fake_time)) == expected


# --------------------------------------------------------------------------- aiogram


def outbox_row(chat_id: int = 1001, buttons: list[list[dict[str, str]]] | None = None) -> OutboxDTO:
    return OutboxDTO(
        id=1,
        chat_id=chat_id,
        text="<b>Новая заявка</b>",
        buttons=buttons,
        purpose="notice",
        priority=0,
        campaign_id=None,
        status=Delivery.sending,
        not_before=START,
        attempts=1,
        claim="s",
        claimed_at=START,
        sent_at=None,
        message_id=None,
        error=None,
        created_at=START,
    )


SEND = SendMessage(chat_id=1001, text="x")


async def test_bot_courier_sends_the_row_as_the_notice(bot: MockedBot) -> None:
    buttons = [[{"text": "Принять", "data": "c:1"}], [{"text": "Сайт", "url": "https://e.org"}]]
    result = await BotCourier(bot).send(outbox_row(buttons=buttons))
    [sent] = bot.session.of_type(SendMessage)
    assert result == Delivered(bot.session.results[0][1].message_id)
    assert (sent.chat_id, sent.text) == (1001, "<b>Новая заявка</b>")
    assert isinstance(sent.reply_markup, InlineKeyboardMarkup)
    [[accept], [site]] = sent.reply_markup.inline_keyboard
    assert (accept.text, accept.callback_data) == ("Принять", "c:1")
    assert (site.text, site.url) == ("Сайт", "https://e.org")
    assert not PACED.get()


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (TelegramRetryAfter(SEND, "Too Many Requests: retry after 7", 7), Retry("429", 7.0)),
        (TelegramForbiddenError(SEND, "Forbidden: bot was blocked by the user"), Blocked()),
        (
            TelegramBadRequest(SEND, "Bad Request: chat not found"),
            Failed("TelegramBadRequest"),
        ),
        (TelegramNotFound(SEND, "Not Found"), Failed("TelegramNotFound")),
        (TelegramNetworkError(SEND, "Request timeout error"), Retry("TelegramNetworkError")),
        (TelegramServerError(SEND, "Internal Server Error"), Retry("TelegramServerError")),
    ],
    ids=["429", "403", "400", "404", "network", "5xx"],
)
async def test_bot_courier_maps_telegrams_refusals(
    bot: MockedBot, error: Exception, expected: Result
) -> None:
    bot.session.fail_next(SendMessage, error)
    assert await BotCourier(bot).send(outbox_row()) == expected
    assert len(bot.session.of_type(SendMessage)) == 1
    assert not PACED.get()


class SpyPace(Pace):
    def __init__(self, time: FakeTime) -> None:
        super().__init__(30, clock=time.monotonic)
        self.replies: list[int | None] = []

    async def urgent(self, chat_id: int | None) -> None:
        self.replies.append(chat_id)
        await super().urgent(chat_id)


def session_of(bot: MockedBot, *middlewares: BaseRequestMiddleware) -> RecordingSession:
    for middleware in middlewares:
        bot.session.middleware(middleware)
    return bot.session


async def test_the_session_waits_out_a_429_except_for_the_outbox(
    bot: MockedBot, fake_time: FakeTime
) -> None:
    pace = SpyPace(fake_time)
    session = session_of(bot, RetryAfterMiddleware(), PacingMiddleware(pace))
    session.fail_next(SendMessage, TelegramRetryAfter(SEND, "Too Many Requests", 0))
    assert await BotCourier(bot).send(outbox_row()) == Retry("429", 0.0)
    assert len(session.of_type(SendMessage)) == 1  # the outbox puts it back in the queue
    assert pace.replies == []  # paced by the sender already

    session.fail_next(SendMessage, TelegramRetryAfter(SEND, "Too Many Requests", 0))
    reply = await bot.send_message(1001, "Ответ")
    assert reply.text == "Ответ"
    assert len(session.of_type(SendMessage)) == 3  # a reply is sent again
    assert pace.replies == [1001, 1001]  # each attempt takes its place in the window


async def test_pacing_covers_sends_only(bot: MockedBot, fake_time: FakeTime) -> None:
    pace = SpyPace(fake_time)
    session_of(bot, PacingMiddleware(pace))
    await bot.send_message(5, "a")
    await bot.edit_message_text("c", chat_id=5, message_id=1)
    await bot.get_me()
    assert pace.replies == [5]
    assert len(bot.session.of_type(EditMessageText)) == 1

    passed: list[object] = []

    async def make_request(_bot: object, method: object) -> bool:
        passed.append(method)
        return True

    to_channel = SendMessage(chat_id="@channel", text="b")
    assert await PacingMiddleware(pace)(make_request, bot, to_channel) is True
    assert pace.replies == [5, None]  # paced, with no chat's second of its own
    assert passed == [to_channel]


async def test_the_bots_own_session_paces_and_retries(
    settings: Settings, fake_time: FakeTime
) -> None:
    """create_bot's session as built for production, its transport replaced."""
    pace = SpyPace(fake_time)
    bot = create_bot(settings, pace)
    recording = RecordingSession()
    bot.session.make_request = recording.make_request  # type: ignore[method-assign]
    try:
        recording.fail_next(SendMessage, TelegramRetryAfter(SEND, "Too Many Requests", 0))
        assert await BotCourier(bot).send(outbox_row()) == Retry("429", 0.0)
        assert len(recording.of_type(SendMessage)) == 1
        recording.fail_next(SendMessage, TelegramRetryAfter(SEND, "Too Many Requests", 0))
        await bot.send_message(1001, "Ответ")
        assert len(recording.of_type(SendMessage)) == 3
        assert pace.replies == [1001, 1001]
    finally:
        await bot.session.close()


async def test_while_replies_go_out_the_outbox_leaves_them_more_room(fake_time: FakeTime) -> None:
    pace = Pace(30, per_chat=0.0, reserve=1, clock=fake_time.monotonic)
    assert (pace.bulk_rate, pace.replying_rate, pace.urgent_rate) == (29, 26, 29)
    await pace.urgent(None)
    granted = []
    for chat in range(40):
        await pace.bulk(chat)
        granted.append(fake_time.t)
    first_second = [at for at in granted if at < 1.0]
    assert len(first_second) == 25  # 26 in the window, the reply among them


async def test_the_outbox_keeps_its_grid_when_a_sleep_oversleeps(fake_time: FakeTime) -> None:
    pace = Pace(30, per_chat=0.0, reserve=1, clock=fake_time.monotonic)
    await pace.bulk(1)
    fake_time.advance(1 / 29 + 0.002)  # the loop woke 2 ms late
    await pace.bulk(2)
    await pace.bulk(3)
    assert fake_time.t == pytest.approx(2 / 29)  # made up: the third keeps its slot
