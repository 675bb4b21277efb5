"""Repeats: entries derived from the answers, «Назад», edits and the review inside them,
the checks of the form file and the canonical form."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from forms.engine import (
    Cursor,
    QuestionScreen,
    Removal,
    ReviewScreen,
    after_answer,
    back,
    current_question,
    edit,
    effective_answers,
    is_complete,
    remove_entry,
    screen,
    visible_questions,
)
from forms.errors import translate_errors
from forms.inputs import Accepted, ChoiceInput, TextInput
from forms.questions import Question
from forms.schema import Form, entry_id, split_entry_id
from forms.validation import validate
from tests.forms.helpers import TODAY, choice, make_form, question


def open_form(**repeat: Any) -> Form:
    """A subject's results: an open repeat of a subject and, for exams, a score."""
    return make_form(
        question("text", "name"),
        {
            "type": "repeat",
            "id": "subjects",
            "title": "Предмет",
            "questions": [
                choice("subject", "math", "physics"),
                question("yes_no", "exam"),
                question("integer", "score", show_if={"question": "exam", "equals": True}),
            ],
            **repeat,
        },
        question("text", "comment", required=False),
    )


def counted_form() -> Form:
    """Schools of an event: as many entries as the answer to ``schools``."""
    return make_form(
        question("integer", "schools", min=0, max=10),
        {
            "type": "repeat",
            "id": "visits",
            "title": "Школа",
            "count": "schools",
            "questions": [question("text", "school_name"), question("integer", "people")],
        },
    )


def ids(form: Form, answers: dict[str, Any]) -> list[str]:
    return [q.id for q in visible_questions(form, answers)]


def at(form: Form, answers: dict[str, Any], cursor: Cursor | None = None) -> str | None:
    found = current_question(form, answers, cursor or Cursor())
    return None if found is None else found.id


def test_entry_ids_round_trip() -> None:
    assert entry_id("score", 12) == "score[12]"
    assert split_entry_id("score[12]") == ("score", 12)
    assert split_entry_id("score") is None
    assert split_entry_id("score[0]") is None


def test_open_repeat_grows_with_add_more_answers() -> None:
    form = open_form()
    first = {"name": "Анна", "subject[1]": "math", "exam[1]": False}
    assert ids(form, first) == ["name", "subject[1]", "exam[1]", "subjects[1]", "comment"]
    assert at(form, first) == "subjects[1]"
    second = {**first, "subjects[1]": True}
    assert ids(form, second)[3:] == [
        "subjects[1]",
        "subject[2]",
        "exam[2]",
        "subjects[2]",
        "comment",
    ]
    assert at(form, second) == "subject[2]"
    done = {
        **second,
        "subject[2]": "physics",
        "exam[2]": True,
        "score[2]": 80,
        "subjects[2]": False,
    }
    assert at(form, done) == "comment"


def test_condition_inside_an_entry_sees_that_entry_only() -> None:
    form = open_form()
    answers = {"subject[1]": "math", "exam[1]": True, "subjects[1]": True, "subject[2]": "math"}
    answers["exam[2]"] = False
    shown = ids(form, answers)
    assert "score[1]" in shown
    assert "score[2]" not in shown


def test_count_from_an_earlier_question() -> None:
    form = counted_form()
    assert ids(form, {}) == ["schools"]
    assert ids(form, {"schools": 2}) == [
        "schools",
        "school_name[1]",
        "people[1]",
        "school_name[2]",
        "people[2]",
    ]
    assert ids(form, {"schools": 0}) == ["schools"]
    assert is_complete(form, {"schools": 0})


def test_a_fixed_count_and_the_max_count_of_an_open_repeat() -> None:
    fixed = open_form(count=2)
    assert ids(fixed, {})[1:] == ["subject[1]", "exam[1]", "subject[2]", "exam[2]", "comment"]
    capped = open_form(max_count=2)
    answers = {"subjects[1]": True, "subject[2]": "math", "exam[2]": False}
    assert "subjects[2]" not in ids(capped, answers)  # no «Добавить ещё» after the last


def test_numbers_count_entries_but_not_add_more() -> None:
    form = open_form()
    answers = {"name": "Анна", "subject[1]": "math", "exam[1]": False}
    shown = screen(form, answers, Cursor())
    assert isinstance(shown, QuestionScreen)
    assert shown.more
    assert shown.number is None
    assert shown.entry is not None
    assert shown.entry.number == 1
    assert shown.entry.total is None
    shown = screen(form, {"name": "Анна"}, Cursor())
    assert isinstance(shown, QuestionScreen)
    assert (shown.number, shown.total) == (2, 4)
    assert shown.entry is not None
    assert shown.entry.number == 1


def complete_answers() -> dict[str, Any]:
    return {
        "name": "Анна",
        "subject[1]": "math",
        "exam[1]": True,
        "score[1]": 70,
        "subjects[1]": True,
        "subject[2]": "physics",
        "exam[2]": False,
        "subjects[2]": False,
        "comment": None,
    }


def test_back_walks_through_entries() -> None:
    form = open_form()
    answers = complete_answers()
    cursor = back(form, answers, Cursor())  # from the review: the last question
    assert cursor.focus == "comment"
    cursor = back(form, answers, cursor)
    assert cursor.focus == "subjects[2]"
    cursor = back(form, answers, cursor)
    assert cursor.focus == "exam[2]"
    cursor = back(form, answers, back(form, answers, cursor))
    assert cursor.focus == "subjects[1]"
    # walking forward again keeps the given answers in focus
    assert after_answer(form, answers, cursor, "subjects[1]").focus == "subject[2]"


def test_review_groups_entries_and_edit_goes_back_to_it() -> None:
    form = open_form()
    answers = complete_answers()
    review = screen(form, answers, Cursor())
    assert isinstance(review, ReviewScreen)
    assert [item.question.id for item in review.items] == [
        "name",
        "subject[1]",
        "exam[1]",
        "score[1]",
        "subject[2]",
        "exam[2]",
        "comment",
    ]
    assert [item.entry.number if item.entry else None for item in review.items] == [
        None,
        1,
        1,
        1,
        2,
        2,
        None,
    ]
    assert [shown.question.id for shown in review.additions] == ["subjects[2]"]
    cursor = edit(form, answers, "exam[2]")
    assert cursor == Cursor(focus="exam[2]", from_review=True)
    changed = {**answers, "exam[2]": True}
    cursor = after_answer(form, changed, cursor, "exam[2]")
    assert at(form, changed, cursor) == "score[2]"  # the new question of that entry


def test_adding_an_entry_from_the_review() -> None:
    form = open_form()
    answers = complete_answers()
    cursor = edit(form, answers, "subjects[2]")
    assert cursor is not None
    more = {**answers, "subjects[2]": True}
    cursor = after_answer(form, more, cursor, "subjects[2]")
    assert at(form, more, cursor) == "subject[3]"


def test_entries_closed_by_done_are_dropped_on_sending() -> None:
    form = open_form()
    answers = {**complete_answers(), "subjects[1]": False}
    kept = effective_answers(form, answers)
    assert "subject[2]" not in kept
    assert kept["subjects[1]"] is False


def test_count_reduced_drops_the_later_entries() -> None:
    form = counted_form()
    answers = {"schools": 2, "school_name[1]": "А", "people[1]": 3}
    answers |= {"school_name[2]": "Б", "people[2]": 4}
    assert is_complete(form, answers)
    assert set(effective_answers(form, {**answers, "schools": 1})) == {
        "schools",
        "school_name[1]",
        "people[1]",
    }


def test_a_choice_filter_inside_an_entry_follows_that_entry() -> None:
    options = [
        {"value": "a1", "label": "A1", "attributes": {"group": "a"}},
        {"value": "b1", "label": "B1", "attributes": {"group": "b"}},
    ]
    form = make_form(
        {
            "type": "repeat",
            "id": "items",
            "title": "Запись",
            "questions": [
                choice("group", "a", "b"),
                {
                    "type": "single_choice",
                    "id": "item",
                    "label": "item",
                    "options": options,
                    "choice_filter": {"column": "group", "question": "group"},
                },
            ],
        }
    )
    shown = screen(form, {"group[1]": "b"}, Cursor())
    assert isinstance(shown, QuestionScreen)
    assert [option.value for option in shown.options] == ["b1"]


def test_answer_question_resolves_entry_ids() -> None:
    form = open_form()
    found = form.answer_question("score[3]")
    assert found is not None
    assert found.id == "score[3]"
    assert found.type == "integer"
    assert form.answer_question("subjects[1]") is None
    assert [q.id for q in form.all_questions()] == ["name", "comment"]


def test_canonical_and_fingerprint_cover_repeats() -> None:
    form = open_form()
    canonical = form.canonical()
    assert canonical["questions"][1]["type"] == "repeat"
    assert canonical["questions"][1]["questions"][2]["id"] == "score"
    assert Form.model_validate(canonical) == form
    assert open_form(max_count=3).fingerprint() != form.fingerprint()


def problems(*items: dict[str, Any]) -> list[tuple[str, str]]:
    data = {"id": "t", "title": "Т", "questions": list(items)}
    with pytest.raises(ValidationError) as caught:
        Form.model_validate(data)
    return [
        (".".join(str(part) for part in loc), mid)
        for loc, mid, _p in translate_errors(caught.value, data)
    ]


def repeat(**extra: Any) -> dict[str, Any]:
    return {
        "type": "repeat",
        "id": "members",
        "title": "Участник",
        "questions": [question("text", "member")],
        **extra,
    }


def test_count_must_name_an_earlier_integer_question() -> None:
    assert problems(repeat(count="later"), question("integer", "later")) == [
        ("questions.0.count", "form-error-condition-later")
    ]
    assert problems(question("text", "words"), repeat(count="words")) == [
        ("questions.1.count", "form-error-repeat-count-not-integer")
    ]
    assert problems(repeat(count=0)) == [("questions.0.count", "form-error-repeat-count")]
    assert problems(repeat(count=60)) == [("questions.0", "form-error-repeat-count-above-max")]


def test_questions_after_a_repeat_cannot_look_inside_it() -> None:
    after = question("text", "after", show_if={"question": "member", "answered": True})
    assert problems(repeat(), after) == [("questions.1.show_if", "form-error-condition-in-repeat")]


def test_nesting_is_refused_with_which_inside_which() -> None:
    section = {"type": "section", "title": "Р", "questions": [repeat()]}
    assert problems(section) == [("questions.0.questions.0", "form-error-repeat-in-section")]
    inner = {"type": "section", "title": "Р", "questions": [question("text", "x")]}
    assert problems(repeat(questions=[inner])) == [
        ("questions.0.questions.0", "form-error-section-in-repeat")
    ]
    assert problems(repeat(questions=[repeat(id="other")])) == [
        ("questions.0.questions.0", "form-error-nested-repeat")
    ]


def test_repeat_id_is_unique_with_question_ids() -> None:
    assert problems(question("text", "members"), repeat()) == [
        ("questions.1.id", "form-error-duplicate-id")
    ]


def test_answered_questions_keep_the_form_order_entry_by_entry() -> None:
    form = open_form()
    stored = ["comment", "exam[2]", "subject[2]", "subjects[1]", "exam[1]", "subject[1]", "name"]
    found = [q.id for q in form.answered_questions(stored)]
    assert found == ["name", "subject[1]", "exam[1]", "subject[2]", "exam[2]", "comment"]


def test_removing_an_entry_moves_the_later_ones_up() -> None:
    form = open_form()
    answers = complete_answers()
    review = screen(form, answers, Cursor())
    assert isinstance(review, ReviewScreen)
    assert [entry.number for entry in review.removable] == [1, 2]
    removal = remove_entry(form, answers, "subjects[1]")
    assert removal == Removal(
        saved={"subject[1]": "physics", "exam[1]": False, "subjects[1]": False},
        deleted=frozenset({"score[1]", "subject[2]", "exam[2]", "score[2]", "subjects[2]"}),
    )
    left = {k: v for k, v in answers.items() if k not in removal.deleted} | removal.saved
    assert is_complete(form, left)
    assert remove_entry(form, left, "subjects[1]") is None  # the only entry stays
    assert remove_entry(counted_form(), {"schools": 2}, "visits[1]") is None


# --- any walk through a form with repeats stays sane ------------------------------------------

PROPERTY_FORM = make_form(
    question("integer", "rounds", min=0, max=3),
    {
        "type": "repeat",
        "id": "scores",
        "title": "Тур",
        "count": "rounds",
        "questions": [question("integer", "points", min=0, max=10)],
    },
    {
        "type": "repeat",
        "id": "members",
        "title": "Участник",
        "max_count": 4,
        "questions": [
            question("yes_no", "captain"),
            question(
                "text", "phone", required=False, show_if={"question": "captain", "equals": True}
            ),
        ],
    },
)
CANDIDATES = {
    "rounds": ["2", "0", "3", "пять"],
    "points": ["7", "11"],
    "members": ["yes", "no"],
    "captain": ["yes", "no"],
    "phone": ["Иван", "  "],
}
walks = st.lists(
    st.tuples(st.sampled_from(["answer", "back", "edit", "remove"]), st.integers(0, 50)),
    max_size=40,
)


def _answer(question: Question, seed: int) -> Any:
    base = split_entry_id(question.id)
    texts = CANDIDATES[base[0] if base else question.id]
    text = texts[seed % len(texts)]
    raw = ChoiceInput(text) if text in ("yes", "no") else TextInput(text)
    outcome = validate(question, raw, today=TODAY)
    return outcome.value if isinstance(outcome, Accepted) else None


def _step(answers: dict[str, Any], cursor: Cursor, kind: str, seed: int) -> Cursor:
    form = PROPERTY_FORM
    visible = visible_questions(form, answers)
    if kind == "back":
        return back(form, answers, cursor)
    if kind == "edit":
        return edit(form, answers, visible[seed % len(visible)].id) or cursor
    if kind == "remove":
        return _remove(answers, seed) or cursor
    shown = screen(form, answers, cursor)
    if not isinstance(shown, QuestionScreen):
        return cursor
    value = _answer(shown.question, seed)
    if value is None and shown.question.required:
        return cursor
    answers[shown.question.id] = value
    return after_answer(form, answers, cursor, shown.question.id)


def _remove(answers: dict[str, Any], seed: int) -> Cursor | None:
    removal = remove_entry(PROPERTY_FORM, answers, f"members[{seed % 5}]")
    if removal is None:
        return None
    for gone in removal.deleted:
        answers.pop(gone, None)
    answers.update(removal.saved)
    return Cursor()


@settings(max_examples=150, deadline=None)
@given(walks)
def test_any_walk_through_repeats_shows_only_visible_questions(walk: list[tuple[str, int]]) -> None:
    answers: dict[str, Any] = {}
    cursor = Cursor()
    for kind, seed in walk:
        cursor = _step(answers, cursor, kind, seed)
        visible = visible_questions(PROPERTY_FORM, answers)
        shown = screen(PROPERTY_FORM, answers, cursor)
        if isinstance(shown, ReviewScreen):
            assert is_complete(PROPERTY_FORM, answers)
            assert all(item.question.id in {q.id for q in visible} for item in shown.items)
        else:
            assert shown.question.id in {q.id for q in visible}
            if shown.number is not None:
                assert 1 <= shown.number <= shown.total
        assert set(effective_answers(PROPERTY_FORM, answers)) <= {q.id for q in visible}
        members = [q.id for q in visible if q.id.startswith("captain[")]
        assert 1 <= len(members) <= 4
