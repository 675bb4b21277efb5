"""`school-bot slots import`: a consultant's free times from Excel, refused whole on a bad row."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from bot.cli import main
from tests.mocked_bot import TOKEN

CONSULTANT = 701
NEXT_WEEK = date.today() + timedelta(days=7)


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    database = tmp_path / "bot.db"
    monkeypatch.setenv("BOT_TOKEN", TOKEN)
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{database}")
    monkeypatch.setenv("LOG_LEVEL", "WARNING")
    assert CliRunner().invoke(main, ["db", "upgrade"]).exit_code == 0
    with sqlite3.connect(database) as db:
        db.execute(
            "insert into users (id, first_name, role, created_at) values (?, ?, ?, ?)",
            (CONSULTANT, "Мария", "consultant", "2026-11-01 00:00:00"),
        )
    return database


def table(path: Path, rows: list[list[object]]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in [["Дата", "Время"], *rows]:
        sheet.append(row)
    book.save(path)
    return path


def slots(database: Path) -> list[tuple[int, str]]:
    with sqlite3.connect(database) as db:
        return db.execute(
            "select consultant_id, starts_at from slots order by starts_at"
        ).fetchall()


def test_times_are_added_once_whatever_the_cell_types(env: Path, tmp_path: Path) -> None:
    rows: list[list[object]] = [
        [NEXT_WEEK, time(15, 0)],  # real Excel date and time cells
        [NEXT_WEEK.strftime("%d.%m.%Y"), "16:30"],  # typed as text
        [datetime.combine(NEXT_WEEK, time()), "10.00"],
    ]
    path = table(tmp_path / "slots.xlsx", rows)
    first = CliRunner().invoke(
        main, ["slots", "import", str(path), "--consultant", str(CONSULTANT)]
    )
    assert first.exit_code == 0, first.output
    assert "добавлено 3, уже было 0" in first.output
    again = CliRunner().invoke(
        main, ["slots", "import", str(path), "--consultant", str(CONSULTANT)]
    )
    assert "добавлено 0, уже было 3" in again.output
    assert len(slots(env)) == 3


def test_a_bad_row_refuses_the_whole_file(env: Path, tmp_path: Path) -> None:
    rows: list[list[object]] = [
        [NEXT_WEEK, "15:00"],
        ["31.02.2027", "10:00"],
        ["01.01.2020", "9:00"],
    ]
    path = table(tmp_path / "slots.xlsx", rows)
    result = CliRunner().invoke(
        main, ["slots", "import", str(path), "--consultant", str(CONSULTANT)]
    )
    assert result.exit_code == 1
    assert "строка 3" in result.output
    assert "строка 4" in result.output
    assert "Это время уже прошло" in result.output
    assert slots(env) == []


def test_only_a_consultant_gets_times(env: Path, tmp_path: Path) -> None:
    path = table(tmp_path / "slots.xlsx", [[NEXT_WEEK, "15:00"]])
    result = CliRunner().invoke(main, ["slots", "import", str(path), "--consultant", "12345"])
    assert result.exit_code == 1
    assert "не консультант" in result.output
    assert slots(env) == []


def test_a_russian_windows_csv_is_read_without_a_token(
    env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("BOT_TOKEN")  # an offline command
    day = NEXT_WEEK.strftime("%d.%m.%Y")
    path = tmp_path / "время.csv"
    path.write_bytes(f"Дата;Время\r\n{day};15:00\r\n{day};16:30\r\n".encode("cp1251"))
    done = CliRunner().invoke(main, ["slots", "import", str(path), "--consultant", str(CONSULTANT)])
    assert done.exit_code == 0, done.output
    assert "добавлено 2, уже было 0" in done.output
