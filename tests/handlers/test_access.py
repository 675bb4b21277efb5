"""Roles and invitations, and an intruder's attempts: each refused, nothing changed."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from aiogram import Dispatcher
from aiogram.methods import SendDocument
from openpyxl import load_workbook
from sqlalchemy import func, select

from bot.factory import create_dispatcher
from bot.settings import Settings
from forms.i18n import translator
from forms.vocabulary import Role
from storage.database import Database
from storage.models import AuditEntry, Invitation, UserMunicipality
from storage.repositories.users import TelegramProfile
from storage.types import utcnow
from tests import updates
from tests.handlers.conversation import Conversation
from tests.mocked_bot import MockedBot

t = translator()
ADMIN = 9001  # from ADMIN_IDS in the settings fixture


@pytest.fixture
async def towns(sqlite_db: Database) -> tuple[int, int]:
    async with sqlite_db.transaction() as uow:
        first = await uow.schools.save_municipality("MO-1", "ГО Энск")
        second = await uow.schools.save_municipality("MO-2", "Заречный район")
    return first, second


def person(dispatcher: Dispatcher, bot: MockedBot, user_id: int, name: str) -> Conversation:
    return Conversation(dispatcher, bot, updates.user(user_id, name))


async def give_role(database: Database, user_id: int, role: Role, *towns: int) -> None:
    async with database.transaction() as uow:
        await uow.users.save_profile(TelegramProfile(user_id, f"Пользователь {user_id}"))
        await uow.roles.grant(user_id, role, towns)


async def invite_link(chat: Conversation, role_label: str, town: str | None = None) -> str:
    await chat.send("/invite")
    await chat.press(role_label)
    if town is not None:
        await chat.press(town)
    found = re.search(r"https://t\.me/school_test_bot\?start=(inv_[\w-]+)", chat.last().text)
    assert found, chat.last().text
    return found.group(1)


async def counts(database: Database) -> tuple[int, int, int]:
    async with database.read() as uow:
        connection = uow.connection
        invitations = (
            await connection.execute(select(func.count()).select_from(Invitation))
        ).scalar()
        audit = (await connection.execute(select(func.count()).select_from(AuditEntry))).scalar()
        links = (
            await connection.execute(select(func.count()).select_from(UserMunicipality))
        ).scalar()
    return int(invitations or 0), int(audit or 0), int(links or 0)


async def role_of(database: Database, user_id: int) -> Role | None:
    async with database.read() as uow:
        user = await uow.users.get(user_id)
    return None if user is None else user.role


async def test_an_admin_invites_a_municipal_coordinator_who_joins_once(
    dispatcher: Dispatcher, bot: MockedBot, sqlite_db: Database, towns: tuple[int, int]
) -> None:
    admin = person(dispatcher, bot, ADMIN, "Админ")
    await admin.send("/invite")
    assert admin.last().buttons == [
        "Администратор",
        "Региональный координатор",
        "Муниципальный координатор",
        "Консультант",
        "Руководитель школы",
    ]
    payload = await invite_link(admin, "Муниципальный координатор", "ГО Энск")
    assert "действует до" in admin.last().text

    newcomer = person(dispatcher, bot, 2002, "Ольга")
    await newcomer.send(f"/start {payload}")
    assert newcomer.last().text == t(
        "invite-accepted", role="муниципальный координатор", municipality=", ГО Энск"
    )
    assert await role_of(sqlite_db, 2002) is Role.municipal

    latecomer = person(dispatcher, bot, 2003, "Пётр")
    await latecomer.send(f"/start {payload}")
    assert latecomer.last().text == t("invite-used")
    assert await role_of(sqlite_db, 2003) is Role.respondent
    async with sqlite_db.read() as uow:
        actions = [entry.action for entry in await uow.audit.entries()]
        assert await uow.roles.municipalities_of(2002) == {towns[0]}
    assert actions == ["invitation_created", "invitation_used"]


async def test_an_expired_or_unknown_invitation_grants_nothing(
    dispatcher: Dispatcher, bot: MockedBot, sqlite_db: Database
) -> None:
    async with sqlite_db.transaction() as uow:
        await uow.invitations.create(
            "old", Role.coordinator, None, ADMIN, utcnow() - timedelta(days=1)
        )
    chat = person(dispatcher, bot, 2004, "Ирина")
    await chat.send("/start inv_old")
    assert chat.last().text.startswith("Срок действия приглашения истёк")
    await chat.send("/start inv_nosuchcode")
    assert chat.last().text == t("invite-unknown")
    assert await role_of(sqlite_db, 2004) is Role.respondent


@pytest.mark.parametrize("command", ["/invite", "/roles", "/audit", "/audit@school_test_bot"])
async def test_a_respondent_typing_staff_commands_is_refused(
    dispatcher: Dispatcher, bot: MockedBot, sqlite_db: Database, command: str
) -> None:
    intruder = person(dispatcher, bot, 1001, "Анна")
    before = await counts(sqlite_db)
    await intruder.send(command)
    assert intruder.last().text == t("access-denied")
    assert bot.session.of_type(SendDocument) == []
    assert await counts(sqlite_db) == before


@pytest.mark.parametrize(
    "data", ["iv:coordinator:0", "iv:admin:0", "iv:consultant:1", f"rl:{ADMIN}:y", "rl:2002:a"]
)
async def test_a_respondent_pressing_forged_staff_buttons_is_refused(
    dispatcher: Dispatcher, bot: MockedBot, sqlite_db: Database, towns: tuple[int, int], data: str
) -> None:
    await give_role(sqlite_db, 2002, Role.municipal, towns[0])
    intruder = person(dispatcher, bot, 1001, "Анна")
    before = await counts(sqlite_db)
    await intruder.press_data(data, message_id=5)
    assert intruder.callback_answer() == t("access-denied")
    assert await counts(sqlite_db) == before
    assert await role_of(sqlite_db, 2002) is Role.municipal


async def test_a_municipal_coordinator_stays_within_their_municipality(
    dispatcher: Dispatcher, bot: MockedBot, sqlite_db: Database, towns: tuple[int, int]
) -> None:
    mine, other = towns
    await give_role(sqlite_db, 3001, Role.municipal, mine)
    await give_role(sqlite_db, 3002, Role.consultant, other)
    coordinator = person(dispatcher, bot, 3001, "Мария")
    await coordinator.send("/invite")
    assert coordinator.last().buttons == ["Консультант", "Руководитель школы"]
    await coordinator.press("Консультант")
    assert coordinator.last().buttons == ["ГО Энск"]  # not «Заречный район»

    before = await counts(sqlite_db)
    for forged in (f"iv:consultant:{other}", f"iv:coordinator:{mine}", "iv:admin:0"):
        await coordinator.press_data(forged, message_id=5)
        assert coordinator.callback_answer() == t("access-denied")
    await coordinator.press_data("rl:3002:y", message_id=5)  # a consultant elsewhere
    assert coordinator.callback_answer() == t("roles-not-allowed")
    assert await counts(sqlite_db) == before
    assert await role_of(sqlite_db, 3002) is Role.consultant

    await coordinator.send("/roles")
    assert coordinator.last().text == t("roles-empty")  # nobody in their municipality yet
    await coordinator.send("/audit")
    assert coordinator.last().text == t("access-denied")


async def test_a_regional_coordinator_revokes_a_role_after_confirming(
    dispatcher: Dispatcher, bot: MockedBot, sqlite_db: Database, towns: tuple[int, int]
) -> None:
    await give_role(sqlite_db, 4001, Role.coordinator)
    await give_role(sqlite_db, 4002, Role.municipal, towns[1])
    coordinator = person(dispatcher, bot, 4001, "Елена")
    await coordinator.send("/roles")
    listing = coordinator.last()
    assert "Пользователь 4002 — муниципальный координатор (Заречный район)" in listing.text
    assert "4001" not in listing.text  # not themselves
    await coordinator.press(t("roles-button-revoke", number=1))
    await coordinator.press(t("roles-button-yes"))
    assert coordinator.last().text == t("roles-revoked", name="Пользователь 4002")
    assert await role_of(sqlite_db, 4002) is Role.respondent
    async with sqlite_db.read() as uow:
        assert await uow.roles.municipalities_of(4002) == frozenset()
        [entry] = await uow.audit.entries()
    assert (entry.actor_id, entry.action, entry.details) == (
        4001,
        "role_revoked",
        {"user_id": 4002, "role": "municipal"},
    )


async def test_the_admin_downloads_the_audit_log_as_excel(
    dispatcher: Dispatcher, bot: MockedBot, sqlite_db: Database
) -> None:
    async with sqlite_db.transaction() as uow:
        await uow.audit.record(ADMIN, "role_revoked", user_id=5, role="consultant")
    await person(dispatcher, bot, ADMIN, "Админ").send("/audit")
    [sent] = bot.session.of_type(SendDocument)
    data = sent.document.data  # type: ignore[union-attr]
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Время", "Кто (id в Telegram)", "Действие", "Подробности")
    assert rows[1][1:3] == (str(ADMIN), "Роль отозвана")
    assert rows[2][2] == "Выгружен журнал действий"
    assert rows[1][0].year >= 2026  # a real date, not text


async def test_admins_from_settings_keep_their_role_whatever_the_database_says(
    settings: Settings, sqlite_db: Database, bot: MockedBot
) -> None:
    await give_role(sqlite_db, ADMIN, Role.respondent)
    dispatcher = create_dispatcher(settings, sqlite_db)
    await person(dispatcher, bot, ADMIN, "Админ").send("/invite")
    assert bot.session.last_text() == t("invite-choose-role")
