"""Stored answers as cell values, for the shapes that the register tests do not cover."""

from __future__ import annotations

import random

import pytest

from exports.answers import (
    Choices,
    as_date,
    as_number,
    as_phone,
    files_value,
    option_flag,
    school_part,
)
from exports.cells import Link
from forms.questions import SingleChoiceQuestion
from forms.values import pretty_phone


def test_fast_phone_text_is_what_pretty_phone_gives() -> None:
    generator = random.Random(6)
    numbers = [f"+7{first}{generator.randrange(10**9):09d}" for first in "349" for _ in range(300)]
    numbers += ["+77012345678", "+380441234567", "+74951234567", "8 916", "(удалено)"]
    assert [as_phone(number) for number in numbers] == [pretty_phone(n) for n in numbers]


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, None), (5, 5), (2.5, 2.5), (True, "True"), ("(удалено)", "(удалено)")],
)
def test_numbers(value: object, expected: object) -> None:
    assert as_number(value) == expected


def test_a_date_that_cannot_be_read_is_text() -> None:
    assert as_date("31.02.2025") == "31.02.2025"


def test_a_school_written_as_text_by_an_older_version() -> None:
    assert school_part("Школа № 5", "name") == "Школа № 5"
    assert school_part("Школа № 5", "municipality") is None


def test_option_flags_of_other_shapes() -> None:
    assert option_flag("math", "math") == 1
    assert option_flag({"selected": ["_other"], "other": ""}, "_other") == 1
    assert option_flag(["math"], "_other") == 0


def test_files_from_different_folders_are_listed_with_their_paths() -> None:
    files = [{"name": "a", "path": "files/1/a"}, {"name": "b", "path": "files/2/b"}]
    assert files_value(files) == Link("a; b", "files/")
    scattered = [{"name": "a", "path": "a.pdf"}, {"name": "b", "path": "b.pdf"}]
    assert files_value(scattered) == "a (a.pdf); b (b.pdf)"
    assert files_value("(удалено)") == "(удалено)"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("math", "Математика"),
        ("gone", "gone"),  # an option an older version had
        ("_other", ""),
        (["math", "russian"], "Математика, Русский язык"),
        ({"selected": ["_other"], "other": "Химия"}, "Другое: Химия"),
        ({"other": "Химия"}, "Другое: Химия"),
        (7, "7"),
    ],
)
def test_choice_labels_of_every_shape(value: object, expected: str) -> None:
    question = SingleChoiceQuestion.model_validate(
        {
            "type": "single_choice",
            "id": "subject",
            "label": "Предмет",
            "options": [
                {"value": "russian", "label": "Русский язык"},
                {"value": "math", "label": "Математика"},
            ],
            "other": True,
        }
    )
    assert Choices(question, lambda text: f"Другое: {text}")(value) == expected
