"""Calculations in a register: not stored, worked out from each row's answers under the
definition of its version, one column each."""

from __future__ import annotations

from tests.exports.helpers import (
    column,
    header,
    make_form,
    question,
    register_book,
    request_for,
    submission,
)


def test_a_calculation_has_its_column_worked_out_from_the_answers() -> None:
    form = make_form(
        question("integer", "boys", "Мальчиков"),
        question("integer", "girls", "Девочек"),
        {
            "type": "calculate",
            "id": "pupils",
            "label": "Всего учеников",
            "calculation": "${boys} + ${girls}",
        },
        {"type": "calculate", "id": "size", "calculation": "if(${pupils} > 25, 'big', 'small')"},
        question("text", "school", "Школа", default="Школа № 1", read_only=True),
    )
    rows = [
        submission(1, answers={"boys": 12, "girls": 15, "school": "Школа № 1"}),
        submission(2, answers={"boys": 10}),
    ]
    book, _data = register_book(request_for(form), rows)
    answers = ["Мальчиков", "Девочек", "Всего учеников", "size", "Школа"]
    assert header(book)[-7:] == [*answers, "Статус проверки", "Комментарий проверки"]
    assert [cell.value for cell in column(book, "Всего учеников")] == [27, None]  # NaN: empty
    assert [cell.value for cell in column(book, "size")] == ["big", "small"]
    assert [cell.value for cell in column(book, "Школа")] == ["Школа № 1", None]
