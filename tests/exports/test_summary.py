"""The summary workbook read back: every sheet, the figures, colours, charts, empty data."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from exports.facts import DifficultyResponse, DifficultySurvey, SummaryData
from exports.summary import write_summary
from tests.exports.helpers import AREAS, MOSCOW, WAVES, empty_data, full_data, t

SHEETS = ["Показатели", "Затруднения педагогов", "Консультации", "Наставничество", "Мероприятия"]


def written(data: SummaryData) -> tuple[Workbook, bytes]:
    buffer = io.BytesIO()
    write_summary(data, buffer, t)
    return load_workbook(io.BytesIO(buffer.getvalue())), buffer.getvalue()


def rows(sheet: Worksheet) -> list[tuple[Any, ...]]:
    """Non-empty rows without their trailing empty cells."""
    found = []
    for row in sheet.iter_rows(values_only=True):
        values = list(row)
        while values and values[-1] is None:
            values.pop()
        if values:
            found.append(tuple(values))
    return found


def after(sheet: Worksheet, heading: str) -> Iterator[tuple[Any, ...]]:
    """The rows after a heading, up to the next empty row."""
    started = False
    for row in sheet.iter_rows(values_only=True):
        if started and all(value is None for value in row):
            return
        if started:
            values = list(row)
            while values and values[-1] is None:
                values.pop()
            yield tuple(values)
        started = started or row[0] == heading


def charts(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [name for name in archive.namelist() if name.startswith("xl/charts/chart")]


def test_the_sheets() -> None:
    book, data = written(full_data())
    assert book.sheetnames == SHEETS
    assert len(charts(data)) == 5


def test_targets_with_share_remaining_and_colour() -> None:
    book, _data = written(full_data())
    sheet = book["Показатели"]
    assert rows(sheet)[:4] == [
        ("Сводка рабочей группы",),
        ("Период", "2025/26 учебный год"),
        ("Время выгрузки", datetime(2026, 1, 20, 10, 0)),
        ("Кто выгрузил", "Координатор Петрова"),
    ]
    table = list(after(sheet, "Показатели дорожной карты"))
    assert table == [
        ("Показатель", "Период", "Цель", "Сейчас", "Выполнено", "Осталось", "Состояние"),
        ("Проведено консультаций", "2025/26 учебный год", 20, 12, 0.6, 8, "Больше половины"),
        ("Действующих наставнических пар", "на сегодня", 10, 11, 1.1, 0, "Цель достигнута"),
        ("Участников мероприятий", "2025/26 учебный год", 100, 30, 0.3, 70, "Меньше половины"),
    ]
    first = next(row for row in sheet.iter_rows() if row[0].value == "Проведено консультаций")
    colours = [first[index].fill.fgColor.rgb for index in (4, 6)]
    assert colours == ["00FFEB9C", "00FFEB9C"]
    assert first[4].number_format == "0%"
    legend = [row[0] for row in rows(sheet)[-3:]]
    assert legend[0].startswith("Зелёный")
    assert legend[2].startswith("Красный")


def test_difficulty_averages_by_area_municipality_and_school() -> None:
    book, _data = written(full_data())
    sheet = book["Затруднения педагогов"]
    assert list(after(sheet, "По направлениям"))[:3] == [
        ("Направление", "Средняя оценка", "Ответов"),
        ("Функциональная грамотность", 2.7, 7),
        ("Подготовка к ВПР, ОГЭ и ЕГЭ", 3.5, 4),
    ]
    assert list(after(sheet, "По муниципалитетам")) == [
        ("Муниципалитет", "Ответов", "Функциональная грамотность", "Подготовка к ВПР, ОГЭ и ЕГЭ"),
        ("Город", 6, 2.8, 3.5),
        ("Заречный район", 1, 2),
    ]
    assert list(after(sheet, "По школам")) == [
        ("Муниципалитет", "Школа", "Ответов", *(label for _id, label in AREAS)),
        ("Город", "Школа № 1", 4, 3.8, 4),
        ("Город", "Школа № 3", 2, 1, 2),
        ("Заречный район", "Школа № 2", 1, 2),
    ]
    heat_maps = [rule.type for rules in sheet.conditional_formatting for rule in rules.rules]
    assert heat_maps.count("colorScale") == 2


def test_wanted_support_is_counted_and_sorted() -> None:
    book, _data = written(full_data())
    table = list(after(book["Затруднения педагогов"], "Какая поддержка нужна педагогам"))
    assert table[0] == ("Форма поддержки", "Выбрали", "Доля ответивших")
    assert [row[:2] for row in table[1:]] == [("Курсы", 3), ("Наставничество", 1), ("Семинар", 1)]
    assert table[1][2] == pytest.approx(3 / 7)


def test_change_between_the_first_and_last_waves_answered_by_the_same_schools() -> None:
    book, _data = written(full_data())
    sheet = book["Затруднения педагогов"]
    heading = "Изменение между волнами «Входной» и «Промежуточный»"
    table = list(after(sheet, heading))
    assert table[1:] == [
        ("Муниципалитет", "Школа", "Направление", "Входной", "Промежуточный", "Изменение"),
        ("Город", "Школа № 1", "Функциональная грамотность", 4.5, 3, -1.5),
        ("Город", "Школа № 1", "Подготовка к ВПР, ОГЭ и ЕГЭ", 4.5, 3, -1.5),
    ]
    rules = [rule.operator for rules in sheet.conditional_formatting for rule in rules.rules]
    assert {"lessThan", "greaterThan"} <= set(rules)


def test_no_wave_comparison_with_one_wave() -> None:
    data = full_data()
    one_wave = [r for r in data.difficulties.responses if r.wave == "Входной"]
    survey = DifficultySurvey(AREAS, WAVES, one_wave)
    book, _data = written(SummaryData("год", data.exported_at, "П", MOSCOW, difficulties=survey))
    table = list(after(book["Затруднения педагогов"], "Изменение между волнами"))
    assert table == [("Нет данных: нужны ответы одних и тех же школ хотя бы в двух волнах.",)]


def test_consultations_by_month_topic_and_status() -> None:
    book, _data = written(full_data())
    sheet = book["Консультации"]
    assert list(after(sheet, "По месяцам и темам")) == [
        ("Месяц", "Поведение", "Профориентация", "Трудности в обучении", "Всего"),
        (datetime(2025, 9, 1), 2, 0, 1, 3),
        (datetime(2025, 10, 1), 1, 1, 0, 2),
        ("Всего", 3, 1, 1, 5),
    ]
    # Most frequent first, ties by name; an unknown status code is shown as it is.
    assert list(after(sheet, "По месяцам и состояниям")) == [
        ("Месяц", "Проведена", "postponed", "Не пришли", "Всего"),
        (datetime(2025, 9, 1), 2, 0, 1, 3),
        (datetime(2025, 10, 1), 1, 1, 0, 2),
        ("Всего", 3, 1, 1, 5),
    ]
    month = next(row[0] for row in sheet.iter_rows() if row[0].value == datetime(2025, 9, 1))
    assert month.number_format == "MM.YYYY"


def test_mentoring_pairs() -> None:
    book, _data = written(full_data())
    sheet = book["Наставничество"]
    assert list(after(sheet, "По состояниям")) == [
        ("Состояние", "Пар"),
        ("Действует", 2),
        ("Ждёт подтверждения", 1),
        ("Расторгнута", 1),
        ("Всего", 4),
    ]
    assert list(after(sheet, "По предметам")) == [
        ("Предмет", "Пар"),
        ("Математика", 2),
        ("Русский язык", 1),
        ("Физика", 1),
    ]
    assert ("Пар «школа — школа-партнёр»", 2) in rows(sheet)


def test_events_and_the_low_result_schools_reached() -> None:
    book, _data = written(full_data())
    sheet = book["Мероприятия"]
    assert list(after(sheet, "По видам")) == [
        ("Вид мероприятия", "Мероприятий", "Участников"),
        ("Семинар", 2, 65),
        ("Вебинар", 1, 80),
        ("Всего", 3, 145),
    ]
    found = dict(row for row in rows(sheet) if len(row) == 2)
    assert found["Всего участников"] == 145
    assert found["Школ с низкими результатами, принявших участие"] == 2
    assert found["Школ с низкими результатами в справочнике"] == 4
    assert found["Доля школ с низкими результатами, принявших участие"] == 0.5


def test_empty_data_says_so_and_draws_no_chart(tmp_path: Path) -> None:
    path = tmp_path / "summary.xlsx"
    write_summary(empty_data(), path, t)
    book = load_workbook(path)
    assert book.sheetnames == SHEETS
    with zipfile.ZipFile(path) as archive:
        assert not [name for name in archive.namelist() if "chart" in name]
    texts = {sheet.title: [row[0] for row in rows(sheet)] for sheet in book.worksheets}
    assert texts["Показатели"].count("Нет данных") == 1
    assert texts["Затруднения педагогов"].count("Нет данных") == 4
    assert texts["Консультации"].count("Нет данных") == 2
    assert texts["Наставничество"].count("Нет данных") == 2
    assert texts["Мероприятия"].count("Нет данных") == 1
    found = dict(row for row in rows(book["Мероприятия"]) if len(row) == 2)
    assert found["Доля школ с низкими результатами, принявших участие"] == "Нет данных"


def test_names_from_the_directory_are_safe_text() -> None:
    data = full_data()
    survey = DifficultySurvey(
        AREAS, WAVES, [DifficultyResponse("=МО", "=1+2", "9", None, {"literacy": 3}, ["@x"])]
    )
    book, _data = written(SummaryData("год", data.exported_at, "=cmd", MOSCOW, difficulties=survey))
    cells = [
        cell
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and cell.value[:1] in "=@"
    ]
    assert {cell.value for cell in cells} == {"=МО", "=1+2", "@x", "=cmd"}
    assert {cell.data_type for cell in cells} == {"s"}
