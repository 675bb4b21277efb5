"""XLSForm workbooks nobody here wrote: pyxform's own test workbooks (see
``tests/forms/thirdparty/README.md``). Each one either loads and behaves as in ODK, or is
refused with a precise message at its cell; the table below records which, and the first
problem of a refused one, so that a change in behaviour fails here."""

from __future__ import annotations

from pathlib import Path

import pytest

from forms.conditions import Expr
from forms.engine import Cursor, QuestionScreen, ReviewScreen, computed, screen, visible_questions
from forms.inputs import Accepted, ChoiceInput, Rejected, TextInput
from forms.loading import FormError
from forms.problems import problem_text
from forms.questions import IntegerQuestion, MultipleChoiceQuestion, SingleChoiceQuestion
from forms.schema import Form
from forms.texts import localized_for
from forms.validation import validate
from forms.xlsform import load_xlsform
from tests.forms.helpers import TODAY, t

FOLDER = Path(__file__).parent / "thirdparty"
LOADS = None
First = tuple[str, str, int | None, str | None] | None
EXPECTED: dict[str, First] = {
    # pyxform/tests/bug_example_xls
    "bug_example__ODKValidateWarnings.xlsx": ("form-error-xls-unknown-column", "survey", 2, "#D"),
    "bug_example__UCL_Biomass_Plot_Form.xlsx": (
        "form-error-xls-unknown-column",
        "survey",
        23,
        "parameters",
    ),
    "bug_example__duplicate_columns.xlsx": (
        "form-error-xls-unknown-column",
        "settings",
        2,
        "public_key",
    ),
    "bug_example__xl_date_ambiguous.xlsx": ("form-error-expr-syntax", "survey", 5, "choice_filter"),
    "bug_example__xl_date_ambiguous_v1.xlsx": ("form-error-bad-id", "settings", 2, "form_id"),
    # pyxform/tests/example_xls
    "example__attribute_columns_test.xlsx": (
        "form-error-xls-unknown-column",
        "settings",
        2,
        "public_key",
    ),
    "example__bad_calc.xlsx": ("form-error-expr-operator", "survey", 2, "calculation"),
    "example__case_insensitivity.xlsx": (
        "form-error-xls-unknown-sheet",
        "EXTERNAL_CHOICES",
        None,
        None,
    ),
    "example__choice_filter_test.xlsx": ("form-error-duplicate-option", "survey", 3, "type"),
    "example__extra_columns.xlsx": LOADS,
    "example__extra_sheet_names.xlsx": LOADS,
    "example__field-list.xlsx": LOADS,
    "example__flat_xlsform_test.xlsx": (
        "form-error-xls-unknown-column",
        "settings",
        2,
        "public_key",
    ),
    "example__group.xlsx": ("form-error-xls-type", "survey", 4, "type"),
    "example__include.xlsx": ("form-error-xls-type", "survey", 3, "type"),
    "example__include_json.xlsx": ("form-error-xls-type", "survey", 2, "type"),
    "example__loop.xlsx": ("form-error-xls-type", "survey", 3, "type"),
    "example__or_other.xlsx": ("form-error-filter-columns", "survey", 3, "choice_filter"),
    "example__pull_data.xlsx": ("form-error-expr-function", "survey", 2, "calculation"),
    "example__specify_other.xlsx": LOADS,
    "example__survey_no_name.xlsx": LOADS,
    "example__text_and_integer.xlsx": LOADS,
    "example__xlsform_spec_test.xlsx": (
        "form-error-xls-unknown-column",
        "settings",
        2,
        "public_key",
    ),
    "example__yes_or_no_question.xlsx": LOADS,
    # the md= tables of pyxform's tests/test_*.py, transcribed cell for cell
    "md__bug_round_calculation__non_existent_itext_reference.xlsx": LOADS,
    "md__choices_sheet__choices_without_labels__for_dynamic_selects__warning_and_error.xlsx": (
        "form-error-missing",
        "choices",
        2,
        "label",
    ),
    "md__choices_sheet__choices_without_labels__for_static_selects__warning_and_error.xlsx": (
        "form-error-missing",
        "choices",
        2,
        "label",
    ),
    "md__choices_sheet__duplicate_choices_with_setting_not_set_to_yes.xlsx": (
        "form-error-xls-unknown-column",
        "settings",
        2,
        "id_string",
    ),
    "md__choices_sheet__duplicate_choices_without_setting.xlsx": (
        "form-error-duplicate-option",
        "survey",
        2,
        "type",
    ),
    "md__choices_sheet__multiple_duplicate_choices_without_setting.xlsx": (
        "form-error-duplicate-option",
        "survey",
        2,
        "type",
    ),
    "md__choices_sheet__numeric_choice_names__for_dynamic_selects__allowed.xlsx": LOADS,
    "md__choices_sheet__numeric_choice_names__for_static_selects__allowed.xlsx": LOADS,
    "md__dynamic_default__dynamic_default_does_not_warn.xlsx": (
        "form-error-xls-default-dynamic",
        "survey",
        3,
        "default",
    ),
    "md__dynamic_default__dynamic_default_on_calculate.xlsx": (
        "form-error-xls-calculation",
        "survey",
        2,
        "type",
    ),
    "md__repeat__calculate_relative_path.xlsx": (
        "form-error-xls-column-not-here",
        "survey",
        4,
        "calculation",
    ),
    "md__repeat__choice_filter_relative_path.xlsx": (
        "form-error-xls-group-in-repeat",
        "survey",
        5,
        "type",
    ),
    "md__repeat__indexed_repeat_math_expression_nested_repeat_relative_path_exception.xlsx": (
        "form-error-xls-nested-repeat",
        "survey",
        4,
        "type",
    ),
    "md__repeat__indexed_repeat_math_expression_with_double_variable_in_nested_repeat_relative_path_exception.xlsx": (  # noqa: E501
        "form-error-xls-nested-repeat",
        "survey",
        4,
        "type",
    ),
    "md__repeat__indexed_repeat_regular_calculation_relative_path_exception.xlsx": (
        "form-error-xls-column-not-here",
        "survey",
        3,
        "calculation",
    ),
    "md__repeat__indexed_repeat_relative_path.xlsx": (
        "form-error-xls-nested-repeat",
        "survey",
        3,
        "type",
    ),
    "md__repeat__mixed_variables_and_indexed_repeat_in_expression_text_type_nested_repeat_relative_path_exception.xlsx": (  # noqa: E501
        "form-error-xls-nested-repeat",
        "survey",
        4,
        "type",
    ),
    "md__repeat__multiple_indexed_repeat_in_expression_nested_repeat_relative_path_exception.xlsx": (  # noqa: E501
        "form-error-xls-nested-repeat",
        "survey",
        4,
        "type",
    ),
    "md__repeat__repeat_adding_template_and_instance.xlsx": (
        "form-error-xls-nested-repeat",
        "survey",
        11,
        "type",
    ),
    "md__repeat__repeat_adding_template_and_instance_with_group.xlsx": (
        "form-error-xls-repeat-in-group",
        "survey",
        11,
        "type",
    ),
    "md__repeat__repeat_relative_reference.xlsx": (
        "form-error-xls-group-in-repeat",
        "survey",
        12,
        "type",
    ),
    "md__repeat__unlabeled_repeat.xlsx": ("form-error-missing", "survey", 2, "label"),
    "md__repeat__unlabeled_repeat_alternate_syntax.xlsx": (
        "form-error-missing",
        "survey",
        2,
        "label",
    ),
    "md__repeat__unlabeled_repeat_fieldlist.xlsx": (
        "form-error-xls-column-not-here",
        "survey",
        2,
        "appearance",
    ),
    "md__repeat__unlabeled_repeat_fieldlist_alternate_syntax.xlsx": (
        "form-error-xls-column-not-here",
        "survey",
        2,
        "appearance",
    ),
    "md__static_defaults__static_defaults.xlsx": ("form-error-missing", "survey", 3, "label"),
    "md__static_defaults__static_image_defaults.xlsx": (
        "form-error-xls-unknown-column",
        "survey",
        2,
        "parameters",
    ),
    "md__typed_calculates__calculate_without_calculation_with_default_without_dynamic_default.xlsx": (  # noqa: E501
        "form-error-xls-calculation",
        "survey",
        2,
        "type",
    ),
    "md__typed_calculates__calculate_without_calculation_with_dynamic_default.xlsx": (
        "form-error-xls-calculation",
        "survey",
        2,
        "type",
    ),
    "md__typed_calculates__calculate_without_calculation_without_default.xlsx": (
        "form-error-xls-calculation",
        "survey",
        2,
        "type",
    ),
    "md__typed_calculates__non_calculate_type_with_calculation_and_default_no_warns.xlsx": (
        "form-error-xls-type",
        "survey",
        2,
        "type",
    ),
    "md__typed_calculates__non_calculate_type_with_calculation_and_dynamic_default_no_warns.xlsx": (
        "form-error-xls-type",
        "survey",
        2,
        "type",
    ),
    "md__typed_calculates__non_calculate_type_with_calculation_and_no_label_has_no_control.xlsx": (
        "form-error-xls-column-not-here",
        "survey",
        2,
        "calculation",
    ),
    "md__typed_calculates__non_calculate_type_with_calculation_is_bind_type.xlsx": (
        "form-error-xls-column-not-here",
        "survey",
        2,
        "calculation",
    ),
    "md__typed_calculates__non_calculate_type_with_calculation_no_warns.xlsx": (
        "form-error-xls-type",
        "survey",
        2,
        "type",
    ),
    "md__typed_calculates__non_calculate_type_with_hint_and_no_calculation__no_warning.xlsx": (
        "form-error-xls-type",
        "survey",
        2,
        "type",
    ),
    "md__typed_calculates__row_without_label_or_calculation_throws_error.xlsx": (
        "form-error-missing",
        "survey",
        2,
        "label",
    ),
    "md__typed_calculates__select_type_with_calculation_and_no_label_has_no_control.xlsx": (
        "form-error-xls-column-not-here",
        "survey",
        2,
        "calculation",
    ),
    "md__typed_calculates__xls_type_calculate_has_type_string.xlsx": LOADS,
    "md__typed_calculates__xls_type_calculate_with_label_has_no_body.xlsx": LOADS,
}


def workbooks() -> list[str]:
    return sorted(path.name for path in FOLDER.rglob("*.xlsx"))


def test_every_workbook_is_in_the_table() -> None:
    assert workbooks() == sorted(EXPECTED)
    assert len(EXPECTED) >= 20


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_loads_or_is_refused_at_its_cell(name: str) -> None:
    path = next(FOLDER.rglob(name))
    expected = EXPECTED[name]
    if expected is LOADS:
        assert isinstance(load_xlsform(path), Form)
        return
    with pytest.raises(FormError) as error:
        load_xlsform(path)
    first = error.value.problems[0]
    place = first.place
    assert place is not None
    assert (first.message_id, place.sheet, place.row, place.column) == expected
    text = problem_text(first, t)  # every problem has its Russian text and its place
    assert text.startswith(f"{path}, лист «{place.sheet}»")


def load(name: str) -> Form:
    return load_xlsform(next(FOLDER.rglob(name)))


def test_specify_other_keeps_the_other_text_as_pyxform_names_it() -> None:
    """``select one from sexes or specify other``: «Другое» is the choice ``other`` and its
    text is ``${sex_other}``, as pyxform writes them."""
    form = load("example__specify_other.xlsx")
    sex = form.question("sex")
    assert isinstance(sex, SingleChoiceQuestion)
    assert sex.other
    assert [option.value for option in sex.options] == ["male", "female"]
    outcome = validate(sex, TextInput("Intersex"), today=TODAY)
    assert isinstance(outcome, Accepted)
    answers = {"sex": outcome.value}
    chosen = Expr.model_validate("selected(${sex}, 'other') and ${sex_other} = 'Intersex'")
    assert chosen.evaluate(answers)
    assert not Expr.model_validate("selected(${sex}, 'male')").evaluate(answers)


def test_a_yes_no_list_and_its_answers() -> None:
    form = load("example__yes_or_no_question.xlsx")
    first = screen(form, {}, Cursor())
    assert isinstance(first, QuestionScreen)
    assert [option.value for option in first.options] == ["yes", "no"]
    assert isinstance(validate(first.question, ChoiceInput("maybe"), today=TODAY), Rejected)
    assert validate(first.question, ChoiceInput("yes"), today=TODAY) == Accepted("yes")
    assert isinstance(screen(form, {"good_day": "yes"}, Cursor()), ReviewScreen)


def test_text_and_integer_in_order() -> None:
    form = load("example__text_and_integer.xlsx")
    assert [q.id for q in visible_questions(form, {})] == ["your_name", "your_age"]
    age = form.question("your_age")
    assert isinstance(age, IntegerQuestion)
    assert not age.required  # XLSForm: optional unless marked
    assert isinstance(validate(age, TextInput("двадцать"), today=TODAY), Rejected)
    assert validate(age, TextInput("20"), today=TODAY) == Accepted(20)


def test_a_group_without_a_label_and_choices_in_two_languages() -> None:
    """field-list.xlsx: ``begin group`` with no label (ODK shows no title), choices with a
    plain ``label`` and ``label::chinese``: a Chinese reader sees the Chinese ones."""
    form = load("example__field-list.xlsx")
    question = form.question("table_list_question")
    assert isinstance(question, SingleChoiceQuestion)
    assert [str(option.label) for option in question.options] == ["Yes", "No"]
    chinese = localized_for(form, "zh")
    in_chinese = chinese.question("table_list_question")
    assert isinstance(in_chinese, SingleChoiceQuestion)
    assert [option.label for option in in_chinese.options] == ["是", "没有"]
    russian = localized_for(form, "ru").question("table_list_question")
    assert isinstance(russian, SingleChoiceQuestion)
    assert [option.label for option in russian.options] == ["Yes", "No"]


def test_one_sheet_is_the_survey_and_no_settings_name_the_form_by_its_file() -> None:
    form = load("example__survey_no_name.xlsx")
    assert (form.id, form.title) == ("example__survey_no_name", "example__survey_no_name")
    assert [q.id for q in form.all_questions()] == ["state"]


def test_calculations_of_pyxforms_tests_give_odks_values() -> None:
    """``calculation: 2 * 2`` is 4; ``round(${amount}, 0)`` rounds halves up, as XPath
    (and JavaRosa) do: 2.5 → 3, -2.5 → -2."""
    four = load("md__typed_calculates__xls_type_calculate_has_type_string.xlsx")
    assert computed(four, {}) == {"a": 4}
    rounded = load("md__bug_round_calculation__non_existent_itext_reference.xlsx")
    assert [q.id for q in visible_questions(rounded, {})] == ["amount"]  # never asked
    assert computed(rounded, {"amount": 2.5})["rounded"] == 3
    assert computed(rounded, {"amount": -2.5})["rounded"] == -2
    assert computed(rounded, {})["rounded"] is None  # round('') is NaN: empty, as in ODK


def test_numeric_choice_names_are_choices() -> None:
    form = load("md__choices_sheet__numeric_choice_names__for_static_selects__allowed.xlsx")
    question = form.all_questions()[0]
    assert isinstance(question, SingleChoiceQuestion | MultipleChoiceQuestion)
    assert [option.value for option in question.options] == ["1", "2"]
