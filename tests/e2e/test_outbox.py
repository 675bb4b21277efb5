"""The outbox over HTTP: the bot as a process sends what is queued in its database to the fake
Bot API, which refuses like Telegram past 30 messages a second or one a second per chat."""

from __future__ import annotations

import asyncio
import sqlite3
from collections import Counter
from collections.abc import Callable, Sequence
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from storage.database import Database
from storage.dto import Outgoing
from storage.migrate import upgrade
from storage.repositories.users import TelegramProfile
from tests.bot_process import BotProcess, start_bot
from tests.fake_bot_api import FakeBotAPI, FakeUser

pytestmark = pytest.mark.e2e
PEOPLE = [FakeUser(5000 + n, f"Учитель {n}") for n in range(120)]
BLOCKER = FakeUser(4999, "Ирина")


async def seed(path: Path, messages: list[Outgoing], users: Sequence[FakeUser] = ()) -> None:
    """Queue ``messages`` in the bot's database file (created and migrated if need be)."""
    database = Database.from_url(f"sqlite+aiosqlite:///{path}")
    try:
        await upgrade(database)
        async with database.transaction() as uow:
            for user in users:
                await uow.users.save_profile(TelegramProfile(user.id, user.first_name))
            await uow.outbox.put(messages, datetime.now(UTC))
    finally:
        await database.dispose()


def query(path: Path, sql: str, *params: object) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(path)) as db:
        return db.execute(sql, params).fetchall()


def outbox(path: Path) -> list[tuple[int, str, str]]:
    return query(path, "select chat_id, text, status from outbox order by id")


async def until(condition: Callable[[], bool], bot: BotProcess, timeout: float = 15.0) -> None:
    async with asyncio.timeout(timeout):
        while not condition():
            assert bot.running, bot.log_text()
            await asyncio.sleep(0.05)


def notice(user: FakeUser) -> Outgoing:
    return Outgoing(user.id, f"Объявление для {user.first_name}", purpose="broadcast", priority=2)


async def test_a_hundred_and_twenty_notices_keep_telegrams_limits(
    fake: FakeBotAPI, tmp_path: Path, drill_report: list[str]
) -> None:
    path = tmp_path / "bot.db"
    for person in PEOPLE:
        fake.open_chat(person)
    fake.limit_rate(30, 1)
    await seed(path, [notice(person) for person in PEOPLE[:60]])
    async with await start_bot(fake, tmp_path, OUTBOX_POLL_SECONDS="0.5") as bot:
        await seed(path, [notice(person) for person in PEOPLE[60:]])  # while it runs
        await until(lambda: len(fake.sends) >= len(PEOPLE), bot)
        await until(lambda: {row[2] for row in outbox(path)} == {"sent"}, bot)
        await asyncio.sleep(0.3)  # anything more would show now
        assert await bot.terminate() == 0

    per_chat = Counter(send.chat_id for send in fake.sends)
    assert per_chat == Counter({person.id: 1 for person in PEOPLE})  # none lost, none twice
    for person in PEOPLE:
        [message] = fake.messages(person.id)
        assert message.text == f"Объявление для {person.first_name}"
    assert fake.max_sends_in_any_second() <= 30
    # A refusal (the fake's window sees the pace's bursts shifted by the network) puts the
    # message back in the queue: it costs time, never a message.
    refusals = [error for error in fake.errors if not error.injected]
    assert len(refusals) == fake.rate_refusals
    assert {error.status for error in refusals} <= {429}
    assert fake.unexpected_calls == []
    assert len(outbox(path)) == len(PEOPLE)
    drill_report.append(
        f"outbox e2e: {len(PEOPLE)} notices, each delivered once; "
        f"{fake.rate_refusals} refused by the 30/s limit; "
        f"at most {fake.max_sends_in_any_second()} in one second"
    )


async def test_a_person_who_blocked_the_bot_gets_nothing(fake: FakeBotAPI, tmp_path: Path) -> None:
    path = tmp_path / "bot.db"
    others = PEOPLE[:10]
    for person in [BLOCKER, *others]:
        fake.open_chat(person)
    fake.block(BLOCKER.id)
    fake.limit_rate(30, 1)
    queued = [
        Outgoing(BLOCKER.id, "Первое"),
        *(notice(person) for person in others),
        Outgoing(BLOCKER.id, "Второе"),
    ]
    await seed(path, queued, users=[BLOCKER, *others])
    async with await start_bot(fake, tmp_path, OUTBOX_POLL_SECONDS="0.5") as bot:
        await until(lambda: all(fake.messages(person.id) for person in others), bot)
        await until(lambda: {row[2] for row in outbox(path)} <= {"sent", "blocked"}, bot)
        await asyncio.sleep(0.3)
        assert await bot.terminate() == 0

    assert fake.messages(BLOCKER.id) == []
    rows = outbox(path)  # in the order queued; a handled row keeps no text
    assert [status for chat, _text, status in rows if chat == BLOCKER.id] == ["blocked"] * 2
    assert [status for chat, _text, status in rows if chat != BLOCKER.id] == ["sent"] * len(others)
    assert {text for _chat, text, _status in rows} == {""}
    [(blocked_at,)] = query(path, "select blocked_at from users where id = ?", BLOCKER.id)
    assert blocked_at is not None
    assert [error.status for error in fake.errors] == [403] * len(fake.errors)
    fake.assert_no_errors()


async def test_sigterm_lets_the_outbox_message_under_way_finish(
    fake: FakeBotAPI, tmp_path: Path
) -> None:
    path = tmp_path / "bot.db"
    person = PEOPLE[0]
    fake.open_chat(person)
    await seed(path, [notice(person)])
    arrived, release = fake.hold("sendMessage")
    async with await start_bot(fake, tmp_path) as bot:
        await asyncio.wait_for(arrived.wait(), 10)
        stopping = asyncio.create_task(bot.terminate(timeout=20))
        await asyncio.sleep(0.5)  # the signal is in; the request is still on the network
        release.set()
        assert await stopping == 0

    assert [row[2] for row in outbox(path)] == ["sent"], bot.log_text()
    assert len(fake.messages(person.id)) == 1
