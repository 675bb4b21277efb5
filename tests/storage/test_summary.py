"""The summary's facts on SQLite and PostgreSQL: place, wave, status, chosen answers, scope."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import update

from forms.vocabulary import CaseStatus
from storage.database import Database
from storage.models import School
from storage.repositories.users import TelegramProfile
from storage.summary import SummaryReader, Within
from tests.handlers.export_data import SENT, send, store, survey


async def _world(database: Database) -> tuple[int, int, list[int]]:
    async with database.transaction() as uow:
        north = await uow.schools.save_municipality("01", "Северный район")
        south = await uow.schools.save_municipality("02", "Южный район")
        first = await uow.schools.save_school("0101", north, name="СОШ № 1", short_name="1")
        second = await uow.schools.save_school("0201", south, name="СОШ № 2", short_name="2")
        await uow.connection.execute(
            update(School).where(School.id == second).values(low_results=True)
        )
        await uow.users.save_profile(TelegramProfile(1, "Анна"))
        wave = await uow.waves.open(
            "survey",
            kind="entry",
            title="Входная",
            opens_on=date(2026, 3, 1),
            closes_on=date(2026, 3, 31),
            created_by=1,
        )
        version = await store(uow, survey())
        sent = [
            await send(uow, version, 1, {"years": 5, "name": "Анна"}, (first, north)),
            await send(
                uow, version, 1, {"years": 7}, (second, south), at=SENT + timedelta(days=40)
            ),
        ]
        await uow.submissions.set_wave(sent[0], wave.id)
        await uow.cases.open(sent[1], "consultation", CaseStatus.new)
        await uow.submissions.open_draft(version, 1)
    return north, south, sent


async def test_facts_carry_place_wave_status_and_only_the_asked_answers(
    database: Database,
) -> None:
    _north, _south, sent = await _world(database)
    async with database.read() as uow:
        facts = await SummaryReader(uow.connection).facts("survey", ["years"], Within())
    assert [fact.submission_id for fact in facts] == sent
    first, second = facts
    assert (first.municipality, first.school, first.school_code) == (
        "Северный район",
        "СОШ № 1",
        "0101",
    )
    assert (first.wave, first.status, first.answers) == ("Входная", None, {"years": 5})
    assert (second.wave, second.status, second.answers) == (None, "new", {"years": 7})
    assert first.sent_at == SENT


async def test_facts_within_a_period_and_a_municipality(database: Database) -> None:
    _north, south, sent = await _world(database)
    march = Within(SENT - timedelta(days=1), SENT + timedelta(days=1))
    async with database.read() as uow:
        reader = SummaryReader(uow.connection)
        in_march = await reader.facts("survey", ["years"], march)
        in_south = await reader.facts("survey", [], Within(municipalities=frozenset({south})))
        nowhere = await reader.facts("survey", [], Within(municipalities=frozenset()))
    assert [fact.submission_id for fact in in_march] == [sent[0]]
    assert [(fact.submission_id, fact.answers) for fact in in_south] == [(sent[1], {})]
    assert nowhere == []


async def test_waves_schools_and_the_newest_definitions(database: Database) -> None:
    north, _south, _sent = await _world(database)
    async with database.transaction() as uow:
        await uow.forms.register("survey", "z" * 64, "Анкета", {"id": "survey", "v": 2})
    async with database.read() as uow:
        reader = SummaryReader(uow.connection)
        waves = await reader.waves("survey")
        everywhere = await reader.low_result_schools(None)
        in_north = await reader.low_result_schools(frozenset({north}))
        definitions = await reader.newest_definitions()
    assert waves == ["Входная"]
    assert (everywhere, in_north) == (frozenset({"0201"}), frozenset())
    assert definitions["survey"] == {"id": "survey", "v": 2}
