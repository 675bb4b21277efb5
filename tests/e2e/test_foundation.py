"""The bot as a process: polling, commands menu, groups, graceful stop, webhook mode."""

from __future__ import annotations

import asyncio
import socket
import sqlite3
from pathlib import Path

import aiohttp
import pytest

from forms.i18n import translator
from tests.bot_process import BotProcess, start_bot
from tests.fake_bot_api import FakeBotAPI, FakeChat, FakeUser

pytestmark = pytest.mark.e2e
t = translator()
HELP = t("help-text") + "\n\n" + t("help-role-respondent")  # what a respondent sees
ANNA = FakeUser(1001, "Анна", username="anna_teacher")


async def test_a_user_starts_the_bot_and_opens_help(fake: FakeBotAPI, tmp_path: Path) -> None:
    async with await start_bot(fake, tmp_path) as bot:
        fake.send_text(ANNA, "/start")
        greeting = await fake.wait_for_message(ANNA.id)
        # Someone who has not said who they are is asked to, under the greeting.
        about = t("start-greeting", name="Анна") + "\n\n" + t("start-about-hint")
        assert greeting.text == about
        assert greeting.buttons[0] == [t("profile-button-fill")]
        callback = fake.press(ANNA, greeting, t("menu-button-help"))
        help_message = await fake.wait_for_message(ANNA.id)
        answer = await fake.wait_for_callback_answer(callback)

        fake.send_text(ANNA, "просто текст")
        pointer = await fake.wait_for_message(ANNA.id)
        group = FakeChat(-100777, "group", "Рабочая группа")
        fake.send_text(ANNA, "/start", chat=group)
        in_group = await fake.wait_for_message(group.id)
        assert await bot.terminate() == 0

    assert help_message.text == HELP
    assert answer.text is None
    assert pointer.text == t("unknown-message")
    assert in_group.text == t("private-only", username="school_test_bot")
    assert [c["command"] for c in fake.commands] == [
        "start",
        "help",
        "cancel",
        "requests",
        "pairs",
        "myschool",
        "mydata",
        "mute",
        "delete_me",
    ]
    assert fake.commands[0]["description"] == t("command-start")
    fake.assert_no_errors()
    with sqlite3.connect(tmp_path / "bot.db") as db:
        assert db.execute("select id, first_name from users").fetchall() == [(1001, "Анна")]


async def test_sigterm_lets_the_update_in_progress_finish(fake: FakeBotAPI, tmp_path: Path) -> None:
    async with await start_bot(fake, tmp_path) as bot:
        arrived, release = fake.hold("sendMessage")
        fake.send_text(ANNA, "/help")
        await asyncio.wait_for(arrived.wait(), 10)
        stopping = asyncio.create_task(bot.terminate(timeout=20))
        await asyncio.sleep(0.5)  # the signal is in; the reply is still held by the "network"
        assert not stopping.done()
        release.set()
        assert await stopping == 0

    assert [m.text for m in fake.messages(ANNA.id)] == [HELP]
    log = bot.log_text()
    assert "waiting for 1 update(s) in progress" in log
    assert "database closed" in log
    assert fake.token not in log


def _webhook_env(fake: FakeBotAPI, tmp_path: Path, port: int, **extra: str) -> dict[str, str]:
    """The bot's settings for webhook mode on ``port``, against ``fake``."""
    return {
        "BOT_TOKEN": fake.token,
        "TELEGRAM_API_URL": fake.url,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
        "WEBHOOK_URL": "https://bot.example.org",
        "WEBHOOK_SECRET": "s3cr3t-token",
        "WEBHOOK_PORT": str(port),
        **extra,
    }


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _wait_for_webhook(fake: FakeBotAPI, bot: BotProcess) -> None:
    for _ in range(300):
        if fake.webhook_url:
            return
        assert bot.running, bot.log_text()
        await asyncio.sleep(0.1)
    raise AssertionError(f"the bot never set its webhook\n{bot.log_text()}")


async def test_webhook_mode_checks_the_secret_header(fake: FakeBotAPI, tmp_path: Path) -> None:
    port = _free_port()
    env = _webhook_env(fake, tmp_path, port)
    update = fake.send_text(ANNA, "/help")  # queued in the fake; delivered by hand below
    url = f"http://127.0.0.1:{port}/telegram/webhook"
    async with BotProcess(log_path=tmp_path / "bot.log") as bot:
        await bot.start(env, tmp_path)
        await _wait_for_webhook(fake, bot)
        async with aiohttp.ClientSession() as http:
            forged = await http.post(
                url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "x"}
            )
            missing = await http.post(url, json=update)
            genuine = await http.post(
                url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "s3cr3t-token"}
            )
        reply = await fake.wait_for_message(ANNA.id)
        assert await bot.terminate() == 0

    assert (forged.status, missing.status, genuine.status) == (401, 401, 200)
    assert fake.webhook_url == "https://bot.example.org/telegram/webhook"
    assert reply.text == HELP
    assert len(fake.messages(ANNA.id)) == 1


async def test_an_update_the_bot_cannot_read_is_skipped_by_its_id(
    fake: FakeBotAPI, tmp_path: Path
) -> None:
    """aiogram read the whole batch as one: polling stopped for everyone and logged the batch,
    names and phones included, at every retry."""
    async with await start_bot(fake, tmp_path) as bot:
        broken = fake.send_unreadable(ANNA, "Иванова Мария, +7 903 845-17-29")
        fake.send_text(ANNA, "/help")
        reply = await fake.wait_for_message(ANNA.id, timeout=10)
        assert await bot.terminate() == 0
    assert reply.text == HELP
    log = bot.log_text()
    assert f"update {broken['update_id']} could not be read" in log
    for secret in ("Иванова", "845-17-29", fake.token):
        assert secret not in log


async def test_a_webhook_update_the_bot_cannot_read_is_skipped_by_its_id(
    fake: FakeBotAPI, tmp_path: Path
) -> None:
    port = _free_port()
    env = _webhook_env(fake, tmp_path, port, LOG_LEVEL="DEBUG")
    broken = fake.send_unreadable(ANNA, "Иванова Мария, +7 903 845-17-29")
    update = fake.send_text(ANNA, "/help")
    url = f"http://127.0.0.1:{port}/telegram/webhook"
    headers = {"X-Telegram-Bot-Api-Secret-Token": "s3cr3t-token"}
    async with BotProcess(log_path=tmp_path / "bot.log") as bot:
        await bot.start(env, tmp_path)
        await _wait_for_webhook(fake, bot)
        async with aiohttp.ClientSession() as http:
            skipped = await http.post(url, json=broken, headers=headers)
            genuine = await http.post(url, json=update, headers=headers)
        reply = await fake.wait_for_message(ANNA.id)
        assert await bot.terminate() == 0
    assert (skipped.status, genuine.status) == (200, 200)  # Telegram is not asked to retry
    assert reply.text == HELP
    log = bot.log_text()
    assert f"update {broken['update_id']} could not be read" in log
    for secret in ("Иванова", "845-17-29", fake.token):
        assert secret not in log
