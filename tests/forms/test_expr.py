"""The expression language (forms/expr.py) and what the engine does with it: XPath 1.0's
rules as ODK applies them, calculations, constraints, filters, defaults, languages."""

from __future__ import annotations

import math
from collections import OrderedDict
from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError

from forms import texts
from forms.display import fill
from forms.engine import Cursor, QuestionScreen, computed, screen, visible_questions
from forms.expr import COLUMNS, HERE, ExpressionError, Scope, evaluate, parse
from forms.inputs import Accepted, ChoiceInput, Rejected, TextInput
from forms.loading import FormError, load_yaml_text
from forms.problems import problem_text
from forms.questions import MultipleChoiceQuestion, Question
from forms.texts import localized_for
from forms.validation import Selection, default_value, finish_selection, validate
from tests.forms.helpers import TODAY, choice, make_form, many, t


def value(expression: str, answers: dict[str, Any] | None = None, here: Any = None) -> Any:
    node = parse(expression, frozenset({HERE}))
    return evaluate(node, Scope(answers or {}, TODAY, here))


@pytest.mark.parametrize(
    ("expression", "answers", "expected"),
    [
        ("${a} + 2 * 3", {"a": 4}, 10.0),
        ("(${a} + 2) * 3", {"a": 4}, 18.0),
        ("7 div 2", {}, 3.5),
        ("-7 mod 3", {}, -1.0),  # the sign of the dividend, as XPath
        ("${a} > 3 and ${a} < 10", {"a": 4}, True),
        ("${a} > 3", {}, False),  # '' is NaN as a number: every comparison is false
        ("${a} != 3", {}, True),
        ("${a} = ''", {}, True),  # an unanswered field is the empty string
        ("${a} = ''", {"a": 0}, False),
        ("${a} = 5", {"a": "5"}, True),  # a number on one side: compared as numbers
        ("${a} = '5.0'", {"a": "5"}, False),  # two strings: compared as strings
        ("if(${a} >= 18, 'adult', 'child')", {"a": 17}, "child"),
        ("coalesce(${a}, ${b})", {"b": "x"}, "x"),
        ("concat(${a}, '-', 12)", {"a": "x"}, "x-12"),
        ("selected(${m}, 'b')", {"m": ["a", "b"]}, True),
        ("count-selected(${m})", {"m": ["a", "b"]}, 2.0),
        ("selected(${s}, 'other')", {"s": {"other": "свой"}}, True),
        ("${s_other}", {"s": {"other": "свой"}}, "свой"),
        ("string-length(${t})", {"t": "абв"}, 3.0),
        ("int(7.9) + int(-7.9)", {}, 0.0),
        ("number('abc')", {}, math.nan),
        ("round(2.5) + round(2.345, 2)", {}, 5.35),
        ("sum(${p})", {"p[1]": 3, "p[2]": 4, "q[1]": 100}, 7.0),
        ("count(${r})", {"#r": 3}, 3.0),
        ("today() > date('2025-03-09')", {}, True),
        ("${d} < today()", {"d": "2025-03-01"}, True),  # dates compare as days
        ("${y} = 'yes'", {"y": True}, True),  # yes/no answers read as yes and no
        ("starts-with(${c}, '12') and contains(${c}, '4')", {"c": "12345"}, True),
        ("not(${a} = 1) or false()", {"a": 1}, False),
    ],
)
def test_values_follow_xpath(expression: str, answers: dict[str, Any], expected: Any) -> None:
    result = value(expression, answers)
    if isinstance(expected, float) and math.isnan(expected):
        assert math.isnan(result)
    else:
        assert (
            result == pytest.approx(expected) if isinstance(expected, float) else result == expected
        )


def test_regex_and_the_answer_itself() -> None:
    assert value("regex(., '^[0-9]{6}$')", here="123456") is True
    assert value("regex(., '^[0-9]{6}$')", here="12345") is False
    assert value(". >= 1 and . <= 10", here=11) is False
    assert value("string-length(.) <= 3", here="абвг") is False


@pytest.mark.parametrize(
    ("expression", "message_id", "named"),
    [
        ("pulldata('a', 'b', 'c', ${x})", "form-error-expr-function", "pulldata"),
        ("jr:choice-name(${a}, '${a}')", "form-error-expr-function", "jr:choice-name"),
        ("indexed-repeat(${a}, ${r}, 1)", "form-error-expr-function", "indexed-repeat"),
        ("/data/age > 3", "form-error-expr-operator", "/"),
        ("${a} | ${b}", "form-error-expr-operator", "|"),
        ("${a} =", "form-error-expr-syntax", "${a} ="),
        ("${A b} = 1", "form-error-expr-reference", "${A b}"),
        ("age > 3", "form-error-expr-name", "age"),
        (". > 3", "form-error-expr-here", ""),
        ("regex(${a}, '[')", "form-error-expr-regex", "["),
        ("date('2025-02-30')", "form-error-expr-date", "2025-02-30"),
        ("if(${a}, 1)", "form-error-expr-arguments", "if"),
        ("sum(1 + 2)", "form-error-expr-aggregate", "sum"),
    ],
)
def test_what_is_not_supported_is_named(expression: str, message_id: str, named: str) -> None:
    with pytest.raises(ExpressionError) as error:
        parse(expression)
    assert error.value.message_id == message_id
    assert named in " ".join(error.value.params.values())


def test_dot_and_columns_only_where_they_mean_something() -> None:
    assert parse(". > 3", frozenset({HERE}))
    assert parse("starts-with(code, ${region})", frozenset({COLUMNS}))


# --- in a form -----------------------------------------------------------------------------


def shopping() -> Any:
    """A repeat of items with a price and a quantity, a calculated line total in each entry,
    a grand total after it, and a label that shows it."""
    return make_form(
        {"type": "integer", "id": "items", "label": "Сколько позиций?"},
        {
            "type": "repeat",
            "id": "lines",
            "title": "Позиция",
            "count": "items",
            "questions": [
                {"type": "decimal", "id": "price", "label": "Цена"},
                {"type": "integer", "id": "qty", "label": "Количество"},
                {"type": "calculate", "id": "line", "calculation": "${price} * ${qty}"},
                {
                    "type": "note",
                    "id": "line_note",
                    "label": "Итого по позиции: ${line}",
                },
            ],
        },
        {"type": "calculate", "id": "total", "calculation": "sum(${line})"},
        {"type": "calculate", "id": "lines_count", "calculation": "count(${lines})"},
        {
            "type": "yes_no",
            "id": "ok",
            "label": "Сумма ${total} за ${lines_count} позиции верна?",
            "show_if": "${total} > 0",
        },
    )


def test_calculations_are_worked_out_from_the_answers() -> None:
    form = shopping()
    answers = {"items": 2, "price[1]": 10.5, "qty[1]": 2, "price[2]": 4.0, "qty[2]": 3}
    values = computed(form, {**answers, "line_note[1]": None, "line_note[2]": None})
    assert values["line[1]"] == 21
    assert values["line[2]"] == 12
    assert values["total"] == 33
    assert values["lines_count"] == 2
    assert "line" not in values  # an entry's value lives under its entry id only
    shown = [q.id for q in visible_questions(form, answers)]
    assert "total" not in shown  # never asked
    assert shown[-1] == "ok"
    here = screen(form, {**answers, "line_note[1]": None, "line_note[2]": None}, Cursor())
    assert isinstance(here, QuestionScreen)
    assert fill(here.question.label, form, here.scope, t) == "Сумма 33 за 2 позиции верна?"


def test_labels_show_this_entrys_values() -> None:
    form = shopping()
    answers = {"items": 2, "price[1]": 10.5, "qty[1]": 2}
    here = screen(form, answers, Cursor())
    assert isinstance(here, QuestionScreen)
    assert here.question.id == "line_note[1]"
    assert fill(here.question.label, form, here.scope, t) == "Итого по позиции: 21"


def test_a_calculation_over_a_missing_answer_is_empty() -> None:
    form = shopping()
    assert computed(form, {"items": 0})["total"] == 0
    assert computed(form, {"items": 1})["line[1]"] is None  # NaN: nothing to show
    assert "ok" not in [q.id for q in visible_questions(form, {"items": 0})]


def test_relevant_with_comparisons_and_functions() -> None:
    form = make_form(
        {"type": "integer", "id": "age", "label": "Возраст"},
        choice("role", "teacher", "parent"),
        {
            "type": "text",
            "id": "why",
            "label": "Почему?",
            "show_if": {"expr": "${age} >= 18 and (selected(${role}, 'parent') or ${age} > 60)"},
        },
    )
    assert "why" not in [q.id for q in visible_questions(form, {"age": 17, "role": "parent"})]
    assert "why" in [q.id for q in visible_questions(form, {"age": 30, "role": "parent"})]
    assert "why" in [q.id for q in visible_questions(form, {"age": 61, "role": "teacher"})]


def test_names_as_xlsform_writes_them_capitals_and_hyphens() -> None:
    form = make_form(
        {"type": "integer", "id": "Q1", "label": "Возраст"},
        {"type": "text", "id": "first-name", "label": "Имя"},
        {
            "type": "text",
            "id": "why",
            "label": "Почему, ${first-name}?",
            "show_if": {"expr": "${Q1} >= 18 and ${first-name} != ''"},
        },
    )
    assert "why" not in [q.id for q in visible_questions(form, {"Q1": 17, "first-name": "Аня"})]
    answers = {"Q1": 30, "first-name": "Аня"}
    assert "why" in [q.id for q in visible_questions(form, answers)]
    here = screen(form, answers, Cursor())
    assert isinstance(here, QuestionScreen)
    assert fill(here.question.label, form, here.scope, t) == "Почему, Аня?"


def test_constraints_check_the_answer_with_its_message() -> None:
    form = make_form(
        {"type": "integer", "id": "total", "label": "Всего учеников"},
        {
            "type": "integer",
            "id": "girls",
            "label": "Из них девочек",
            "constraint": ". <= ${total}",
            "error_message": {"ru": "Не больше, чем всего.", "en": "At most the total."},
        },
        {
            "type": "text",
            "id": "snils",
            "label": "СНИЛС",
            "constraint": "regex(., '^[0-9]{11}$')",
            "required": False,
        },
    )
    girls, snils = form.question("girls"), form.question("snils")
    assert girls is not None
    assert snils is not None
    refused = validate(girls, TextInput("31"), today=TODAY, answers={"total": 30})
    assert isinstance(refused, Rejected)
    assert problem_text(refused.problem, t) == "Не больше, чем всего."
    english = localized_for(form, "en").question("girls")
    assert english is not None
    refused_en = validate(english, TextInput("31"), today=TODAY, answers={"total": 30})
    assert isinstance(refused_en, Rejected)
    assert problem_text(refused_en.problem, t) == "At most the total."
    assert validate(girls, TextInput("30"), today=TODAY, answers={"total": 30}) == Accepted(30)
    wrong = validate(snils, TextInput("123"), today=TODAY)
    assert isinstance(wrong, Rejected)
    assert wrong.problem.message_id == "answer-constraint"
    assert validate(snils, TextInput("12345678901"), today=TODAY) == Accepted("12345678901")


def test_a_constraint_on_ticks() -> None:
    form = make_form(
        many("m", "a", "b", "c", constraint="not(selected(., 'a') and selected(., 'b'))")
    )
    question = form.question("m")
    assert isinstance(question, MultipleChoiceQuestion)
    both = finish_selection(question, Selection(("a", "b")), today=TODAY)
    assert isinstance(both, Rejected)
    assert finish_selection(question, Selection(("a", "c")), today=TODAY) == Accepted(["a", "c"])


def test_choice_filters_as_expressions() -> None:
    options = [
        {"value": "s1", "label": "Школа 1", "attributes": {"mun": "m1", "kind": "low"}},
        {"value": "s2", "label": "Школа 2", "attributes": {"mun": "m1", "kind": "ok"}},
        {"value": "s3", "label": "Школа 3", "attributes": {"mun": "m2", "kind": "low"}},
    ]
    form = make_form(
        choice("mun", "m1", "m2"),
        {"type": "yes_no", "id": "weak", "label": "Только ШНОР?"},
        {
            "type": "single_choice",
            "id": "school",
            "label": "Школа",
            "options": options,
            "choice_filter": "mun = ${mun} and (${weak} = 'no' or kind = 'low')",
        },
    )
    here = screen(form, {"mun": "m1", "weak": True}, Cursor())
    assert isinstance(here, QuestionScreen)
    assert [o.value for o in here.options] == ["s1"]
    here = screen(form, {"mun": "m1", "weak": False}, Cursor())
    assert isinstance(here, QuestionScreen)
    assert [o.value for o in here.options] == ["s1", "s2"]
    refused = validate(here.question, ChoiceInput("s3"), today=TODAY, answers=here.scope)
    assert isinstance(refused, Rejected)


def test_defaults_are_answers_offered_ready() -> None:
    form = make_form(
        {"type": "integer", "id": "grade", "label": "Класс", "default": "9", "max": 11},
        many("subjects", "math", "physics", "geo", default="math geo"),
        {"type": "date", "id": "day", "label": "Дата", "default": "2025-03-01"},
        {
            "type": "text",
            "id": "city",
            "label": "Город",
            "default": "Курск",
            "read_only": True,
        },
    )
    values = [default_value(q, TODAY, {}) for q in form.all_questions()]
    assert values == [9, ["math", "geo"], "2025-03-01", "Курск"]
    city = form.question("city")
    assert city is not None
    assert not city.answerable  # shown, not asked
    assert validate(city, ChoiceInput("next"), today=TODAY) == Accepted("Курск")


def test_a_default_that_can_never_be_an_answer_is_refused() -> None:
    with pytest.raises(ValidationError) as error:
        make_form(choice("role", "teacher", "parent", default="director"))
    assert "form-error-default {'value': 'director'}" in str(error.value)


def test_texts_in_several_languages() -> None:
    form = load_yaml_text(
        """
id: langs
title: Языки
questions:
  - type: single_choice
    id: role
    label: {ru: "Кто вы?", en: "Who are you?"}
    hint: {en: Pick one}
    options:
      - {value: teacher, label: {ru: Учитель, en: Teacher}}
      - {value: parent, label: Родитель}
""",
        "langs.yaml",
    )
    russian, english, other = (localized_for(form, code) for code in (None, "en-GB", "de"))
    assert [q.label for q in (russian.all_questions() + english.all_questions())] == [
        "Кто вы?",
        "Who are you?",
    ]
    assert other.all_questions()[0].label == "Кто вы?"  # Russian when the language is missing
    role = english.question("role")
    assert role is not None
    assert [option.label for option in role.options] == ["Teacher", "Родитель"]  # type: ignore[union-attr]
    assert english.question("role").hint == "Pick one"  # type: ignore[union-attr]
    assert form.canonical()["questions"][0]["label"] == {"ru": "Кто вы?", "en": "Who are you?"}


TEXT = {"type": "text", "id": "b", "label": "Б"}
CALC = {"type": "calculate", "id": "b"}


def test_references_are_checked() -> None:
    cases: list[tuple[dict[str, Any], str]] = [
        (
            {"type": "text", "id": "b", "label": "Б", "show_if": "${zzz} > 1"},
            "form-error-condition-unknown",
        ),
        ({"type": "text", "id": "b", "label": "Б ${zzz}"}, "form-error-label-reference"),
        (
            {"type": "calculate", "id": "b", "calculation": "sum(${a})"},
            "form-error-expr-not-repeat",
        ),
        ({"type": "calculate", "id": "b", "calculation": "${b} + 1"}, "form-error-condition-self"),
        (
            {"type": "text", "id": "b", "label": "Б", "constraint": ". != ${later}"},
            "form-error-condition-later",
        ),
    ]
    for item, message_id in cases:
        with pytest.raises(ValidationError) as error:
            make_form(
                {"type": "integer", "id": "a", "label": "А"},
                item,
                {"type": "text", "id": "later", "label": "П"},
            )
        assert message_id in str(error.value), item


def test_expression_mistakes_in_yaml_have_their_line() -> None:
    with pytest.raises(FormError) as error:
        load_yaml_text(
            'id: x\ntitle: X\nquestions:\n  - {type: text, id: a, label: A, show_if: "f(1)"}\n',
            "x.yaml",
        )
    text = problem_text(error.value.problems[0], t)
    assert "строка 4" in text
    assert "«f»" in text


def question(form: Any, name: str) -> Question:
    found = form.question(name)
    assert found is not None
    return found


def test_default_date_and_today_stay_pure() -> None:
    assert value("today()") == TODAY
    assert value("date(0)") == date(1970, 1, 1)


def test_other_is_named_as_pyxform_names_it_in_plain_conditions_too() -> None:
    form = make_form(
        choice("role", "teacher", "parent", other=True),
        many("subjects", "math", "physics", other=True),
        {**TEXT, "id": "a", "show_if": {"question": "role", "equals": "other"}},
        {**TEXT, "id": "b", "show_if": {"question": "subjects", "selected": "other"}},
    )
    answers = {"role": {"other": "Завуч"}, "subjects": {"selected": ["math"], "other": "ОБЖ"}}
    assert [q.id for q in visible_questions(form, answers)] == ["role", "subjects", "a", "b"]
    plain = {"role": "teacher", "subjects": ["math"]}
    assert [q.id for q in visible_questions(form, plain)] == ["role", "subjects"]


def test_forms_in_a_language_are_kept_within_a_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(texts, "CACHE_SIZE", 3)
    monkeypatch.setattr(texts, "_CACHE", OrderedDict())
    form = make_form({"type": "text", "id": "a", "label": {"ru": "А", "en": "A"}})
    first = localized_for(form, "en")
    assert localized_for(form, "en") is first  # worked out once
    for code in ("de", "fr", "uk", "kk"):  # languages people's Telegram says
        localized_for(form, code)
    assert len(texts._CACHE) == 3
    again = localized_for(form, "en")
    assert again is not first  # the oldest went first, and is worked out afresh
    assert again.all_questions()[0].label == "A"
