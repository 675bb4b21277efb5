"""The outbox table on SQLite and PostgreSQL: claimed most urgent first and only once (two
senders at once), begun once, taken back from a dead sender, and nothing queued for a person
who blocked the bot until they write again."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from forms.vocabulary import Delivery
from storage.database import Database
from storage.dto import OutboxDTO, Outgoing
from storage.repositories.users import TelegramProfile

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


async def put(database: Database, messages: list[Outgoing], now: datetime = NOW) -> int:
    async with database.transaction() as uow:
        return await uow.outbox.put(messages, now)


async def claim(database: Database, who: str, limit: int, now: datetime = NOW) -> list[OutboxDTO]:
    async with database.transaction() as uow:
        return await uow.outbox.claim(who, now, limit)


async def row(database: Database, message_id: int) -> OutboxDTO:
    async with database.read() as uow:
        found = await uow.outbox.get(message_id)
    assert found is not None
    return found


async def statuses(database: Database, ids: list[int]) -> list[Delivery]:
    return [(await row(database, message_id)).status for message_id in ids]


async def test_claimed_most_urgent_first(database: Database) -> None:
    priorities = [2, 0, 1, 0, 2, 1]
    messages = [Outgoing(100 + n, f"m{n}", priority=p) for n, p in enumerate(priorities)]
    assert await put(database, messages) == 6
    claimed = await claim(database, "a", 10)
    assert [m.text for m in claimed] == ["m1", "m3", "m2", "m5", "m0", "m4"]
    assert [(m.priority, m.id) for m in claimed] == sorted((m.priority, m.id) for m in claimed)
    assert all(m.status is Delivery.claimed and m.claim == "a" for m in claimed)
    assert all(m.claimed_at == NOW and m.attempts == 0 for m in claimed)
    assert await claim(database, "b", 10) == []
    assert await statuses(database, [m.id for m in claimed]) == [Delivery.claimed] * 6


async def test_a_claim_takes_at_most_its_limit(
    database: Database, request: pytest.FixtureRequest
) -> None:
    priorities = [2, 0, 1, 0, 2, 1]
    messages = [Outgoing(100 + n, f"m{n}", priority=p) for n, p in enumerate(priorities)]
    await put(database, messages)
    first = await claim(database, "a", 3)
    assert [m.text for m in first] == ["m1", "m3", "m2"]
    second = await claim(database, "b", 10)
    assert [m.text for m in second] == ["m5", "m0", "m4"]
    assert all(m.claim == "b" for m in second)
    assert await claim(database, "c", 10) == []
    assert await statuses(database, [m.id for m in first]) == [Delivery.claimed] * 3
    assert [(await row(database, m.id)).claim for m in first] == ["a"] * 3


async def test_a_message_not_yet_due_is_not_claimed(database: Database) -> None:
    later = NOW + timedelta(minutes=5)
    await put(database, [Outgoing(100, "later")], now=later)
    await put(database, [Outgoing(101, "now")])
    async with database.read() as uow:
        assert await uow.outbox.waiting(NOW)
    assert [m.text for m in await claim(database, "a", 10)] == ["now"]
    async with database.read() as uow:
        assert not await uow.outbox.waiting(NOW)
        assert await uow.outbox.waiting(later)
    assert await claim(database, "a", 10) == []
    assert [m.text for m in await claim(database, "a", 10, now=later)] == ["later"]


async def test_two_senders_claiming_at_once_never_share_a_message(database: Database) -> None:
    total = 200
    await put(database, [Outgoing(1000 + n % 40, f"m{n}") for n in range(total)])

    async def sender(name: str) -> list[int]:
        taken: list[int] = []
        while True:
            async with database.transaction() as uow:
                batch = await uow.outbox.claim(name, NOW, 30)
            if not batch:
                return taken
            assert all(m.claim == name for m in batch)
            taken += [m.id for m in batch]
            await asyncio.sleep(0)

    first, second = await asyncio.gather(sender("a"), sender("b"))
    assert len(first) == len(set(first))
    assert len(second) == len(set(second))
    assert set(first).isdisjoint(second)
    assert set(first) | set(second) == set(range(1, total + 1))
    async with database.read() as uow:
        assert await uow.outbox.counts() == {Delivery.claimed: total}
    assert {(await row(database, i)).claim for i in first} <= {"a"}
    assert {(await row(database, i)).claim for i in second} <= {"b"}


async def test_a_claim_held_open_is_skipped_by_the_other_sender(
    database: Database, request: pytest.FixtureRequest
) -> None:
    """Both transactions open at the same moment (PostgreSQL: SKIP LOCKED, no waiting on the
    other's locks). SQLite has one writer at a time: the transactions cannot overlap."""
    if database.dialect != "postgresql":
        pytest.skip("one writer at a time on SQLite: the transactions cannot overlap")
    await put(database, [Outgoing(1000 + n, f"m{n}") for n in range(50)])
    first_claimed, second_done = asyncio.Event(), asyncio.Event()

    async def holder() -> list[int]:
        async with database.transaction() as uow:
            batch = await uow.outbox.claim("a", NOW, 30)
            first_claimed.set()
            await second_done.wait()  # the locks are held until the other has claimed
        return [m.id for m in batch]

    async def other() -> list[int]:
        await first_claimed.wait()
        async with database.transaction() as uow:
            batch = await uow.outbox.claim("b", NOW, 30)
        second_done.set()
        return [m.id for m in batch]

    async with asyncio.timeout(10):
        first, second = await asyncio.gather(holder(), other())
    assert len(first) == 30
    assert len(second) == 20
    assert set(first).isdisjoint(second)


async def test_begin_needs_the_claim_and_counts_the_attempt(database: Database) -> None:
    await put(database, [Outgoing(100, "one")])
    [message] = await claim(database, "mine", 1)
    began = NOW + timedelta(seconds=2)
    async with database.transaction() as uow:
        assert not await uow.outbox.begin(message.id, "someone-else", began)
    assert (await row(database, message.id)).status is Delivery.claimed
    async with database.transaction() as uow:
        assert await uow.outbox.begin(message.id, "mine", began)
    begun = await row(database, message.id)
    assert begun.status is Delivery.sending
    assert begun.attempts == 1
    assert begun.claimed_at == began
    async with database.transaction() as uow:
        assert not await uow.outbox.begin(message.id, "mine", began)  # only once
    assert (await row(database, message.id)).attempts == 1


async def test_sent_failed_and_retry_record_the_answer(database: Database) -> None:
    await put(database, [Outgoing(100 + n, f"m{n}") for n in range(3)])
    sent, failed, again = await claim(database, "s", 3)
    later = NOW + timedelta(seconds=3)
    async with database.transaction() as uow:
        for message in (sent, failed, again):
            assert await uow.outbox.begin(message.id, "s", NOW)
        await uow.outbox.sent(sent.id, 777, later)
        await uow.outbox.failed(failed.id, "TelegramBadRequest" * 10)
        await uow.outbox.retry(again.id, later, "429")
    done = await row(database, sent.id)
    assert (done.status, done.message_id, done.sent_at, done.claim) == (
        Delivery.sent,
        777,
        later,
        None,
    )
    assert (done.text, done.buttons) == ("", None)  # handled: its words are not kept
    refused = await row(database, failed.id)
    assert refused.status is Delivery.failed
    assert refused.text == ""
    assert refused.error is not None
    assert len(refused.error) == 64
    waiting = await row(database, again.id)
    assert waiting.text == "m2"  # still to be sent
    assert (waiting.status, waiting.not_before, waiting.error, waiting.claim) == (
        Delivery.pending,
        later,
        "429",
        None,
    )
    assert await claim(database, "s", 3) == []
    assert [m.id for m in await claim(database, "s", 3, now=later)] == [again.id]


async def test_a_dead_senders_claims_are_recovered(database: Database) -> None:
    fresh_at = NOW + timedelta(seconds=60)
    await put(database, [Outgoing(100 + n, f"m{n}") for n in range(3)])
    dead = await claim(database, "dead", 10)
    await put(database, [Outgoing(200 + n, f"m{n}") for n in range(2)], now=fresh_at)
    alive = await claim(database, "alive", 10, now=fresh_at)
    assert (len(dead), len(alive)) == (3, 2)
    async with database.transaction() as uow:
        assert await uow.outbox.begin(dead[0].id, "dead", NOW)
        assert await uow.outbox.begin(alive[0].id, "alive", fresh_at)
        assert await uow.outbox.recover(NOW + timedelta(seconds=30)) == (2, 1)
    assert await statuses(database, [m.id for m in dead]) == [
        Delivery.unknown,
        Delivery.pending,
        Delivery.pending,
    ]
    assert await statuses(database, [m.id for m in alive]) == [Delivery.sending, Delivery.claimed]
    for message in dead:
        assert (await row(database, message.id)).claim is None
    assert [(await row(database, m.id)).claim for m in alive] == ["alive", "alive"]
    # The ones given back are claimed again; the one in doubt never is.
    again = await claim(database, "new", 10, now=fresh_at)
    assert [m.id for m in again] == [m.id for m in dead[1:]]
    async with database.transaction() as uow:
        assert await uow.outbox.recover(NOW) == (0, 0)


async def test_blocked_stops_the_queue_until_the_person_writes(database: Database) -> None:
    async with database.transaction() as uow:
        await uow.users.save_profile(TelegramProfile(100, "Анна"))
        await uow.users.save_profile(TelegramProfile(200, "Ольга"))
    await put(database, [Outgoing(100, "first"), Outgoing(200, "other")])
    first, other = await claim(database, "s", 10)
    await put(database, [Outgoing(100, "second"), Outgoing(100, "third")])
    assert (first.chat_id, other.chat_id) == (100, 200)
    blocked_at = NOW + timedelta(seconds=1)
    async with database.transaction() as uow:
        assert await uow.outbox.begin(first.id, "s", NOW)
        assert await uow.outbox.blocked(first.id, 100, blocked_at) == 2
        user = await uow.users.get(100)
        assert user is not None
        assert user.blocked_at == blocked_at
        assert (await uow.users.get(200)).blocked_at is None  # type: ignore[union-attr]
    async with database.read() as uow:
        assert await uow.outbox.counts() == {Delivery.blocked: 3, Delivery.claimed: 1}
    assert (await row(database, other.id)).status is Delivery.claimed  # another chat's

    assert await put(database, [Outgoing(100, "later"), Outgoing(200, "ok")]) == 1
    assert [m.chat_id for m in await claim(database, "s", 10)] == [200]

    async with database.transaction() as uow:
        user = await uow.users.save_profile(TelegramProfile(100, "Анна"))  # they wrote
    assert user.blocked_at is None
    assert await put(database, [Outgoing(100, "welcome back")]) == 1
    assert [m.text for m in await claim(database, "s", 10)] == ["welcome back"]


async def test_release_gives_back_what_was_not_begun(database: Database) -> None:
    await put(database, [Outgoing(100 + n, f"m{n}") for n in range(3)])
    mine = await claim(database, "mine", 10)
    await put(database, [Outgoing(200, "theirs")])
    theirs = await claim(database, "theirs", 10)
    assert (len(mine), len(theirs)) == (3, 1)
    async with database.transaction() as uow:
        assert await uow.outbox.begin(mine[0].id, "mine", NOW)
        assert await uow.outbox.release("mine") == 2
        assert await uow.outbox.release("mine") == 0
    assert await statuses(database, [m.id for m in mine]) == [
        Delivery.sending,
        Delivery.pending,
        Delivery.pending,
    ]
    assert await statuses(database, [m.id for m in theirs]) == [Delivery.claimed]
    assert [m.id for m in await claim(database, "next", 10)] == [m.id for m in mine[1:]]


async def test_skip_and_counts_by_status_campaign_and_purpose(database: Database) -> None:
    await put(
        database,
        [
            Outgoing(100, "a", purpose="broadcast", priority=2, campaign_id=7),
            Outgoing(104, "e", purpose="reminder", priority=1, campaign_id=7),
            Outgoing(105, "f"),
        ],
    )
    claimed = await claim(database, "s", 10)
    assert [m.text for m in claimed] == ["f", "e", "a"]
    await put(
        database,
        [
            Outgoing(101, "b", purpose="broadcast", priority=2, campaign_id=7),
            Outgoing(102, "c", purpose="broadcast", priority=2, campaign_id=7),
            Outgoing(103, "d", purpose="broadcast", priority=2, campaign_id=8),
        ],
    )
    async with database.transaction() as uow:
        await uow.outbox.skip([claimed[1].id])
        await uow.outbox.skip([])
        assert await uow.outbox.begin(claimed[2].id, "s", NOW)
        await uow.outbox.sent(claimed[2].id, 1, NOW)
    async with database.read() as uow:
        assert await uow.outbox.counts() == {
            Delivery.claimed: 1,
            Delivery.skipped: 1,
            Delivery.sent: 1,
            Delivery.pending: 3,
        }
        assert await uow.outbox.counts(campaign_id=7) == {
            Delivery.sent: 1,
            Delivery.pending: 2,
            Delivery.skipped: 1,
        }
        assert await uow.outbox.counts(campaign_id=7, purpose="broadcast") == {
            Delivery.sent: 1,
            Delivery.pending: 2,
        }
        assert await uow.outbox.counts(campaign_id=8) == {Delivery.pending: 1}
        assert await uow.outbox.counts(campaign_id=9) == {}


async def test_buttons_are_kept_as_queued(database: Database) -> None:
    buttons = [[{"text": "Да", "data": "c:1"}, {"text": "Сайт", "url": "https://example.org"}]]
    await put(database, [Outgoing(100, "<b>Вопрос</b>", buttons)])
    assert await put(database, []) == 0
    [message] = await claim(database, "s", 1)
    assert message.buttons == buttons
    assert message.text == "<b>Вопрос</b>"
    assert (message.purpose, message.priority, message.campaign_id) == ("notice", 0, None)


async def test_an_erased_person_gets_nothing_more_from_the_queue(database: Database) -> None:
    await put(database, [Outgoing(100, "to them"), Outgoing(200, "to someone else")])
    async with database.transaction() as uow:
        assert await uow.outbox.forget_chat(100) == 1
    assert [m.chat_id for m in await claim(database, "s", 10)] == [200]
