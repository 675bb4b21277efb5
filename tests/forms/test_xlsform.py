from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from forms.conditions import All, Answered, AnyOf, Equals, Not, Selected
from forms.loading import FormError, load_form, load_yaml_text
from forms.problems import Place, problem_text
from forms.questions import (
    DateQuestion,
    DecimalQuestion,
    FileQuestion,
    IntegerQuestion,
    MultipleChoiceQuestion,
    NoteQuestion,
    SingleChoiceQuestion,
    TextQuestion,
)
from forms.schema import Section
from forms.xlsform import load_xlsform, xlsform_to_yaml
from tests.forms.helpers import t

Table = list[list[Any]]
SETTINGS: Table = [
    ["form_id", "form_title", "version"],
    ["consult", "Запрос консультации", 2024090101],
]
SURVEY_HEAD = [
    "type",
    "name",
    "label::Русский (ru)",
    "label::English (en)",
    "hint",
    "required",
    "constraint",
    "constraint_message",
    "relevant",
    "choice_filter",
    "appearance",
]
CHOICES: Table = [
    ["list_name", "name", "label", "municipality"],
    ["role", "teacher", "Учитель", None],
    ["role", "parent", "Родитель", None],
    ["subjects", "math", "Математика", None],
    ["subjects", "physics", "Физика", None],
    ["subjects", "geo", "География", None],
    ["mun", "m1", "Грачёвский округ", None],
    ["mun", "m2", "Шпаковский округ", None],
    ["school", "s1", "МБОУ СОШ № 1", "m1"],
    ["school", "s2", "МБОУ СОШ № 2", "m2"],
]


def survey_row(kind: str, name: str | None, label: str | None = None, **cells: Any) -> list[Any]:
    values = {"type": kind, "name": name, "label::Русский (ru)": label, **cells}
    return [values.get(column) for column in SURVEY_HEAD]


FULL_SURVEY: Table = [
    SURVEY_HEAD,
    survey_row("note", "intro", "Здравствуйте!", **{"label::English (en)": "Hello!"}),
    survey_row("select_one role or_other", "role", "Кто вы?", required="yes"),
    survey_row(
        "text", "about", "О себе", appearance="multiline", constraint="string-length(.) <= 500"
    ),
    survey_row(
        "integer",
        "children",
        "Сколько детей?",
        required="yes",
        constraint=". >= 1 and . <= 10",
        constraint_message="От 1 до 10, пожалуйста.",
        relevant="${role} = 'parent'",
    ),
    survey_row(
        "decimal", "hours", "Часов в неделю", constraint=". >= 0", relevant="${role} != 'parent'"
    ),
    survey_row(
        "begin group", "work", "О работе", relevant="${role} = 'teacher'", hint="Для учителей"
    ),
    survey_row(
        "select_multiple subjects",
        "subjects",
        "Предметы",
        required="TRUE",
        constraint="count-selected(.) <= 2",
    ),
    survey_row(
        "integer", "years", "Стаж", relevant="selected(${subjects}, 'math') and not(${about} = '')"
    ),
    survey_row("end group", None),
    survey_row(
        "date",
        "day",
        "Когда удобно?",
        constraint=". >= today()",
        relevant="(${role} = 'teacher' or ${role} = 'parent') and ${children} != 3",
    ),
    survey_row("select_one mun", "mun", "Муниципалитет", required=1),
    survey_row("select_one school", "school", "Школа", choice_filter="municipality=${mun}"),
    survey_row("file", "plan", "План"),
    survey_row("image", "photo", "Фото", hint="Одна фотография"),
]


def workbook(
    path: Path,
    survey: Table | None,
    choices: Table | None = None,
    settings: Table | None = None,
    **extra: Table,
) -> Path:
    book = Workbook()
    book.remove(book.active)
    sheets = {
        "survey": survey,
        "choices": choices,
        "settings": SETTINGS if settings is None else settings,
    }
    for name, table in {**sheets, **extra}.items():
        if table is None:
            continue
        sheet = book.create_sheet(name)
        for values in table:
            sheet.append(values)
    book.save(path)
    return path


def problems(path: Path) -> list[tuple[str, Place | None]]:
    with pytest.raises(FormError) as error:
        load_form(path)
    return [(problem.message_id, problem.place) for problem in error.value.problems]


def cell(sheet: str, row: int | None, column: str | None, file: Path) -> Place:
    return Place(str(file), sheet=sheet, row=row, column=column)


@pytest.fixture
def full(tmp_path: Path) -> Path:
    return workbook(tmp_path / "anketa.xlsx", FULL_SURVEY, CHOICES)


def test_full_workbook(full: Path) -> None:
    form = load_xlsform(full)
    assert (form.id, form.title, form.version) == ("consult", "Запрос консультации", "2024090101")
    intro, role, about, children, hours, work, day, mun, school, plan, photo = form.questions
    assert isinstance(intro, NoteQuestion)
    assert intro.label == "Здравствуйте!"  # Russian label preferred
    assert isinstance(role, SingleChoiceQuestion)
    assert role.other
    assert role.required
    assert [o.label for o in role.options] == ["Учитель", "Родитель"]
    assert isinstance(about, TextQuestion)
    assert (about.multiline, about.max_length, about.required) == (True, 500, False)
    assert isinstance(children, IntegerQuestion)
    assert (children.min, children.max) == (1, 10)
    assert children.error_message == "От 1 до 10, пожалуйста."
    assert children.show_if == Equals(question="role", equals="parent")
    assert isinstance(hours, DecimalQuestion)
    assert hours.min == 0
    assert hours.show_if == Not(not_=Equals(question="role", equals="parent"))
    assert isinstance(work, Section)
    assert (work.id, work.title, work.description) == ("work", "О работе", "Для учителей")
    subjects, years = work.questions
    assert isinstance(subjects, MultipleChoiceQuestion)
    assert subjects.max_selected == 2
    assert years.show_if == All(
        all_=(
            Selected(question="subjects", selected="math"),
            Answered(question="about", answered=True),
        )
    )
    assert isinstance(day, DateQuestion)
    assert day.min == "today"
    assert isinstance(day.show_if, All)
    assert isinstance(day.show_if.all_[0], AnyOf)
    assert isinstance(school, SingleChoiceQuestion)
    assert school.choice_filter is not None
    assert (school.choice_filter.column, school.choice_filter.question) == ("municipality", "mun")
    assert school.options[0].attributes == {"municipality": "m1"}
    assert isinstance(mun, SingleChoiceQuestion)
    assert mun.options[0].attributes == {}
    assert isinstance(plan, FileQuestion)
    assert plan.kinds == ("document",)
    assert isinstance(photo, FileQuestion)
    assert photo.kinds == ("photo",)


def test_empty_relevant_comparison_means_not_answered(full: Path) -> None:
    years = load_xlsform(full).question("years")
    assert years is not None
    assert years.show_if is not None
    assert years.show_if.evaluate({"subjects": ["math"], "about": "Учу детей"})
    assert not years.show_if.evaluate({"subjects": ["math"]})


def test_round_trip_through_yaml(full: Path) -> None:
    text = xlsform_to_yaml(full)
    assert "Запрос консультации" in text
    assert "\\u" not in text
    assert load_yaml_text(text) == load_xlsform(full)


def test_settings_extensions(tmp_path: Path) -> None:
    settings: Table = [
        [
            "form_id",
            "form_title",
            "roles",
            "anonymous",
            "responses",
            "opens_at",
            "consent",
            "default_language",
        ],
        [
            "survey",
            "Опрос",
            "teacher, mentor",
            "yes",
            "per_period",
            "01.09.2025",
            "да",
            "Русский (ru)",
        ],
    ]
    form = load_xlsform(workbook(tmp_path / "a.xlsx", FULL_SURVEY, CHOICES, settings))
    assert form.roles == ("teacher", "mentor")
    assert form.anonymous
    assert form.consent
    assert form.responses == "per_period"
    assert str(form.opens_at) == "2025-09-01"


INDEXED = "indexed-repeat(${a}, ${r}, 1)"


def test_unsupported_things_are_refused_with_their_cell(tmp_path: Path) -> None:
    survey: Table = [
        [*SURVEY_HEAD, "media::image", "calculation"],
        [*survey_row("geopoint", "where", "Где вы?"), None, None],
        [*survey_row("integer", "age", "Возраст", relevant="/data/age > 3"), None, None],
        [*survey_row("text", "role", "Кто вы?", constraint="regex(., ${pattern})"), None, None],
        [*survey_row("text", "name", "Имя", appearance="minimal", required="maybe"), "a.png", None],
        [*survey_row("select_one nolist", "x", "Икс"), None, None],
        [*survey_row("text", "y", "Игрек", choice_filter="municipality = ${mun}"), None, None],
        [*survey_row("select_one role", "z", "Зет", choice_filter=INDEXED), None, None],
        [*survey_row("calculate", "total"), None, "pulldata('prices', 'price', 'key', ${x})"],
        [*survey_row("calculate", "nothing"), None, None],
        [*survey_row("text", "w", "Вес"), None, "1 + 1"],
    ]
    path = workbook(tmp_path / "bad.xlsx", survey, CHOICES)
    assert problems(path) == [
        ("form-error-xls-unknown-column", cell("survey", 5, "media::image", path)),
        ("form-error-xls-type", cell("survey", 2, "type", path)),
        ("form-error-expr-operator", cell("survey", 3, "relevant", path)),
        ("form-error-expr-regex", cell("survey", 4, "constraint", path)),
        ("form-error-xls-flag", cell("survey", 5, "required", path)),
        ("form-error-xls-appearance", cell("survey", 5, "appearance", path)),
        ("form-error-xls-no-list", cell("survey", 6, "type", path)),
        ("form-error-xls-column-not-here", cell("survey", 7, "choice_filter", path)),
        ("form-error-expr-function", cell("survey", 8, "choice_filter", path)),
        ("form-error-expr-function", cell("survey", 9, "calculation", path)),
        ("form-error-xls-calculation", cell("survey", 10, "type", path)),
        ("form-error-xls-column-not-here", cell("survey", 11, "calculation", path)),
    ]


def test_an_extra_choices_column_needs_a_choice_filter(tmp_path: Path) -> None:
    survey: Table = [SURVEY_HEAD, survey_row("select_one school", "school", "Школа")]
    path = workbook(tmp_path / "extra.xlsx", survey, CHOICES)
    assert problems(path) == [
        ("form-error-xls-unknown-column", cell("choices", 9, "municipality", path))
    ]


def test_groups_must_be_simple(tmp_path: Path) -> None:
    survey: Table = [
        SURVEY_HEAD,
        survey_row("end group", None),
        survey_row("begin group", "a", "А"),
        survey_row("begin group", "b", "Б"),
        survey_row("text", "q", "Вопрос"),
    ]
    path = workbook(tmp_path / "groups.xlsx", survey)
    assert problems(path) == [
        ("form-error-xls-end-without-begin", cell("survey", 2, "type", path)),
        ("form-error-xls-nested-group", cell("survey", 4, "type", path)),
        ("form-error-xls-group-not-closed", cell("survey", 3, "type", path)),
    ]


def test_sheets(tmp_path: Path) -> None:
    """As pyxform: other sheets are not the form's (ignored), the settings sheet may be left
    out (the id is the file's name); a misspelt sheet of ours, or one ODK reads and we do
    not, is refused."""
    survey = [SURVEY_HEAD, survey_row("text", "a", "А")]
    path = workbook(tmp_path / "Sheets 2.xlsx", survey, settings=[], help=[["Справка"]])
    form = load_xlsform(path)
    assert (form.id, form.title) == ("sheets_2", "sheets_2")
    path = workbook(tmp_path / "misspelt.xlsx", survey, choises=[["list_name"]])
    assert problems(path) == [("form-error-xls-unknown-sheet", cell("choises", None, None, path))]
    path = workbook(tmp_path / "ext.xlsx", survey, external_choices=[["list_name"]])
    assert problems(path)[0][0] == "form-error-xls-unknown-sheet"
    no_survey = workbook(tmp_path / "no_survey.xlsx", None)
    assert problems(no_survey)[0] == (
        "form-error-xls-no-sheet",
        cell("survey", None, None, no_survey),
    )


def test_empty_unknown_columns_are_harmless(tmp_path: Path) -> None:
    survey: Table = [[*SURVEY_HEAD, "media::image"], [*survey_row("text", "a", "А"), None]]
    assert load_xlsform(workbook(tmp_path / "ok.xlsx", survey)).question("a") is not None


def test_schema_problems_point_to_cells(tmp_path: Path) -> None:
    survey: Table = [
        SURVEY_HEAD,
        survey_row("text", "Имя", "Имя"),
        survey_row("text", "later", "Потом", relevant="${after} = 'x'"),
        survey_row("select_one bad", "pick", "Выбор"),
        survey_row("text", "after", "После"),
    ]
    choices: Table = [["list_name", "name", "label"], ["bad", "плохо", "Плохо"]]
    settings: Table = [["form_id"], ["x"]]
    path = workbook(tmp_path / "schema.xlsx", survey, choices, settings)
    found = problems(path)
    assert ("form-error-bad-id", cell("survey", 2, "name", path)) in found
    assert ("form-error-bad-option-value", cell("choices", 2, "name", path)) in found


def test_structure_problems_point_to_cells(tmp_path: Path) -> None:
    survey: Table = [
        SURVEY_HEAD,
        survey_row("text", "later", "Потом", relevant="${after} = 'x'"),
        survey_row("text", "after", "После"),
    ]
    path = workbook(tmp_path / "later.xlsx", survey)
    [(message_id, place)] = problems(path)
    assert (message_id, place) == (
        "form-error-condition-later",
        cell("survey", 2, "relevant", path),
    )
    with pytest.raises(FormError) as error:
        load_form(path)
    assert problem_text(error.value.problems[0], t).startswith(
        f"{path}, лист «survey», строка 2, столбец «relevant»: Условие ссылается на вопрос «after»"
    )


def test_two_different_messages(tmp_path: Path) -> None:
    head = [*SURVEY_HEAD, "required_message"]
    survey: Table = [head, [*survey_row("integer", "a", "А", constraint_message="Одно"), "Другое"]]
    path = workbook(tmp_path / "messages.xlsx", survey)
    assert problems(path) == [
        ("form-error-xls-two-messages", cell("survey", 2, "required_message", path))
    ]


def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"not a zip")
    assert problems(path) == [("form-error-xls-unreadable", Place(str(path)))]


REPEAT_HEAD = [*SURVEY_HEAD, "repeat_count"]


def repeat_row(kind: str, name: str | None, label: str | None = None, **cells: Any) -> list[Any]:
    values = {"type": kind, "name": name, "label::Русский (ru)": label, **cells}
    return [values.get(column) for column in REPEAT_HEAD]


def test_repeats_with_a_count_and_open(tmp_path: Path) -> None:
    survey: Table = [
        REPEAT_HEAD,
        repeat_row("integer", "schools", "Сколько школ участвовало?"),
        repeat_row("begin_repeat", "visits", "Школа", repeat_count="${schools}"),
        repeat_row("text", "school_name", "Название школы"),
        repeat_row("integer", "people", "Участников", relevant="${school_name} != ''"),
        repeat_row("end_repeat", None),
        repeat_row("begin repeat", "members", "Участник команды"),
        repeat_row("text", "member", "Имя"),
        repeat_row("end repeat", None),
        repeat_row("begin repeat", "rounds", "Тур", repeat_count=3),
        repeat_row("integer", "points", "Баллы"),
        repeat_row("end repeat", None),
    ]
    form = load_xlsform(workbook(tmp_path / "repeats.xlsx", survey))
    _schools, visits, members, rounds = form.questions
    assert visits.type == "repeat"
    assert (visits.count, visits.title) == ("schools", "Школа")
    assert [q.id for q in visits.questions] == ["school_name", "people"]
    assert members.type == "repeat"
    assert members.count is None
    assert rounds.type == "repeat"
    assert rounds.count == 3
    assert "type: repeat" in xlsform_to_yaml(tmp_path / "repeats.xlsx")


def test_repeats_refused_with_their_cells(tmp_path: Path) -> None:
    survey: Table = [
        REPEAT_HEAD,
        repeat_row("text", "words", "Слова", repeat_count="2"),
        repeat_row("begin repeat", "a", "А", repeat_count="${words}"),
        repeat_row("begin group", "g", "Группа"),
        repeat_row("begin repeat", "b", "Б"),
        repeat_row("text", "q", "Вопрос"),
        repeat_row("end group", None),
        repeat_row("end repeat", None),
        repeat_row("begin repeat", "c", "В", repeat_count="много"),
        repeat_row("text", "r", "Вопрос"),
        repeat_row("end repeat", None),
    ]
    path = workbook(tmp_path / "bad_repeats.xlsx", survey)
    assert problems(path) == [
        ("form-error-xls-column-not-here", cell("survey", 2, "repeat_count", path)),
        ("form-error-xls-group-in-repeat", cell("survey", 4, "type", path)),
        ("form-error-xls-nested-repeat", cell("survey", 5, "type", path)),
        ("form-error-xls-end-mismatch", cell("survey", 7, "type", path)),
        ("form-error-xls-end-repeat-without-begin", cell("survey", 8, "type", path)),
    ]
    texts = [problem_text(p, t) for p in _problems(path)]
    assert "лист «survey», строка 5, столбец «type»" in texts[2]


def test_repeat_count_problems_name_their_cell(tmp_path: Path) -> None:
    survey: Table = [
        REPEAT_HEAD,
        repeat_row("text", "words", "Слова"),
        repeat_row("begin repeat", "a", "А", repeat_count="${words}"),
        repeat_row("text", "q", "Вопрос"),
        repeat_row("end repeat", None),
        repeat_row("begin repeat", "c", "В", repeat_count="много"),
        repeat_row("text", "r", "Вопрос"),
        repeat_row("end repeat", None),
    ]
    path = workbook(tmp_path / "counts.xlsx", survey)
    assert problems(path) == [
        ("form-error-repeat-count", cell("survey", 6, "repeat_count", path)),
        ("form-error-repeat-count-not-integer", cell("survey", 3, "repeat_count", path)),
    ]


def _problems(path: Path) -> list[Any]:
    with pytest.raises(FormError) as error:
        load_form(path)
    return list(error.value.problems)


SCHOOL_FILTER = "municipality = ${mun} or ${pupils} > 100"


def test_expressions_calculations_defaults_and_languages(tmp_path: Path) -> None:
    """Every new column of XLSForm maps onto the same fields a YAML form has."""
    head = [
        "type",
        "name",
        "label::Русский (ru)",
        "label::English (en)",
        "relevant",
        "constraint",
        "constraint_message::Русский (ru)",
        "constraint_message::English (en)",
        "calculation",
        "default",
        "readonly",
        "choice_filter",
    ]

    def row(kind: str, name: str, ru: str | None = None, **cells: Any) -> list[Any]:
        values = {"type": kind, "name": name, "label::Русский (ru)": ru, **cells}
        return [values.get(column) for column in head]

    survey: Table = [
        head,
        row("integer", "boys", "Мальчиков", **{"label::English (en)": "Boys", "default": "12"}),
        row("integer", "girls", "Девочек", constraint=". <= ${boys} * 2") + [None] * 0,
        row("calculate", "pupils", calculation="${boys} + ${girls}"),
        row("note", "total", "Всего: ${pupils}", relevant="${pupils} > 20 and ${boys} != 0"),
        row("text", "town", "Город", default="Курск", readonly="yes"),
        row("select_one mun", "mun", "Округ"),
        row(
            "select_one school",
            "school",
            "Школа",
            choice_filter="municipality = ${mun} or ${pupils} > 100",
        ),
    ]
    survey[2][head.index("constraint_message::Русский (ru)")] = "Слишком много."
    survey[2][head.index("constraint_message::English (en)")] = "Too many."
    path = workbook(tmp_path / "expr.xlsx", survey, CHOICES)
    form = load_xlsform(path)
    boys, girls, town = (form.question(name) for name in ("boys", "girls", "town"))
    assert boys is not None
    assert girls is not None
    assert town is not None
    assert (boys.label, getattr(boys.label, "translations", {})) == (
        "Мальчиков",
        {"ru": "Мальчиков", "en": "Boys"},
    )
    assert boys.default == "12"
    assert girls.constraint is not None
    assert girls.constraint.text == ". <= ${boys} * 2"
    assert girls.error_message == "Слишком много."
    assert town.read_only
    assert town.default == "Курск"
    calc = form.question("pupils")
    assert calc is not None
    assert calc.type == "calculate"
    total = form.question("total")
    assert total is not None
    assert total.show_if is not None
    school = form.question("school")
    assert isinstance(school, SingleChoiceQuestion)
    assert not isinstance(school.choice_filter, type(None))
    assert [o.attributes for o in school.options] == [
        {"municipality": "m1"},
        {"municipality": "m2"},
    ]
    again = load_yaml_text(xlsform_to_yaml(path))
    assert again.fingerprint() == form.fingerprint()  # YAML says the same


def test_the_settings_sheet_says_what_is_counted(tmp_path: Path) -> None:
    settings: Table = [["form_id", "form_title", "counted"], ["check", "Проверка", "accepted"]]
    survey: Table = [SURVEY_HEAD, survey_row("text", "a", "А")]
    form = load_form(workbook(tmp_path / "counted.xlsx", survey, settings=settings))
    assert form.counted == "accepted"
    wrong: Table = [["form_id", "form_title", "counted"], ["check", "Проверка", "всё"]]
    refused = problems(workbook(tmp_path / "wrong.xlsx", survey, settings=wrong))
    assert [place.column for _id, place in refused if place is not None] == ["counted"]
