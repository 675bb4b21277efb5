"""A second reader: LibreOffice opens the register and the summary and shows them as CSV.

openpyxl reading back its own files proves little about what a spreadsheet shows; here
LibreOffice (headless, with a private profile) converts every sheet to CSV "as shown", so
the checks see what a coordinator sees: typed formulas as text, dates in Russian order.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
from pathlib import Path

import pytest

from exports.register import write_register
from exports.summary import write_summary
from tests.exports.helpers import (
    empty_data,
    every_type_answers,
    every_type_form,
    full_data,
    make_form,
    question,
    request_for,
    submission,
    t,
)

SOFFICE = shutil.which("soffice")
pytestmark = pytest.mark.skipif(
    SOFFICE is None,
    reason="LibreOffice is not installed (no soffice on PATH): "
    "apt-get install libreoffice-calc-nogui to run this second reader",
)
# Comma, double quote, UTF-8, from line 1, default formats, …, cells as shown, every sheet.
CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1"
TIMEOUT = 180


def as_csv(workbook: Path, tmp_path: Path) -> dict[str, list[list[str]]]:
    """Every sheet of ``workbook`` as LibreOffice shows it, by sheet name."""
    out = tmp_path / "csv"
    assert SOFFICE is not None
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            CSV_FILTER,
            "--outdir",
            str(out),
            str(workbook),
        ],
        check=True,
        capture_output=True,
        timeout=TIMEOUT,
    )
    prefix = f"{workbook.stem}-"
    sheets = {}
    for path in out.glob(f"{prefix}*.csv"):
        with path.open(encoding="utf-8", newline="") as file:
            sheets[path.stem.removeprefix(prefix)] = list(csv.reader(file))
    return sheets


def test_the_register_as_libreoffice_shows_it(tmp_path: Path) -> None:
    form = make_form(
        question("text", "comment", "Комментарий"),
        question("text", "link", "Ссылка"),
        question("date", "when", "Когда"),
        question("phone", "phone", "Телефон"),
        question("integer", "pupils", "Учеников"),
    )
    answers = {
        "comment": "=1+2",
        "link": '=HYPERLINK("http://evil.example";"жми")',
        "when": "2025-10-15",
        "phone": "+79161234567",
        "pupils": 25,
    }
    path = tmp_path / "register.xlsx"
    write_register(request_for(form), [submission(1, answers=answers)], path, t)
    sheets = as_csv(path, tmp_path)
    assert set(sheets) == {"Реестр", "Справочник", "О выгрузке", "История проверки"}
    header, row = sheets["Реестр"]
    shown = dict(zip(header, row, strict=True))
    assert shown["Комментарий"] == "=1+2"
    assert shown["Ссылка"] == '=HYPERLINK("http://evil.example";"жми")'
    assert shown["Время отправки"] == "01.09.2025 10:30"
    assert shown["Когда"] == "15.10.2025"
    assert shown["Телефон"] == "+7 916 123-45-67"
    assert shown["ID в Telegram"] == "700101"
    assert shown["Учеников"] == "25"
    about = {line[0]: line[1] for line in sheets["О выгрузке"]}
    assert about["Строк в реестре"] == "1"


def test_a_register_of_every_question_type_opens(tmp_path: Path) -> None:
    path = tmp_path / "every.xlsx"
    rows = [submission(1, answers=every_type_answers()), submission(2)]
    write_register(request_for(every_type_form(), one_hot=True), rows, path, t)
    register = as_csv(path, tmp_path)["Реестр"]
    assert len(register) == 3
    assert "Русский язык; Физика; Другое: Химия" in register[1]


def test_the_summary_as_libreoffice_shows_it(tmp_path: Path) -> None:
    path = tmp_path / "summary.xlsx"
    write_summary(full_data(), path, t)
    sheets = as_csv(path, tmp_path)
    assert set(sheets) == {
        "Показатели",
        "Затруднения педагогов",
        "Консультации",
        "Наставничество",
        "Мероприятия",
    }
    targets = [
        line for line in sheets["Показатели"] if line and line[0] == "Проведено консультаций"
    ]
    assert targets == [
        ["Проведено консультаций", "2025/26 учебный год", "20", "12", "60%", "8", "Больше половины"]
    ]
    assert ["09.2025", "2", "0", "1", "3"] in sheets["Консультации"]
    areas = {line[0]: line[1] for line in sheets["Затруднения педагогов"] if len(line) > 1}
    assert areas["Функциональная грамотность"] == "2.7"


def test_an_empty_summary_opens(tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    write_summary(empty_data(), path, t)
    sheets = as_csv(path, tmp_path)
    assert ["Нет данных"] in [line[:1] for line in sheets["Мероприятия"]]
