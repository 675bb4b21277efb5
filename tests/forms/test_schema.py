from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from forms.loading import FormError, load_yaml_text
from forms.questions import (
    DateQuestion,
    FileQuestion,
    IntegerQuestion,
    NoteQuestion,
    Option,
    TextQuestion,
)
from forms.schema import Form, Section
from tests.forms.helpers import choice, make_form, many, question


def problems_of(data: dict[str, Any]) -> list[tuple[str, str | None]]:
    """(message id, YAML path) of every problem, via the YAML loader's readable problems."""
    import yaml

    with pytest.raises(FormError) as error:
        load_yaml_text(yaml.safe_dump(data, allow_unicode=True))
    return [(p.message_id, p.place.path if p.place else None) for p in error.value.problems]


def form_data(*questions: dict[str, Any], **settings: Any) -> dict[str, Any]:
    return {"id": "test", "title": "Тест", **settings, "questions": list(questions)}


def test_defaults() -> None:
    form = make_form(question("text", "name"))
    assert form.version == "1"
    assert form.roles == ("any",)
    assert form.responses == "once"
    assert form.editable_until == "never"
    assert not form.anonymous
    assert not form.consent
    name = form.all_questions()[0]
    assert isinstance(name, TextQuestion)
    assert name.required
    assert name.length_limit == 1000


def test_text_limits() -> None:
    assert TextQuestion(id="a", label="A", multiline=True).length_limit == 3000
    assert TextQuestion(id="a", label="A", max_length=200).length_limit == 200
    with pytest.raises(ValidationError):
        TextQuestion(id="a", label="A", max_length=3501)
    with pytest.raises(ValidationError):
        TextQuestion(id="a", label="A", min_length=50, max_length=10)


def test_models_are_frozen() -> None:
    form = make_form(question("text", "name"))
    with pytest.raises(ValidationError):
        form.title = "Другое"  # type: ignore[misc]


def test_version_and_roles_are_forgiving() -> None:
    form = make_form(question("text", "name"), version=3, roles="teacher")
    assert form.version == "3"
    assert form.roles == ("teacher",)


def test_walk_opens_sections() -> None:
    section = {
        "type": "section",
        "id": "part",
        "title": "Часть",
        "questions": [question("text", "b")],
    }
    form = make_form(question("text", "a"), section, question("text", "c"))
    assert [q.id for q in form.all_questions()] == ["a", "b", "c"]
    walked = [(q.id, s.id if s else None) for q, s in form.walk()]
    assert walked == [("a", None), ("b", "part"), ("c", None)]
    assert isinstance(form.questions[1], Section)
    assert form.question("b") is not None
    assert form.question("zzz") is None


def test_fingerprint_is_stable_and_follows_changes() -> None:
    first = make_form(question("text", "name"))
    again = make_form(question("text", "name", required=True))
    changed = make_form(question("text", "name", label="Имя"))
    assert first.fingerprint() == again.fingerprint()
    assert len(first.fingerprint()) == 64
    assert first.fingerprint() != changed.fingerprint()


def test_canonical_round_trip() -> None:
    form = make_form(
        choice("position", "teacher", "parent", other=True),
        question("yes_no", "kids", show_if={"not": {"question": "position", "equals": "teacher"}}),
        question("date", "day", min="today", max="2030-01-01"),
    )
    assert Form.model_validate(form.canonical()) == form
    assert form.canonical()["questions"][0]["type"] == "single_choice"


def test_question_types_build_in_code() -> None:
    assert FileQuestion(id="f", label="F").max_size_mb == 20
    assert NoteQuestion(id="n", label="N").answerable is False
    assert IntegerQuestion(id="i", label="I", min=1, max=2).answerable
    assert Option(value="a", label="A").attributes == {}
    with pytest.raises(ValidationError):
        FileQuestion(id="f", label="F", max_size_mb=25)
    with pytest.raises(ValidationError):
        DateQuestion(id="d", label="D", min="tomorrow")
    assert DateQuestion(id="d", label="D", min="today + 3").min == "today+3"


def test_duplicate_ids() -> None:
    found = problems_of(form_data(question("text", "a"), question("integer", "a")))
    assert found == [("form-error-duplicate-id", "questions[1].id")]


def test_condition_naming_an_unknown_question() -> None:
    data = form_data(question("text", "a", show_if={"question": "ghost", "answered": True}))
    assert problems_of(data) == [("form-error-condition-unknown", "questions[0].show_if")]


def test_condition_naming_a_later_question_or_itself() -> None:
    data = form_data(
        question("text", "a", show_if={"question": "b", "answered": True}),
        question("text", "b", show_if={"question": "b", "answered": True}),
    )
    assert problems_of(data) == [
        ("form-error-condition-later", "questions[0].show_if"),
        ("form-error-condition-self", "questions[1].show_if"),
    ]


def test_section_condition_cannot_use_its_own_questions() -> None:
    section = {
        "type": "section",
        "title": "Часть",
        "show_if": {"question": "inside", "answered": True},
        "questions": [question("text", "inside")],
    }
    assert problems_of(form_data(section)) == [
        ("form-error-condition-later", "questions[0].show_if")
    ]


def test_condition_values_must_exist() -> None:
    data = form_data(
        choice("position", "teacher", "parent"),
        many("subjects", "math", "physics"),
        question("yes_no", "kids"),
        question("text", "a", show_if={"question": "position", "equals": "techer"}),
        question("text", "b", show_if={"question": "subjects", "equals": "math"}),
        question("text", "c", show_if={"question": "kids", "equals": "maybe"}),
        question("text", "d", show_if={"question": "a", "selected": "x"}),
        question("text", "e", show_if={"question": "subjects", "selected": "chemistry"}),
    )
    assert problems_of(data) == [
        ("form-error-condition-value", "questions[3].show_if"),
        ("form-error-condition-use-selected", "questions[4].show_if"),
        ("form-error-condition-value", "questions[5].show_if"),
        ("form-error-condition-selected", "questions[6].show_if"),
        ("form-error-condition-value", "questions[7].show_if"),
    ]


def test_condition_on_a_note() -> None:
    data = form_data(
        question("note", "intro"),
        question("text", "a", show_if={"question": "intro", "answered": True}),
    )
    assert problems_of(data) == [("form-error-condition-note", "questions[1].show_if")]


def test_choice_filter_checks() -> None:
    options = [{"value": "s1", "label": "Школа 1", "attributes": {"municipality": "m1"}}]
    school = {**question("single_choice", "school"), "options": options}
    good = make_form(
        choice("municipality", "m1", "m2"),
        {**school, "choice_filter": {"column": "municipality", "question": "municipality"}},
    )
    assert good.question("school") is not None
    data = form_data(
        {**school, "choice_filter": {"column": "district", "question": "municipality"}},
        choice("municipality", "m1"),
    )
    assert sorted(problems_of(data)) == [
        ("form-error-condition-later", "questions[0].choice_filter.question"),
        ("form-error-filter-column", "questions[0].choice_filter.column"),
    ]


def test_settings_checks() -> None:
    data = form_data(
        question("text", "a"),
        editable_until="period_closes",
        opens_at="2025-09-01",
        closes_at="2025-08-01",
    )
    assert sorted(problems_of(data)) == [
        ("form-error-closes-before-opens", "closes_at"),
        ("form-error-period-needs-waves", "editable_until"),
    ]
    ok = make_form(question("text", "a"), responses="per_period", editable_until="period_closes")
    assert ok.editable_until == "period_closes"


def test_field_problems_are_translated() -> None:
    data = form_data(
        {"type": "integer", "id": "Bad Id", "label": "A", "min": 5, "max": 1},
        {"type": "slider", "id": "b", "label": "B"},
        {"id": "c", "label": "C"},
        {
            **choice("d", "a"),
            "options": [{"value": "a", "label": "A"}, {"value": "a", "label": "Б"}],
        },
        {"type": "text", "id": "e", "label": "E", "colour": "red"},
    )
    data["responses"] = "always"
    del data["title"]
    found = problems_of(data)
    assert ("form-error-missing", "title") in found
    assert ("form-error-literal", "responses") in found
    assert ("form-error-bad-id", "questions[0].id") in found
    assert ("form-error-unknown-type", "questions[1]") in found
    assert ("form-error-no-type", "questions[2]") in found
    assert ("form-error-duplicate-option", "questions[3].options") in found
    assert ("form-error-unknown-key", "questions[4].colour") in found


def test_empty_questions() -> None:
    assert problems_of(form_data()) == [("form-error-empty-list", "questions")]


def test_everything_is_reported_in_one_run() -> None:
    data = form_data(
        choice("position", "teacher"),
        {"type": "integer", "id": "years", "label": "Стаж", "min": "ten"},
        question("text", "why", show_if={"question": "positon", "equals": "teacher"}),
        question("text", "how", show_if={"question": "years", "answered": True}),
    )
    assert problems_of(data) == [
        ("form-error-expected-integer", "questions[1].min"),
        ("form-error-condition-unknown", "questions[2].show_if"),
    ]


def test_nested_sections() -> None:
    inner = {"type": "section", "title": "Внутри", "questions": [question("text", "a")]}
    outer = {"type": "section", "title": "Снаружи", "questions": [inner]}
    assert problems_of(form_data(outer)) == [
        ("form-error-nested-section", "questions[0].questions[0]")
    ]
