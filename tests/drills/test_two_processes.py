"""Drill: two webhook processes on PostgreSQL and Redis, as production runs several.

People fill in a form of text questions; their updates go alternately to one process and the
other, and in pairs sent at the same instant (the first answer to one process, the next to the
other). Every answer must be stored under its own question (4 of 10 pairs were swapped before
updates waited for their turn in the chat). Without Redis a second process on the same
database is refused: the SQL FSM storage is one process's (two lost 375 of 599 replies)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from forms.i18n import translator
from storage.database import Database
from tests.bot_process import BotProcess
from tests.fake_bot_api import BotMessage, FakeBotAPI, FakeUser
from tests.webhook_processes import (
    SECRET,
    Router,
    emptied_redis,
    free_port,
    last_update,
    started,
    stored_answers,
    webhook_environment,
    webhook_urls,
)

pytestmark = [pytest.mark.drill, pytest.mark.e2e, pytest.mark.postgres, pytest.mark.redis]
t = translator()
TITLE = "Анкета для двух процессов"
QUESTIONS = 8
PEOPLE = [FakeUser(8100 + n, f"Педагог {n}") for n in range(6)]
FORM = (
    "id: two_processes\ntitle: "
    + TITLE
    + "\nquestions:\n"
    + "".join(f"  - {{id: q{n}, type: text, label: Вопрос {n}}}\n" for n in range(1, QUESTIONS + 1))
)


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI() as server:
        yield server


@pytest.fixture
async def redis_db(redis_url: str) -> str:
    return await emptied_redis(redis_url, 7)  # a database of its own


def environment(fake: FakeBotAPI, tmp_path: Path, database: str, port: int) -> dict[str, str]:
    forms = tmp_path / "forms"
    forms.mkdir(exist_ok=True)
    (forms / "two.yaml").write_text(FORM, encoding="utf-8")
    return {**webhook_environment(fake, database, port), "FORMS_DIR": str(forms)}


async def reply(fake: FakeBotAPI, person: FakeUser, text: str) -> BotMessage:
    return await fake.wait_for_message(
        person.id, timeout=15, predicate=lambda m: text in (m.text or "")
    )


async def open_form(fake: FakeBotAPI, router: Router, person: FakeUser) -> None:
    await router.one(fake.send_text(person, "/start"))
    menu = await reply(fake, person, "")
    fake.press(person, menu, t("menu-button-forms"))
    await router.one(last_update(fake))
    forms = await reply(fake, person, t("forms-list-title"))
    fake.press(person, forms, TITLE)
    await router.one(last_update(fake))
    await reply(fake, person, "Вопрос 1")


async def fill(fake: FakeBotAPI, router: Router, person: FakeUser) -> int:
    """Answers 1-2 alternately, then pairs at the same instant; returns the pairs sent."""
    pairs = 0
    number = 1
    while number <= QUESTIONS:
        if number <= 2 or number == QUESTIONS:
            await router.one(fake.send_text(person, f"ответ {number}"))
            number += 1
        else:
            first = fake.send_text(person, f"ответ {number}")
            second = fake.send_text(person, f"ответ {number + 1}")
            await router.pair(first, second)
            number, pairs = number + 2, pairs + 1
        following = f"Вопрос {number}" if number <= QUESTIONS else t("dialog-review-hint")
        await reply(fake, person, following)
    return pairs


async def test_two_webhook_processes_keep_every_answer_in_place_and_in_order(
    *,
    fake: FakeBotAPI,
    tmp_path: Path,
    postgres_db: Database,
    redis_db: str,
    postgres_url: str,
    drill_report: list[str],
) -> None:
    ports = [free_port(), free_port()]
    bots = []
    for index, port in enumerate(ports):
        env = {**environment(fake, tmp_path, postgres_url, port), "REDIS_URL": redis_db}
        bots.append(await started(fake, tmp_path, f"bot{index}", env))
    urls = webhook_urls(ports)
    try:
        async with aiohttp.ClientSession() as http:
            router = Router(fake, urls, http)
            for person in PEOPLE:
                await open_form(fake, router, person)
            counts = await asyncio.gather(*(fill(fake, router, person) for person in PEOPLE))
        codes = [await bot.terminate() for bot in bots]
    finally:
        for bot in bots:
            await bot.close()
    answers = await stored_answers(postgres_url, "two_processes")
    expected = {f"q{n}": f"ответ {n}" for n in range(1, QUESTIONS + 1)}
    misplaced = sum(
        1
        for person in PEOPLE
        for q, v in expected.items()
        if answers.get(person.id, {}).get(q) != v
    )
    assert codes == [0, 0]
    assert misplaced == 0, answers
    logs = "".join(bot.log_text() for bot in bots)
    for secret in ("ответ 3", "Педагог", fake.token, SECRET):
        assert secret not in logs  # both processes' logs at DEBUG
    drill_report.append(
        f"two webhook processes (PostgreSQL + Redis): {len(PEOPLE)} people, "
        f"{len(PEOPLE) * QUESTIONS} answers ({sum(counts)} pairs sent at the same instant to "
        f"both), {misplaced} misplaced"
    )


async def test_a_second_process_without_redis_is_refused(
    fake: FakeBotAPI, tmp_path: Path, postgres_db: Database, postgres_url: str
) -> None:
    first_env = environment(fake, tmp_path, postgres_url, free_port())
    first = await started(
        fake, tmp_path, "first", {**first_env, "SINGLE_PROCESS_LEASE_SECONDS": "2"}
    )
    second_env = {**environment(fake, tmp_path, postgres_url, free_port())}
    second = BotProcess(log_path=tmp_path / "second.log")
    try:
        await second.start({**second_env, "SINGLE_PROCESS_LEASE_SECONDS": "2"}, tmp_path)
        assert second.process is not None
        code = await asyncio.wait_for(second.process.wait(), 30)
        assert first.running
        assert await first.terminate() == 0
    finally:
        await first.close()
        await second.close()
    assert code == 1
    assert "Бот уже запущен с этой базой данных" in second.log_text()
