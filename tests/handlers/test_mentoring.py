"""Mentoring pairs through a real Dispatcher: a mentor registers a pair, the mentee confirms
it by the link, meetings are logged, the pair is completed or dissolved; and what goes wrong:
a double tap, a stale or forged button, the mentor's own link, a second mentor in a subject.
Every scenario ends by reading the database."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any
from urllib.parse import parse_qs, urlparse
from zoneinfo import ZoneInfo

import pytest
from aiogram import Dispatcher
from aiogram.types import InlineKeyboardMarkup
from sqlalchemy import select

from bot.factory import create_dispatcher
from bot.settings import Settings
from forms.i18n import translator
from forms.vocabulary import SubmissionStatus
from handlers.clock import Clock
from handlers.telegram.markup import BotLinks
from handlers.workflows.mentoring.screens import PairAct, PairCallback, limits_mentee, subject_key
from handlers.workflows.mentoring.service import load_pair
from storage.database import Database
from storage.dto import CaseDTO
from storage.models import AuditEntry, Submission
from tests import updates
from tests.handlers.conversation import Conversation, Shown
from tests.mocked_bot import MockedBot

t = translator()
MENTOR, MENTEE, OTHER_MENTOR, STRANGER = 2001, 2002, 2003, 2004
LINK = re.compile(r"https://t\.me/school_test_bot\?start=(pair_[\w-]+)")
PAIR_FORM = "Регистрация наставнической пары"


class Person(Conversation):
    """One side of a pair (each conversation sees only its own chat)."""

    async def open_link(self, payload: str) -> Shown:
        await self.send(f"/start {payload}")
        return self.last()


def today() -> date:
    return Clock(ZoneInfo("Europe/Moscow")).today()


def year_ago() -> str:
    return (today() - timedelta(days=365)).strftime("%d.%m.%Y")


@pytest.fixture
async def dispatcher(settings: Settings, sqlite_db: Database, bot: MockedBot) -> Dispatcher:
    dispatcher = create_dispatcher(settings, sqlite_db)
    await dispatcher.emit_startup(bot=bot, **dispatcher.workflow_data)
    return dispatcher


@pytest.fixture(autouse=True)
async def directory(sqlite_db: Database) -> None:
    async with sqlite_db.transaction() as uow:
        town = await uow.schools.save_municipality("MO-1", "Городской округ Энск")
        for n in (1, 2):
            await uow.schools.save_school(
                f"OO-{n}", town, name=f"МБОУ «Школа № {n}»", short_name=f"Школа № {n}"
            )


def person(dispatcher: Dispatcher, bot: MockedBot, user_id: int, name: str) -> Person:
    return Person(dispatcher, bot, updates.user(user_id, name, last_name="Иванова"))


@pytest.fixture
def mentor(dispatcher: Dispatcher, bot: MockedBot) -> Person:
    return person(dispatcher, bot, MENTOR, "Анна")


@pytest.fixture
def mentee(dispatcher: Dispatcher, bot: MockedBot) -> Person:
    return person(dispatcher, bot, MENTEE, "Борис")


async def register(chat: Person, subject: str = "Русский язык") -> str:
    """Fill in the registration form as a teacher–teacher pair; the link's payload."""
    await chat.send("/start")
    await chat.press(t("menu-button-forms"))
    await chat.press(PAIR_FORM)
    for label in ("Городской округ Энск", "Школа № 1", "Учитель", "Педагог — педагог"):
        await chat.press(label)
    for label in ("Городской округ Энск", "Школа № 2", "Учитель", subject):
        await chat.press(label)
    await chat.press("Оценивание и обратная связь")
    await chat.send(today().strftime("%d.%m.%Y"))
    await chat.send((today() + timedelta(days=200)).strftime("%d.%m.%Y"))
    await chat.press("Раз в две недели")
    await chat.press(t("form-button-skip"))
    await chat.press(t("dialog-button-submit"))
    found = LINK.search(chat.last().text)
    assert found, chat.last().text
    return found.group(1)


async def case_of(database: Database, payload: str) -> CaseDTO:
    async with database.read() as uow:
        case = await uow.cases.by_code(payload.removeprefix("pair_"))
    assert case is not None
    return case


async def audit(database: Database) -> list[tuple[int | None, str, dict[str, Any]]]:
    async with database.read() as uow:
        rows = await uow.connection.execute(
            select(AuditEntry.actor_id, AuditEntry.action, AuditEntry.details)
            .where(AuditEntry.action.like("pair_%"))
            .order_by(AuditEntry.id)
        )
        return [(row.actor_id, row.action, row.details) for row in rows]


def markup(shown: Shown) -> InlineKeyboardMarkup:
    assert isinstance(shown.markup, InlineKeyboardMarkup)
    return shown.markup


# --- the happy path ---------------------------------------------------------------------------


async def test_a_mentor_registers_a_pair_and_gets_a_link_to_forward(
    mentor: Person, sqlite_db: Database
) -> None:
    payload = await register(mentor)
    reply = mentor.last()
    assert "ждёт подтверждения наставляемого" in reply.text
    share = markup(reply).inline_keyboard[0][0]
    assert share.text == t("mentoring-button-share")
    assert share.url is not None
    assert share.url.startswith("https://t.me/share/url?")
    assert parse_qs(urlparse(share.url).query)["url"] == [
        f"https://t.me/school_test_bot?start={payload}"
    ]
    assert len(payload) <= 64

    case = await case_of(sqlite_db, payload)
    assert (case.kind, case.status.value, case.subject) == ("mentoring", "pending", "russian")
    assert (case.respondent_id, case.assignee_id) == (MENTOR, None)
    assert await audit(sqlite_db) == [(MENTOR, "pair_registered", {"pair": case.submission_id})]


async def test_the_mentee_sees_the_invitation_confirms_and_the_mentor_is_told(
    mentor: Person, mentee: Person, sqlite_db: Database
) -> None:
    payload = await register(mentor)
    invitation = await mentee.open_link(payload)
    assert "Наставник Анна Иванова приглашает вас" in invitation.text
    assert "Предмет: Русский язык" in invitation.text
    assert "Школа наставника: МБОУ «Школа № 1» (Городской округ Энск)" in invitation.text
    assert "Школа наставляемого: МБОУ «Школа № 2»" in invitation.text
    assert f"Начало работы: {today().strftime('%d.%m.%Y')}" in invitation.text
    assert invitation.buttons == [t("mentoring-button-confirm"), t("mentoring-button-decline")]

    assert await mentee.press(t("mentoring-button-confirm")) is None
    assert mentee.last().text.startswith("Спасибо! Вы подтвердили участие в паре")
    assert t("mentoring-button-meeting") in mentee.last().buttons
    told = mentor.last()
    assert "Наставляемый Борис Иванова подтвердил участие" in told.text
    assert t("mentoring-button-meeting") in told.buttons

    case = await case_of(sqlite_db, payload)
    assert (case.status.value, case.assignee_id) == ("active", MENTEE)
    assert [action for _actor, action, _d in await audit(sqlite_db)] == [
        "pair_registered",
        "pair_confirmed",
    ]


# --- double taps, stale and forged buttons -------------------------------------------------


async def test_a_mentee_confirming_twice_activates_the_pair_once(
    mentor: Person, mentee: Person, bot: MockedBot, sqlite_db: Database
) -> None:
    payload = await register(mentor)
    invitation = await mentee.open_link(payload)
    confirm = invitation.data(t("mentoring-button-confirm"))
    await mentee.press_data(confirm, invitation.message_id)
    notices = len(mentor.screen())
    await mentee.press_data(confirm, invitation.message_id)  # a double tap, a second device
    assert mentee.callback_answer() == t("mentoring-already-confirmed")

    assert len(mentor.screen()) == notices  # told once
    case = await case_of(sqlite_db, payload)
    assert (case.status.value, case.assignee_id) == ("active", MENTEE)
    confirmations = [a for a in await audit(sqlite_db) if a[1] == "pair_confirmed"]
    assert confirmations == [(MENTEE, "pair_confirmed", {"pair": case.submission_id})]
    assert (await mentee.open_link(payload)).text == t("mentoring-already-confirmed")


async def test_two_devices_at_the_same_moment_one_confirmation_wins(
    mentor: Person, mentee: Person, dispatcher: Dispatcher, bot: MockedBot, sqlite_db: Database
) -> None:
    """The second press read the pair before the first one's commit (as on PostgreSQL, where
    transactions run side by side): its conditional UPDATE finds it moved and changes nothing."""
    payload = await register(mentor)
    pair = (await case_of(sqlite_db, payload)).submission_id
    services = dispatcher["services"]
    catalog, desk = services.catalog, services.pairs.desk(BotLinks(bot))
    async with sqlite_db.read() as uow:
        read_early = await load_pair(uow, catalog, pair)
    assert read_early is not None
    await mentee.open_link(payload)
    await mentee.press(t("mentoring-button-confirm"))

    button = PairCallback(s=pair, a=PairAct.confirm, k=payload.removeprefix("pair_"))
    async with sqlite_db.transaction() as uow:
        late = await desk._confirm(uow, read_early, MENTEE, button)
    assert (late.alert, late.notices) == (t("mentoring-now-active"), ())
    confirmations = [a for a in await audit(sqlite_db) if a[1] == "pair_confirmed"]
    assert len(confirmations) == 1


async def test_a_second_person_with_the_same_link_cannot_take_the_pair(
    mentor: Person, mentee: Person, dispatcher: Dispatcher, bot: MockedBot, sqlite_db: Database
) -> None:
    payload = await register(mentor)
    stranger = person(dispatcher, bot, STRANGER, "Вера")
    invitation = await stranger.open_link(payload)  # forwarded further, opened before
    await mentee.open_link(payload)
    await mentee.press(t("mentoring-button-confirm"))

    assert await stranger.press(t("mentoring-button-confirm"), invitation) == t(
        "mentoring-link-used"
    )
    assert (await stranger.open_link(payload)).text == t("mentoring-link-used")
    case = await case_of(sqlite_db, payload)
    assert (case.status.value, case.assignee_id) == ("active", MENTEE)


async def test_the_mentor_opening_their_own_link_cannot_confirm_it(
    mentor: Person, sqlite_db: Database
) -> None:
    payload = await register(mentor)
    case = await case_of(sqlite_db, payload)
    shown = await mentor.open_link(payload)
    assert shown.text == t("mentoring-own-link", number=case.submission_id)
    assert shown.buttons == []

    code = payload.removeprefix("pair_")
    forged = PairCallback(s=case.submission_id, a=PairAct.confirm, k=code).pack()
    await mentor.press_data(forged, shown.message_id)
    assert mentor.callback_answer() == t("mentoring-own-link", number=case.submission_id)
    assert (await case_of(sqlite_db, payload)).status.value == "pending"
    assert "pair_confirmed" not in [action for _a, action, _d in await audit(sqlite_db)]


async def test_a_stale_invitation_button_after_the_mentor_cancelled(
    mentor: Person, mentee: Person, sqlite_db: Database
) -> None:
    payload = await register(mentor)
    invitation = await mentee.open_link(payload)

    await mentor.send("/pairs")
    await mentor.press(t("mentoring-button-cancel"))
    await mentor.press(t("mentoring-button-cancel-yes"))
    assert "Приглашение отменено" in mentor.last().text

    answer = await mentee.press(t("mentoring-button-confirm"), invitation)
    assert answer == t("mentoring-invitation-closed")
    assert (await mentee.open_link(payload)).text == t("mentoring-invitation-closed")
    case = await case_of(sqlite_db, payload)
    assert (case.status.value, case.reason, case.assignee_id) == ("dissolved", "cancelled", None)
    assert case.closed_at is not None


async def test_a_stale_pair_button_after_the_other_side_dissolved(
    mentor: Person, mentee: Person, sqlite_db: Database
) -> None:
    payload = await register(mentor)
    await mentee.open_link(payload)
    await mentee.press(t("mentoring-button-confirm"))
    await mentor.send("/pairs")
    card = mentor.last()

    await mentee.send("/pairs")
    await mentee.press(t("mentoring-button-dissolve"))
    await mentee.press(t("mentoring-reason-job_change"))
    await mentee.press(t("mentoring-button-dissolve-yes"))

    assert await mentor.press(t("mentoring-button-complete"), card) == t("mentoring-now-dissolved")
    case = await case_of(sqlite_db, payload)
    assert (case.status.value, case.reason) == ("dissolved", "job_change")


async def test_forged_buttons_change_nothing(
    mentor: Person, mentee: Person, dispatcher: Dispatcher, bot: MockedBot, sqlite_db: Database
) -> None:
    payload = await register(mentor)
    pair = (await case_of(sqlite_db, payload)).submission_id
    stranger = person(dispatcher, bot, STRANGER, "Вера")
    forged = [
        PairCallback(s=pair, a=PairAct.confirm, k="a-guessed-code").pack(),
        PairCallback(s=pair, a=PairAct.cancel_yes).pack(),  # not the stranger's pair
        PairCallback(s=pair + 100, a=PairAct.complete_yes).pack(),  # no such pair
        "mp:oops",
    ]
    for data in forged:
        await stranger.press_data(data, 1)
        assert stranger.callback_answer() in (t("mentoring-stale"), t("stale-button"))

    await mentee.open_link(payload)
    await mentee.press(t("mentoring-button-confirm"))
    for act in (PairAct.complete_yes, PairAct.meeting, PairAct.dissolve):
        await stranger.press_data(PairCallback(s=pair, a=act).pack(), 1)
        assert stranger.callback_answer() == t("mentoring-stale")
    unknown_reason = PairCallback(s=pair, a=PairAct.dissolve_yes, r="whim").pack()
    await mentor.press_data(unknown_reason, 1)
    assert mentor.callback_answer() == t("mentoring-stale")
    cancel = PairCallback(s=pair, a=PairAct.cancel_yes).pack()  # only while it waits
    await mentor.press_data(cancel, 1)
    assert mentor.callback_answer() == t("mentoring-now-active")

    case = await case_of(sqlite_db, payload)
    assert (case.status.value, case.assignee_id, case.reason) == ("active", MENTEE, None)


async def test_an_unknown_link_is_answered_politely(mentee: Person) -> None:
    assert (await mentee.open_link("pair_nosuchcode")).text == t("mentoring-link-unknown")


# --- the one-mentor rule ---------------------------------------------------------------------


async def test_a_second_active_mentor_for_the_same_subject_is_refused(
    mentor: Person, mentee: Person, dispatcher: Dispatcher, bot: MockedBot, sqlite_db: Database
) -> None:
    other_mentor = person(dispatcher, bot, OTHER_MENTOR, "Галина")
    first = await register(mentor)
    second = await register(other_mentor)
    physics = await register(other_mentor, subject="Физика")
    early = await mentee.open_link(second)  # opened while still free
    await mentee.open_link(first)
    await mentee.press(t("mentoring-button-confirm"))

    refused = await mentee.open_link(second)
    assert "уже есть действующая пара «Русский язык», наставник Анна Иванова" in refused.text
    assert refused.buttons == []
    alert = await mentee.press(t("mentoring-button-confirm"), early)
    assert alert == t("mentoring-subject-taken-alert")
    assert (await case_of(sqlite_db, second)).status.value == "pending"

    await mentee.open_link(physics)  # another subject is fine
    await mentee.press(t("mentoring-button-confirm"))
    assert (await case_of(sqlite_db, physics)).status.value == "active"

    await mentor.send("/pairs")  # the first pair ends: the second may start
    await mentor.press(t("mentoring-button-complete"))
    await mentor.press(t("mentoring-button-complete-yes"))
    await mentee.open_link(second)
    await mentee.press(t("mentoring-button-confirm"))
    statuses = [(await case_of(sqlite_db, p)).status.value for p in (first, second, physics)]
    assert statuses == ["completed", "active", "active"]


# --- declining, meetings, completing, dissolving -----------------------------------------------


async def test_the_mentee_declines_after_a_question(
    mentor: Person, mentee: Person, sqlite_db: Database
) -> None:
    payload = await register(mentor)
    await mentee.open_link(payload)
    await mentee.press(t("mentoring-button-decline"))
    await mentee.press(t("mentoring-button-back-invitation"))
    assert t("mentoring-button-confirm") in mentee.last().buttons  # changed their mind
    await mentee.press(t("mentoring-button-decline"))
    await mentee.press(t("mentoring-button-decline-yes"))

    assert mentee.last().text == t("mentoring-declined")
    assert "Наставляемый Борис Иванова отказался от участия" in mentor.last().text
    case = await case_of(sqlite_db, payload)
    assert (case.status.value, case.reason, case.assignee_id) == ("dissolved", "declined", MENTEE)
    assert "pair_declined" in [action for _a, action, _d in await audit(sqlite_db)]


async def test_either_side_logs_a_meeting_in_a_few_taps(
    mentor: Person, mentee: Person, sqlite_db: Database
) -> None:
    payload = await register(mentor)
    await mentee.open_link(payload)
    await mentee.press(t("mentoring-button-confirm"))
    await mentee.press(t("mentoring-button-meeting"))  # on the confirmation message

    assert "Когда прошла встреча?" in mentee.last().text
    await mentee.send((today() + timedelta(days=1)).strftime("%d.%m.%Y"))
    latest = today().strftime("%d.%m.%Y")
    assert mentee.last().text == t("answer-date-range", min=year_ago(), max=latest)  # no future
    await mentee.send(today().strftime("%d.%m.%Y"))
    await mentee.press("Посещение и анализ урока")
    await mentee.send("Разобрали урок в 7 классе, выбрали приёмы обратной связи.")
    await mentee.press(t("dialog-button-submit"))

    await mentor.send("/pairs")
    await mentor.press(t("mentoring-button-meeting"))
    await mentor.send(today().strftime("%d.%m.%Y"))
    await mentor.press("Другое (впишите)")
    await mentor.send("Подготовка к открытому уроку")
    await mentor.send("Составили план урока.")
    await mentor.press(t("dialog-button-submit"))

    await mentee.send("/pairs")
    assert t("mentoring-card-meetings", count=2) in mentee.last().text
    pair = (await case_of(sqlite_db, payload)).submission_id
    async with sqlite_db.read() as uow:
        rows = await uow.connection.execute(
            select(Submission.id, Submission.respondent_id, Submission.status)
            .where(Submission.parent_id == pair)
            .order_by(Submission.id)
        )
        meetings = [(row.respondent_id, row.status) for row in rows]
        first = await uow.submissions.answers(pair + 1)
    assert meetings == [(MENTEE, SubmissionStatus.submitted), (MENTOR, SubmissionStatus.submitted)]
    assert first == {
        "meeting_date": today().isoformat(),
        "topic": "lesson_visit",
        "outcome": "Разобрали урок в 7 классе, выбрали приёмы обратной связи.",
    }


async def test_a_pending_pair_logs_no_meeting(mentor: Person, sqlite_db: Database) -> None:
    payload = await register(mentor)
    pair = (await case_of(sqlite_db, payload)).submission_id
    await mentor.press_data(PairCallback(s=pair, a=PairAct.meeting).pack(), 1)
    assert mentor.callback_answer() == t("mentoring-now-pending")
    async with sqlite_db.read() as uow:
        rows = await uow.connection.execute(
            select(Submission.id).where(Submission.parent_id == pair)
        )
        assert rows.all() == []


async def test_completing_asks_first_and_tells_the_other_side(
    mentor: Person, mentee: Person, sqlite_db: Database
) -> None:
    payload = await register(mentor)
    await mentee.open_link(payload)
    await mentee.press(t("mentoring-button-confirm"))
    await mentor.send("/pairs")
    await mentor.press(t("mentoring-button-complete"))
    await mentor.press(t("mentoring-button-keep-working"))
    assert (await case_of(sqlite_db, payload)).status.value == "active"
    assert t("mentoring-button-complete") in mentor.last().buttons  # the card is back

    await mentor.press(t("mentoring-button-complete"))
    await mentor.press(t("mentoring-button-complete-yes"))
    assert "завершена. Спасибо!" in mentor.last().text
    assert "Инициатор: наставник Анна Иванова" in mentee.last().text
    case = await case_of(sqlite_db, payload)
    assert (case.status.value, case.closed_at is not None) == ("completed", True)

    await mentee.send("/pairs")
    closed = mentee.last().text
    assert closed.startswith(t("mentoring-closed-head"))
    assert f"завершена {today().strftime('%d.%m.%Y')}, встреч: 0" in closed


async def test_dissolving_takes_a_reason_and_tells_the_other_side(
    mentor: Person, mentee: Person, sqlite_db: Database
) -> None:
    payload = await register(mentor)
    await mentee.open_link(payload)
    await mentee.press(t("mentoring-button-confirm"))
    await mentor.send("/pairs")
    await mentor.press(t("mentoring-button-dissolve"))
    assert mentor.last().buttons[-1] == t("mentoring-button-keep-pair")
    await mentor.press(t("mentoring-reason-absence"))
    assert "Причина: «Длительное отсутствие (болезнь, отпуск)»" in mentor.last().text
    await mentor.press(t("mentoring-button-dissolve-yes"))

    assert "Инициатор: наставник Анна Иванова" in mentee.last().text
    case = await case_of(sqlite_db, payload)
    assert (case.status.value, case.reason) == ("dissolved", "absence")
    assert (MENTOR, "pair_dissolved", {"pair": case.submission_id, "reason": "absence"}) in (
        await audit(sqlite_db)
    )


async def test_pairs_without_any(mentee: Person) -> None:
    await mentee.send("/pairs")
    assert mentee.last().text == t("mentoring-no-pairs")


async def test_the_pending_pair_shows_its_link_again(mentor: Person) -> None:
    payload = await register(mentor)
    await mentor.send("/pairs")
    card = mentor.last()
    assert f"https://t.me/school_test_bot?start={payload}" in card.text
    assert card.buttons == [t("mentoring-button-share"), t("mentoring-button-cancel")]


def test_the_subject_the_one_mentor_rule_compares() -> None:
    assert subject_key("math") == "math"
    assert subject_key({"other": "  Астрономия  и КосмоС "}) == "other:астрономия и космос"
    assert len(subject_key({"other": "я" * 500}) or "") == 64  # the column's length
    assert subject_key(None) is None  # head–head and school–school pairs have no subject
    assert [limits_mentee(s) for s in (None, "none", "math")] == [False, False, True]
