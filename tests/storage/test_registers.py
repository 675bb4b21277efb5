"""The register reader on SQLite and PostgreSQL: filters, batches, anonymised rows, workflows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import update

from forms.personal import pseudonym_code
from forms.vocabulary import CaseStatus, Role
from storage.database import Database
from storage.models import Submission
from storage.registers import SENT, Extra, Reading, RegisterReader, RegisterRecord, Selection
from storage.repositories import UnitOfWork
from storage.repositories.users import TelegramProfile

KEY = b"test pseudonym key"
MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@dataclass
class Places:
    north: int = 0
    south: int = 0
    north_school: int = 0
    south_school: int = 0


@dataclass
class World:
    """Ids of what a test made."""

    places: Places
    versions: dict[int, int] = field(default_factory=dict)  # number -> id
    sent: list[int] = field(default_factory=list)


async def _places(uow: UnitOfWork) -> Places:
    north = await uow.schools.save_municipality("01", "Северный район")
    south = await uow.schools.save_municipality("02", "Южный район")
    north_school = await uow.schools.save_school(
        "0101", north, name="Школа № 1", short_name="Школа 1"
    )
    south_school = await uow.schools.save_school(
        "0201", south, name="Школа № 2", short_name="Школа 2"
    )
    return Places(north, south, north_school, south_school)


async def _person(uow: UnitOfWork, user_id: int, first: str, last: str | None = None) -> int:
    await uow.users.save_profile(TelegramProfile(user_id, first, last))
    return user_id


async def _send(
    uow: UnitOfWork,
    version_id: int,
    person: int,
    answers: dict[str, Any],
    *,
    at: datetime = MONDAY,
    place: tuple[int, int] | None = None,
    wave_id: int | None = None,
    parent_id: int | None = None,
) -> int:
    draft = await uow.submissions.open_draft(
        version_id, person, wave_id=wave_id, parent_id=parent_id
    )
    for question_id, value in answers.items():
        await uow.submissions.save_answer(draft.id, question_id, value, exists=False)
    if place is not None:
        await uow.submissions.place(draft.id, *place)
    assert await uow.submissions.submit(draft.id)
    await uow.connection.execute(
        update(Submission).where(Submission.id == draft.id).values(submitted_at=at)
    )
    return draft.id


async def _survey(database: Database) -> World:
    """Two versions of a survey: five sent responses in two municipalities and one without a
    place, a draft and a replaced response (neither in any register), another form's one."""
    async with database.transaction() as uow:
        world = World(await _places(uow))
        p = world.places
        first = await uow.forms.register("survey", "a" * 64, "Анкета", {})
        second = await uow.forms.register("survey", "b" * 64, "Анкета", {})
        other = await uow.forms.register("other", "c" * 64, "Другая", {})
        world.versions = {1: first.id, 2: second.id}
        anna = await _person(uow, 101, "Анна", "Петрова")
        boris = await _person(uow, 102, "Борис")
        vera = await _person(uow, 103, "Вера")
        await uow.roles.grant(vera, Role.municipal, [p.south])
        north, south = (p.north_school, p.north), (p.south_school, p.south)
        wave = await uow.waves.open(
            "survey",
            kind="entry",
            title="Входной",
            opens_on=date(2026, 2, 1),
            closes_on=date(2026, 4, 1),
            created_by=anna,
        )
        world.sent = [
            await _send(uow, first.id, anna, {"q": 1, "phone": "+79161234567"}, place=north),
            await _send(
                uow, first.id, boris, {"q": 2}, place=south, at=MONDAY + timedelta(days=31)
            ),
            await _send(uow, second.id, anna, {"q": 3}, place=north, wave_id=wave.id),
            await _send(
                uow, second.id, boris, {"q": 4}, place=south, at=MONDAY + timedelta(days=62)
            ),
            await _send(uow, second.id, vera, {"q": 5}),  # no school: Vera's municipality
        ]
        replaced = await _send(uow, second.id, vera, {"q": 6}, place=north)
        await uow.connection.execute(
            update(Submission).where(Submission.id == replaced).values(status="replaced")
        )
        await uow.submissions.open_draft(first.id, vera)
        await _send(uow, other.id, anna, {"q": 7}, place=north)
    return world


async def _read(
    database: Database, selection: Selection, reading: Reading | None = None
) -> list[RegisterRecord]:
    records: list[RegisterRecord] = []
    async with database.read() as uow:
        reader = RegisterReader(uow.connection)
        async for batch in reader.batches(selection, reading or Reading(KEY)):
            records += batch
    return records


async def _numbers(database: Database, selection: Selection) -> list[int]:
    return [record.number for record in await _read(database, selection)]


async def _count(database: Database, selection: Selection) -> int:
    async with database.read() as uow:
        return await RegisterReader(uow.connection).count(selection)


async def test_every_sent_response_of_every_version_in_order(database: Database) -> None:
    world = await _survey(database)
    records = await _read(database, Selection("survey"))
    assert [record.number for record in records] == world.sent
    assert [record.version for record in records] == [1, 1, 2, 2, 2]
    assert [record.answers["q"] for record in records] == [1, 2, 3, 4, 5]
    assert await _count(database, Selection("survey")) == 5


async def test_a_full_record_names_the_respondent(database: Database) -> None:
    world = await _survey(database)
    first = (await _read(database, Selection("survey")))[0]
    assert first == RegisterRecord(
        number=world.sent[0],
        version=1,
        status=SENT,
        sent_at=MONDAY,
        respondent_id=101,
        respondent_name="Анна Петрова",
        pseudonym=None,  # shown only anonymised
        answers={"q": 1, "phone": "+79161234567"},
        extra={},
        school={"name": "Школа 1", "municipality": "Северный район"},  # where it is placed
    )


async def test_an_anonymised_record_has_no_name_no_id_and_no_hidden_answers(
    database: Database,
) -> None:
    await _survey(database)
    reading = Reading(KEY, anonymous=True, hidden=frozenset({"phone"}))
    first = (await _read(database, Selection("survey"), reading))[0]
    assert (first.respondent_id, first.respondent_name) == (None, None)
    assert first.pseudonym == pseudonym_code(101, KEY)
    assert first.answers == {"q": 1}


async def test_an_anonymised_record_leaves_out_the_entries_of_personal_repeat_questions(
    database: Database,
) -> None:
    async with database.transaction() as uow:
        version = await uow.forms.register("event", "d" * 64, "Мероприятие", {})
        person = await _person(uow, 104, "Галина")
        answers = {"member_name[1]": "Иван", "member_name[2]": "Олег", "memberxname[1]": "x"}
        answers |= {"age[1]": 12, "member_name": "вне группы"}
        await _send(uow, version.id, person, answers)
    hidden = frozenset({"member_name"})
    reading = Reading(KEY, anonymous=True, hidden_in_repeats=hidden)
    [record] = await _read(database, Selection("event"), reading)
    assert record.answers == {"memberxname[1]": "x", "age[1]": 12, "member_name": "вне группы"}


async def test_batches_cross_their_boundary_without_losing_or_repeating(
    database: Database,
) -> None:
    world = await _survey(database)
    sizes: list[int] = []
    numbers: list[int] = []
    async with database.read() as uow:
        reader = RegisterReader(uow.connection)
        async for batch in reader.batches(Selection("survey"), Reading(KEY, batch_size=2)):
            sizes.append(len(batch))
            numbers += [record.number for record in batch]
            assert [record.answers["q"] for record in batch] == [
                world.sent.index(record.number) + 1 for record in batch
            ]
    assert sizes == [2, 2, 1]
    assert numbers == world.sent


async def test_the_period_is_from_inclusive_to_exclusive(database: Database) -> None:
    world = await _survey(database)
    april = Selection(
        "survey", sent_from=MONDAY + timedelta(days=31), sent_before=MONDAY + timedelta(days=62)
    )
    assert await _numbers(database, april) == [world.sent[1]]
    assert await _count(database, april) == 1


async def test_a_municipality_sees_its_places_and_its_people_without_a_place(
    database: Database,
) -> None:
    world = await _survey(database)
    south = Selection("survey", municipalities=frozenset({world.places.south}))
    north = Selection("survey", municipalities=frozenset({world.places.north}))
    assert await _numbers(database, south) == [world.sent[1], world.sent[3], world.sent[4]]
    assert await _numbers(database, north) == [world.sent[0], world.sent[2]]
    assert await _numbers(database, Selection("survey", municipalities=frozenset())) == []


async def test_school_wave_and_version_filters(database: Database) -> None:
    world = await _survey(database)
    school = Selection("survey", school_id=world.places.south_school)
    second = Selection("survey", versions=frozenset({2}))
    async with database.read() as uow:
        [wave] = await uow.waves.of_form("survey")
    assert await _numbers(database, school) == [world.sent[1], world.sent[3]]
    assert await _numbers(database, second) == world.sent[2:]
    assert await _numbers(database, Selection("survey", wave_id=wave.id)) == [world.sent[2]]
    assert await _numbers(database, Selection("survey", versions=frozenset({9}))) == []


async def test_an_unknown_form_has_an_empty_register(database: Database) -> None:
    await _survey(database)
    assert await _numbers(database, Selection("nothing")) == []
    assert await _count(database, Selection("nothing")) == 0


# --- workflows ------------------------------------------------------------------------------


async def _consultations(database: Database) -> list[int]:
    """A held consultation with a booked time, a new request, a cancelled one."""
    async with database.transaction() as uow:
        places = await _places(uow)
        version = await uow.forms.register("consult", "d" * 64, "Заявка", {})
        parent = await _person(uow, 201, "Мария", "Иванова")
        consultant = await _person(uow, 7, "Ольга", "Смирнова")
        place = (places.north_school, places.north)
        held, fresh, cancelled = [
            await _send(uow, version.id, parent, {"topic": "exams"}, place=place) for _ in range(3)
        ]
        for request in (held, fresh, cancelled):
            await uow.cases.open(request, "consultation", CaseStatus.new)
        slot = await uow.slots.add(consultant, MONDAY + timedelta(days=3))
        assert slot is not None
        assert await uow.slots.book(slot.id, held, MONDAY)
        await uow.cases.move(held, {CaseStatus.new}, CaseStatus.scheduled, assignee_id=consultant)
        await uow.cases.move(held, {CaseStatus.scheduled}, CaseStatus.held)
        await uow.cases.move(cancelled, {CaseStatus.new}, CaseStatus.cancelled)
    return [held, fresh, cancelled]


async def test_a_consultation_carries_its_time_consultant_and_outcome(database: Database) -> None:
    held, fresh, _cancelled = await _consultations(database)
    records = await _read(database, Selection("consult"))
    assert [record.status for record in records] == ["held", "new", "cancelled"]
    first = records[0].extra
    assert first[Extra.slot] == MONDAY + timedelta(days=3)
    assert first[Extra.consultant] == "Ольга Смирнова"
    assert first[Extra.closed_at] is not None
    assert records[1].extra == {Extra.slot: None, Extra.consultant: None, Extra.closed_at: None}
    assert [record.number for record in records[:2]] == [held, fresh]


async def test_an_anonymised_consultation_does_not_name_the_consultant(database: Database) -> None:
    await _consultations(database)
    records = await _read(database, Selection("consult"), Reading(KEY, anonymous=True))
    assert all(Extra.consultant not in record.extra for record in records)
    assert records[0].extra[Extra.slot] == MONDAY + timedelta(days=3)


async def test_the_status_filter_takes_a_case_status_or_sent(database: Database) -> None:
    held, fresh, cancelled = await _consultations(database)
    await _survey(database)
    assert await _numbers(database, Selection("consult", status="held")) == [held]
    assert await _numbers(database, Selection("consult", status="new")) == [fresh]
    assert await _numbers(database, Selection("consult", status=SENT)) == []
    assert len(await _numbers(database, Selection("survey", status=SENT))) == 5
    assert cancelled not in await _numbers(database, Selection("consult", status="held"))


async def _pairs(database: Database) -> tuple[int, int]:
    """An active pair with two meetings (and a draft one), a dissolved pending pair."""
    async with database.transaction() as uow:
        version = await uow.forms.register("pair", "e" * 64, "Пара", {})
        meeting = await uow.forms.register("meeting", "f" * 64, "Встреча", {})
        mentor = await _person(uow, 301, "Наставник")
        mentee = await _person(uow, 302, "Наставляемая", "Кузнецова")
        active = await _send(uow, version.id, mentor, {"subject": "math"})
        dissolved = await _send(uow, version.id, mentor, {"subject": "physics"})
        await uow.cases.open(active, "mentoring", CaseStatus.pending, code="one")
        await uow.cases.open(dissolved, "mentoring", CaseStatus.pending, code="two")
        await uow.cases.move(active, {CaseStatus.pending}, CaseStatus.active, assignee_id=mentee)
        await uow.audit.record(mentee, "pair_confirmed", pair=active)
        await uow.cases.move(
            dissolved, {CaseStatus.pending}, CaseStatus.dissolved, reason="declined"
        )
        for day in (1, 2):
            await _send(uow, meeting.id, mentee, {"day": day}, parent_id=active)
        await uow.submissions.open_draft(meeting.id, mentor, parent_id=active)
    return active, dissolved


async def test_a_pair_carries_its_mentee_dates_meetings_and_reason(database: Database) -> None:
    active, dissolved = await _pairs(database)
    records = await _read(database, Selection("pair"))
    assert [(record.number, record.status) for record in records] == [
        (active, "active"),
        (dissolved, "dissolved"),
    ]
    pair = records[0].extra
    assert pair[Extra.mentee] == "Наставляемая Кузнецова"
    assert pair[Extra.meetings] == 2
    assert isinstance(pair[Extra.confirmed_at], datetime)
    assert pair[Extra.confirmed_at].tzinfo is not None
    assert pair[Extra.closed_at] is None
    gone = records[1].extra
    assert (gone[Extra.meetings], gone[Extra.confirmed_at], gone[Extra.reason]) == (
        0,
        None,
        "declined",
    )
    assert gone[Extra.closed_at] is not None


async def test_an_anonymised_pair_does_not_name_the_mentee(database: Database) -> None:
    await _pairs(database)
    records = await _read(database, Selection("pair"), Reading(KEY, anonymous=True))
    assert all(Extra.mentee not in record.extra for record in records)
    assert records[0].extra[Extra.meetings] == 2
