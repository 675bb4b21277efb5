"""`school-bot schools import`: load, update without duplicates, refuse bad rows whole."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from bot.cli import main
from tests.mocked_bot import TOKEN

HEADER = [
    "Код МО",
    "Муниципалитет",
    "Код ОО",
    "Полное наименование",
    "Краткое наименование",
    "ШНОР",
    "ШНСУ",
    "Школа-партнёр",
]


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    database = tmp_path / "bot.db"
    monkeypatch.setenv("BOT_TOKEN", TOKEN)
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{database}")
    monkeypatch.setenv("LOG_LEVEL", "WARNING")
    return database


def schools(database: Path) -> list[tuple[str, str, int, int]]:
    with sqlite3.connect(database) as db:
        return db.execute(
            "select s.code, m.name, s.low_results, s.partner from schools s"
            " join municipalities m on m.id = s.municipality_id order by s.code"
        ).fetchall()


def workbook(path: Path, rows: list[list[object]]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in [HEADER, *rows]:
        sheet.append(row)
    book.save(path)
    return path


def test_the_sample_loads_and_loading_again_updates_without_duplicates(env: Path) -> None:
    first = CliRunner().invoke(main, ["schools", "import", "--sample"])
    again = CliRunner().invoke(main, ["schools", "import", "--sample"])
    assert first.exit_code == 0, first.output
    assert "школ — 10 (новых — 10, обновлено — 0)" in first.stdout
    assert "новых — 0, обновлено — 10" in again.stdout
    assert len(schools(env)) == 10


def test_an_excel_table_updates_names_and_flags_by_code(env: Path, tmp_path: Path) -> None:
    CliRunner().invoke(main, ["schools", "import", "--sample"])
    table = workbook(
        tmp_path / "update.xlsx",
        [
            [
                "MO-01",
                "ГО Энск (новое название)",
                "OO-0101",
                "МБОУ СОШ № 1",
                "СОШ № 1",
                "да",
                "нет",
                "нет",
            ],
            ["MO-04", "Новый район", "OO-0401", "МБОУ СОШ № 40", "СОШ № 40", 1, 0, ""],
        ],
    )
    result = CliRunner().invoke(main, ["schools", "import", str(table)])
    assert result.exit_code == 0, result.output
    rows = {code: (town, low, partner) for code, town, low, partner in schools(env)}
    assert len(rows) == 11
    assert rows["OO-0101"] == ("ГО Энск (новое название)", 1, 0)
    assert rows["OO-0401"] == ("Новый район", 1, 0)


def test_bad_rows_are_reported_by_number_and_nothing_is_imported(env: Path, tmp_path: Path) -> None:
    table = workbook(
        tmp_path / "bad.xlsx",
        [
            ["MO-01", "ГО Энск", "OO-1", "Школа 1", "Ш1", "да", "нет", "нет"],
            ["MO-01", "ГО Энск", "", "Школа 2", "Ш2", "нет", "нет", "нет"],
            ["MO-01", "ГО Энск", "OO-3", "Школа 3", "Ш3", "может быть", "нет", "нет"],
            ["MO-01", "ГО Энск", "OO-1", "Школа 4", "Ш4", "нет", "нет", "нет"],
        ],
    )
    result = CliRunner().invoke(main, ["schools", "import", str(table)])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert any("строка 3" in line and "«Код ОО»" in line for line in lines)
    assert any("строка 4" in line and "«может быть»" in line for line in lines)
    assert any("строка 5" in line and "строке 2" in line for line in lines)
    assert "ничего не изменилось" in lines[-1]
    assert not env.exists() or schools(env) == []


def test_a_table_without_required_columns_is_refused(env: Path, tmp_path: Path) -> None:
    table = tmp_path / "odd.csv"
    table.write_text("Код ОО,Название\nOO-1,Школа\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["schools", "import", str(table)])
    assert result.exit_code == 1
    assert "Нет столбца «Муниципалитет»" in result.stderr


@pytest.mark.parametrize(
    ("encoding", "separator"),
    [("cp1251", ";"), ("utf-8-sig", ";"), ("utf-16", "\t"), ("utf-8", ",")],
)
def test_a_csv_as_excel_saves_it_in_russian_windows_is_read(
    env: Path, tmp_path: Path, encoding: str, separator: str
) -> None:
    """Excel's «CSV» in a Russian Windows is Windows-1251 with «;»; «Unicode text» is UTF-16."""
    rows = [
        HEADER,
        ["MO-9", "Район «Северный»", "OO-91", "Школа № 1 имени Ёлкина", "Школа № 1", "да", "", ""],
    ]
    table = tmp_path / "школы.csv"
    table.write_bytes("\r\n".join(separator.join(row) for row in rows).encode(encoding))
    done = CliRunner().invoke(main, ["schools", "import", str(table)])
    assert done.exit_code == 0, done.output
    assert schools(env) == [("OO-91", "Район «Северный»", 1, 0)]


def test_a_file_that_is_no_table_is_refused_in_russian(env: Path, tmp_path: Path) -> None:
    old = tmp_path / "школы.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0 an old Excel file")
    damaged = tmp_path / "школы.xlsx"
    damaged.write_bytes(b"not a zip at all")
    for path, message in ((old, "Старый формат .xls"), (damaged, "Не удалось открыть файл Excel")):
        done = CliRunner().invoke(main, ["schools", "import", str(path)])
        assert done.exit_code == 1
        assert message in done.output
        assert "Traceback" not in done.output


def test_an_import_keeps_the_flags_of_its_school_year(env: Path) -> None:
    earlier = CliRunner().invoke(main, ["schools", "import", "--sample", "--year", "2025/26"])
    assert earlier.exit_code == 0, earlier.output
    assert "за 2025/26 учебный год" in earlier.stdout
    current = CliRunner().invoke(main, ["schools", "import", "--sample"])
    assert current.exit_code == 0, current.output
    with sqlite3.connect(env) as db:
        years = sorted({row[0] for row in db.execute("select year from school_years")})
    assert len(years) == 2
    assert years[0] == 2025
    wrong = CliRunner().invoke(main, ["schools", "import", "--sample", "--year", "осень"])
    assert wrong.exit_code == 2
    assert "Учебный год «осень» не распознан" in wrong.output
