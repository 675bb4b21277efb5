"""A review that answers back, over HTTP against the fake Bot API: a teacher answers, the
regional coordinator asks a question («Есть вопросы»), the teacher presses «Исправить» and
corrects the answer in the ordinary dialog, the coordinator is told; the register read with
openpyxl has one row (the correction) and the sheet «История проверки»."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from forms.i18n import translator
from forms.vocabulary import Role
from storage.database import Database
from storage.migrate import upgrade
from storage.repositories.users import TelegramProfile
from tests.bot_process import start_bot
from tests.e2e.people import Person, has
from tests.fake_bot_api import FakeBotAPI, FakeUser

pytestmark = pytest.mark.e2e
t = translator()
COORDINATOR, TEACHER = FakeUser(501, "Регина"), FakeUser(1001, "Анна")
TITLE = "Анкета педагога"
FORM = f"""
id: teacher_check
title: {TITLE}
questions:
  - type: integer
    id: years
    label: Стаж, лет
  - type: text
    id: subject
    label: Какой предмет вы преподаёте?
"""


async def seed(path: Path) -> None:
    database = Database.from_url(f"sqlite+aiosqlite:///{path}")
    try:
        await upgrade(database)
        async with database.transaction() as uow:
            await uow.users.save_profile(TelegramProfile(COORDINATOR.id, "Регина"))
            await uow.roles.grant(COORDINATOR.id, Role.coordinator)
    finally:
        await database.dispose()


async def test_a_question_corrected_by_the_teacher_leaves_one_row_and_its_history(
    fake: FakeBotAPI, tmp_path: Path
) -> None:
    await seed(tmp_path / "bot.db")
    (tmp_path / "forms").mkdir()
    (tmp_path / "forms" / "teacher_check.yaml").write_text(FORM, encoding="utf-8")
    fake.open_chat(COORDINATOR)
    coordinator, teacher = Person(fake, COORDINATOR), Person(fake, TEACHER)
    async with await start_bot(fake, tmp_path, FORMS_DIR=str(tmp_path / "forms")) as bot:
        fake.send_text(TEACHER, "/start")
        menu = await teacher.next("Здравствуйте")
        listing = await teacher.press(menu, t("menu-button-forms"), "Выберите анкету")
        await teacher.press(listing, TITLE, "Стаж, лет")
        fake.send_text(TEACHER, "5")
        await teacher.next("Какой предмет")
        fake.send_text(TEACHER, "Математика")
        review = await teacher.next("Проверьте ответы")
        thanks = await teacher.press(review, t("dialog-button-submit"), "Спасибо")
        number = int(thanks.plain_text.split("Номер ответа:")[1].split(".")[0])

        forms = await coordinator.say("/review")
        fake.press(COORDINATOR, forms, TITLE)  # the same message lists the responses
        listed = await fake.wait_for_edit(COORDINATOR.id, predicate=has("не проверено: 1"))
        item = next(b for row in listed.buttons for b in row if b.startswith(f"№ {number}"))
        screen = await coordinator.press(forms, item, f"Ответ № {number}")
        asked = await coordinator.press(screen, t("review-button-issues"), "что уточнить")
        assert asked.buttons == [[t("review-button-cancel")]]
        fake.send_text(COORDINATOR, "Уточните стаж: в школе указано 7 лет.")
        await coordinator.next("статус «Есть вопросы»")

        notice = await teacher.next("есть вопросы")
        assert "указано 7 лет" in notice.plain_text
        fake.press(TEACHER, notice, t("review-button-fix"))
        review = await teacher.next("Проверьте ответы")
        assert "5" in review.plain_text
        question = await teacher.press(review, t("dialog-button-edit", number=1), "Стаж, лет")
        assert question is not None
        fake.send_text(TEACHER, "7")
        review = await teacher.next("Проверьте ответы")
        await teacher.press(review, t("dialog-button-submit"), "Спасибо")
        await teacher.next(t("review-fix-sent"))

        told = await coordinator.next("исправлен")
        correction = int(told.plain_text.split("теперь это ответ №")[1].split(".")[0])
        assert correction != number
        assert "Изменён 1 вопрос" in told.plain_text

        fake.send_text(COORDINATOR, "/exports")
        menu = await coordinator.next("Выберите реестр")
        fake.press(COORDINATOR, menu, TITLE)  # the same message asks for the period
        await fake.wait_for_edit(COORDINATOR.id, predicate=has("За какой период"))
        fake.press(COORDINATOR, menu, t("exports-period-all"))
        document = await fake.wait_for_message(
            COORDINATOR.id, predicate=lambda m: m.kind == "document", timeout=60
        )
        log = bot.log_text()  # at DEBUG level
    for said in ("Уточните стаж", "Математика", "Анна"):
        assert said not in log  # neither the comment nor the answers nor a name
    assert document.document is not None
    book = load_workbook(io.BytesIO(document.document.content))
    rows = list(book["Реестр"].iter_rows(values_only=True))
    assert len(rows) == 2  # the header and one response: the correction replaced the first
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["№"] == correction
    assert row["Стаж, лет"] == 7
    assert row["Статус проверки"] == "Исправлено, ждёт проверки"
    assert row["Комментарий проверки"] == "Уточните стаж: в школе указано 7 лет."
    history = list(book["История проверки"].iter_rows(values_only=True))
    assert [(r[0], r[2], r[3], r[4], r[5], r[6], r[7]) for r in history[1:]] == [
        (
            correction,
            "Регина",
            "Есть вопросы",
            "Уточните стаж: в школе указано 7 лет.",
            None,
            None,
            None,
        ),
        (correction, "Анна", "Исправлено, ждёт проверки", None, "Стаж, лет", "5", "7"),
    ]
