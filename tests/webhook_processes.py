"""Bot processes in webhook mode for tests that run several at once (PostgreSQL + Redis):
a free port each, started until the fake Bot API has their webhook, and updates handed to
them as Telegram's parallel webhook delivery would."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Sequence
from pathlib import Path

import aiohttp
from redis.asyncio import Redis
from sqlalchemy import select, text

from storage.database import Database
from storage.migrate import upgrade
from storage.models import Answer, FormVersion, Submission
from tests.bot_process import BOT_ARGS, BotProcess
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


async def started(
    fake: FakeBotAPI,
    tmp_path: Path,
    name: str,
    env: dict[str, str],
    args: Sequence[str] = BOT_ARGS,
) -> BotProcess:
    bot = BotProcess(log_path=tmp_path / f"{name}.log", args=args)
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


async def emptied_postgres(url: str) -> None:
    """The PostgreSQL database at ``url`` dropped to nothing and migrated afresh."""
    database = Database.from_url(url)
    try:
        async with database.connection() as connection:
            await connection.execute(text("DROP SCHEMA public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
        await upgrade(database)
    finally:
        await database.dispose()


async def stored_answers(url: str, form_id: str) -> dict[int, dict[str, str]]:
    """Every stored answer of a form, by person and question."""
    database = Database.from_url(url)
    try:
        async with database.read() as uow:
            query = (
                select(Submission.respondent_id, Answer.question_id, Answer.value)
                .join(Answer, Answer.submission_id == Submission.id)
                .join(FormVersion, FormVersion.id == Submission.form_version_id)
                .where(FormVersion.form_id == form_id)
            )
            found: dict[int, dict[str, str]] = {}
            for person, question, value in await uow.connection.execute(query):
                found.setdefault(person, {})[question] = value
            return found
    finally:
        await database.dispose()
