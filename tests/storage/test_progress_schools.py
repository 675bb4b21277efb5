"""Measures of schools on SQLite and PostgreSQL: distinct schools and municipalities, a share
of the directory's ШНОР, a per-school minimum; schools count in their own municipality."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import insert, update

from forms.targets import Coverage, Period, Result, Targets, period_of, read_targets
from storage.database import Database
from storage.models import SchoolYear, Submission
from storage.repositories.users import TelegramProfile

MOSCOW = ZoneInfo("Europe/Moscow")
AUTUMN = period_of("school_year", date(2026, 11, 23))
SENT = datetime(2026, 10, 10, 9, 0, tzinfo=UTC)
TEACHER = 21

SCHOOLS = ["school_1", "school_2", "school_3"]
MEASURES = f"""\
measures:
  low_results_at_seminars:
    form: event_report
    date: event_date
    where: {{question: event_type, equals: seminar}}
    count: schools
    among: low_results
    schools: {SCHOOLS}
  municipalities_at_seminars:
    form: event_report
    date: event_date
    where: {{question: event_type, equals: seminar}}
    count: municipalities
    schools: {SCHOOLS}
  low_results_share:
    form: event_report
    date: event_date
    where: {{question: event_type, equals: seminar}}
    share_of: low_results
    schools: {SCHOOLS}
  surveyed_share:
    form: teacher_difficulties
    share_of: [low_results, difficult_conditions]
  two_teachers_each:
    form: teacher_difficulties
    each_school: low_results
    at_least: 2
  fifty_people_each:
    form: event_report
    date: event_date
    each_school: all
    at_least: 50
    sum: participants
    schools: school_1
targets:
"""


def targets() -> Targets:
    names = [line.strip().rstrip(":") for line in MEASURES.splitlines() if line[2:3].isalpha()]
    lines = [
        f"  - {{id: {name}, title: T, target: 1, period: school_year, measure: {name}}}"
        for name in names[1:-1]
    ]
    return read_targets(MEASURES + "\n".join(lines) + "\n")


class Region:
    """Town: A (ШНОР), B (ШНОР and ШНСУ), C; village: D (ШНОР), E (ШНСУ)."""

    def __init__(self, database: Database) -> None:
        self.db = database
        self.versions: dict[str, int] = {}
        self.schools: dict[str, tuple[int, int]] = {}
        self.town = self.village = 0

    async def build(self) -> Region:
        async with self.db.transaction() as uow:
            self.town = await uow.schools.save_municipality("MO-1", "ГО Энск")
            self.village = await uow.schools.save_municipality("MO-2", "Заречный район")
            await uow.users.save_profile(TelegramProfile(TEACHER, "Учитель"))
            for form_id in ("event_report", "teacher_difficulties"):
                version = await uow.forms.register(form_id, form_id, form_id, {})
                self.versions[form_id] = version.id
            flags: dict[str, dict[str, bool]] = {
                "A": {"low_results": True},
                "B": {"low_results": True, "difficult_conditions": True},
                "C": {},
                "D": {"low_results": True},
                "E": {"difficult_conditions": True},
            }
            for code, school_flags in flags.items():
                town = self.village if code in "DE" else self.town
                school = await uow.schools.save_school(
                    code, town, name=f"Школа {code}", short_name=code, **school_flags
                )
                self.schools[code] = (school, town)
        return self

    async def response(self, form_id: str, place: str, answers: dict[str, Any]) -> None:
        """A sent response placed at the school ``place`` (its first school question)."""
        async with self.db.transaction() as uow:
            draft = await uow.submissions.open_draft(self.versions[form_id], TEACHER)
            for question_id, value in answers.items():
                await uow.submissions.save_answer(draft.id, question_id, value)
            await uow.submissions.submit(draft.id)
            await uow.submissions.place(draft.id, *self.schools[place])
            await uow.connection.execute(
                update(Submission).where(Submission.id == draft.id).values(submitted_at=SENT)
            )

    async def report(self, day: str, kind: str, people: int, *codes: str) -> None:
        named = {f"school_{n}": picked(code) for n, code in enumerate(codes, start=1)}
        answers = {"event_date": day, "event_type": kind, "participants": people, **named}
        await self.response("event_report", codes[0], answers)


def picked(code: str) -> dict[str, str]:
    """A school answer as the school question stores it."""
    return {"code": code, "name": f"Школа {code}", "municipality": "ГО Энск"}


@pytest.fixture
async def region(database: Database) -> Region:
    found = await Region(database).build()
    await found.report("2026-10-01", "seminar", 40, "C", "A", "D")  # placed in the town
    await found.report("2026-10-05", "seminar", 30, "A", "A")
    await found.report("2026-11-01", "seminar", 25, "A")
    await found.report("2026-08-01", "seminar", 99, "B")  # the school year before
    await found.report("2026-10-07", "wg_meeting", 99, "B", "E")  # not a seminar
    for school in ("A", "A", "B", "E"):
        await found.response("teacher_difficulties", school, {"school": picked(school)})
    return found


async def figures(
    database: Database, period: Period, municipalities: frozenset[int] | None = None
) -> dict[str, Result]:
    found = {}
    read = targets()
    async with database.read() as uow:
        for target in read.targets:
            measure = read.measure(target)
            found[target.id] = await uow.progress.figure(measure, period, MOSCOW, municipalities)
    return found


async def test_schools_are_counted_once_and_only_those_of_the_set(
    database: Database, region: Region
) -> None:
    assert await figures(database, AUTUMN) == {
        "low_results_at_seminars": 2,  # A and D; C is not ШНОР, B's seminar was last year
        "municipalities_at_seminars": 2,
        "low_results_share": Coverage(2, 3),  # A, D of A, B, D
        "surveyed_share": Coverage(3, 4),  # A, B, E of A, B, D, E: by the day they were sent
        "two_teachers_each": Coverage(1, 3),  # A has two answers, B one, D none
        # A: 30 + 25, B: 99 (a meeting: no condition here); C: 40, the others none
        "fifty_people_each": Coverage(2, 5),
    }


async def test_a_school_counts_in_its_own_municipality(database: Database, region: Region) -> None:
    town = await figures(database, AUTUMN, frozenset({region.town}))
    assert town["low_results_at_seminars"] == 1  # A; D is in the village
    assert town["low_results_share"] == Coverage(1, 2)
    assert town["surveyed_share"] == Coverage(2, 2)
    village = await figures(database, AUTUMN, frozenset({region.village}))
    # D took part in a seminar reported by (and placed at) a school of the town.
    assert village["low_results_at_seminars"] == 1
    assert village["municipalities_at_seminars"] == 1
    assert village["low_results_share"] == Coverage(1, 1)
    assert village["two_teachers_each"] == Coverage(0, 1)
    nowhere = await figures(database, AUTUMN, frozenset())
    assert nowhere["low_results_share"] == Coverage(0, 0)


async def test_responses_without_a_date_question_count_by_the_day_they_were_sent(
    database: Database, region: Region
) -> None:
    next_year = period_of("school_year", date(2027, 11, 23))
    later = await figures(database, next_year)
    assert later["surveyed_share"] == Coverage(0, 4)
    assert later["low_results_at_seminars"] == 0


async def test_the_targets_count_the_flags_of_the_school_year_they_are_for(
    database: Database, region: Region
) -> None:
    """The directory imported for 2026/27 made C a ШНОР and dropped D: this year's figures
    follow it; a year without an import of its own reads the latest flags."""
    async with database.transaction() as uow:
        rows = [
            {
                "school_id": school_id,
                "year": 2026,
                "low_results": code in "ABC",
                "difficult_conditions": code in "BE",
                "partner": False,
            }
            for code, (school_id, _town) in region.schools.items()
        ]
        await uow.connection.execute(insert(SchoolYear), rows)
    autumn = await figures(database, AUTUMN)
    assert autumn["low_results_at_seminars"] == 2  # C and A now; D is no longer ШНОР
    assert autumn["low_results_share"] == Coverage(2, 3)  # A, C of A, B, C
    earlier = await figures(database, period_of("school_year", date(2025, 11, 23)))
    # The latest flags (A, B, D): B took part in a seminar of August 2026.
    assert earlier["low_results_share"] == Coverage(1, 3)
