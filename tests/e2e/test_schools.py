"""The school line over HTTP against the fake Bot API: a head claims the school in «О себе»,
the municipal coordinator confirms, the head sends a request for support, the coordinator
accepts it and marks it done (the head hears each step), and /myschool arrives as a message
and an Excel file."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from forms.directory import SAMPLE, read_directory
from forms.i18n import translator
from forms.vocabulary import Role
from storage.database import Database
from storage.directory import save_directory
from storage.migrate import upgrade
from storage.repositories.users import TelegramProfile
from tests.bot_process import start_bot
from tests.e2e.people import Person, has
from tests.fake_bot_api import FakeBotAPI, FakeUser

pytestmark = pytest.mark.e2e
t = translator()
MUNICIPAL, HEAD = FakeUser(601, "Мария"), FakeUser(1001, "Светлана")
REQUEST = "Заявка школы на поддержку"


async def seed(path: Path) -> None:
    """The directory and the municipal coordinator of Энск."""
    database = Database.from_url(f"sqlite+aiosqlite:///{path}")
    try:
        await upgrade(database)
        async with database.transaction() as uow:
            await save_directory(uow, read_directory(SAMPLE))
            ensk = next(m for m in await uow.schools.municipalities() if m.code == "MO-01")
            await uow.users.save_profile(TelegramProfile(MUNICIPAL.id, "Мария"))
            await uow.roles.grant(MUNICIPAL.id, Role.municipal, [ensk.id])
    finally:
        await database.dispose()


async def test_a_head_is_confirmed_asks_for_support_and_reads_the_school(
    fake: FakeBotAPI, tmp_path: Path
) -> None:
    await seed(tmp_path / "bot.db")
    fake.open_chat(MUNICIPAL)  # she has talked to the bot before
    coordinator, head = Person(fake, MUNICIPAL), Person(fake, HEAD)
    async with await start_bot(fake, tmp_path):
        menu = await head.say("/start")
        question = await head.press(menu, t("profile-button-fill"), "Кто вы?")
        question = await head.press(question, "Руководитель школы или заместитель", "В какой")
        fake.press(HEAD, question, "Городской округ Энск")  # the same message lists its schools
        await fake.wait_for_edit(HEAD.id, predicate=has("выберите школу"))
        review = await head.press(question, "СОШ № 7", "Проверьте")
        fake.press(HEAD, review, t("dialog-button-submit"))
        await head.next("Координатор проверит")

        claim = await coordinator.next("просит подтверждения")
        fake.press(MUNICIPAL, claim, t("head-button-confirm"))
        await head.next("Координатор подтвердил")

        fake.send_text(HEAD, "/start")
        forms = await head.next("Здравствуйте")
        listing = await head.press(forms, t("menu-button-forms"), "Выберите анкету")
        assert REQUEST in [button for row in listing.buttons for button in row]
        question = await head.press(listing, REQUEST, "Какая помощь нужна школе?")
        question = await head.press(question, "Методический десант в школу", "По какому")
        for typed, asked in (
            ("Формирующее оценивание на уроках математики", "Опишите"),
            ("Учителя математики просят показать приёмы на открытых уроках.", "Сколько человек"),
            ("8", "Когда школе удобно?"),
        ):
            fake.send_text(HEAD, typed)
            skip = await head.next(asked)
        review = await head.press(skip, t("form-button-skip"), "Проверьте")
        fake.press(HEAD, review, t("dialog-button-submit"))
        await head.next("отправлена координатору")

        card = await coordinator.next("Новая заявка школы")
        assert "Формирующее оценивание" in card.plain_text
        fake.press(MUNICIPAL, card, t("request-button-accept"))
        await head.next("приняли")
        accepted = await fake.wait_for_edit(
            MUNICIPAL.id, predicate=lambda e: t("request-button-done") in str(e.buttons)
        )
        assert accepted is not None
        fake.press(MUNICIPAL, card, t("request-button-done"))
        await head.next("выполнена")

        fake.send_text(HEAD, "/myschool")
        picture = await head.next("Моя школа")
        assert "Выполнена — 1" in picture.plain_text
        document = await fake.wait_for_message(HEAD.id, predicate=lambda m: m.kind == "document")
        assert document.document is not None
        book = load_workbook(io.BytesIO(document.document.content))
        cells = [cell.value for row in book.worksheets[0].iter_rows() for cell in row]
        assert "Выполнена" in cells
        assert 1 in cells
