"""A repeat in the register: its own sheet, one row per entry, linked by the response's
number; the main sheet counts the entries."""

from __future__ import annotations

from typing import Any

from exports.repeats import SHEET_NAME_LIMIT, sheet_names
from forms.schema import Form
from tests.exports.helpers import (
    make_form,
    question,
    register_book,
    request_for,
    submission,
    values,
)

TITLE = "Школы, участвовавшие в мероприятии, и число их участников"


def event_form() -> Form:
    return make_form(
        question("text", "topic", "Тема"),
        {
            "type": "repeat",
            "id": "schools",
            "title": TITLE,
            "questions": [
                question("text", "school_name", "Школа"),
                question("integer", "people", "Участников"),
                question("text", "contact", "Контактное лицо"),
            ],
        },
    )


def rows() -> list[Any]:
    first = {"topic": "Семинар", "school_name[1]": "Школа № 1", "people[1]": 12}
    first |= {"contact[1]": "Иванова", "schools[1]": True}
    first |= {"school_name[2]": "Школа № 2", "people[2]": 5, "contact[2]": None}
    first["schools[2]"] = False
    return [
        submission(7, answers=first),
        submission(9, answers={"topic": "Без школ"}),
        submission(11, answers={"topic": "Одна", "school_name[1]": "Лицей", "people[1]": 3}),
    ]


def cells(sheet: Any) -> list[list[Any]]:
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_a_repeat_is_its_own_sheet_linked_by_the_number() -> None:
    book, _data = register_book(request_for(event_form()), rows())
    name = TITLE[:SHEET_NAME_LIMIT].rstrip()
    assert book.sheetnames == ["Реестр", name, "Справочник", "О выгрузке", "История проверки"]
    assert cells(book[name]) == [
        ["№ ответа", "Запись", "Школа", "Участников", "Контактное лицо"],
        [7, 1, "Школа № 1", 12, "Иванова"],
        [7, 2, "Школа № 2", 5, None],
        [11, 1, "Лицей", 3, None],
    ]
    assert values(book, "Школы, участвовавшие в мероприятии, и число их участников: записей") == [
        2,
        0,
        1,
    ]
    assert "Школа" not in [cell.value for cell in book.worksheets[0][1]]
    assert book[name].tables[f"Entries{1}"].ref == "A1:E4"
    reference = [row[0] for row in cells(book["Справочник"])]
    assert "Участников" in reference


def test_the_anonymised_repeat_sheet_leaves_out_personal_answers() -> None:
    book, _data = register_book(request_for(event_form(), anonymous=True), rows())
    sheet = book.worksheets[1]
    assert cells(sheet)[0] == ["№ ответа", "Запись", "Участников"]


def test_sheet_names_are_short_clean_and_unique() -> None:
    taken = ["Реестр", "Справочник"]
    names = sheet_names(["реестр", "Баллы: 1/2 [итог]", "x" * 40, "x" * 40], taken)
    assert names == ["реестр (2)", "Баллы 1 2 итог", "x" * 31, "x" * 27 + " (2)"]
