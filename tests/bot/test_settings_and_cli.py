"""Settings fail fast with one readable line; the CLI manages the database."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.logs import RedactFilter
from bot.settings import SettingsError, load_settings
from storage import migrate
from tests.mocked_bot import TOKEN

ROOT = Path(__file__).resolve().parents[2]


def cli(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.endswith("_URL") and k != "BOT_TOKEN"}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env={**clean, **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_a_missing_token_is_one_clear_line_for_what_needs_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("BOT_TOKEN", raising=False)
    settings = load_settings(_env_file=None)  # offline commands need no token
    with pytest.raises(SettingsError, match=r"^BOT_TOKEN: не задано$"):
        settings.token()
    with pytest.raises(SettingsError, match=r"^PSEUDONYM_KEY: не задан ключ псевдонимов"):
        settings.pseudonym_secret()
    assert load_settings(_env_file=None, pseudonym_key="k").pseudonym_secret() == b"k"


@pytest.mark.parametrize(
    "token", ["abc", "123:short", "not a token:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"]
)
def test_a_malformed_token_is_refused_without_echoing_it(token: str) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(_env_file=None, bot_token=token)
    assert str(caught.value).startswith("BOT_TOKEN")
    assert token not in str(caught.value)


def test_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_TOKEN", TOKEN)
    monkeypatch.setenv("ADMIN_IDS", "101, 202 303")
    monkeypatch.setenv("TIMEZONE", "Asia/Yekaterinburg")
    monkeypatch.setenv("CAMPAIGN_REMINDER_PLANS", "1, 7 3|2|")
    settings = load_settings(_env_file=None)
    assert settings.admin_ids == {101, 202, 303}
    assert settings.campaign_reminder_plans == ((7, 3, 1), (2,), ())
    assert settings.zone.key == "Asia/Yekaterinburg"
    assert settings.database_url.startswith("sqlite+aiosqlite:///./data/")
    assert not settings.uses_webhook


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("timezone", "Mars/Olympus", "TIMEZONE"),
        ("webhook_url", "https://bot.example.org", "WEBHOOK_SECRET"),
        ("webhook_port", "0", "WEBHOOK_PORT"),
        ("log_level", "LOUD", "LOG_LEVEL"),
        ("campaign_reminder_plans", "3, завтра|1", "CAMPAIGN_REMINDER_PLANS"),
        ("send_rate", "0", "SEND_RATE"),
    ],
)
def test_bad_settings_name_the_variable(field: str, value: str, message: str) -> None:
    with pytest.raises(SettingsError, match=message) as caught:
        load_settings(_env_file=None, bot_token=TOKEN, **{field: value})
    explained = str(caught.value).split(":", 1)[1]
    assert re.search("[а-я]", explained), explained  # said in Russian…
    for english in ("error", "Input", "should", "must", " or ", "is not"):
        assert english not in explained  # …with no English mixed in


def test_every_problem_is_listed_in_russian() -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(
            _env_file=None, admin_ids="one, 2", timezone="Mars", webhook_port="0", log_level="LOUD"
        )
    assert str(caught.value) == (
        "ADMIN_IDS: нужны числовые id Telegram через запятую или пробел; "
        "TIMEZONE: неизвестный часовой пояс «Mars», например: Europe/Moscow; "
        "LOG_LEVEL: допустимо одно из значений: «DEBUG», «INFO», «WARNING», «ERROR»; "
        "WEBHOOK_PORT: нужно число не меньше 1"
    )


def test_the_token_never_reaches_the_log_output() -> None:
    record = logging.LogRecord(
        "aiohttp", logging.ERROR, __file__, 1, "POST https://api/bot%s/getMe failed", (TOKEN,), None
    )
    try:
        raise ValueError(f"url https://api.telegram.org/bot{TOKEN}/getUpdates")
    except ValueError:
        record.exc_info = sys.exc_info()
    RedactFilter([TOKEN]).filter(record)
    text = logging.Formatter().format(record)
    assert TOKEN not in text
    assert "bot<hidden>/getMe" in text
    assert "bot<hidden>/getUpdates" in text


MIGRATIONS = Path(__file__).parents[2] / "storage" / "migrations" / "versions"


def test_run_without_a_token_prints_one_line_and_no_traceback(tmp_path: Path) -> None:
    result = cli("run", env={}, cwd=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines()[0] == "Не удалось прочитать настройки: BOT_TOKEN: не задано"


def test_offline_commands_need_no_token_and_print_no_sql(tmp_path: Path) -> None:
    upgraded = cli("db", "upgrade", env={}, cwd=tmp_path)
    assert upgraded.returncode == 0, upgraded.stderr
    output = upgraded.stdout + upgraded.stderr
    assert "SELECT" not in output
    assert "CREATE TABLE" not in output
    migrations = len(list(MIGRATIONS.glob("0*.py")))
    assert len(output.splitlines()) <= migrations + 5  # a line a migration, and the result
    schools = cli("schools", "import", "--sample", env={}, cwd=tmp_path)
    assert schools.returncode == 0, schools.stderr
    export = cli("export", "--form", "demo", "--out", "demo.xlsx", env={}, cwd=tmp_path)
    assert export.returncode == 2  # pseudonyms need a key: said in one Russian line
    assert export.stderr.splitlines()[0].startswith("Не удалось прочитать настройки: PSEUDONYM_KEY")


def test_db_upgrade_creates_the_sqlite_file_and_reports_the_version(tmp_path: Path) -> None:
    env = {"BOT_TOKEN": TOKEN, "LOG_LEVEL": "WARNING"}
    upgraded = cli("db", "upgrade", env=env, cwd=tmp_path)
    current = cli("db", "current", env=env, cwd=tmp_path)
    down = cli("db", "downgrade", "base", env=env, cwd=tmp_path)
    assert upgraded.returncode == 0, upgraded.stderr
    assert (tmp_path / "data" / "bot.db").exists()
    head = migrate.head()
    assert f"обновлена до версии {head}" in upgraded.stdout
    assert f"Версия базы данных: {head}. Последняя версия: {head}." in current.stdout
    assert "база данных пуста" in down.stdout
