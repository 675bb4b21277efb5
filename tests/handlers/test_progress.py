"""/progress through the Dispatcher: regional and municipal figures, refusals, a broken file."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aiogram import Dispatcher

from bot.settings import TARGETS, Settings
from forms.i18n import translator
from forms.vocabulary import Role
from handlers.clock import Clock
from storage.catalog import FormCatalog
from storage.database import Database
from storage.repositories.users import TelegramProfile
from tests import updates
from tests.conftest import MACHINE_SPEED
from tests.handlers.conversation import Conversation
from tests.handlers.conversation import started as start
from tests.mocked_bot import TOKEN, MockedBot

t = translator()
ADMIN, MUNICIPAL, CONSULTANT, TEACHER = 9001, 501, 502, 503
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # 2026/27 school year, IV quarter 2026


def make_settings(targets: Path = TARGETS) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        bot_token=TOKEN,
        admin_ids=frozenset({ADMIN}),
        throttle_burst=MACHINE_SPEED,
        targets_file=targets,
    )


async def started(settings: Settings, database: Database, bot: MockedBot) -> Dispatcher:
    return await start(settings, database, bot, Clock(settings.zone, lambda: NOW))


@pytest.fixture
async def dispatcher(sqlite_db: Database, bot: MockedBot) -> Dispatcher:
    return await started(make_settings(), sqlite_db, bot)


@pytest.fixture
async def towns(sqlite_db: Database) -> tuple[int, int]:
    async with sqlite_db.transaction() as uow:
        town = await uow.schools.save_municipality("MO-1", "ГО Энск")
        village = await uow.schools.save_municipality("MO-2", "Заречный район")
        for user_id, role in ((MUNICIPAL, Role.municipal), (CONSULTANT, Role.consultant)):
            await uow.users.save_profile(TelegramProfile(user_id, f"Сотрудник {user_id}"))
            await uow.roles.grant(user_id, role, [town])
        await uow.users.save_profile(TelegramProfile(TEACHER, "Учитель"))
    return town, village


async def sent_report(
    database: Database, dispatcher: Dispatcher, town: int, answers: dict[str, Any]
) -> None:
    catalog: FormCatalog = dispatcher["services"].catalog
    entry = catalog.current("event_report")
    assert entry is not None
    async with database.transaction() as uow:
        draft = await uow.submissions.open_draft(entry.version_id, TEACHER)
        for question_id, value in answers.items():
            await uow.submissions.save_answer(draft.id, question_id, value)
        await uow.submissions.submit(draft.id)
        school = await uow.schools.save_school(
            f"OO-{draft.id}", town, name="Школа", short_name="Школа"
        )
        await uow.submissions.place(draft.id, school, town)


def event(day: str, kind: str, participants: int, teams: bool) -> dict[str, Any]:
    return {
        "event_date": day,
        "event_type": kind,
        "participants": participants,
        "for_school_teams": teams,
    }


@pytest.fixture
async def reports(sqlite_db: Database, dispatcher: Dispatcher, towns: tuple[int, int]) -> None:
    town, village = towns
    await sent_report(sqlite_db, dispatcher, town, event("2026-09-14", "seminar", 45, True))
    await sent_report(sqlite_db, dispatcher, town, event("2026-10-20", "wg_meeting", 9, False))
    await sent_report(sqlite_db, dispatcher, village, event("2026-11-02", "webinar", 80, True))


def person(dispatcher: Dispatcher, bot: MockedBot, user_id: int) -> Conversation:
    return Conversation(dispatcher, bot, updates.user(user_id, "Ольга"))


YEAR, QUARTER, HALF = "2026/27 учебный год", "IV квартал 2026", "II полугодие 2026"


def line(title: str, period: str, figures: tuple[int, int, int, int]) -> str:
    """What /progress says of one target; ``figures``: current, target, percent, left."""
    current, target, percent, left = figures
    rest = f"Осталось: {left}." if left else "Показатель выполнен ✅"
    return f"<b>{title}</b> — {period}\nСейчас {current} из {target} ({percent}%). {rest}"


async def test_a_regional_view_shows_every_target_in_one_message(
    dispatcher: Dispatcher, bot: MockedBot, reports: None
) -> None:
    admin = person(dispatcher, bot, ADMIN)
    await admin.send("/progress")
    [text] = admin.texts()
    parts = text.split("\n\n")
    assert parts[:9] == [
        "<b>📊 Целевые показатели дорожной карты</b>",
        "По всем муниципалитетам.",
        line("Консультации родителей", YEAR, (0, 20, 0, 20)),
        line("Наставнические пары", YEAR, (0, 10, 0, 10)),
        line("Пары школ-партнёров", YEAR, (0, 10, 0, 10)),
        line("Участники мероприятий", YEAR, (134, 100, 134, 0)),
        line("Мероприятия для школьных команд", YEAR, (2, 5, 40, 3)),
        line("Заседания рабочей группы", QUARTER, (1, 1, 100, 0)),
        line("Заседания рабочей группы не реже 1 раза в полугодие", HALF, (1, 1, 100, 0)),
    ]
    assert len(parts) == 2 + 21
    # No school of the directory is marked ШНОР: a share of them is not counted.
    no_schools = (
        "<b>Охват ШНОР работой методических объединений</b> — 2026 год\n"
        "В справочнике школ нет ни одной школы, к которой относится показатель, поэтому он "
        "не посчитан. Загрузите справочник с отметками ШНОР, ШНСУ и школ-партнёров."
    )
    assert no_schools in parts


async def test_shares_of_the_directory_schools_are_shown_with_their_schools(
    sqlite_db: Database, dispatcher: Dispatcher, bot: MockedBot, towns: tuple[int, int]
) -> None:
    town, village = towns
    catalog: FormCatalog = dispatcher["services"].catalog
    entry = catalog.current("teacher_difficulties")
    assert entry is not None
    async with sqlite_db.transaction() as uow:
        for code, where in (("A", town), ("B", town), ("C", village), ("D", village)):
            flags = {"low_results": True} if code != "D" else {"difficult_conditions": True}
            school = await uow.schools.save_school(
                code, where, name=f"Школа {code}", short_name=code, **flags
            )
            if code in "AC":
                draft = await uow.submissions.open_draft(entry.version_id, TEACHER)
                value = {"code": code, "name": f"Школа {code}", "municipality": "Энск"}
                await uow.submissions.save_answer(draft.id, "school", value)
                await uow.submissions.submit(draft.id)
                await uow.submissions.place(draft.id, school, where)
    title = "<b>Мониторинг профессиональных затруднений педагогов ШНОР и ШНСУ</b> — " + YEAR
    admin = person(dispatcher, bot, ADMIN)
    await admin.send("/progress")
    [text] = admin.texts()
    assert f"{title}\nСейчас 2 из 4 ОО (50%), нужно 100%. Осталось: 2 ОО." in text
    coordinator = person(dispatcher, bot, MUNICIPAL)
    await coordinator.send("/progress")
    [text] = coordinator.texts()
    assert f"{title}\nСейчас 1 из 2 ОО (50%), нужно 100%. Осталось: 1 ОО." in text


async def test_a_municipal_coordinator_sees_their_municipality(
    dispatcher: Dispatcher, bot: MockedBot, reports: None
) -> None:
    coordinator = person(dispatcher, bot, MUNICIPAL)
    await coordinator.send("/progress")
    [text] = coordinator.texts()
    assert "По муниципалитетам: ГО Энск." in text
    assert line("Участники мероприятий", YEAR, (54, 100, 54, 46)) in text
    assert line("Мероприятия для школьных команд", YEAR, (1, 5, 20, 4)) in text


@pytest.mark.parametrize("user_id", [TEACHER, CONSULTANT])
async def test_people_without_a_coordinator_role_are_refused(
    dispatcher: Dispatcher, bot: MockedBot, towns: tuple[int, int], user_id: int
) -> None:
    someone = person(dispatcher, bot, user_id)
    await someone.send("/progress")
    assert someone.texts() == [t("access-denied")]


async def test_a_broken_targets_file_is_answered_with_its_problems(
    tmp_path: Path, sqlite_db: Database, bot: MockedBot
) -> None:
    broken = tmp_path / "targets.yaml"
    text = TARGETS.read_text(encoding="utf-8").replace("equals: wg_meeting", "equals: wg_meting")
    broken.write_text(text, encoding="utf-8")
    dispatcher = await started(make_settings(broken), sqlite_db, bot)
    admin = person(dispatcher, bot, ADMIN)
    await admin.send("/progress")
    [answer] = admin.texts()
    assert answer.startswith(t("progress-file-broken"))
    line_number = text.splitlines().index("    where: {question: event_type, equals: wg_meting}")
    assert (
        f"{broken}, строка {line_number + 1} (measures.working_group_meetings.where): "
        "У вопроса «event_type» не бывает ответа «wg_meting»."
    ) in answer
