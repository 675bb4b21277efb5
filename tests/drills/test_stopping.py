"""Drill: SIGTERM while replies are in flight, in polling and in webhook mode. Every reply is
delivered and the bot exits 0 within SHUTDOWN_TIMEOUT; a reply held longer does not hold the
exit beyond it (the webhook closed its Bot API session first, and waited 8 s of a 3 s limit)."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import aiohttp
import pytest

from forms.i18n import translator
from tests.bot_process import BotProcess, start_bot
from tests.fake_bot_api import FakeBotAPI, FakeUser

pytestmark = [pytest.mark.drill, pytest.mark.e2e]
t = translator()
HELP = t("help-text") + "\n\n" + t("help-role-respondent")
PEOPLE = [FakeUser(7000 + n, f"Участник {n}") for n in range(5)]
TIMEOUT = 3.0
SLOW_REPLY = 1.5
SECRET = "drill-secret"


@pytest.fixture
async def fake() -> FakeBotAPI:
    async with FakeBotAPI() as server:
        yield server


async def until(check: object, seconds: float = 15.0) -> None:
    for _ in range(int(seconds / 0.02)):
        if check():  # type: ignore[operator]
            return
        await asyncio.sleep(0.02)
    raise AssertionError("not in time")


async def stopped_in(bot: BotProcess) -> tuple[int, float]:
    loop = asyncio.get_running_loop()
    began = loop.time()
    code = await bot.terminate(timeout=TIMEOUT * 4)
    return code, loop.time() - began


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def webhook_bot(fake: FakeBotAPI, tmp_path: Path) -> tuple[BotProcess, str]:
    port = free_port()
    env = {
        "BOT_TOKEN": fake.token,
        "TELEGRAM_API_URL": fake.url,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
        "WEBHOOK_URL": "https://bot.example.org",
        "WEBHOOK_SECRET": SECRET,
        "WEBHOOK_PORT": str(port),
        "SHUTDOWN_TIMEOUT": str(TIMEOUT),
        "LOG_LEVEL": "DEBUG",
    }
    bot = BotProcess(log_path=tmp_path / "bot.log")
    await bot.start(env, tmp_path)
    await until(lambda: bool(fake.webhook_url) or not bot.running)
    assert bot.running, bot.log_text()
    return bot, f"http://127.0.0.1:{port}/telegram/webhook"


async def post_all(url: str, batch: list[dict[str, object]]) -> None:
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    async with aiohttp.ClientSession() as http:
        answers = await asyncio.gather(*(http.post(url, json=u, headers=headers) for u in batch))
    assert [a.status for a in answers] == [200] * len(batch)


@pytest.mark.parametrize("mode", ["polling", "webhook"])
async def test_replies_in_flight_are_delivered_before_the_exit(
    fake: FakeBotAPI, tmp_path: Path, mode: str, drill_report: list[str]
) -> None:
    fake.delay("sendMessage", SLOW_REPLY)
    if mode == "polling":
        bot = await start_bot(fake, tmp_path, SHUTDOWN_TIMEOUT=str(TIMEOUT))
        for person in PEOPLE:
            fake.send_text(person, "/help")
    else:
        bot, url = await webhook_bot(fake, tmp_path)
        await post_all(url, [fake.send_text(person, "/help") for person in PEOPLE])
    async with bot:
        await until(lambda: fake.in_flight["sendmessage"] == len(PEOPLE))
        code, seconds = await stopped_in(bot)
    delivered = sum(1 for p in PEOPLE if [m.text for m in fake.messages(p.id)] == [HELP])
    assert (code, delivered) == (0, len(PEOPLE)), bot.log_text()
    for secret in ("Участник", fake.token, SECRET):
        assert secret not in bot.log_text()  # at DEBUG
    assert seconds < TIMEOUT, f"{seconds:.1f} s\n{bot.log_text()}"
    drill_report.append(
        f"SIGTERM ({mode}): {delivered} of {len(PEOPLE)} replies in flight delivered, "
        f"exit {code} in {seconds:.1f} s (SHUTDOWN_TIMEOUT {TIMEOUT:g} s)"
    )


@pytest.mark.parametrize("mode", ["polling", "webhook"])
async def test_a_reply_held_too_long_does_not_hold_the_exit(
    fake: FakeBotAPI, tmp_path: Path, mode: str, drill_report: list[str]
) -> None:
    arrived, _never = fake.hold("sendMessage")
    if mode == "polling":
        bot = await start_bot(fake, tmp_path, SHUTDOWN_TIMEOUT=str(TIMEOUT))
        fake.send_text(PEOPLE[0], "/help")
    else:
        bot, url = await webhook_bot(fake, tmp_path)
        await post_all(url, [fake.send_text(PEOPLE[0], "/help")])
    async with bot:
        await asyncio.wait_for(arrived.wait(), 15)
        code, seconds = await stopped_in(bot)
    assert code == 0, bot.log_text()
    assert seconds < TIMEOUT, f"{seconds:.1f} s"
    assert "left unfinished" in bot.log_text()
    drill_report.append(
        f"SIGTERM ({mode}), a reply held forever: exit {code} in {seconds:.1f} s "
        f"(SHUTDOWN_TIMEOUT {TIMEOUT:g} s)"
    )
