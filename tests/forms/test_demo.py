"""The demo form: every question type, a section, skip logic, and a walk through it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import forms
from forms.display import format_answer
from forms.engine import (
    Cursor,
    QuestionScreen,
    ReviewScreen,
    after_answer,
    effective_answers,
    screen,
)
from forms.inputs import (
    Accepted,
    ChoiceInput,
    ContactInput,
    RawAnswer,
    SchoolInput,
    SkipInput,
    TextInput,
)
from forms.loading import check_paths, load_form
from forms.questions import MultipleChoiceQuestion
from forms.schema import Form, Section
from forms.validation import Selection, finish_selection, toggle_option, validate
from tests.forms.helpers import TODAY, t

LIBRARY = Path(forms.__file__).parent / "library"
DEMO = LIBRARY / "demo.yaml"


def test_library_is_clean() -> None:
    assert check_paths([LIBRARY]) == []


def test_demo_has_everything() -> None:
    form = load_form(DEMO)
    assert form.title == "Пробная анкета"
    types = {question.type for question in form.all_questions()}
    assert types == {
        "text",
        "integer",
        "decimal",
        "single_choice",
        "multiple_choice",
        "yes_no",
        "rating",
        "date",
        "phone",
        "email",
        "school",
        "file",
        "note",
    }
    assert any(isinstance(item, Section) for item in form.questions)
    assert any(question.show_if for question in form.all_questions())


def walk(form: Form, replies: dict[str, Any]) -> dict[str, Any]:
    """Answer every screen from ``replies`` (a raw answer or a list of ticks) until review."""
    answers: dict[str, Any] = {}
    cursor = Cursor()
    for _ in range(50):
        shown = screen(form, answers, cursor)
        if isinstance(shown, ReviewScreen):
            return answers
        question = shown.question
        value = _answer(question, replies.get(question.id, SkipInput()))
        answers[question.id] = value
        cursor = after_answer(form, answers, cursor, question.id)
    raise AssertionError("the walk did not reach the review screen")


def _answer(question: Any, reply: RawAnswer | list[str]) -> Any:
    if isinstance(question, MultipleChoiceQuestion):
        assert isinstance(reply, list)
        selection = Selection()
        for value in reply:
            step = toggle_option(question, selection, value)
            assert isinstance(step, Selection)
            selection = step
        outcome = finish_selection(question, selection)
    else:
        assert not isinstance(reply, list)
        outcome = validate(question, reply, today=TODAY)
    assert isinstance(outcome, Accepted), (question.id, outcome)
    return outcome.value


def test_a_teacher_walks_through_the_demo() -> None:
    form = load_form(DEMO)
    answers = walk(
        form,
        {
            "welcome": ChoiceInput("next"),
            "position": ChoiceInput("teacher"),
            "school": SchoolInput("101", "МБОУ СОШ № 1", "Грачёвский муниципальный округ"),
            "subjects": ["math", "physics"],
            "experience": TextInput("12"),
            "prep_hours": TextInput("7,5"),
            "literacy_difficulty": ChoiceInput("4"),
            "support_areas": ["literacy", "parents"],
            "wants_mentor": ChoiceInput("yes"),
            "mentor_format": ChoiceInput("online"),
            "name": TextInput("Анна Сергеевна"),
            "phone": ContactInput("79161234567"),
            "finish": ChoiceInput("next"),
        },
    )
    kept = effective_answers(form, answers)
    assert kept["subjects"] == ["math", "physics"]
    assert "email" not in kept  # asked only when no phone is given
    review = screen(form, answers, Cursor())
    assert isinstance(review, ReviewScreen)
    shown = {item.question.id: format_answer(item.question, item.value, t) for item in review.items}
    assert shown["prep_hours"] == "7,5"
    assert shown["literacy_difficulty"] == "4 из 5"
    assert shown["wants_mentor"] == "Да"
    assert shown["phone"] == "+7 916 123-45-67"
    assert shown["consultation_date"] == "Без ответа"


def test_a_parent_skips_the_teachers_section() -> None:
    form = load_form(DEMO)
    answers = walk(
        form,
        {
            "welcome": ChoiceInput("next"),
            "position": ChoiceInput("parent"),
            "email": TextInput("mama@mail.ru"),
        },
    )
    assert set(answers) >= {"email"}
    assert "subjects" not in answers
    assert "school" not in answers


def test_the_first_screen() -> None:
    form = load_form(DEMO)
    first = screen(form, {}, Cursor())
    assert isinstance(first, QuestionScreen)
    assert first.question.id == "welcome"
    assert first.number is None
