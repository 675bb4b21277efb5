from __future__ import annotations

from typing import Any

from forms.engine import (
    Cursor,
    QuestionScreen,
    ReviewScreen,
    after_answer,
    back,
    current_question,
    edit,
    effective_answers,
    first_unanswered,
    is_complete,
    screen,
    visible_questions,
)
from forms.schema import Form
from tests.forms.helpers import choice, make_form, many, question


def branching_form() -> Form:
    return make_form(
        question("note", "intro"),
        choice("role", "teacher", "parent"),
        question("yes_no", "kids", show_if={"question": "role", "equals": "parent"}),
        {
            "type": "section",
            "id": "work",
            "title": "О работе",
            "show_if": {"question": "role", "equals": "teacher"},
            "questions": [
                many("subjects", "math", "physics"),
                question("integer", "years", show_if={"question": "subjects", "selected": "math"}),
            ],
        },
        question("text", "comment", required=False),
    )


def ids(form: Form, answers: dict[str, Any]) -> list[str]:
    return [q.id for q in visible_questions(form, answers)]


def question_screen(form: Form, answers: dict[str, Any], cursor: Cursor) -> QuestionScreen:
    shown = screen(form, answers, cursor)
    assert isinstance(shown, QuestionScreen)
    return shown


def test_visibility_follows_answers_and_sections() -> None:
    form = branching_form()
    assert ids(form, {}) == ["intro", "role", "comment"]
    assert ids(form, {"role": "parent"}) == ["intro", "role", "kids", "comment"]
    assert ids(form, {"role": "teacher"}) == ["intro", "role", "subjects", "comment"]
    teacher = {"role": "teacher", "subjects": ["math"]}
    assert ids(form, teacher) == ["intro", "role", "subjects", "years", "comment"]


def test_hidden_answers_do_not_count() -> None:
    form = branching_form()
    stale = {"role": "parent", "subjects": ["math"], "years": 5, "kids": True}
    assert "years" not in ids(form, stale)
    assert effective_answers(form, stale) == {"role": "parent", "kids": True}


def test_derived_position_and_numbering() -> None:
    form = branching_form()
    first = question_screen(form, {}, Cursor())
    assert first.question.id == "intro"
    assert first.number is None  # a note is not numbered
    assert first.is_first
    answers: dict[str, Any] = {"intro": None}
    second = question_screen(form, answers, Cursor())
    assert (second.question.id, second.number, second.total) == ("role", 1, 2)
    answers["role"] = "teacher"
    third = question_screen(form, answers, Cursor())
    assert (third.question.id, third.number, third.total) == ("subjects", 2, 3)
    assert third.section is not None
    assert third.section.title == "О работе"
    assert [o.value for o in third.options] == ["math", "physics"]


def test_complete_and_review() -> None:
    form = branching_form()
    answers = {"intro": None, "role": "parent", "kids": False, "comment": None}
    assert is_complete(form, answers)
    assert first_unanswered(form, answers) is None
    shown = screen(form, answers, Cursor())
    assert isinstance(shown, ReviewScreen)
    assert [(item.question.id, item.value) for item in shown.items] == [
        ("role", "parent"),
        ("kids", False),
        ("comment", None),
    ]


def test_required_question_stored_as_none_is_not_answered() -> None:
    form = branching_form()
    answers = {"intro": None, "role": None}
    assert not is_complete(form, answers)
    assert question_screen(form, answers, Cursor()).question.id == "role"


def test_back_and_walk_forward_through_answered_questions() -> None:
    form = branching_form()
    answers: dict[str, Any] = {"intro": None, "role": "parent", "kids": True}
    assert question_screen(form, answers, Cursor()).question.id == "comment"
    cursor = back(form, answers, Cursor())
    assert cursor == Cursor(focus="kids")
    cursor = back(form, answers, cursor)
    shown = question_screen(form, answers, cursor)
    assert (shown.question.id, shown.current_value) == ("role", "parent")
    # the same answer again: walk forward, showing the answered «kids»
    cursor = after_answer(form, answers, cursor, "role")
    assert cursor == Cursor(focus="kids")
    cursor = after_answer(form, answers, cursor, "kids")
    assert cursor == Cursor()
    assert question_screen(form, answers, cursor).question.id == "comment"


def test_back_at_the_first_question_stays() -> None:
    form = branching_form()
    cursor = back(form, {}, Cursor())
    assert cursor == Cursor(focus="intro")
    assert back(form, {}, cursor) == Cursor(focus="intro")


def test_back_from_review_goes_to_the_last_question() -> None:
    form = branching_form()
    answers = {"intro": None, "role": "parent", "kids": False, "comment": "Спасибо"}
    assert back(form, answers, Cursor()) == Cursor(focus="comment")


def test_changing_a_branch_after_back() -> None:
    form = branching_form()
    answers: dict[str, Any] = {"intro": None, "role": "parent", "kids": True, "comment": None}
    cursor = Cursor(focus="role")
    answers["role"] = "teacher"
    cursor = after_answer(form, answers, cursor, "role")
    shown = question_screen(form, answers, cursor)
    assert shown.question.id == "subjects"
    assert "kids" not in effective_answers(form, answers)


def test_edit_from_review_returns_to_review() -> None:
    form = branching_form()
    answers: dict[str, Any] = {"intro": None, "role": "parent", "kids": True, "comment": None}
    cursor = edit(form, answers, "kids")
    assert cursor == Cursor(focus="kids", from_review=True)
    answers["kids"] = False
    cursor = after_answer(form, answers, cursor, "kids")
    assert isinstance(screen(form, answers, cursor), ReviewScreen)


def test_edit_that_opens_a_branch_asks_the_new_questions_first() -> None:
    form = branching_form()
    answers: dict[str, Any] = {"intro": None, "role": "parent", "kids": True, "comment": None}
    cursor = edit(form, answers, "role")
    assert cursor is not None
    answers["role"] = "teacher"
    cursor = after_answer(form, answers, cursor, "role")
    assert cursor == Cursor(from_review=True)
    assert question_screen(form, answers, cursor).question.id == "subjects"
    answers["subjects"] = ["physics"]
    cursor = after_answer(form, answers, cursor, "subjects")
    assert isinstance(screen(form, answers, cursor), ReviewScreen)


def test_edit_refuses_hidden_unknown_and_notes() -> None:
    form = branching_form()
    answers = {"intro": None, "role": "parent"}
    assert edit(form, answers, "years") is None
    assert edit(form, answers, "nothing") is None
    assert edit(form, answers, "intro") is None


def test_stale_focus_falls_back_to_the_derived_position() -> None:
    form = branching_form()
    answers = {"intro": None, "role": "parent"}
    for focus in ("years", "nothing"):
        cursor = Cursor(focus=focus, from_review=True)
        assert current_question(form, answers, cursor) is not None
        assert question_screen(form, answers, cursor).question.id == "kids"


def test_options_are_filtered_on_the_screen() -> None:
    schools = [
        {"value": "s1", "label": "Школа 1", "attributes": {"municipality": "m1"}},
        {"value": "s2", "label": "Школа 2", "attributes": {"municipality": "m2"}},
    ]
    form = make_form(
        choice("mun", "m1", "m2"),
        {
            **question("single_choice", "school"),
            "options": schools,
            "choice_filter": {"column": "municipality", "question": "mun"},
        },
    )
    shown = question_screen(form, {"mun": "m2"}, Cursor())
    assert [o.value for o in shown.options] == ["s2"]


def test_empty_answers_on_a_form_of_notes() -> None:
    form = make_form(question("note", "only"))
    shown = question_screen(form, {}, Cursor())
    assert (shown.number, shown.total) == (None, 0)
    assert isinstance(screen(form, {"only": None}, Cursor()), ReviewScreen)
