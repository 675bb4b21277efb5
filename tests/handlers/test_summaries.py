"""The summary from the database: targets, difficulties, consultations, pairs, events; scope."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from openpyxl.workbook import Workbook
from sqlalchemy import update

from bot.settings import TARGETS
from forms.i18n import translator
from forms.loading import load_form
from forms.schema import Form
from forms.targets import period_of
from forms.targets import period_text as target_period_text
from forms.vocabulary import CaseStatus, Role
from handlers.access import Scope
from handlers.exporting.registers import ExportRefused, Period, Requester
from handlers.exporting.summary import Summarizer
from storage.database import Database
from storage.models import School
from storage.repositories import UnitOfWork
from storage.repositories.users import TelegramProfile
from tests.handlers.export_data import LIBRARY, send, store

t = translator()
MOSCOW = ZoneInfo("Europe/Moscow")
ADMIN = Scope(9001, Role.admin)


def school(code: str, name: str, municipality: str) -> dict[str, str]:
    return {"code": code, "name": name, "municipality": municipality}


NORTH_SCHOOL = school("0101", "СОШ № 1", "Северный район")
SOUTH_SCHOOL = school("0201", "СОШ № 2", "Южный район")


async def _places(uow: UnitOfWork) -> tuple[tuple[int, int], tuple[int, int]]:
    north = await uow.schools.save_municipality("01", "Северный район")
    south = await uow.schools.save_municipality("02", "Южный район")
    first = await uow.schools.save_school("0101", north, name="СОШ № 1", short_name="1")
    second = await uow.schools.save_school("0201", south, name="СОШ № 2", short_name="2")
    await uow.connection.execute(update(School).where(School.id == second).values(low_results=True))
    return (first, north), (second, south)


async def _teachers(uow: UnitOfWork, north: tuple[int, int], south: tuple[int, int]) -> None:
    version = await store(uow, load_form(LIBRARY / "teacher_difficulties.yaml"))
    answers = [
        ({"literacy": 4, "assessment": 2, "support": ["courses", "mentoring"]}, north),
        ({"literacy": 2, "support": ["courses"]}, north),
        ({"literacy": 5}, south),
    ]
    for person, (given, place) in enumerate(answers, start=1):
        await uow.users.save_profile(TelegramProfile(person, "Учитель"))
        await send(uow, version, person, given, place)


async def _workflows(uow: UnitOfWork, north: tuple[int, int], south: tuple[int, int]) -> None:
    consult = await store(uow, load_form(LIBRARY / "parent_consultation.yaml"))
    held = await send(uow, consult, 1, {"topic": "learning"}, north)
    fresh = await send(uow, consult, 2, {"topic": {"other": "Сон"}}, north)
    await uow.cases.open(held, "consultation", CaseStatus.scheduled)
    await uow.cases.move(held, {CaseStatus.scheduled}, CaseStatus.held)
    await uow.cases.open(fresh, "consultation", CaseStatus.new)
    pair = await store(uow, load_form(LIBRARY / "mentoring_pair.yaml"))
    partners = await send(uow, pair, 1, {"mentoring_form": "school_school"}, north)
    teachers = {"mentoring_form": "teacher_teacher", "subject": "math"}
    waiting = await send(uow, pair, 2, teachers, south)
    await uow.cases.open(partners, "mentoring", CaseStatus.active, code="a")
    await uow.cases.open(waiting, "mentoring", CaseStatus.pending, code="b")


async def _events(uow: UnitOfWork, north: tuple[int, int], south: tuple[int, int]) -> None:
    version = await store(uow, load_form(LIBRARY / "event_report.yaml"))
    today = datetime.now(MOSCOW).date().isoformat()
    seminar = {"event_type": "seminar", "participants": 30, "school_1": SOUTH_SCHOOL}
    meeting = {"event_type": "wg_meeting", "participants": 10, "school_1": NORTH_SCHOOL}
    await send(uow, version, 1, {**seminar, "event_date": today}, south)
    await send(uow, version, 2, {**meeting, "event_date": today}, north)


@pytest.fixture
async def places(sqlite_db: Database) -> tuple[tuple[int, int], tuple[int, int]]:
    async with sqlite_db.transaction() as uow:
        north, south = await _places(uow)
        await _teachers(uow, north, south)
        await _workflows(uow, north, south)
        await _events(uow, north, south)
    return north, south


def library_forms() -> dict[str, Form]:
    """The built-in forms, as the bot hands them to the summary (``form_files``)."""
    return {path.stem: load_form(path) for path in sorted(LIBRARY.glob("*.yaml"))}


def summarizer(database: Database, targets: Path = TARGETS) -> Summarizer:
    return Summarizer(database, t, MOSCOW, targets, form_files=library_forms)


async def summary(database: Database, scope: Scope = ADMIN) -> tuple[Workbook, int]:
    out = io.BytesIO()
    done = await summarizer(database).summary(Period(), Requester(scope, "Тест"), out)
    assert done.anonymous
    return load_workbook(io.BytesIO(out.getvalue())), done.rows


def rows(book: Workbook, sheet: str) -> Iterator[tuple[Any, ...]]:
    for row in book[sheet].iter_rows(values_only=True):
        values = list(row)
        while values and values[-1] is None:
            values.pop()
        yield tuple(values)


def has(book: Workbook, sheet: str, *start: Any) -> bool:
    return any(row[: len(start)] == start for row in rows(book, sheet))


async def test_the_targets_are_counted_for_their_own_periods(
    sqlite_db: Database, places: object
) -> None:
    book, counted = await summary(sqlite_db)
    year = target_period_text(period_of("school_year", datetime.now(MOSCOW).date()), t)
    assert counted == 3 + 2 + 2 + 2
    assert has(book, "Показатели", "Консультации родителей", year, 20, 1)
    assert has(book, "Показатели", "Наставнические пары", year, 10, 1)
    assert has(book, "Показатели", "Пары школ-партнёров", year, 10, 1)
    assert has(book, "Показатели", "Участники мероприятий", year, 100, 40)
    assert has(book, "Показатели", "Период", "за всё время")


async def test_shares_of_schools_and_distinct_schools_in_the_targets_sheet(
    sqlite_db: Database, places: tuple[tuple[int, int], tuple[int, int]]
) -> None:
    now = datetime.now(MOSCOW)
    async with sqlite_db.transaction() as uow:  # the teachers of the fixture answered in March
        version = await store(uow, load_form(LIBRARY / "teacher_difficulties.yaml"))
        await send(uow, version, 3, {"literacy": 3}, places[1], at=now)
    book, _ = await summary(sqlite_db)
    today = now.date()
    year = target_period_text(period_of("school_year", today), t)
    calendar = target_period_text(period_of("calendar_year", today), t)
    half = target_period_text(period_of("half_year", today), t)
    # The one ШНОР of the directory (СОШ № 2) has a teacher's answer this school year.
    monitoring = "Мониторинг профессиональных затруднений педагогов ШНОР и ШНСУ"
    assert has(book, "Показатели", f"{monitoring} (нужно 100% из 1 ОО)", year, 1, 1, 1)
    # It took part in a seminar (school_1); the meeting's school is not ШНОР.
    seminars = "ШНОР — участники конференций, семинаров, круглых столов"
    assert has(book, "Показатели", seminars, calendar, 10, 1)
    municipalities = "Муниципалитеты в мониторинге затруднений педагогов"
    assert has(book, "Показатели", municipalities, half, 27, 1)


async def test_difficulties_by_municipality_and_the_support_wanted(
    sqlite_db: Database, places: object
) -> None:
    book, _counted = await summary(sqlite_db)
    assert has(book, "Затруднения педагогов", "Северный район", 2, 3, 2)
    assert has(book, "Затруднения педагогов", "Южный район", 1, 5)
    assert has(book, "Затруднения педагогов", "Курсы повышения квалификации", 2)


async def test_consultations_pairs_and_events(sqlite_db: Database, places: object) -> None:
    book, _counted = await summary(sqlite_db)
    topics = next(row for row in rows(book, "Консультации") if "Трудности в учёбе" in row)
    assert "Другое" in topics  # a typed topic is counted, its text is not shown
    assert has(book, "Наставничество", "Действует", 1)
    assert has(book, "Наставничество", "Ждёт подтверждения", 1)
    assert has(book, "Наставничество", "Математика (алгебра, геометрия)", 1)
    assert has(book, "Наставничество", "Школа — школа (сетевое партнёрство)", 1)
    assert has(book, "Мероприятия", "Семинар", 1, 30)
    assert has(book, "Мероприятия", "Доля школ с низкими результатами, принявших участие", 1)


async def test_a_municipal_coordinator_gets_their_municipality(
    sqlite_db: Database, places: tuple[tuple[int, int], tuple[int, int]]
) -> None:
    (_school, north), _south = places
    book, counted = await summary(sqlite_db, Scope(5, Role.municipal, frozenset({north})))
    assert counted == 2 + 2 + 1 + 1
    assert has(book, "Затруднения педагогов", "Северный район", 2)
    assert not has(book, "Затруднения педагогов", "Южный район")
    assert not has(book, "Мероприятия", "Семинар")
    async with sqlite_db.read() as uow:
        [entry] = await uow.audit.entries()
    assert (entry.actor_id, entry.action) == (5, "summary_exported")
    assert entry.details == {"filters": {"municipalities": [north]}, "responses": 6}


async def test_a_consultant_gets_no_summary(sqlite_db: Database, places: object) -> None:
    with pytest.raises(ExportRefused):
        await summary(sqlite_db, Scope(6, Role.consultant, frozenset()))


async def test_a_broken_targets_file_refuses_the_summary(
    sqlite_db: Database, places: object, tmp_path: Path
) -> None:
    broken = tmp_path / "targets.yaml"
    broken.write_text("targets: []\n", encoding="utf-8")
    with pytest.raises(ExportRefused) as refused:
        await summarizer(sqlite_db, broken).summary(
            Period(), Requester(ADMIN, "Тест"), io.BytesIO()
        )
    assert "school-bot targets check" in refused.value.text(t)
    async with sqlite_db.read() as uow:
        assert await uow.audit.entries() == []
