"""A parent's consultation request through a real Dispatcher: booking a free time (two
parents, one time), the consultant's buttons, cancelling, the reminder, refusals."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from aiogram import Dispatcher
from sqlalchemy import select

from bot.factory import create_dispatcher
from bot.settings import Settings
from forms.i18n import translator
from forms.vocabulary import Role
from storage.database import Database
from storage.erasure import erase_expired
from storage.models import Case, Slot
from tests.conftest import MACHINE_SPEED
from tests.handlers.conversation import Conversation, deliver_outbox, person
from tests.handlers.test_access import give_role
from tests.mocked_bot import TOKEN, MockedBot

t = translator()
CONSULTANT, COORDINATOR, PARENT, OTHER_PARENT = 701, 702, 1001, 1002
TITLE = "Запись на консультацию для родителей"
ZONE = "Europe/Moscow"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        bot_token=TOKEN,
        admin_ids=frozenset({9001}),
        throttle_burst=MACHINE_SPEED,
        timezone=ZONE,
    )


@pytest.fixture
async def dispatcher(settings: Settings, sqlite_db: Database, bot: MockedBot) -> Dispatcher:
    async with sqlite_db.transaction() as uow:
        town = await uow.schools.save_municipality("MO-1", "Городской округ Энск")
        await uow.schools.save_school(
            "OO-01", town, name="МБОУ «Школа № 1»", short_name="Школа № 1"
        )
    await give_role(sqlite_db, CONSULTANT, Role.consultant, town)
    await give_role(sqlite_db, COORDINATOR, Role.municipal, town)
    dispatcher = create_dispatcher(settings, sqlite_db)
    await dispatcher.emit_startup(bot=bot, **dispatcher.workflow_data)
    return dispatcher


async def request(parent: Conversation, name: str = "Анна Сергеевна") -> None:
    """The whole form, as a parent fills it in."""
    await parent.send("/start")
    await parent.press(t("menu-button-forms"))
    await parent.press(TITLE)
    await parent.press(t("consent-button-yes"))
    await parent.press(t("form-button-next"))
    await parent.press("Городской округ Энск")
    await parent.press("Школа № 1")
    await parent.press("5 класс")
    await parent.press("Трудности в учёбе")
    await parent.press(t("form-button-skip"))
    await parent.press("Онлайн (по видеосвязи)")
    await parent.press(t("form-button-skip"))
    await parent.send(name)
    await parent.send("+7 916 123-45-67")
    await parent.press(t("dialog-button-submit"))


async def add_slots(consultant: Conversation, *moments: str) -> None:
    for moment in moments:
        await consultant.send(f"/slot {moment}")


async def cases(database: Database) -> list[tuple[str, int | None]]:
    async with database.read() as uow:
        rows = await uow.connection.execute(select(Case.status, Case.assignee_id))
        return [(row.status.value, row.assignee_id) for row in rows]


async def bookings(database: Database) -> list[int | None]:
    async with database.read() as uow:
        return list((await uow.connection.execute(select(Slot.submission_id))).scalars())


def future(days: int = 3, hour: int | None = 15) -> str:
    """A time ``days`` ahead as the bot reads it (in its zone), at ``hour`` o'clock (None:
    this hour). The date was once taken in UTC: from 21:00 UTC tomorrow's 00:00 in Moscow
    had passed, and the test of the reminder failed every evening."""
    moment = datetime.now(ZoneInfo(ZONE)) + timedelta(days=days)
    return f"{moment:%d.%m.%Y} {moment.hour if hour is None else hour}:00"


async def test_a_parent_books_a_free_time_and_the_consultant_records_the_outcome(
    dispatcher: Dispatcher, bot: MockedBot, sqlite_db: Database
) -> None:
    consultant, coordinator = (
        person(dispatcher, bot, CONSULTANT),
        person(dispatcher, bot, COORDINATOR),
    )
    parent = person(dispatcher, bot, PARENT)
    await add_slots(consultant, future(3, 15), future(4, 10))
    assert consultant.last().text.startswith("Время добавлено")
    await request(parent)

    offer = parent.last()
    assert "принята" in offer.text
    assert len(offer.buttons) == 3  # two times and «договоритесь со мной»
    # The consultant sees the name and phone; the municipal coordinator does not.
    assert "Анна Сергеевна" in consultant.last().text
    assert "Анна Сергеевна" not in coordinator.last().text
    assert "Трудности в учёбе" in coordinator.last().text
    assert await cases(sqlite_db) == [("new", None)]

    await parent.press(offer.buttons[0])
    assert parent.last().text.startswith("Вы записаны на консультацию")
    assert await cases(sqlite_db) == [("scheduled", CONSULTANT)]
    assert consultant.last().text.startswith("Родитель записался")

    await consultant.press(t("consult-button-held"))
    assert await cases(sqlite_db) == [("held", CONSULTANT)]
    # A second tap on the same button changes nothing.
    notice = consultant.screen()[-1]
    assert t("consult-button-held") not in notice.buttons


async def test_two_parents_press_the_same_time_at_once_and_only_one_gets_it(
    dispatcher: Dispatcher, bot: MockedBot, sqlite_db: Database
) -> None:
    consultant = person(dispatcher, bot, CONSULTANT)
    first, second = person(dispatcher, bot, PARENT), person(dispatcher, bot, OTHER_PARENT)
    await add_slots(consultant, future(2, 11))
    await request(first, "Анна")
    await request(second, "Ольга")
    slot_label = first.last().buttons[0]
    assert second.last().buttons[0] == slot_label
    first_offer, second_offer = first.last(), second.last()
    await asyncio.gather(
        first.press_data(first_offer.data(slot_label), first_offer.message_id),
        second.press_data(second_offer.data(slot_label), second_offer.message_id),
    )
    statuses = sorted(status for status, _who in await cases(sqlite_db))
    assert statuses == ["new", "scheduled"]
    assert len([b for b in await bookings(sqlite_db) if b is not None]) == 1
    loser = first if first.last().text.startswith(t("consult-no-slots-left")[:10]) else second
    assert loser.last().text == t("consult-no-slots-left")


async def test_the_parent_cancels_and_the_time_is_free_again(
    dispatcher: Dispatcher, bot: MockedBot, sqlite_db: Database
) -> None:
    consultant, parent = person(dispatcher, bot, CONSULTANT), person(dispatcher, bot, PARENT)
    await add_slots(consultant, future(2, 12))
    await request(parent)
    await parent.press(parent.last().buttons[0])
    await parent.press(t("consult-button-cancel"))
    await parent.press(t("consult-button-cancel-yes"))
    assert await cases(sqlite_db) == [("cancelled", CONSULTANT)]
    assert await bookings(sqlite_db) == [None]
    assert consultant.last().text == t("consult-cancelled-by-parent", number=1)


async def test_the_consultant_gives_a_time_to_a_parent_who_asked_to_be_called(
    dispatcher: Dispatcher, bot: MockedBot, sqlite_db: Database
) -> None:
    consultant, parent = person(dispatcher, bot, CONSULTANT), person(dispatcher, bot, PARENT)
    await request(parent)
    assert parent.last().text == t("consult-no-slots", number=1)
    assert await consultant.press(t("consult-button-give")) == t("consult-give-no-slots")
    await add_slots(consultant, future(5, 9))
    await consultant.press(t("consult-button-give"))
    await consultant.press(consultant.last().buttons[0])
    assert await cases(sqlite_db) == [("scheduled", CONSULTANT)]
    assert parent.last().text.startswith("Вам назначена консультация")
    assert t("consult-button-cancel") in parent.last().buttons


async def test_strangers_and_forged_buttons_change_nothing(
    dispatcher: Dispatcher, bot: MockedBot, sqlite_db: Database
) -> None:
    consultant, parent = person(dispatcher, bot, CONSULTANT), person(dispatcher, bot, PARENT)
    stranger = person(dispatcher, bot, OTHER_PARENT)
    await add_slots(consultant, future(2, 16))
    await request(parent)
    offer = parent.last()
    await stranger.press_data(offer.data(offer.buttons[0]), offer.message_id)
    assert stranger.callback_answer() == t("access-denied")
    notice = consultant.last_with(t("consult-button-drop"))
    await stranger.press_data(notice.data(t("consult-button-drop")), notice.message_id)
    assert stranger.callback_answer() == t("access-denied")
    await stranger.press_data("cn:999:b:1", offer.message_id)
    assert stranger.callback_answer() == t("stale-button")
    await stranger.send("/slot 01.01.2030 10:00")
    assert stranger.last().text == t("access-denied")
    assert await cases(sqlite_db) == [("new", None)]
    assert await bookings(sqlite_db) == [None]


async def test_a_slot_is_typed_as_date_and_time(
    dispatcher: Dispatcher, bot: MockedBot, sqlite_db: Database
) -> None:
    consultant = person(dispatcher, bot, CONSULTANT)
    await consultant.send("/slot завтра")
    assert consultant.last().text == t("slot-how")
    await consultant.send("/slot 01.01.2020 10:00")
    assert consultant.last().text == t("slot-in-past")
    await add_slots(consultant, future(2, 10), future(2, 10))
    assert consultant.last().text.startswith("Это время у вас уже есть")
    await consultant.send("/slots")
    await consultant.press(consultant.last().buttons[0])
    assert await bookings(sqlite_db) == []


async def test_the_parent_is_reminded_once_the_day_before(
    dispatcher: Dispatcher, bot: MockedBot, sqlite_db: Database
) -> None:
    consultant, parent = person(dispatcher, bot, CONSULTANT), person(dispatcher, bot, PARENT)
    await add_slots(consultant, future(1, hour=None))  # 23 to 24 hours ahead
    await request(parent)
    await parent.press(parent.last().buttons[0])
    consultations = dispatcher["services"].consultations
    assert await consultations.remind(hours=48) == 1
    assert await deliver_outbox(dispatcher, bot) == 1
    assert parent.last().text.startswith("Напоминаем")
    assert await consultations.remind(hours=48) == 0
    assert await deliver_outbox(dispatcher, bot) == 0


async def test_retention_counts_from_the_consultation_being_closed(
    dispatcher: Dispatcher, bot: MockedBot, sqlite_db: Database
) -> None:
    consultant, parent = person(dispatcher, bot, CONSULTANT), person(dispatcher, bot, PARENT)
    await add_slots(consultant, future(2, 14))
    await request(parent)
    await parent.press(parent.last().buttons[0])
    later, catalog = datetime.now(UTC) + timedelta(days=400), dispatcher["services"].catalog
    async with sqlite_db.transaction() as uow:
        assert await erase_expired(uow, catalog, later, "(удалено)") == 0  # still open
    await consultant.press(t("consult-button-held"))
    async with sqlite_db.transaction() as uow:
        assert await erase_expired(uow, catalog, datetime.now(UTC), "(удалено)") == 0
        assert await erase_expired(uow, catalog, later, "(удалено)") == 1
        answers = await uow.submissions.answers(1)
    assert answers["parent_name"] == "(удалено)"
    assert answers["grade"] == "5"


async def test_help_lists_the_commands_of_the_readers_role(
    dispatcher: Dispatcher, bot: MockedBot
) -> None:
    consultant, parent = person(dispatcher, bot, CONSULTANT), person(dispatcher, bot, PARENT)
    await consultant.send("/help")
    await parent.send("/help")
    assert consultant.last().text.endswith(t("help-role-consultant"))
    assert "/slot" not in parent.last().text
    assert parent.last().text.startswith(t("help-text"))


async def test_requests_lists_each_persons_own_open_requests(
    dispatcher: Dispatcher, bot: MockedBot, sqlite_db: Database
) -> None:
    consultant, parent = person(dispatcher, bot, CONSULTANT), person(dispatcher, bot, PARENT)
    stranger = person(dispatcher, bot, OTHER_PARENT)
    await add_slots(consultant, future(2, 13))
    await request(parent)
    await parent.press(parent.last().buttons[0])

    await parent.send("/requests")
    mine = parent.last()
    assert mine.text.startswith("Заявка № 1: назначена. Время:")
    assert mine.buttons == [t("consult-button-cancel")]
    await consultant.send("/requests")
    assert consultant.last().buttons == [
        t("consult-button-held"),
        t("consult-button-no-show"),
        t("consult-button-drop"),
    ]
    await stranger.send("/requests")
    assert stranger.last().text == t("requests-empty")

    # The listed buttons work: the parent cancels from the list.
    await parent.press(t("consult-button-cancel"), mine)
    await parent.press(t("consult-button-cancel-yes"))
    assert await cases(sqlite_db) == [("cancelled", CONSULTANT)]
    await parent.send("/requests")
    assert parent.last().text == t("requests-empty")
