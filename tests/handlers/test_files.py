"""Files of sent event reports saved to disk: right after a send, retried when Telegram
refuses, dropped when the answer is erased meanwhile, deleted on erasure. Downloads go to
the fake Bot API server over HTTP (getFile, then the file route)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import Update

from bot.factory import create_dispatcher
from bot.jobs import Periodic
from bot.settings import Settings
from forms.i18n import translator
from forms.values import format_date
from handlers.telegram.downloads import BotDownloader
from handlers.workflows.event.service import FileSaver
from storage.catalog import FormCatalog
from storage.database import Database
from storage.erasure import scrub_submission
from storage.files import FileStore
from storage.repositories.users import TelegramProfile
from tests import updates
from tests.conftest import MACHINE_SPEED
from tests.fake_bot_api import FakeBotAPI, FakeUser
from tests.handlers.conversation import Conversation
from tests.mocked_bot import TOKEN, MockedBot

t = translator()
ORGANISER = FakeUser(1001, "Анна", "Иванова")
MARK = t("data-erased-marker")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        bot_token=TOKEN,
        throttle_burst=MACHINE_SPEED,
        files_dir=tmp_path / "files",
        files_attempts=3,
        files_check_minutes=10,
    )


@pytest.fixture
async def dispatcher(settings: Settings, sqlite_db: Database, bot: MockedBot) -> Dispatcher:
    dispatcher = create_dispatcher(settings, sqlite_db)
    await dispatcher.emit_startup(bot=bot, **dispatcher.workflow_data)
    return dispatcher


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI() as server:
        yield server


@pytest.fixture
async def downloader(fake: FakeBotAPI) -> AsyncIterator[BotDownloader]:
    """What the saver downloads with: a real bot's HTTP session against the fake server."""
    session = AiohttpSession(api=TelegramAPIServer.from_base(fake.url))
    yield BotDownloader(Bot(fake.token, session=session))
    await session.close()


class Clockwork:
    """A settable now() for the saver's retry times."""

    def __init__(self) -> None:
        self.value = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.value


def catalog_of(dispatcher: Dispatcher) -> FormCatalog:
    catalog: FormCatalog = dispatcher["services"].catalog
    return catalog


def saver_of(dispatcher: Dispatcher, now: Callable[[], datetime] | None = None) -> FileSaver:
    saver: FileSaver = dispatcher["services"].files
    if now is not None:
        saver.now = now
    return saver


def uploaded(fake: FakeBotAPI, name: str, content: bytes) -> dict[str, Any]:
    """A document the organiser sent, as Telegram stores it (the fake can serve it)."""
    update = fake.send_document(ORGANISER, name, content)
    document: dict[str, Any] = update["message"]["document"]
    return document


def entry(document: dict[str, Any]) -> dict[str, Any]:
    """The stored shape of one file of an answer."""
    name = document.get("file_name", "file")
    return {"file_id": document["file_id"], "name": name, "size": 10, "kind": "document"}


async def fill_event_report(
    chat: Conversation, fake: FakeBotAPI, today: date, files: list[tuple[str, bytes]]
) -> None:
    await chat.send("/start")
    await chat.press(t("menu-button-forms"))
    await chat.press("Отчёт о мероприятии")
    await chat.send("Семинар «Формирующее оценивание»")
    await chat.press("Семинар")
    await chat.send(format_date(today))
    await chat.press("Онлайн")
    await chat.send("МОЦ города Энска")
    await chat.press("Учителя")
    await chat.press(t("form-button-done"))
    await chat.press(t("answer-yes"))
    await chat.send("25")
    await chat.send("0")
    await chat.send("Договорились провести открытые уроки.")
    for name, content in files:
        sent = fake.send_document(ORGANISER, name, content)
        sent["message"]["message_id"] = updates.next_message_id()  # one numbering per chat
        await chat.feed(Update.model_validate(sent))
    await chat.press(t("form-button-done"))
    await chat.press(t("dialog-button-submit"))


async def materials(database: Database) -> tuple[int, Any]:
    async with database.read() as uow:
        [submission] = await uow.submissions.of_respondent(ORGANISER.id)
        return submission.id, (await uow.submissions.answers(submission.id)).get("materials")


def listing(root: Path) -> list[str]:
    """Every path under ``root``, relative, sorted."""
    return sorted(path.relative_to(root).as_posix() for path in root.rglob("*"))


async def until(check: Callable[[], Any], seconds: float = 5.0) -> None:
    for _ in range(int(seconds / 0.02)):
        if await check():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("not in time")


async def test_a_sent_report_has_its_files_on_disk_within_seconds_then_erasure_deletes_them(
    dispatcher: Dispatcher,
    *,
    bot: MockedBot,
    sqlite_db: Database,
    fake: FakeBotAPI,
    downloader: BotDownloader,
    settings: Settings,
    tmp_path: Path,
) -> None:
    saver = saver_of(dispatcher)
    # A periodic run once an hour: only the wake-up after the send can be this quick.
    job = Periodic("files", 3600, lambda: saver.run(downloader), saver.requested)
    job.start()
    chat = Conversation(dispatcher, bot, updates.user(ORGANISER.id, ORGANISER.first_name))
    try:
        files = [("Явочный лист.pdf", b"%PDF-1.4 list"), ("../../etc/passwd", b"root:x:0:0")]
        await fill_event_report(chat, fake, dispatcher["services"].clock.today(), files)

        async def saved() -> bool:
            _id, value = await materials(sqlite_db)
            return all("path" in item for item in value)

        await until(saved)
    finally:
        await job.stop()
    submission_id, value = await materials(sqlite_db)
    folder = f"event_report/{submission_id}"
    assert [(item["name"], item["path"]) for item in value] == [
        ("Явочный лист.pdf", f"{folder}/Явочный лист.pdf"),
        ("../../etc/passwd", f"{folder}/passwd"),
    ]
    root = settings.files_dir
    assert (root / folder / "Явочный лист.pdf").read_bytes() == b"%PDF-1.4 list"
    assert (root / folder / "passwd").read_bytes() == b"root:x:0:0"
    assert listing(root) == [  # no partial downloads left, nothing else
        "event_report",
        folder,
        f"{folder}/passwd",
        f"{folder}/Явочный лист.pdf",
    ]
    assert not (tmp_path / "etc").exists()

    await chat.send("/delete_me")
    await chat.press(t("deleteme-button-yes"))
    assert (await materials(sqlite_db))[1] == MARK
    assert not (root / folder).exists()


async def sent_report(database: Database, catalog: FormCatalog, files: list[dict[str, Any]]) -> int:
    entry_ = catalog.current("event_report")
    assert entry_ is not None
    async with database.transaction() as uow:
        await uow.users.save_profile(TelegramProfile(ORGANISER.id, ORGANISER.first_name))
        draft = await uow.submissions.open_draft(entry_.version_id, ORGANISER.id)
        await uow.submissions.save_answer(draft.id, "title", "Круглый стол")
        await uow.submissions.save_answer(draft.id, "materials", files)
        await uow.submissions.submit(draft.id)
    return draft.id


def getfile_calls(fake: FakeBotAPI) -> int:
    return sum(1 for call in fake.calls if call.method == "getFile")


async def test_a_refused_download_is_retried_later_a_limited_number_of_times(
    dispatcher: Dispatcher,
    *,
    sqlite_db: Database,
    fake: FakeBotAPI,
    downloader: BotDownloader,
    settings: Settings,
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = Clockwork()
    saver = saver_of(dispatcher, clock)
    late = uploaded(fake, "Протокол Ивановой.pdf", b"protocol")
    gone = {"file_id": "BQACAgIAAxkBgone", "name": "Фото Ивановой.jpg", "size": 1, "kind": "photo"}
    submission_id = await sent_report(sqlite_db, catalog_of(dispatcher), [entry(late), gone])

    fake.fail_next("getFile")  # flood control for the first file: no fault of the file
    with caplog.at_level(logging.WARNING):
        assert await saver.run(downloader) == 0
    _id, value = await materials(sqlite_db)
    assert [(item.get("attempts"), "path" in item) for item in value] == [(None, False), (1, False)]
    assert "not saved (TelegramRetryAfter), tried again later" in caplog.text
    assert "refused (TelegramBadRequest), attempt 1 of 3" in caplog.text
    assert "Иванов" not in caplog.text

    assert await saver.run(downloader) == 1  # the first at once; the refused one waits
    _id, value = await materials(sqlite_db)
    assert value[0]["path"] == f"event_report/{submission_id}/Протокол Ивановой.pdf"
    assert value[1]["attempts"] == 1
    for minutes in (9, 1, 10):  # retried FILES_CHECK_MINUTES after the last try
        clock.value += timedelta(minutes=minutes)
        assert await saver.run(downloader) == 0
    _id, value = await materials(sqlite_db)
    assert value[1]["attempts"] == 3
    asked = getfile_calls(fake)
    for _ in range(3):
        clock.value += timedelta(hours=1)
        assert await saver.run(downloader) == 0
    assert getfile_calls(fake) == asked  # given up after FILES_ATTEMPTS
    _id, after = await materials(sqlite_db)
    assert after == value
    assert "path" not in after[1]
    folder = settings.files_dir / "event_report" / str(submission_id)
    assert [p.name for p in folder.iterdir()] == ["Протокол Ивановой.pdf"]


async def test_a_disk_problem_stops_the_run_and_counts_against_no_file(
    dispatcher: Dispatcher, sqlite_db: Database, fake: FakeBotAPI, downloader: Bot, tmp_path: Path
) -> None:
    saver = saver_of(dispatcher)
    photo = uploaded(fake, "Фото.jpg", b"jpeg")
    await sent_report(sqlite_db, catalog_of(dispatcher), [entry(photo)])
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("", encoding="utf-8")
    saver.store = FileStore(blocked)
    with pytest.raises(OSError, match="not-a-folder"):  # the job logs it, tries again later
        await saver.run(downloader)
    assert (await materials(sqlite_db))[1] == [entry(photo)]
    saver.store = FileStore(tmp_path / "files")
    assert await saver.run(downloader) == 1


async def test_a_file_downloaded_while_its_answer_is_erased_is_not_kept(
    dispatcher: Dispatcher,
    sqlite_db: Database,
    fake: FakeBotAPI,
    downloader: BotDownloader,
    settings: Settings,
) -> None:
    saver = saver_of(dispatcher)
    photo = uploaded(fake, "Фото.jpg", b"jpeg")
    submission_id = await sent_report(sqlite_db, catalog_of(dispatcher), [entry(photo)])
    arrived, release = fake.hold("getFile")
    running = asyncio.create_task(saver.run(downloader))
    await asyncio.wait_for(arrived.wait(), 5)
    catalog: FormCatalog = catalog_of(dispatcher)
    form = catalog.current("event_report")
    assert form is not None
    async with sqlite_db.transaction() as uow:  # the organiser's data is erased meanwhile
        await scrub_submission(uow, form.form, submission_id, MARK, files=saver.store)
    release.set()
    assert await asyncio.wait_for(running, 5) == 0
    assert (await materials(sqlite_db))[1] == MARK
    folder = settings.files_dir / "event_report" / str(submission_id)
    assert not folder.exists() or list(folder.iterdir()) == []


async def test_only_event_forms_and_kept_answers_are_looked_at(
    dispatcher: Dispatcher, sqlite_db: Database, fake: FakeBotAPI, downloader: Bot
) -> None:
    saver = saver_of(dispatcher)
    photo = uploaded(fake, "Фото.jpg", b"jpeg")
    await sent_report(sqlite_db, catalog_of(dispatcher), [entry(photo)])
    async with sqlite_db.transaction() as uow:
        await uow.connection.exec_driver_sql(
            "UPDATE submissions SET personal_erased_at = '2026-01-01 00:00:00'"
        )
    assert await saver.run(downloader) == 0
    assert not [call for call in fake.calls if call.method == "getFile"]
