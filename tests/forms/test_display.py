from __future__ import annotations

from typing import Any

import pytest

from forms.display import format_answer
from forms.questions import (
    DateQuestion,
    DecimalQuestion,
    FileQuestion,
    IntegerQuestion,
    MultipleChoiceQuestion,
    NoteQuestion,
    Option,
    PhoneQuestion,
    Question,
    RatingQuestion,
    SchoolQuestion,
    SingleChoiceQuestion,
    TextQuestion,
    YesNoQuestion,
)
from tests.forms.helpers import t

SUBJECTS = (Option(value="russian", label="Русский язык"), Option(value="math", label="Математика"))


@pytest.mark.parametrize(
    ("question", "value", "text"),
    [
        (TextQuestion(id="a", label="A"), "Анна", "Анна"),
        (TextQuestion(id="a", label="A"), None, "Без ответа"),
        (IntegerQuestion(id="a", label="A"), 12, "12"),
        (DecimalQuestion(id="a", label="A"), 12.5, "12,5"),
        (DecimalQuestion(id="a", label="A"), 7.0, "7"),
        (SingleChoiceQuestion(id="a", label="A", options=SUBJECTS), "math", "Математика"),
        (
            SingleChoiceQuestion(id="a", label="A", options=SUBJECTS, other=True),
            {"other": "ОБЖ"},
            "Другое: ОБЖ",
        ),
        (SingleChoiceQuestion(id="a", label="A", options=SUBJECTS), "removed", "removed"),
        (
            MultipleChoiceQuestion(id="a", label="A", options=SUBJECTS),
            ["russian", "math"],
            "Русский язык; Математика",
        ),
        (
            MultipleChoiceQuestion(id="a", label="A", options=SUBJECTS, other=True),
            {"selected": ["math"], "other": "ОБЖ"},
            "Математика; Другое: ОБЖ",
        ),
        (YesNoQuestion(id="a", label="A"), True, "Да"),
        (YesNoQuestion(id="a", label="A"), False, "Нет"),
        (RatingQuestion(id="a", label="A"), 4, "4 из 5"),
        (RatingQuestion(id="a", label="A", min=0, max=10), 7, "7 из 10"),
        (DateQuestion(id="a", label="A"), "2025-09-01", "01.09.2025"),
        (PhoneQuestion(id="a", label="A"), "+79161234567", "+7 916 123-45-67"),
        (
            SchoolQuestion(id="a", label="A"),
            {"code": "1", "name": "МБОУ СОШ № 1", "municipality": "Грачёвский округ"},
            "МБОУ СОШ № 1 (Грачёвский округ)",
        ),
        (
            FileQuestion(id="a", label="A"),
            [{"file_id": "1", "name": "план.pdf", "size": 1, "kind": "document"}],
            "1 файл: план.pdf",
        ),
        (
            FileQuestion(id="a", label="A"),
            [{"file_id": str(i), "name": f"{i}.jpg", "size": 1, "kind": "photo"} for i in range(5)],
            "5 файлов: 0.jpg, 1.jpg, 2.jpg, 3.jpg, 4.jpg",
        ),
        (NoteQuestion(id="a", label="A"), None, ""),
    ],
)
def test_format_answer(question: Question, value: Any, text: str) -> None:
    assert format_answer(question, value, t) == text
