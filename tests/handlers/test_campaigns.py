"""Campaigns through a real Dispatcher: a coordinator announces a form to the teachers of
some schools, watches the board, reminds those who have not answered; a teacher joins by a
school link, fills in «О себе», answers from the announcement, mutes reminders; a municipal
coordinator sees and reaches only their municipalities."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from aiogram import Dispatcher
from aiogram.methods import SendPhoto
from openpyxl import load_workbook
from sqlalchemy import select, update

from bot.factory import create_dispatcher
from bot.settings import Settings
from forms.directory import SAMPLE, read_directory
from forms.i18n import translator
from forms.vocabulary import CampaignState, PersonKind, Role
from handlers.access import Scope
from handlers.campaigns.screens import CampaignAct, CampaignCallback
from handlers.dialog.callbacks import Act, AnswerCallback
from handlers.exporting.registers import Order, Period, Requester
from storage.database import Database
from storage.directory import save_directory
from storage.dto import CampaignDTO
from storage.models import AuditEntry, School
from tests.conftest import MACHINE_SPEED
from tests.handlers.conversation import Conversation, deliver_outbox, person
from tests.handlers.test_access import give_role
from tests.mocked_bot import TOKEN, MockedBot

t = translator()
COORDINATOR, MUNICIPAL, ALICE, BORIS, VERA = 501, 601, 1001, 1002, 1003
TITLE = "Анкета о методической помощи"
FORM = f"""
id: help_survey
title: {TITLE}
roles: [teacher]
responses: many
questions:
  - type: school
    id: school
    label: В какой школе вы работаете?
  - type: yes_no
    id: wanted
    label: Нужна ли вам методическая помощь?
"""


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    (tmp_path / "forms").mkdir()
    (tmp_path / "forms" / "help_survey.yaml").write_text(FORM, encoding="utf-8")
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        bot_token=TOKEN,
        forms_dir=tmp_path / "forms",
        throttle_burst=MACHINE_SPEED,
    )


@pytest.fixture
async def dispatcher(settings: Settings, sqlite_db: Database, bot: MockedBot) -> Dispatcher:
    async with sqlite_db.transaction() as uow:
        await save_directory(uow, read_directory(SAMPLE))
    dispatcher = create_dispatcher(settings, sqlite_db)
    await dispatcher.emit_startup(bot=bot, **dispatcher.workflow_data)
    return dispatcher


async def teacher_of(database: Database, user_id: int, school_code: str) -> None:
    """A teacher who filled in «О себе» (set directly: the form itself is tested below)."""
    await give_role(database, user_id, Role.respondent)
    async with database.transaction() as uow:
        school = await uow.schools.school_by_code(school_code)
        assert school is not None
        await uow.users.set_profile(user_id, PersonKind.teacher, school.id)


async def new_campaign(chat: Conversation) -> None:
    await chat.send("/campaigns")
    await chat.press(t("campaigns-button-new"))
    await chat.press(TITLE)


async def open_board(chat: Conversation, number: int = 1) -> None:
    await chat.send("/campaigns")
    await chat.press(t("campaigns-button-open", number=number))


async def answer_survey(chat: Conversation, town: str, school: str) -> None:
    await chat.press(t("campaign-button-fill"))
    await chat.press(town)
    await chat.press(school)
    await chat.press(t("answer-yes"))
    await chat.press(t("dialog-button-submit"))


async def campaign_row(database: Database) -> CampaignDTO:
    async with database.read() as uow:
        [found] = await uow.campaigns.latest(2)
    return found


async def audit_actions(database: Database) -> list[str]:
    async with database.read() as uow:
        return list((await uow.connection.execute(select(AuditEntry.action))).scalars())


async def test_a_coordinator_runs_a_campaign_from_draft_to_board_to_reminder(
    dispatcher: Dispatcher, bot: MockedBot, sqlite_db: Database
) -> None:
    await give_role(sqlite_db, COORDINATOR, Role.coordinator)
    await teacher_of(sqlite_db, ALICE, "OO-0102")  # СОШ № 7: ШНОР
    await teacher_of(sqlite_db, BORIS, "OO-0104")  # ООШ № 12: ШНОР
    await teacher_of(sqlite_db, VERA, "OO-0101")  # СОШ № 1: not
    coordinator = person(dispatcher, bot, COORDINATOR)
    alice, boris, vera = (person(dispatcher, bot, who) for who in (ALICE, BORIS, VERA))

    await new_campaign(coordinator)
    card = coordinator.last()
    assert t("campaign-card-recipients", count=3) in card.text
    assert t("campaign-button-send", count=3) in card.buttons
    await coordinator.press(t("campaign-button-schools"))  # все школы → ШНОР
    card = coordinator.last()
    assert t("campaign-card-schools", schools=t("school-group-low")) in card.text
    assert t("campaign-button-send", count=2) in card.buttons

    await coordinator.press(t("campaign-button-preview"))
    assert coordinator.last().buttons == [t("campaign-button-fill")]
    assert alice.screen() == []  # a preview goes to the coordinator only

    await coordinator.press(t("campaign-button-send", count=2), card)
    [progress_message] = [m for m in coordinator.screen() if m.message_id == card.message_id]
    assert progress_message.text == t("campaign-progress", sent=0, total=2, lost=0)
    assert alice.last().buttons == [t("campaign-button-fill")]
    assert TITLE in alice.last().text
    assert boris.last().buttons == [t("campaign-button-fill")]
    assert vera.screen() == []
    # A second tap on «Отправить» sends nothing more.
    alert = await coordinator.press(t("campaign-button-send", count=2), card)
    assert alert == t("campaign-not-draft")
    assert await deliver_outbox(dispatcher, bot) == 0
    progress = await dispatcher["services"].campaigns.progress()
    assert [text.splitlines()[0] for _c, _m, text, _f in progress] == [
        "Отправлено 2 из 2, не доставлено 0."
    ]
    assert (await campaign_row(sqlite_db)).state == CampaignState.sent

    await answer_survey(alice, "Городской округ Энск", "СОШ № 7")
    await open_board(coordinator)
    board = coordinator.last()
    assert "Ответили: 1 из 2 (50 %), из зарегистрированных" in board.text
    assert "Городской округ Энск: 1 из 2 (50 %)" in board.text
    await coordinator.press("Городской округ Энск")
    schools = [line for line in coordinator.last().text.splitlines() if line]
    assert schools[1].startswith("ООШ № 12: 0 из 1")  # worst first
    assert schools[-1].startswith("СОШ № 7: 1 из 1")

    await coordinator.press(t("campaign-button-remind", count=1), board)
    assert coordinator.callback_answer() == t("campaign-reminded", count=1)
    assert boris.last().text.startswith("Напоминаем")
    assert t("campaign-button-mute") in boris.last().buttons
    assert not [text for text in alice.texts() if text.startswith("Напоминаем")]  # answered
    # One reminder a day at most.
    await open_board(coordinator)
    await coordinator.press(t("campaign-button-remind", count=1))
    assert coordinator.callback_answer() == t("campaign-reminded", count=0)

    await coordinator.press(t("campaign-button-chart"))
    [photo] = bot.session.of_type(SendPhoto)
    assert photo.chat_id == COORDINATOR

    await coordinator.press(t("campaign-button-close"))
    assert "закрыт" in coordinator.last().text
    actions = await audit_actions(sqlite_db)
    for action in ("campaign_created", "campaign_sent", "campaign_reminded", "campaign_closed"):
        assert action in actions


async def test_a_teacher_joins_by_a_school_link_and_says_who_they_are(
    dispatcher: Dispatcher, bot: MockedBot, sqlite_db: Database
) -> None:
    await give_role(sqlite_db, COORDINATOR, Role.coordinator)
    coordinator, alice = person(dispatcher, bot, COORDINATOR), person(dispatcher, bot, ALICE)
    await coordinator.send("/link OO-0102")
    found = re.search(r"start=(sch_[\w-]+)", coordinator.last().text)
    assert found, coordinator.last().text

    await alice.send(f"/start {found.group(1)}")
    assert alice.last().text.startswith(t("school-link-joined", school="СОШ № 7"))
    await alice.press(t("profile-button-fill"))
    await alice.press("Педагог")
    await alice.press("Городской округ Энск")
    await alice.press("СОШ № 7")
    await alice.press(t("dialog-button-submit"))
    async with sqlite_db.read() as uow:
        user = await uow.users.get(ALICE)
    assert user is not None
    assert user.kind == PersonKind.teacher
    await alice.send("/mydata")
    assert "Кто вы: педагог" in alice.last().text
    assert "Школа: «СОШ № 7»" in alice.last().text
    assert t("profile-button-change") in alice.last().buttons

    # A new link revokes the old one.
    await coordinator.send("/link OO-0102 новая")
    await alice.send(f"/start {found.group(1)}")
    assert alice.last().text == t("school-link-unknown")
    await coordinator.send("/link NO-SUCH")
    assert coordinator.last().text == t("school-link-unknown-school")


async def test_mute_is_respected_and_can_be_undone(
    dispatcher: Dispatcher, bot: MockedBot, sqlite_db: Database
) -> None:
    await give_role(sqlite_db, COORDINATOR, Role.coordinator)
    await teacher_of(sqlite_db, BORIS, "OO-0104")
    coordinator, boris = person(dispatcher, bot, COORDINATOR), person(dispatcher, bot, BORIS)
    await new_campaign(coordinator)
    await coordinator.press(t("campaign-button-send", count=1))
    await boris.send("/mute")
    assert boris.last().text == t("campaign-muted")
    await open_board(coordinator)
    await coordinator.press(t("campaign-button-remind", count=0))
    assert coordinator.callback_answer() == t("campaign-reminded", count=0)
    await boris.press(t("campaign-button-unmute"))
    assert boris.last().text == t("campaign-unmuted")
    await open_board(coordinator)
    await coordinator.press(t("campaign-button-remind", count=1))
    assert boris.last().text.startswith("Напоминаем")


async def test_scheduled_reminders_run_once_each_before_the_deadline(
    dispatcher: Dispatcher, bot: MockedBot, sqlite_db: Database
) -> None:
    await give_role(sqlite_db, COORDINATOR, Role.coordinator)
    await teacher_of(sqlite_db, BORIS, "OO-0104")
    coordinator, boris = person(dispatcher, bot, COORDINATOR), person(dispatcher, bot, BORIS)
    await new_campaign(coordinator)
    for _ in range(1):  # 14 days → 7 days to the deadline: not yet the reminders' days
        await coordinator.press(t("campaign-button-sooner"))
    await coordinator.press(t("campaign-button-send", count=1))
    campaigns = dispatcher["services"].campaigns
    assert await campaigns.scheduled() == 0
    async with sqlite_db.transaction() as uow:
        row = await campaign_row(sqlite_db)
        await uow.campaigns.change(row.id, [row.state], deadline=row.deadline - timedelta(days=5))
    assert await campaigns.scheduled() == 1  # 2 days left: the «3 days» reminder
    await deliver_outbox(dispatcher, bot)
    assert boris.last().text.startswith("Напоминаем")
    assert await campaigns.scheduled() == 0  # the «1 day» one is not due yet
    assert (await campaign_row(sqlite_db)).reminded_days == [3]


async def test_a_municipal_coordinator_reaches_only_their_municipalities(
    dispatcher: Dispatcher, bot: MockedBot, sqlite_db: Database
) -> None:
    await give_role(sqlite_db, COORDINATOR, Role.coordinator)
    async with sqlite_db.read() as uow:
        towns = {m.code: m.id for m in await uow.schools.municipalities()}
    await give_role(sqlite_db, MUNICIPAL, Role.municipal, towns["MO-02"])
    await teacher_of(sqlite_db, ALICE, "OO-0102")  # MO-01
    await teacher_of(sqlite_db, BORIS, "OO-0201")  # MO-02
    regional, municipal = person(dispatcher, bot, COORDINATOR), person(dispatcher, bot, MUNICIPAL)
    await new_campaign(regional)
    await municipal.send("/campaigns")
    assert t("campaigns-none") in municipal.last().text  # the region's campaign is not theirs
    await municipal.press(t("campaigns-button-new"))
    await municipal.press(TITLE)
    assert t("campaign-card-recipients", count=1) in municipal.last().text
    forged = CampaignCallback(a=CampaignAct.send, c=1).pack()
    await municipal.press_data(forged, municipal.last().message_id)
    assert municipal.callback_answer() == t("campaign-stale")
    await municipal.send("/link OO-0102")
    assert municipal.last().text == t("school-link-unknown-school")


async def test_people_without_a_coordinating_role_are_refused(
    dispatcher: Dispatcher, bot: MockedBot, sqlite_db: Database
) -> None:
    alice = person(dispatcher, bot, ALICE)
    await alice.send("/campaigns")
    assert alice.last().text == t("access-denied")
    await alice.press_data(CampaignCallback(a=CampaignAct.send, c=1).pack(), 1)
    assert alice.callback_answer() == t("access-denied")


async def test_the_register_and_the_summary_carry_the_sheet_coverage(
    dispatcher: Dispatcher, bot: MockedBot, sqlite_db: Database
) -> None:
    await give_role(sqlite_db, COORDINATOR, Role.coordinator)
    await teacher_of(sqlite_db, ALICE, "OO-0102")
    await teacher_of(sqlite_db, BORIS, "OO-0104")
    async with sqlite_db.transaction() as uow:  # the directory knows how many teach there
        await uow.connection.execute(update(School).values(teachers=4))
    coordinator, alice = person(dispatcher, bot, COORDINATOR), person(dispatcher, bot, ALICE)
    await new_campaign(coordinator)
    await coordinator.press(t("campaign-button-schools"))  # ШНОР
    await coordinator.press(t("campaign-button-send", count=2))
    await answer_survey(alice, "Городской округ Энск", "СОШ № 7")
    await open_board(coordinator)
    assert "1 из 8 (12 %), по справочнику" in coordinator.last().text  # two schools × 4

    services = dispatcher["services"]
    scope = Scope(COORDINATOR, Role.coordinator)
    register, summary = io.BytesIO(), io.BytesIO()
    await services.exports.exporter.register(
        Order("help_survey"), Requester(scope, "Тест"), register
    )
    await services.exports.summarizer.summary(Period(), Requester(scope, "Тест"), summary)
    for content in (register, summary):
        sheet = load_workbook(io.BytesIO(content.getvalue()))[t("coverage-sheet")]
        rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
        assert rows[0][:4] == [
            t("coverage-campaign"),
            t("coverage-municipality"),
            t("coverage-school"),
            t("coverage-expected"),
        ]
        by_school = {row[2]: row for row in rows[1:]}
        assert set(by_school) >= {"СОШ № 7", "ООШ № 12"}
        assert by_school["СОШ № 7"][3:] == [4, t("coverage-base-directory"), 1, 0.25]
        assert by_school["ООШ № 12"][5:] == [0, 0]
        assert rows[1][2] != "СОШ № 7"  # worst first


async def test_a_form_offers_the_school_of_the_profile_in_one_tap(
    dispatcher: Dispatcher, bot: MockedBot, sqlite_db: Database
) -> None:
    await give_role(sqlite_db, COORDINATOR, Role.coordinator)
    await teacher_of(sqlite_db, BORIS, "OO-0104")
    coordinator, boris = person(dispatcher, bot, COORDINATOR), person(dispatcher, bot, BORIS)
    await new_campaign(coordinator)
    await coordinator.press(t("campaign-button-send", count=1))
    await boris.press(t("campaign-button-fill"))
    mine = t("dialog-button-my-school", school="ООШ № 12")
    assert boris.last().buttons[0] == mine  # above the municipalities, which stay to choose
    assert "Городской округ Энск" in boris.last().buttons
    await boris.press(mine)
    await boris.press(t("answer-no"))
    await boris.press(t("dialog-button-submit"))
    await open_board(coordinator)
    assert "Ответили: 1 из 1 (100 %)" in coordinator.last().text
    # A forged «Моя школа» naming another school is refused.
    await boris.press(t("campaign-button-fill"))
    real = AnswerCallback.unpack(boris.last().data(mine))
    assert real.a is Act.my_school
    forged = AnswerCallback(s=real.s, q=real.q, a=Act.my_school, v="1").pack()
    await boris.press_data(forged, boris.last().message_id)
    assert boris.callback_answer() == t("dialog-stale")


async def test_a_draft_reaches_the_municipalities_chosen(
    dispatcher: Dispatcher, bot: MockedBot, sqlite_db: Database
) -> None:
    await give_role(sqlite_db, COORDINATOR, Role.coordinator)
    await teacher_of(sqlite_db, ALICE, "OO-0102")  # Городской округ Энск
    await teacher_of(sqlite_db, BORIS, "OO-0201")  # another municipality
    coordinator = person(dispatcher, bot, COORDINATOR)
    await new_campaign(coordinator)
    assert t("campaign-card-areas", areas=t("campaign-areas-all")) in coordinator.last().text
    await coordinator.press(t("campaign-button-areas"))
    picker = coordinator.last()
    assert all(label.startswith("✓ ") for label in picker.buttons[:3])
    others = [label for label in picker.buttons[:3] if "Энск" not in label]
    for label in others:  # leave Энск alone
        await coordinator.press(label)
    picker = coordinator.last()
    assert [label for label in picker.buttons[:3] if label.startswith("✓ ")] == [
        "✓ Городской округ Энск"
    ]
    alert = await coordinator.press("✓ Городской округ Энск")  # the last one cannot go
    assert alert == t("campaign-areas-none")
    await coordinator.press(t("campaign-button-areas-done"))
    card = coordinator.last()
    assert t("campaign-card-areas", areas="Городской округ Энск") in card.text
    assert t("campaign-button-send", count=1) in card.buttons
    await coordinator.press(t("campaign-button-areas"))
    await coordinator.press(t("campaign-button-areas-all"))
    await coordinator.press(t("campaign-button-areas-done"))
    assert t("campaign-button-send", count=2) in coordinator.last().buttons


async def test_a_drafts_reminder_plan_is_chosen_with_its_button(
    dispatcher: Dispatcher, bot: MockedBot, sqlite_db: Database
) -> None:
    await give_role(sqlite_db, COORDINATOR, Role.coordinator)
    coordinator = person(dispatcher, bot, COORDINATOR)
    await new_campaign(coordinator)
    assert t("campaign-card-reminders", days="3, 1") in coordinator.last().text
    await coordinator.press(t("campaign-button-reminders"))
    assert t("campaign-card-reminders", days="7, 3, 1") in coordinator.last().text
    await coordinator.press(t("campaign-button-reminders"))
    await coordinator.press(t("campaign-button-reminders"))
    assert t("campaign-card-no-reminders") in coordinator.last().text
    assert (await campaign_row(sqlite_db)).reminder_days == []
    await coordinator.press(t("campaign-button-reminders"))  # round again
    assert (await campaign_row(sqlite_db)).reminder_days == [3, 1]


async def test_a_form_button_of_another_version_is_stale(
    dispatcher: Dispatcher, bot: MockedBot, sqlite_db: Database
) -> None:
    await give_role(sqlite_db, COORDINATOR, Role.coordinator)
    coordinator = person(dispatcher, bot, COORDINATOR)
    await coordinator.send("/campaigns")
    forged = CampaignCallback(a=CampaignAct.form, v=987654).pack()
    await coordinator.press_data(forged, coordinator.last().message_id)
    assert coordinator.callback_answer() == t("campaign-stale")
    async with sqlite_db.read() as uow:
        assert await uow.campaigns.latest(1) == []  # nothing was created
