"""Drill: kill -9 at random moments while ten people fill in a form, ten times.

Each simulated person acts on what the bot shows them last, as a person would: answers the
question on the screen, waits for the reply, and when none comes (the bot is down) types the
same answer again. Afterwards every person has exactly one sent response with every answer
under its own question: nothing accepted lost, nothing misfiled, nothing sent twice. Telegram
hands again, after a restart, the updates the killed bot never confirmed: that is part of it.
"""

from __future__ import annotations

import asyncio
import json
import random
import re
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from forms.i18n import translator
from tests.bot_process import BotProcess, start_bot
from tests.fake_bot_api import BotMessage, FakeBotAPI, FakeUser

pytestmark = [pytest.mark.drill, pytest.mark.e2e]
t = translator()
KILLS = 10
PEOPLE = [FakeUser(8300 + n, f"Учитель{n}") for n in range(10)]
QUESTIONS = 8
TITLE = "Анкета для проверки перезапусков"
FORM = (
    "id: restarts\ntitle: "
    + TITLE
    + "\nquestions:\n"
    + "".join(f"  - {{id: q{n}, type: text, label: Пункт {n}}}\n" for n in range(1, QUESTIONS + 1))
)
QUESTION = re.compile(r"<b>Пункт (\d+)</b>")
PATIENCE = 4.0
"""Seconds a person waits for a reply before typing the answer again."""
THINKING = (0.2, 1.2)
"""Seconds a person takes before each answer or press."""
NETWORK = 0.25
"""Seconds each reply of the bot takes to reach Telegram: a kill often lands after an answer
was saved and before its reply arrived."""
DEADLINE = 240.0


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI() as server:
        yield server


def latest(fake: FakeBotAPI, person: FakeUser) -> BotMessage | None:
    messages = fake.messages(person.id)
    return messages[-1] if messages else None


def changes(fake: FakeBotAPI, person: FakeUser) -> int:
    return len(fake.messages(person.id)) + len(fake.edits(person.id))


async def changed(fake: FakeBotAPI, person: FakeUser, before: int) -> bool:
    for _ in range(int(PATIENCE / 0.05)):
        if changes(fake, person) != before:
            await asyncio.sleep(0.05)  # the rest of a reply (a question comes after a note)
            return True
        await asyncio.sleep(0.05)
    return False


SAVED = t("dialog-answer-was-saved", label="", answer="").split("«")[0]
SENT = (t("dialog-already-submitted"), t("form-already-done", title=TITLE))
"""What the bot answers a press on a response already sent (its thanks lost in a kill)."""


def act(fake: FakeBotAPI, person: FakeUser, shown: BotMessage | None, pressed: list[str]) -> bool:
    """One step on what the person sees; False once their response is sent."""
    text = shown.text or "" if shown is not None else ""
    buttons = [b for row in shown.buttons for b in row] if shown is not None else []
    answer = fake.callback_answers.get(pressed[-1]) if pressed else None
    if text.startswith(t("dialog-submitted", title=TITLE, number=0)[:25]):
        return False
    if answer is not None and answer.text in SENT:
        return False
    for label in (t("dialog-button-submit"), TITLE, t("menu-button-forms")):
        if label in buttons:
            pressed.append(fake.press(person, shown, label))  # type: ignore[arg-type]
            return True
    if (asked := QUESTION.search(text)) is not None:
        fake.send_text(person, f"ответ {asked.group(1)}")
    else:  # nothing yet, an apology, a stale press: start again from the menu
        fake.send_text(person, "/start")
    return True


async def person_fills(fake: FakeBotAPI, person: FakeUser, rng: random.Random) -> None:
    pressed: list[str] = []
    while True:
        await asyncio.sleep(rng.uniform(*THINKING))
        before = changes(fake, person)
        if not act(fake, person, latest(fake, person), pressed):
            return
        await changed(fake, person, before)


async def killer(fake: FakeBotAPI, bot: BotProcess, rng: random.Random, kills: list[float]) -> None:
    for _ in range(KILLS):
        await asyncio.sleep(rng.uniform(0.3, 2.0))
        await bot.kill()
        kills.append(asyncio.get_running_loop().time())
        await bot.restart(fake, timeout=60)


def stuck(fake: FakeBotAPI) -> str:
    """Who did not finish, and the last things the bot showed them."""
    lines = []
    for person in PEOPLE:
        shown = [(m.text or "")[:80] for m in fake.messages(person.id)[-3:]]
        lines.append(f"{person.id}: {shown}")
    return "people who did not finish:\n" + "\n".join(lines)


def history(fake: FakeBotAPI, people: dict[int, object]) -> str:
    """Both sides of the chats named, in the order of their message ids."""
    lines = []
    for person_id in people:
        both = [
            (m["message_id"], m["date"], "person", m.get("text"))
            for m in fake.user_messages(person_id)
        ]
        both += [(m.message_id, 0, "bot", (m.text or "")[:60]) for m in fake.messages(person_id)]
        lines += [f"{person_id} {entry}" for entry in sorted(both)]
    return "\n".join(lines)


def responses(database: Path) -> dict[int, list[dict[str, str]]]:
    with sqlite3.connect(database) as db:
        rows = db.execute(
            "select s.respondent_id, s.id, a.question_id, a.value from submissions s"
            " join answers a on a.submission_id = s.id where s.status = 'submitted'"
        ).fetchall()
    found: dict[int, dict[int, dict[str, str]]] = {}
    for person, submission, question, value in rows:
        found.setdefault(person, {}).setdefault(submission, {})[question] = json.loads(value)
    return {person: list(by_id.values()) for person, by_id in found.items()}


async def test_kill_nine_while_people_answer_loses_and_misfiles_nothing(
    fake: FakeBotAPI, tmp_path: Path, drill_report: list[str]
) -> None:
    (tmp_path / "forms").mkdir()
    (tmp_path / "forms" / "restarts.yaml").write_text(FORM, encoding="utf-8")
    rng = random.Random(20261203)
    kills: list[float] = []
    fake.delay("sendMessage", NETWORK)
    bot = await start_bot(fake, tmp_path, FORMS_DIR=str(tmp_path / "forms"), THROTTLE_BURST="1000")
    async with bot:
        people = [
            asyncio.create_task(person_fills(fake, person, random.Random(person.id)))
            for person in PEOPLE
        ]
        await killer(fake, bot, rng, kills)
        try:
            await asyncio.wait_for(asyncio.gather(*people), DEADLINE)
        except TimeoutError:
            raise AssertionError(stuck(fake)) from None
        assert await bot.terminate() == 0
    told = sum(1 for p in PEOPLE for m in fake.messages(p.id) if (m.text or "").startswith(SAVED))
    sent = responses(tmp_path / "bot.db")
    expected = {f"q{n}": f"ответ {n}" for n in range(1, QUESTIONS + 1)}
    duplicates = sum(len(found) - 1 for found in sent.values() if len(found) > 1)
    missing = sum(1 for person in PEOPLE if person.id not in sent)
    misfiled = sum(
        1
        for found in sent.values()
        for response in found
        for q, v in expected.items()
        if response.get(q) != v
    )
    assert len(kills) == KILLS
    wrong = {
        person: [{q: v for q, v in r.items() if v != expected.get(q)} for r in found]
        for person, found in sent.items()
        if len(found) != 1 or found[0] != expected
    }
    if wrong:  # both sides of their chats, and the bot's log, kept for a look
        record = tmp_path / "chats.txt"
        await asyncio.to_thread(record.write_text, history(fake, wrong) + "\n" + bot.log_text())
    assert (missing, duplicates, misfiled) == (0, 0, 0), (wrong, told, str(tmp_path))
    log = bot.log_text()
    for secret in ("ответ 2", "Учитель", fake.token):
        assert secret not in log  # the bot's whole log at DEBUG
    drill_report.append(
        f"kill -9 ({KILLS} times, {len(PEOPLE)} people, {QUESTIONS} answers each): "
        f"{missing} responses lost, {misfiled} answers lost or misfiled, {duplicates} duplicates; "
        f"{told} answers typed again were told «уже сохранён»"
    )
