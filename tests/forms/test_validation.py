from __future__ import annotations

from typing import Any

import pytest

from forms.inputs import (
    Accepted,
    ChoiceInput,
    ContactInput,
    FileInput,
    Outcome,
    RawAnswer,
    Rejected,
    SchoolInput,
    SkipInput,
    TextInput,
)
from forms.problems import Problem, problem_text
from forms.questions import (
    OTHER,
    DateQuestion,
    DecimalQuestion,
    EmailQuestion,
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
from forms.validation import (
    Selection,
    add_file,
    finish_files,
    finish_selection,
    options_for,
    toggle_option,
    type_other,
    validate,
)
from tests.forms.helpers import TODAY, t

MB = 1024 * 1024


def check(question: Question, raw: RawAnswer, **answers: Any) -> Outcome:
    return validate(question, raw, today=TODAY, answers=answers)


def accepted(question: Question, raw: RawAnswer, **answers: Any) -> Any:
    outcome = check(question, raw, **answers)
    assert isinstance(outcome, Accepted), outcome
    return outcome.value


def problem(question: Question, raw: RawAnswer, **answers: Any) -> Problem:
    outcome = check(question, raw, **answers)
    assert isinstance(outcome, Rejected), outcome
    return outcome.problem


def options(*values: str) -> tuple[Option, ...]:
    return tuple(Option(value=value, label=value.capitalize()) for value in values)


# --- text -----------------------------------------------------------------------------------


def test_text_is_trimmed() -> None:
    assert accepted(TextQuestion(id="a", label="A"), TextInput("  Анна  ")) == "Анна"


def test_text_limits() -> None:
    short = TextQuestion(id="a", label="A", min_length=5, max_length=10)
    assert problem(short, TextInput("abc")).message_id == "answer-text-too-short"
    too_long = problem(short, TextInput("x" * 11))
    assert too_long.message_id == "answer-text-too-long"
    assert too_long.params == {"length": 11, "max": 10}
    assert problem(short, TextInput("   ")).message_id == "answer-text-empty"
    default = TextQuestion(id="a", label="A")
    assert problem(default, TextInput("x" * 1001)).message_id == "answer-text-too-long"
    assert accepted(TextQuestion(id="a", label="A", multiline=True), TextInput("x" * 3000))


def test_text_needs_a_message() -> None:
    assert (
        problem(TextQuestion(id="a", label="A"), ChoiceInput("x")).message_id
        == "answer-expected-text"
    )


# --- numbers --------------------------------------------------------------------------------


def test_integer() -> None:
    q = IntegerQuestion(id="a", label="A", min=1, max=40)
    assert accepted(q, TextInput("12")) == 12
    assert accepted(q, TextInput(" 1 2 ")) == 12
    assert problem(q, TextInput("12,5")).message_id == "answer-expected-integer"
    assert problem(q, TextInput("двенадцать")).message_id == "answer-expected-integer"
    out = problem(q, TextInput("41"))
    assert (out.message_id, out.params) == ("answer-number-range", {"min": "1", "max": "40"})
    assert problem(q, FileInput("f", "a.pdf", 10)).message_id == "answer-expected-integer"


def test_one_sided_bounds() -> None:
    low = IntegerQuestion(id="a", label="A", min=0)
    high = IntegerQuestion(id="a", label="A", max=10)
    assert problem(low, TextInput("-1")).message_id == "answer-number-too-small"
    assert problem(high, TextInput("11")).message_id == "answer-number-too-big"
    assert accepted(IntegerQuestion(id="a", label="A"), TextInput("-5")) == -5


def test_decimal_accepts_a_comma() -> None:
    q = DecimalQuestion(id="a", label="A", min=0, max=80.5)
    assert accepted(q, TextInput("12,5")) == 12.5
    assert accepted(q, TextInput("7")) == 7.0
    assert accepted(q, TextInput(".5")) == 0.5
    assert problem(q, TextInput("12,5,1")).message_id == "answer-expected-decimal"
    assert problem(q, TextInput("nan")).message_id == "answer-expected-decimal"
    assert problem(q, TextInput("81")).params == {"min": "0", "max": "80,5"}


# --- single choice --------------------------------------------------------------------------


def test_single_choice_by_button_or_label() -> None:
    q = SingleChoiceQuestion(id="a", label="A", options=options("teacher", "parent"))
    assert accepted(q, ChoiceInput("teacher")) == "teacher"
    assert accepted(q, TextInput("parent")) == "parent"
    assert problem(q, TextInput("директор")).message_id == "answer-expected-button"
    assert problem(q, ChoiceInput("forged")).message_id == "answer-choice-unknown"
    assert problem(q, ChoiceInput(OTHER)).message_id == "answer-choice-unknown"
    assert problem(q, ContactInput("+79161234567")).message_id == "answer-expected-button"


def test_single_choice_other() -> None:
    q = SingleChoiceQuestion(id="a", label="A", options=options("teacher"), other=True)
    assert problem(q, ChoiceInput(OTHER)).message_id == "answer-other-prompt"
    assert accepted(q, TextInput(" Логопед ")) == {"other": "Логопед"}
    assert problem(q, TextInput("x" * 501)).message_id == "answer-text-too-long"


def test_choice_filter_limits_the_buttons() -> None:
    schools = (
        Option(value="s1", label="Школа 1", attributes={"municipality": "m1"}),
        Option(value="s2", label="Школа 2", attributes={"municipality": "m2"}),
    )
    q = SingleChoiceQuestion(
        id="school",
        label="A",
        options=schools,
        choice_filter={"column": "municipality", "question": "mun"},
    )
    assert [o.value for o in options_for(q, {"mun": "m1"})] == ["s1"]
    assert [o.value for o in options_for(q, {})] == ["s1", "s2"]
    assert accepted(q, ChoiceInput("s1"), mun="m1") == "s1"
    assert problem(q, ChoiceInput("s2"), mun="m1").message_id == "answer-choice-unknown"


# --- multiple choice ------------------------------------------------------------------------


def test_multiple_choice_goes_through_the_selection() -> None:
    q = MultipleChoiceQuestion(id="a", label="A", options=options("math", "physics", "geography"))
    assert problem(q, ChoiceInput("math")).message_id == "answer-expected-selection"
    selection = Selection()
    for value in ("geography", "math"):
        step = toggle_option(q, selection, value)
        assert isinstance(step, Selection)
        selection = step
    assert selection.values == ("math", "geography")  # option order, not click order
    assert finish_selection(q, selection) == Accepted(["math", "geography"])
    untoggled = toggle_option(q, selection, "math")
    assert untoggled == Selection(("geography",))


def test_selection_limits() -> None:
    q = MultipleChoiceQuestion(
        id="a", label="A", options=options("a", "b", "c"), min_selected=2, max_selected=2
    )
    one = Selection(("a",))
    two = Selection(("a", "b"))
    too_few = finish_selection(q, one)
    assert isinstance(too_few, Rejected)
    assert too_few.problem.message_id == "answer-choice-too-few"
    refused = toggle_option(q, two, "c")
    assert isinstance(refused, Rejected)
    assert refused.problem.params == {"max": 2}
    forged = toggle_option(q, one, "zzz")
    assert isinstance(forged, Rejected)
    assert forged.problem.message_id == "answer-choice-unknown"
    assert isinstance(finish_selection(q, Selection(("a", "b", "c"))), Rejected)


def test_empty_selection_is_a_skip_when_optional() -> None:
    required = MultipleChoiceQuestion(id="a", label="A", options=options("a"))
    optional = MultipleChoiceQuestion(id="a", label="A", options=options("a"), required=False)
    refused = finish_selection(required, Selection())
    assert isinstance(refused, Rejected)
    assert refused.problem.params == {"min": 1}
    assert finish_selection(optional, Selection()) == Accepted(None)


def test_selection_with_other() -> None:
    q = MultipleChoiceQuestion(id="a", label="A", options=options("math", "physics"), other=True)
    ticked = toggle_option(q, Selection(("math",)), OTHER)
    assert isinstance(ticked, Selection)
    waiting = finish_selection(q, ticked)
    assert isinstance(waiting, Rejected)
    assert waiting.problem.message_id == "answer-other-prompt"
    written = type_other(q, ticked, "ОБЖ")
    assert isinstance(written, Selection)
    assert finish_selection(q, written) == Accepted({"selected": ["math"], "other": "ОБЖ"})
    # typing without ticking «Другое» ticks it
    direct = type_other(q, Selection(), "Астрономия")
    assert direct == Selection((OTHER,), "Астрономия")
    # unticking «Другое» forgets its text
    assert toggle_option(q, written, OTHER) == Selection(("math",))


def test_other_text_on_a_question_without_other() -> None:
    q = MultipleChoiceQuestion(id="a", label="A", options=options("math"))
    refused = type_other(q, Selection(), "ОБЖ")
    assert isinstance(refused, Rejected)


def test_selection_from_a_stored_answer() -> None:
    assert Selection.from_answer(["a", "b"]) == Selection(("a", "b"))
    assert Selection.from_answer({"selected": ["a"], "other": "x"}) == Selection(("a", OTHER), "x")
    assert Selection.from_answer(None) == Selection()
    assert Selection(("a", OTHER), "x").answer() == {"selected": ["a"], "other": "x"}


# --- yes/no, rating, note -------------------------------------------------------------------


def test_yes_no() -> None:
    q = YesNoQuestion(id="a", label="A")
    assert accepted(q, ChoiceInput("yes")) is True
    assert accepted(q, ChoiceInput("no")) is False
    assert accepted(q, TextInput("Да!")) is True
    assert accepted(q, TextInput("нет")) is False
    assert problem(q, TextInput("может быть")).message_id == "answer-expected-yes-no"


def test_rating() -> None:
    q = RatingQuestion(id="a", label="A")
    assert accepted(q, ChoiceInput("4")) == 4
    assert accepted(q, TextInput("5")) == 5
    out = problem(q, ChoiceInput("6"))
    assert (out.message_id, out.params) == ("answer-rating-range", {"min": 1, "max": 5})
    assert problem(q, SchoolInput("1", "x", "y")).message_id == "answer-rating-range"


def test_note() -> None:
    q = NoteQuestion(id="a", label="A")
    assert accepted(q, ChoiceInput("next")) is None
    assert accepted(q, SkipInput()) is None
    assert problem(q, TextInput("ок")).message_id == "answer-expected-next"


# --- dates ----------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["05.04.2025", "5.4.2025", " 05.04.2025 ", "2025-04-05"])
def test_date_forms(text: str) -> None:
    assert accepted(DateQuestion(id="a", label="A"), TextInput(text)) == "2025-04-05"


def test_date_problems() -> None:
    q = DateQuestion(id="a", label="A")
    assert problem(q, TextInput("31.02.2025")).message_id == "answer-date-invalid"
    assert problem(q, TextInput("завтра")).message_id == "answer-expected-date"
    assert problem(q, ChoiceInput("x")).message_id == "answer-expected-date"


def test_relative_date_bounds() -> None:
    q = DateQuestion(id="a", label="A", min="today", max="today+30")
    assert accepted(q, TextInput("10.03.2025")) == "2025-03-10"
    early = problem(q, TextInput("09.03.2025"))
    assert (early.message_id, early.params) == (
        "answer-date-range",
        {"min": "10.03.2025", "max": "09.04.2025"},
    )
    assert problem(
        DateQuestion(id="a", label="A", min="today-7"), TextInput("01.03.2025")
    ).params == {"min": "03.03.2025"}
    late = problem(DateQuestion(id="a", label="A", max="2025-01-01"), TextInput("02.01.2025"))
    assert (late.message_id, late.params) == ("answer-date-too-late", {"max": "01.01.2025"})


# --- phone, e-mail, school ------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        TextInput("8 (916) 123-45-67"),
        TextInput("+7 916 123 45 67"),
        TextInput("89161234567"),
        ContactInput("79161234567"),
        ContactInput("+79161234567", is_own=False),
    ],
)
def test_phone_is_normalised(raw: RawAnswer) -> None:
    assert accepted(PhoneQuestion(id="a", label="A"), raw) == "+79161234567"


def test_phone_problems() -> None:
    q = PhoneQuestion(id="a", label="A")
    assert problem(q, TextInput("123")).message_id == "answer-phone-invalid"
    assert (
        problem(q, FileInput("f", "a.jpg", 1, kind="photo")).message_id == "answer-expected-phone"
    )


def test_email() -> None:
    q = EmailQuestion(id="a", label="A")
    assert accepted(q, TextInput(" ivanova@Mail.RU ")) == "ivanova@mail.ru"
    assert problem(q, TextInput("ivanova@")).message_id == "answer-email-invalid"
    assert problem(q, ChoiceInput("x")).message_id == "answer-expected-email"


def test_school() -> None:
    q = SchoolQuestion(id="a", label="A")
    value = accepted(q, SchoolInput("123", "МБОУ СОШ № 1", "Грачёвский округ"))
    assert value == {"code": "123", "name": "МБОУ СОШ № 1", "municipality": "Грачёвский округ"}
    assert problem(q, TextInput("школа 1")).message_id == "answer-expected-school"


# --- files ----------------------------------------------------------------------------------


def test_one_file() -> None:
    q = FileQuestion(id="a", label="A", max_size_mb=5)
    value = accepted(q, FileInput("id1", "план.pdf", MB, "application/pdf"))
    assert value == [{"file_id": "id1", "name": "план.pdf", "size": MB, "kind": "document"}]
    big = problem(q, FileInput("id1", "видео.mp4", 6 * MB))
    assert (big.message_id, big.params) == (
        "answer-file-too-big",
        {"name": "видео.mp4", "size": "6", "max": "5"},
    )
    assert problem(q, TextInput("вот")).params == {"kind": "any"}


def test_file_kinds() -> None:
    photos = FileQuestion(id="a", label="A", kinds=("photo",))
    documents = FileQuestion(id="a", label="A", kinds=("document",))
    assert accepted(
        photos, FileInput("p", "img.jpg", 10, "image/jpeg", "document")
    )  # picture as a file
    assert problem(photos, FileInput("d", "a.pdf", 10, "application/pdf")).params == {
        "kind": "photo"
    }
    assert problem(
        documents, FileInput("p", "photo.jpg", 10, "image/jpeg", "photo")
    ).message_id == ("answer-file-wrong-kind")


def test_files_one_by_one() -> None:
    q = FileQuestion(id="a", label="A", max_files=2)
    first = add_file(q, [], FileInput("1", "a.pdf", 10))
    assert isinstance(first, list)
    second = add_file(q, first, FileInput("2", "b.jpg", 10, "image/jpeg", "photo"))
    assert isinstance(second, list)
    third = add_file(q, second, FileInput("3", "c.pdf", 10))
    assert isinstance(third, Rejected)
    assert third.problem.message_id == "answer-files-too-many"
    assert isinstance(add_file(q, first, TextInput("x")), Rejected)
    done = finish_files(q, second)
    assert isinstance(done, Accepted)
    assert [item["file_id"] for item in done.value] == ["1", "2"]


def test_no_files() -> None:
    required = finish_files(FileQuestion(id="a", label="A"), [])
    assert isinstance(required, Rejected)
    assert required.problem.message_id == "answer-files-none"
    assert finish_files(FileQuestion(id="a", label="A", required=False), []) == Accepted(None)


# --- skipping and own messages --------------------------------------------------------------


def test_skip() -> None:
    assert problem(TextQuestion(id="a", label="A"), SkipInput()).message_id == "answer-required"
    assert accepted(TextQuestion(id="a", label="A", required=False), SkipInput()) is None


def test_error_message_overrides() -> None:
    own = "Укажите число учеников от 1 до 40."
    q = IntegerQuestion(id="a", label="A", min=1, max=40, error_message=own)
    out = problem(q, TextInput("100"))
    assert out.message_id == "answer-number-range"
    assert problem_text(out, t) == own
    other = SingleChoiceQuestion(
        id="b", label="B", options=options("a"), other=True, error_message=own
    )
    assert problem(other, ChoiceInput(OTHER)).override is None  # a prompt, not an error
    assert problem(other, ChoiceInput("stale")).override is None


def test_every_problem_has_russian_text() -> None:
    q = IntegerQuestion(id="a", label="A", min=1, max=40)
    assert problem_text(problem(q, TextInput("100")), t) == "Напишите число от 1 до 40."


def test_every_question_type_says_what_it_expects() -> None:
    from forms.loading import load_form
    from forms.validation import expected
    from tests.forms.test_demo import DEMO

    kinds = set()
    for question in load_form(DEMO).all_questions():
        kinds.add(question.type)
        text = problem_text(expected(question).problem, t)
        assert text, question.id
        assert "{" not in text
    assert len(kinds) >= 13  # the demo form has every type
