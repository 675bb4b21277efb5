"""Bot processes in webhook mode for tests that run several at once (PostgreSQL + Redis):
a free port each, started until the fake Bot API has their webhook, and updates handed to
them as Telegram's parallel webhook delivery would."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import aiohttp
from redis.asyncio import Redis

from tests.bot_process import BotProcess
from tests.fake_bot_api import JSON, FakeBotAPI

SECRET = "drill-secret"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def webhook_environment(fake: FakeBotAPI, database: str, port: int) -> dict[str, str]:
    return {
        "BOT_TOKEN": fake.token,
        "TELEGRAM_API_URL": fake.url,
        "DATABASE_URL": database,
        "WEBHOOK_URL": "https://bot.example.org",
        "WEBHOOK_SECRET": SECRET,
        "WEBHOOK_PORT": str(port),
        "LOG_LEVEL": "DEBUG",
        "THROTTLE_BURST": "1000",
    }


async def started(fake: FakeBotAPI, tmp_path: Path, name: str, env: dict[str, str]) -> BotProcess:
    bot = BotProcess(log_path=tmp_path / f"{name}.log")
    setting = fake.webhook_url
    fake.webhook_url = ""
    await bot.start(env, tmp_path)
    for _ in range(1500):
        if fake.webhook_url or not bot.running:
            break
        await asyncio.sleep(0.02)
    assert bot.running, bot.log_text()
    assert fake.webhook_url, bot.log_text()
    fake.webhook_url = fake.webhook_url or setting
    return bot


class Router:
    """Hands updates to the processes as Telegram's parallel webhook delivery would."""

    def __init__(self, fake: FakeBotAPI, urls: list[str], http: aiohttp.ClientSession) -> None:
        self.fake, self.urls, self.http = fake, urls, http
        self.sent = 0

    async def post(self, update: JSON, process: int) -> None:
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        async with self.http.post(self.urls[process], json=update, headers=headers) as answer:
            assert answer.status == 200

    async def one(self, update: JSON) -> None:
        await self.post(update, self.sent % len(self.urls))
        self.sent += 1

    async def pair(self, first: JSON, second: JSON) -> None:
        await asyncio.gather(self.post(first, 0), self.post(second, 1))


def last_update(fake: FakeBotAPI) -> JSON:
    return fake.pending_updates[-1]


def webhook_urls(ports: list[int]) -> list[str]:
    return [f"http://127.0.0.1:{port}/telegram/webhook" for port in ports]


async def emptied_redis(redis_url: str, number: int) -> str:
    """The URL of Redis database ``number`` on the test server, emptied: a test's own."""
    url = redis_url.rsplit("/", 1)[0] + f"/{number}"
    client = Redis.from_url(url)
    await client.flushdb()
    await client.aclose()
    return url
