"""Property tests: any sequence of answers, skips, «Назад» and edits keeps the screens sane."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from forms.engine import (
    Cursor,
    QuestionScreen,
    ReviewScreen,
    after_answer,
    back,
    edit,
    effective_answers,
    is_complete,
    screen,
    visible_questions,
)
from forms.inputs import Accepted, ChoiceInput, RawAnswer, SkipInput, TextInput
from forms.questions import MultipleChoiceQuestion, Question
from forms.schema import Form
from forms.validation import Selection, finish_selection, toggle_option, validate
from tests.forms.helpers import TODAY, choice, make_form, many, question

FORM = make_form(
    question("note", "intro"),
    choice("role", "teacher", "parent", "other"),
    question("yes_no", "kids", show_if={"question": "role", "equals": "parent"}),
    question("integer", "children", min=1, max=10, show_if={"question": "kids", "equals": True}),
    {
        "type": "section",
        "id": "work",
        "title": "О работе",
        "show_if": {"question": "role", "one_of": ["teacher", "other"]},
        "questions": [
            many("subjects", "math", "physics", "geo", required=False, other=True),
            question("integer", "years", show_if={"question": "subjects", "selected": "math"}),
            question("note", "thanks", show_if={"question": "years", "answered": True}),
        ],
    },
    question(
        "rating",
        "mood",
        show_if={
            "any": [{"question": "role", "equals": "teacher"}, {"question": "kids", "equals": True}]
        },
    ),
    question("text", "comment", required=False),
    question(
        "date", "day", required=False, show_if={"not": {"question": "comment", "answered": True}}
    ),
)
IDS = [q.id for q in FORM.all_questions()]
CANDIDATES: dict[str, list[RawAnswer]] = {
    "intro": [ChoiceInput("next")],
    "role": [
        ChoiceInput("teacher"),
        ChoiceInput("parent"),
        ChoiceInput("other"),
        ChoiceInput("stale"),
    ],
    "kids": [ChoiceInput("yes"), ChoiceInput("no"), TextInput("может быть")],
    "children": [TextInput("2"), TextInput("0"), TextInput("пять")],
    "years": [TextInput("5"), TextInput("-1")],
    "thanks": [ChoiceInput("next")],
    "mood": [ChoiceInput("1"), ChoiceInput("5"), ChoiceInput("9")],
    "comment": [TextInput("Хорошо"), TextInput("   ")],
    "day": [TextInput("01.04.2025"), TextInput("31.02.2025")],
}

Step = tuple[str, Any]
steps = st.lists(
    st.one_of(
        st.tuples(st.just("answer"), st.integers(0, 2**16)),
        st.tuples(st.just("skip"), st.none()),
        st.tuples(st.just("back"), st.none()),
        st.tuples(st.just("edit"), st.sampled_from([*IDS, "ghost"])),
    ),
    max_size=60,
)


def answer_for(question: Question, seed: int) -> Any:
    """Some answer to the question (valid or not), as the bot would receive it."""
    if isinstance(question, MultipleChoiceQuestion):
        return _selection(question, seed)
    candidates = CANDIDATES[question.id]
    outcome = validate(question, candidates[seed % len(candidates)], today=TODAY)
    return outcome.value if isinstance(outcome, Accepted) else None


def _selection(question: MultipleChoiceQuestion, seed: int) -> Any:
    selection = Selection()
    for bit, option in enumerate(question.options):
        if seed >> bit & 1:
            step = toggle_option(question, selection, option.value)
            selection = step if isinstance(step, Selection) else selection
    outcome = finish_selection(question, selection)
    return outcome.value if isinstance(outcome, Accepted) else None


def apply(form: Form, answers: dict[str, Any], cursor: Cursor, step: Step) -> Cursor:
    kind, argument = step
    shown = screen(form, answers, cursor)
    if kind == "back":
        return back(form, answers, cursor)
    if kind == "edit":
        return edit(form, answers, argument) or cursor
    if not isinstance(shown, QuestionScreen):
        return cursor
    current = shown.question
    if kind == "skip":
        outcome = validate(current, SkipInput(), today=TODAY)
        if not isinstance(outcome, Accepted):
            return cursor
        value = outcome.value
    else:
        value = answer_for(current, argument)
        if value is None:
            return cursor
    answers[current.id] = value
    return after_answer(form, answers, cursor, current.id)


def assert_sane(form: Form, answers: dict[str, Any], cursor: Cursor) -> None:
    visible = visible_questions(form, answers)
    shown = screen(form, answers, cursor)
    if isinstance(shown, ReviewScreen):
        assert is_complete(form, answers)
        assert all(item.question in visible for item in shown.items)
    else:
        assert shown.question in visible
        assert shown.total == sum(1 for q in visible if q.answerable)
        if shown.number is not None:
            assert 1 <= shown.number <= shown.total
    assert set(effective_answers(form, answers)) <= {q.id for q in visible}


@settings(max_examples=300, deadline=None)
@given(steps)
def test_any_walk_shows_only_visible_questions(walk: list[Step]) -> None:
    answers: dict[str, Any] = {}
    cursor = Cursor()
    for step in walk:
        cursor = apply(FORM, answers, cursor, step)
        assert_sane(FORM, answers, cursor)


json_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 20),
    st.sampled_from(["teacher", "parent", "math", "yes", ""]),
    st.lists(st.sampled_from(["math", "physics", "geo"]), max_size=3),
    st.just({"selected": ["math"], "other": "ОБЖ"}),
    st.just({"other": "текст"}),
)


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(st.sampled_from([*IDS, "ghost"]), json_values),
    st.one_of(st.none(), st.sampled_from([*IDS, "ghost"])),
    st.booleans(),
)
def test_stale_answers_and_cursors_never_break_a_screen(
    answers: dict[str, Any], focus: str | None, from_review: bool
) -> None:
    cursor = Cursor(focus=focus, from_review=from_review)
    assert_sane(FORM, answers, cursor)
    assert_sane(FORM, answers, back(FORM, answers, cursor))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 2**16), min_size=len(IDS), max_size=len(IDS)))
def test_answering_forward_reaches_the_review(seeds: list[int]) -> None:
    answers: dict[str, Any] = {}
    cursor = Cursor()
    for seed in seeds * 4:
        shown = screen(FORM, answers, cursor)
        if isinstance(shown, ReviewScreen):
            break
        cursor = apply(FORM, answers, cursor, ("answer", seed))
        cursor = apply(FORM, answers, cursor, ("skip", None))
    for _ in IDS:  # whatever is left: the first candidate of each question is valid
        cursor = apply(FORM, answers, cursor, ("answer", 0))
    assert isinstance(screen(FORM, answers, cursor), ReviewScreen)
    assert is_complete(FORM, answers)
