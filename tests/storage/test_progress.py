"""The figures of /progress, from cases and sent responses created through the repositories."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import update

from bot.settings import TARGETS
from forms.targets import Result, Targets, load_targets, period_of
from forms.vocabulary import CaseStatus, Role
from storage.database import Database
from storage.models import Case
from storage.repositories.users import TelegramProfile

MOSCOW = ZoneInfo("Europe/Moscow")
TODAY = date(2026, 11, 23)  # 2026/27 school year, IV quarter 2026
REPORTER, PARENT, MENTOR, MUNICIPAL = 11, 12, 13, 14


@pytest.fixture
def targets() -> Targets:
    return load_targets(TARGETS)


class World:
    """Two municipalities and a form version per form, and helpers to fill them."""

    def __init__(self, database: Database) -> None:
        self.db = database
        self.versions: dict[str, int] = {}
        self.town = self.village = 0

    async def build(self) -> World:
        async with self.db.transaction() as uow:
            self.town = await uow.schools.save_municipality("MO-1", "ГО Энск")
            self.village = await uow.schools.save_municipality("MO-2", "Заречный район")
            for user_id in (REPORTER, PARENT, MENTOR, MUNICIPAL):
                await uow.users.save_profile(TelegramProfile(user_id, f"Человек {user_id}"))
            await uow.roles.grant(MUNICIPAL, Role.municipal, [self.town])
            for form_id in ("event_report", "parent_consultation", "mentoring_pair"):
                version = await uow.forms.register(form_id, form_id, form_id, {})
                self.versions[form_id] = version.id
        return self

    async def response(
        self,
        form_id: str,
        answers: dict[str, Any],
        *,
        town: int | None = None,
        by: int = REPORTER,
        sent: bool = True,
    ) -> int:
        async with self.db.transaction() as uow:
            draft = await uow.submissions.open_draft(self.versions[form_id], by)
            for question_id, value in answers.items():
                await uow.submissions.save_answer(draft.id, question_id, value)
            if sent:
                await uow.submissions.submit(draft.id)
            if town is not None:
                school = await uow.schools.save_school(
                    f"OO-{draft.id}", town, name="Школа", short_name="Школа"
                )
                await uow.submissions.place(draft.id, school, town)
        return draft.id

    async def case(
        self,
        form_id: str,
        kind: str,
        status: CaseStatus,
        answers: dict[str, Any] | None = None,
        *,
        town: int | None = None,
        closed_at: datetime | None = None,
    ) -> None:
        by = PARENT if kind == "consultation" else MENTOR
        submission_id = await self.response(form_id, answers or {}, town=town, by=by)
        async with self.db.transaction() as uow:
            await uow.cases.open(submission_id, kind, status)
            if closed_at is not None:
                await uow.connection.execute(
                    update(Case)
                    .where(Case.submission_id == submission_id)
                    .values(closed_at=closed_at)
                )


@pytest.fixture
async def world(database: Database) -> World:
    return await World(database).build()


FIRST_SIX = (
    "consultations",
    "mentoring_pairs",
    "partner_pairs",
    "participants",
    "school_team_events",
    "working_group_meetings",
)
"""The targets of the shipped file's first version; the figures below are theirs."""


async def figures(
    database: Database, targets: Targets, municipalities: frozenset[int] | None = None
) -> dict[str, Result]:
    found = {}
    async with database.read() as uow:
        for target in targets.targets:
            if target.id not in FIRST_SIX:
                continue
            period = period_of(target.period, TODAY)
            measure = targets.measure(target)
            found[target.id] = await uow.progress.figure(measure, period, MOSCOW, municipalities)
    return found


def report(day: str, kind: str, participants: int, teams: bool) -> dict[str, Any]:
    return {
        "event_date": day,
        "event_type": kind,
        "participants": participants,
        "for_school_teams": teams,
        "title": "Семинар",
    }


async def test_every_figure_counts_what_its_measure_says(
    database: Database, world: World, targets: Targets
) -> None:
    held = CaseStatus.held
    # Consultations held: by the local day they were closed (Moscow is UTC+3).
    first_minute = datetime(2026, 8, 31, 21, 30, tzinfo=UTC)  # 1 September, 00:30 in Moscow
    last_minute = datetime(2026, 8, 31, 20, 30, tzinfo=UTC)  # 31 August, 23:30: the year before
    await world.case("parent_consultation", "consultation", held, closed_at=first_minute)
    await world.case("parent_consultation", "consultation", held, closed_at=last_minute)
    await world.case(
        "parent_consultation",
        "consultation",
        CaseStatus.no_show,
        closed_at=datetime(2026, 10, 1, tzinfo=UTC),
    )
    await world.case(
        "parent_consultation", "consultation", held, closed_at=datetime(2026, 11, 2, tzinfo=UTC)
    )
    # Pairs: active ones now, two of them school-school.
    partners = {"mentoring_form": "school_school"}
    await world.case("mentoring_pair", "mentoring", CaseStatus.active, partners)
    await world.case("mentoring_pair", "mentoring", CaseStatus.active, partners)
    teachers = {"mentoring_form": "teacher_teacher"}
    await world.case("mentoring_pair", "mentoring", CaseStatus.active, teachers)
    await world.case("mentoring_pair", "mentoring", CaseStatus.pending, partners)
    await world.case("mentoring_pair", "mentoring", CaseStatus.completed, partners)
    # Event reports: by the date of the event.
    await world.response("event_report", report("2026-09-01", "seminar", 40, True))
    await world.response("event_report", report("2026-10-15", "wg_meeting", 12, False))
    await world.response("event_report", report("2026-11-20", "webinar", 55, True))
    await world.response("event_report", report("2026-08-31", "seminar", 500, True))  # last year
    await world.response("event_report", report("2026-09-30", "wg_meeting", 9, False))  # III q.
    await world.response("event_report", report("2026-11-21", "seminar", 70, True), sent=False)

    assert await figures(database, targets) == {
        "consultations": 2,
        "mentoring_pairs": 3,
        "partner_pairs": 2,
        "participants": 40 + 12 + 55 + 9,
        "school_team_events": 2,
        "working_group_meetings": 1,
    }


async def test_a_municipal_coordinator_sees_their_municipalities_only(
    database: Database, world: World, targets: Targets
) -> None:
    town, village = world.town, world.village
    await world.response("event_report", report("2026-10-01", "seminar", 30, True), town=town)
    await world.response("event_report", report("2026-10-02", "seminar", 20, True), town=village)
    # A working-group meeting names no school: it counts where its sender works.
    meeting = report("2026-10-03", "wg_meeting", 8, False)
    await world.response("event_report", meeting, by=MUNICIPAL)
    await world.response("event_report", report("2026-10-04", "wg_meeting", 6, False))
    opened = datetime(2026, 10, 5, tzinfo=UTC)
    held = CaseStatus.held
    await world.case("parent_consultation", "consultation", held, town=town, closed_at=opened)
    await world.case("parent_consultation", "consultation", held, town=village, closed_at=opened)
    partners = {"mentoring_form": "school_school"}
    await world.case("mentoring_pair", "mentoring", CaseStatus.active, partners, town=village)

    assert await figures(database, targets, frozenset({town})) == {
        "consultations": 1,
        "mentoring_pairs": 0,
        "partner_pairs": 0,
        "participants": 30 + 8,
        "school_team_events": 1,
        "working_group_meetings": 1,
    }
    everywhere = await figures(database, targets)
    assert (everywhere["participants"], everywhere["working_group_meetings"]) == (64, 2)
    assert set((await figures(database, targets, frozenset())).values()) == {0}
