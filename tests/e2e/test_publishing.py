"""A form goes from a file to a live form with no operator, over HTTP, in two webhook
processes on PostgreSQL and Redis: the coordinator uploads a broken workbook to one process
(the report names its cells), sends the fixed file, tries it as a respondent (a test
response), publishes it; the other process, never restarted, offers it to a teacher at
once. The coordinator asks a question about the answer («Есть вопросы»), the teacher
corrects it, and the register has one row, the correction, with its history."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from forms.i18n import translator
from storage.database import Database
from storage.models import FormVersion, Submission
from tests.bot_process import BotProcess
from tests.fake_bot_api import BotMessage, FakeBotAPI, FakeUser
from tests.forms.helpers import xlsx_bytes
from tests.webhook_processes import (
    Router,
    emptied_redis,
    free_port,
    last_update,
    started,
    webhook_environment,
    webhook_urls,
)

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.redis]
t = translator()
ADMIN, TEACHER = FakeUser(9001, "Ольга"), FakeUser(1001, "Ирина")
TITLE = "Отзыв о семинаре"
SETTINGS = [["form_id", "form_title", "roles"], ["seminar", TITLE, "teacher"]]
BROKEN = [
    ["type", "name", "label"],
    ["select_one marks", "useful", "Насколько полезен семинар?"],
    ["text", "better", "Что улучшить?"],
]
FIXED = [*BROKEN]
CHOICES = [["list_name", "name", "label"], ["marks", "yes", "Полезен"], ["marks", "no", "Нет"]]


def workbook(survey: list[list[str]], choices: list[list[str]] | None) -> bytes:
    sheets = {"survey": survey, "settings": SETTINGS}
    return xlsx_bytes(sheets if choices is None else {**sheets, "choices": choices})


@pytest.fixture
async def redis_db(redis_url: str) -> str:
    return await emptied_redis(redis_url, 8)  # a database of its own


class Chat:
    """A person whose updates go to the process the test names."""

    def __init__(self, fake: FakeBotAPI, router: Router, user: FakeUser) -> None:
        self.fake, self.router, self.user = fake, router, user

    async def say(self, text: str, to: int, expect: str = "") -> BotMessage:
        await self.router.post(self.fake.send_text(self.user, text), to)
        return await self.wait(expect)

    async def press(self, message: BotMessage, label: str, to: int, expect: str = "") -> BotMessage:
        self.fake.press(self.user, message, label)
        await self.router.post(last_update(self.fake), to)
        return await self.wait(expect)

    async def upload(self, name: str, content: bytes, to: int, expect: str) -> BotMessage:
        await self.router.post(self.fake.send_document(self.user, name, content), to)
        return await self.wait(expect)

    async def wait(self, text: str) -> BotMessage:
        return await self.fake.wait_for_message(
            self.user.id, timeout=15, predicate=lambda m: text in (m.text or "")
        )


def labels(message: BotMessage) -> list[str]:
    return [label for row in message.buttons for label in row]


async def forms_offered(teacher: Chat, to: int) -> BotMessage:
    menu = await teacher.say("/start", to)
    return await teacher.press(menu, t("menu-button-forms"), to, t("forms-list-title"))


async def statuses(url: str) -> list[tuple[str, bool]]:
    database = Database.from_url(url)
    try:
        async with database.read() as uow:
            query = (
                select(Submission.status, Submission.test)
                .join(FormVersion, FormVersion.id == Submission.form_version_id)
                .where(FormVersion.form_id == "seminar")
                .order_by(Submission.id)
            )
            return [(row.status.value, row.test) for row in await uow.connection.execute(query)]
    finally:
        await database.dispose()


@pytest.fixture
async def processes(
    fake: FakeBotAPI, tmp_path: Path, postgres_db: Database, postgres_url: str, redis_db: str
) -> AsyncIterator[list[BotProcess]]:
    bots = []
    for index in range(2):
        env = {
            **webhook_environment(fake, postgres_url, free_port()),
            "REDIS_URL": redis_db,
            "ADMIN_IDS": str(ADMIN.id),
            "FORMS_REFRESH_SECONDS": "3600",  # only the notice can tell the other process
        }
        bots.append(await started(fake, tmp_path, f"bot{index}", env))
    try:
        yield bots
    finally:
        for bot in bots:
            await bot.close()


async def test_a_form_from_a_broken_file_to_answers_in_another_process(
    fake: FakeBotAPI, processes: list[BotProcess], postgres_url: str
) -> None:
    ports = [int(bot.env["WEBHOOK_PORT"]) for bot in processes]
    async with aiohttp.ClientSession() as http:
        router = Router(fake, webhook_urls(ports), http)
        admin, teacher = Chat(fake, router, ADMIN), Chat(fake, router, TEACHER)
        report = await admin.upload("Семинар.xlsx", workbook(BROKEN, None), 0, "ошибк")
        assert "Семинар.xlsx, лист «survey», строка 2, столбец «type»" in (report.text or "")

        summary = await admin.upload("Семинар.xlsx", workbook(FIXED, CHOICES), 0, "проверена")
        assert TITLE not in labels(await forms_offered(teacher, 1))
        question = await admin.press(summary, t("forms-button-trial"), 0, "Насколько полезен")
        next_question = await admin.press(question, "Полезен", 0, "Что улучшить?")
        assert next_question is not None
        review = await admin.say("Больше примеров", 0, t("dialog-review-hint"))
        await admin.press(review, t("dialog-button-submit"), 0, "Пробный ответ №")

        listing = await admin.say("/forms", 0, t("forms-admin-title"))
        card = await admin.press(listing, TITLE, 0, "Ждёт публикации версия 1")
        fake.press(ADMIN, card, t("forms-button-publish"))
        await router.post(last_update(fake), 0)
        done = await fake.wait_for_edit(ADMIN.id, 15, lambda edit: "опубликована" in edit.text)
        assert done.text == t("publish-done", title=TITLE, version=1)

        offered = await forms_offered(teacher, 1)  # the other process, never restarted
        for _ in range(50):
            if TITLE in labels(offered):
                break
            await asyncio.sleep(0.1)  # the notice may still be on its way
            offered = await forms_offered(teacher, 1)
        assert TITLE in labels(offered)
        question = await teacher.press(offered, TITLE, 1, "Насколько полезен")
        await teacher.press(question, "Нет", 1, "Что улучшить?")
        review = await teacher.say("Меньше слайдов", 1, t("dialog-review-hint"))
        thanks = await teacher.press(review, t("dialog-button-submit"), 1, "отправлена")
        number = int((thanks.text or "").split("Номер ответа:")[1].split(".")[0])

        screen = await admin.say(f"/review {number}", 0, f"Ответ № {number}")
        await admin.press(screen, t("review-button-issues"), 0, "что уточнить")
        await admin.say("Сколько слайдов было бы хорошо?", 0, "статус «Есть вопросы»")
        notice = await teacher.wait("есть вопросы")  # from either process's outbox
        fix = await teacher.press(notice, t("review-button-fix"), 1, t("dialog-review-hint"))
        await teacher.press(fix, t("dialog-button-edit", number=2), 1, "Что улучшить?")
        review = await teacher.say("Не больше десяти слайдов", 1, t("dialog-review-hint"))
        await teacher.press(review, t("dialog-button-submit"), 1, "отправлена")
        told = await admin.wait("исправлен")
        correction = int((told.text or "").split("теперь это ответ №")[1].split(".")[0])

        menu = await admin.say("/exports", 0, "Выберите реестр")
        fake.press(ADMIN, menu, TITLE)
        await router.post(last_update(fake), 0)
        await fake.wait_for_edit(ADMIN.id, 15, lambda edit: "За какой период" in edit.text)
        fake.press(ADMIN, menu, t("exports-period-all"))
        await router.post(last_update(fake), 0)
        document = await fake.wait_for_message(
            ADMIN.id, predicate=lambda m: m.kind == "document", timeout=60
        )
    assert await statuses(postgres_url) == [
        ("tested", True),
        ("replaced", False),
        ("submitted", False),
    ]
    assert document.document is not None
    book = load_workbook(io.BytesIO(document.document.content))
    rows = list(book["Реестр"].iter_rows(values_only=True))
    assert len(rows) == 2  # the header and the correction: neither the trial nor the first
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["№"] == correction
    assert row["Что улучшить?"] == "Не больше десяти слайдов"
    assert row["Статус проверки"] == "Исправлено, ждёт проверки"
    history = [r[2:] for r in book["История проверки"].iter_rows(min_row=2, values_only=True)]
    assert history == [
        ("Ольга", "Есть вопросы", "Сколько слайдов было бы хорошо?", None, None, None),
        (
            "Ирина",
            "Исправлено, ждёт проверки",
            None,
            "Что улучшить?",
            "Меньше слайдов",
            "Не больше десяти слайдов",
        ),
    ]
    codes = [await bot.terminate() for bot in processes]
    assert codes == [0, 0]
    logs = "".join(bot.log_text() for bot in processes)
    for secret in ("Меньше слайдов", "Больше примеров", "Сколько слайдов", "Ирина", fake.token):
        assert secret not in logs
