"""`school-bot export`: a register from the command line, its filters, refusals and audit."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot import export_cli
from bot.cli import main
from storage.database import Database
from storage.migrate import upgrade
from tests.handlers.export_data import Data, about, column, fill, header, workbook
from tests.mocked_bot import TOKEN


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Data:
    path = tmp_path / "bot.db"
    url = f"sqlite+aiosqlite:///{path}"
    monkeypatch.setenv("BOT_TOKEN", TOKEN)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("LOG_LEVEL", "WARNING")

    async def prepare() -> Data:
        database = Database.from_url(url)
        try:
            await upgrade(database)
            return await fill(database)
        finally:
            await database.dispose()

    return asyncio.run(prepare())


def run(*arguments: str) -> Result:
    return CliRunner().invoke(main, ["export", *arguments])


def audited(database: Path) -> list[tuple[object, str]]:
    with sqlite3.connect(database) as db:
        return db.execute(
            "select actor_id, details from audit_log where action = 'register_exported'"
        ).fetchall()


def test_the_full_register_is_written_and_audited(data: Data, tmp_path: Path) -> None:
    out = tmp_path / "survey.xlsx"
    result = run("--form", "survey", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"Реестр сохранён в {out}, строк: 3."
    book = workbook(out.read_bytes())
    assert column(book, "№") == data.survey
    assert column(book, "Респондент")[0] == "Анна Учителева"
    assert about(book)["Кто выгрузил"].startswith("Командная строка сервера")
    [(actor, details)] = audited(tmp_path / "bot.db")
    assert actor is None
    assert '"rows": 3' in str(details)
    assert not (tmp_path / "survey.xlsx.part").exists()


def test_filters_and_the_anonymised_variant(data: Data, tmp_path: Path) -> None:
    out = tmp_path / "south.xlsx"
    result = run(
        "--form", "survey", "--municipality", "02", "--from", "01.03.2026", "--to", "2026-03-31",
        "--anonymous", "--out", str(out),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Обезличенный реестр" in result.stdout
    book = workbook(out.read_bytes())
    assert column(book, "№") == [data.survey[2]]
    assert "Респондент" not in header(book)
    assert about(book)["Период"] == "с 01.03.2026 по 31.03.2026"
    assert about(book)["Муниципалитеты"] == "Южный район"


def test_a_period_without_responses_gives_an_empty_register(data: Data, tmp_path: Path) -> None:
    out = tmp_path / "empty.xlsx"
    result = run("--form", "survey", "--to", "01.03.2026", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "Реестр сохранён" in result.stdout
    assert "строк: 0." in result.stdout
    book = workbook(out.read_bytes())
    assert column(book, "№") == []
    assert about(book)["Строк в реестре"] == 0


def test_the_progress_bar_shows_for_large_exports(
    data: Data, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export_cli, "PROGRESS_FROM", 2)
    result = run("--form", "survey", "--out", str(tmp_path / "big.xlsx"))
    assert result.exit_code == 0, result.output
    assert "Выгрузка" in result.stderr


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--form", "nothing"], "Анкеты «nothing» нет в базе"),
        (["--form", "survey", "--municipality", "99"], "Муниципалитета с кодом «99» нет"),
        (["--form", "survey", "--school", "9999"], "Школы с кодом «9999» нет"),
    ],
)
def test_unknown_names_are_refused_without_a_file(
    data: Data, tmp_path: Path, arguments: list[str], message: str
) -> None:
    out = tmp_path / "refused.xlsx"
    result = run(*arguments, "--out", str(out))
    assert result.exit_code == 1
    assert message in result.stderr
    assert not out.exists()
    assert audited(tmp_path / "bot.db") == []


def test_a_malformed_date_is_a_usage_error(data: Data, tmp_path: Path) -> None:
    result = run("--form", "survey", "--from", "31.02.2026", "--out", str(tmp_path / "x.xlsx"))
    assert result.exit_code == 2
    assert "«31.02.2026» — не дата" in result.stderr


def test_the_summary_is_written_and_audited(data: Data, tmp_path: Path) -> None:
    out = tmp_path / "summary.xlsx"
    result = run("--summary", "--municipality", "01", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"Сводка сохранена в {out}, учтено ответов: 2."
    assert workbook(out.read_bytes()).sheetnames[0] == "Показатели"
    with sqlite3.connect(tmp_path / "bot.db") as db:
        [(actor, details)] = db.execute(
            "select actor_id, details from audit_log where action = 'summary_exported'"
        ).fetchall()
    assert actor is None
    assert f'"municipalities": [{data.north}]' in details


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ([], "реестр анкеты (--form ID) или сводку (--summary)"),
        (["--form", "survey", "--summary"], "реестр анкеты (--form ID) или сводку (--summary)"),
        (["--summary", "--school", "0101"], "Для сводки можно указать только"),
    ],
)
def test_a_register_or_the_summary_not_both(
    data: Data, tmp_path: Path, arguments: list[str], message: str
) -> None:
    result = run(*arguments, "--out", str(tmp_path / "x.xlsx"))
    assert result.exit_code == 2
    assert message in result.stderr


def test_the_summary_of_a_database_the_bot_never_ran_on_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No form is stored yet: the targets file is checked against the form files, as
    `school-bot targets check` checks it, not refused as broken."""
    monkeypatch.delenv("BOT_TOKEN", raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}")
    monkeypatch.setenv("LOG_LEVEL", "WARNING")
    out = tmp_path / "summary.xlsx"
    result = run("--summary", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"Сводка сохранена в {out}, учтено ответов: 0."
    assert "Показатели" in workbook(out.read_bytes()).sheetnames
