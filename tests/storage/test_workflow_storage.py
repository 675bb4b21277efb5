"""Workflow state on both databases: a slot is booked once, a status moves once."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

from forms.vocabulary import CaseStatus
from storage.database import Database
from storage.repositories.users import TelegramProfile


async def _requests(database: Database, count: int) -> list[int]:
    async with database.transaction() as uow:
        version = await uow.forms.register("consult", "f" * 64, "Заявка", {"id": "consult"})
        ids = []
        for person in range(count):
            await uow.users.save_profile(TelegramProfile(100 + person, "Родитель"))
            draft = await uow.submissions.open_draft(version.id, 100 + person)
            await uow.submissions.submit(draft.id)
            await uow.cases.open(draft.id, "consultation", CaseStatus.new)
            ids.append(draft.id)
        await uow.users.save_profile(TelegramProfile(7, "Консультант"))
    return ids


async def test_two_bookings_of_one_slot_at_the_same_moment_give_one(database: Database) -> None:
    first, second = await _requests(database, 2)
    now = datetime.now(UTC)
    async with database.transaction() as uow:
        slot = await uow.slots.add(7, now + timedelta(days=1))
    assert slot is not None

    async def book(submission_id: int) -> bool:
        async with database.transaction() as uow:
            return await uow.slots.book(slot.id, submission_id, now)

    results = await asyncio.gather(book(first), book(second))
    assert sorted(results) == [False, True]
    async with database.read() as uow:
        booked = await uow.slots.get(slot.id)
    assert booked is not None
    assert booked.submission_id in (first, second)


async def test_a_status_moves_only_from_the_allowed_ones(database: Database) -> None:
    [request] = await _requests(database, 1)

    async def schedule() -> bool:
        async with database.transaction() as uow:
            return await uow.cases.move(request, {CaseStatus.new}, CaseStatus.scheduled)

    assert sorted(await asyncio.gather(schedule(), schedule())) == [False, True]
    async with database.transaction() as uow:
        assert await uow.cases.move(request, {CaseStatus.scheduled}, CaseStatus.held)
        case = await uow.cases.get(request)
    assert case is not None
    assert case.status is CaseStatus.held
    assert case.closed_at is not None


async def test_a_past_or_booked_slot_is_not_offered(database: Database) -> None:
    [request] = await _requests(database, 1)
    now = datetime.now(UTC)
    async with database.transaction() as uow:
        past = await uow.slots.add(7, now - timedelta(hours=1))
        taken = await uow.slots.add(7, now + timedelta(hours=2))
        free = await uow.slots.add(7, now + timedelta(hours=3))
        assert await uow.slots.add(7, now + timedelta(hours=3)) is None
        assert taken is not None
        assert past is not None
        assert await uow.slots.book(taken.id, request, now)
        assert not await uow.slots.book(past.id, request, now)
        offered = await uow.slots.free(now, 10)
    assert [slot.id for slot in offered] == [free.id if free else 0]


async def test_the_current_wave_is_the_open_one(database: Database) -> None:
    today = date(2026, 11, 23)
    async with database.transaction() as uow:
        old = await uow.waves.open(
            "survey",
            kind="entry",
            title="Входной",
            opens_on=date(2026, 9, 1),
            closes_on=date(2026, 9, 30),
            created_by=1,
        )
        now = await uow.waves.open(
            "survey",
            kind="interim",
            title="Промежуточный",
            opens_on=today,
            closes_on=today + timedelta(days=10),
            created_by=1,
        )
        assert (await uow.waves.current("survey", today)) == now
        assert await uow.waves.close(now.id)
        assert not await uow.waves.close(now.id)
        assert await uow.waves.current("survey", today) is None
        assert not old.is_open(today)
