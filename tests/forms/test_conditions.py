from __future__ import annotations

from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

from forms.conditions import (
    All,
    Answered,
    AnyOf,
    Condition,
    Equals,
    Not,
    OneOf,
    Selected,
    all_of,
    any_of,
    comparable,
    negate,
)

conditions: TypeAdapter[Condition] = TypeAdapter(Condition)


def parse(data: dict[str, Any]) -> Condition:
    return conditions.validate_python(data)


def test_equals_compares_choice_values() -> None:
    condition = parse({"question": "position", "equals": "teacher"})
    assert condition.evaluate({"position": "teacher"})
    assert not condition.evaluate({"position": "parent"})
    assert not condition.evaluate({})


def test_equals_treats_yes_no_and_numbers_alike() -> None:
    assert parse({"question": "q", "equals": True}).evaluate({"q": True})
    assert parse({"question": "q", "equals": "yes"}).evaluate({"q": True})
    assert parse({"question": "q", "equals": False}).evaluate({"q": False})
    assert parse({"question": "q", "equals": 5}).evaluate({"q": 5.0})
    assert parse({"question": "q", "equals": "5"}).evaluate({"q": 5})


def test_equals_never_matches_other_text() -> None:
    condition = parse({"question": "q", "equals": "teacher"})
    assert not condition.evaluate({"q": {"other": "teacher"}})


def test_one_of() -> None:
    condition = parse({"question": "topic", "one_of": ["exams", "behaviour"]})
    assert condition.evaluate({"topic": "exams"})
    assert not condition.evaluate({"topic": "career"})


def test_selected_reads_lists_dicts_and_single_values() -> None:
    condition = parse({"question": "subjects", "selected": "math"})
    assert condition.evaluate({"subjects": ["russian", "math"]})
    assert condition.evaluate({"subjects": {"selected": ["math"], "other": "ОБЖ"}})
    assert condition.evaluate({"subjects": "math"})
    assert not condition.evaluate({"subjects": ["physics"]})
    assert not condition.evaluate({})


def test_answered_ignores_skipped_questions() -> None:
    answered = parse({"question": "phone", "answered": True})
    assert answered.evaluate({"phone": "+79161234567"})
    assert not answered.evaluate({"phone": None})
    assert not answered.evaluate({})
    assert parse({"question": "phone", "answered": False}).evaluate({"phone": None})


def test_not_all_any() -> None:
    condition = parse(
        {
            "all": [
                {"question": "a", "equals": "x"},
                {"not": {"question": "b", "selected": "m"}},
                {"any": [{"question": "c", "answered": True}, {"question": "d", "equals": 1}]},
            ]
        }
    )
    assert condition.evaluate({"a": "x", "b": ["k"], "d": 1})
    assert not condition.evaluate({"a": "x", "b": ["m"], "d": 1})
    assert not condition.evaluate({"a": "x", "b": ["k"]})


def test_leaves_name_every_question() -> None:
    condition = parse(
        {"any": [{"question": "a", "equals": 1}, {"not": {"question": "b", "answered": True}}]}
    )
    assert [leaf.question for leaf in condition.leaves()] == ["a", "b"]


@pytest.mark.parametrize(
    "data",
    [
        {"question": "a"},
        {"question": "a", "equals": 1, "one_of": [1]},
        {"question": "a", "greater": 1},
    ],
)
def test_a_condition_needs_exactly_one_operator(data: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as error:
        parse(data)
    assert error.value.errors()[0]["type"] == "form-error-condition-shape"


def test_unknown_keys_are_refused() -> None:
    with pytest.raises(ValidationError):
        parse({"question": "a", "equals": 1, "note": "x"})


def test_dump_uses_the_yaml_keys() -> None:
    condition = parse(
        {"not": {"all": [{"question": "a", "equals": "x"}, {"question": "b", "equals": "y"}]}}
    )
    dumped = condition.model_dump(mode="json", by_alias=True)
    assert dumped == {
        "not": {"all": [{"question": "a", "equals": "x"}, {"question": "b", "equals": "y"}]}
    }
    assert parse(dumped) == condition


def test_builders() -> None:
    a = Equals(question="a", equals="x")
    b = Selected(question="b", selected="m")
    assert all_of(a) == a
    assert any_of(a) == a
    assert isinstance(all_of(a, b), All)
    assert isinstance(any_of(a, b), AnyOf)
    assert negate(negate(a)) == a
    assert isinstance(negate(a), Not)
    assert negate(Answered(question="a", answered=True)) == Answered(question="a", answered=False)
    assert OneOf(question="a", one_of=("x",)).values() == ("x",)


def test_comparable() -> None:
    assert comparable(True) == "yes"
    assert comparable(12.0) == "12"
    assert comparable(12.5) == "12.5"
    assert comparable(None) is None
    assert comparable(["a"]) is None
