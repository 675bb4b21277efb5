"""`school-bot forms check` and `school-bot forms import`."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from openpyxl import Workbook

from bot.cli import main
from bot.settings import LIBRARY
from forms.loading import load_form


def test_check_lists_every_problem_with_its_place(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "id: bad\ntitle: Проверка\nquestions:\n"
        "  - {type: integer, id: a, label: A, show_if: {question: zzz, equals: 1}}\n"
        "  - {type: rating, id: a, label: B}\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["forms", "check", str(bad), str(LIBRARY)])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert all(line.startswith(f"{bad}, строка") for line in lines)
    assert "«zzz»" in lines[0]
    assert "Найдено 2 ошибки" in result.stderr


def test_check_passes_the_built_in_forms() -> None:
    result = CliRunner().invoke(main, ["forms", "check", str(LIBRARY)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "Ошибок нет: формы можно загружать в бота."


def _xlsform(path: Path) -> None:
    book = Workbook()
    survey = book.active
    assert survey is not None
    survey.title = "survey"
    survey.append(["type", "name", "label::Русский (ru)", "required"])
    survey.append(["select_one roles", "role", "Кем вы работаете?", "yes"])
    survey.append(["integer", "years", "Сколько лет стажа?", "yes"])
    choices = book.create_sheet("choices")
    choices.append(["list_name", "name", "label::Русский (ru)"])
    choices.append(["roles", "teacher", "Учитель"])
    choices.append(["roles", "head", "Руководитель"])
    settings = book.create_sheet("settings")
    settings.append(["form_id", "form_title", "version"])
    settings.append(["staff", "Кадры школы", "3"])
    book.save(path)


def test_import_converts_an_xlsform_into_yaml_that_loads(tmp_path: Path) -> None:
    workbook, out = tmp_path / "staff.xlsx", tmp_path / "staff.yaml"
    _xlsform(workbook)
    result = CliRunner().invoke(main, ["forms", "import", str(workbook), "--out", str(out)])
    assert result.exit_code == 0, result.output
    form = load_form(out)
    assert (form.id, form.title, form.version) == ("staff", "Кадры школы", "3")
    assert [q.id for q in form.all_questions()] == ["role", "years"]
    assert "Кем вы работаете?" in out.read_text(encoding="utf-8")  # Cyrillic as is


def test_import_refuses_what_it_cannot_read_with_the_cell(tmp_path: Path) -> None:
    workbook = tmp_path / "odd.xlsx"
    _xlsform(workbook)
    from openpyxl import load_workbook

    book = load_workbook(workbook)
    book["survey"].append(["geopoint", "where", "Где вы?", "yes"])
    book.save(workbook)
    result = CliRunner().invoke(main, ["forms", "import", str(workbook)])
    assert result.exit_code == 1
    assert "survey" in result.stderr
    assert "строка 4" in result.stderr
