"""A whole questionnaire over HTTP against the fake Bot API, with the bot killed mid-way."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from forms.i18n import translator
from tests.bot_process import start_bot
from tests.fake_bot_api import FakeBotAPI, FakeUser

pytestmark = pytest.mark.e2e
t = translator()
FORMS = Path(__file__).resolve().parents[1] / "handlers" / "forms"
TITLE = "Анкета для проверки диалога"
ANNA = FakeUser(1001, "Анна")


async def test_a_parent_fills_the_form_across_a_crash(fake: FakeBotAPI, tmp_path: Path) -> None:
    tomorrow = (datetime.now(ZoneInfo("Europe/Moscow")) + timedelta(days=1)).date()
    comment = "<b>не разметка</b> & «кавычки»"
    bot = await start_bot(fake, tmp_path, FORMS_DIR=str(FORMS))
    async with bot:
        fake.send_text(ANNA, "/start")
        menu = await fake.wait_for_message(ANNA.id)
        fake.press(ANNA, menu, t("menu-button-forms"))
        fake.press(ANNA, await fake.wait_for_message(ANNA.id), TITLE)
        intro = await fake.wait_for_message(ANNA.id)
        assert intro.plain_text.startswith(TITLE)
        fake.press(ANNA, await fake.wait_for_message(ANNA.id), t("form-button-next"))
        position = await fake.wait_for_message(ANNA.id)
        assert "Вопрос 1 из 7" in position.plain_text
        fake.press(ANNA, position, "Я родитель")
        await fake.wait_for_message(ANNA.id)  # «Нужен ли вам наставник?»
        fake.send_text(ANNA, "да")
        meeting = await fake.wait_for_message(ANNA.id)
        assert "Когда удобно встретиться?" in meeting.plain_text

        assert await bot.kill() != 0  # SIGKILL: no goodbye, no flush
        await bot.restart(fake)

        fake.send_text(ANNA, "01.01.2020")
        assert "раньше" in (await fake.wait_for_message(ANNA.id)).plain_text
        fake.send_text(ANNA, tomorrow.strftime("%d.%m.%Y"))
        await fake.wait_for_message(ANNA.id)  # the comment
        fake.send_text(ANNA, comment)
        await fake.wait_for_message(ANNA.id)  # the phone question
        keyboard = await fake.wait_for_message(ANNA.id)
        assert keyboard.reply_keyboard is not None
        assert keyboard.reply_keyboard[0][0]["request_contact"] is True
        fake.send_contact(ANNA, "79161234567")
        closed = await fake.wait_for_message(ANNA.id)
        assert closed.removes_keyboard
        files = await fake.wait_for_message(ANNA.id)
        fake.send_photo(ANNA, b"\x89PNG fake photo")
        received = await fake.wait_for_message(ANNA.id)
        assert received.plain_text.startswith("Получен 1 файл.")
        fake.press(ANNA, received, t("form-button-done"))
        review = await fake.wait_for_message(ANNA.id)
        assert comment in review.plain_text  # shown as typed, not as markup
        assert "Приложите файлы" in files.plain_text
        fake.press(ANNA, review, t("dialog-button-submit"))
        thanks = await fake.wait_for_message(ANNA.id)
        assert await bot.terminate() == 0

    assert thanks.plain_text.startswith(t("dialog-submitted", title=TITLE, number=1))
    fake.assert_no_errors()  # every message was valid HTML under Telegram's limits
    with sqlite3.connect(tmp_path / "bot.db") as db:
        assert db.execute("select status from submissions").fetchall() == [("submitted",)]
        rows = dict(db.execute("select question_id, value from answers").fetchall())
    assert json.loads(rows["comment"]) == comment
    assert json.loads(rows["phone"]) == "+79161234567"
    assert json.loads(rows["meeting"]) == tomorrow.isoformat()
    assert json.loads(rows["files"])[0]["kind"] == "photo"
    log = bot.log_text()  # at DEBUG level
    assert "кавычки" not in log
    assert "9161234567" not in log
    assert fake.token not in log
