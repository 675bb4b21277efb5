"""The working group's four questionnaires: they load, pass the check, and walk to the review.

Each walk answers exactly the questions the form asks; ``walk`` fails when a question is
asked that has no reply (and is required) or when a reply is given for a question that was
never asked, so the lists of asked questions below pin down the skip logic.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import forms
from forms.display import format_answer
from forms.engine import (
    Cursor,
    ReviewScreen,
    after_answer,
    effective_answers,
    is_complete,
    screen,
    visible_questions,
)
from forms.inputs import (
    Accepted,
    ChoiceInput,
    ContactInput,
    FileInput,
    RawAnswer,
    Rejected,
    SchoolInput,
    SkipInput,
    TextInput,
)
from forms.loading import check_paths, load_form
from forms.personal import is_personal
from forms.questions import (
    FileQuestion,
    MultipleChoiceQuestion,
    Question,
    RatingQuestion,
    SingleChoiceQuestion,
)
from forms.schema import Form, Section
from forms.validation import (
    Selection,
    add_file,
    finish_files,
    finish_selection,
    toggle_option,
    type_other,
    validate,
)
from tests.forms.helpers import TODAY, t

LIBRARY = Path(forms.__file__).parent / "library"
NAMES = ("teacher_difficulties", "parent_consultation", "mentoring_pair", "event_report")

SCHOOL_1 = SchoolInput("OO-0102", "СОШ № 7", "Городской округ Энск")
SCHOOL_2 = SchoolInput("OO-0101", "СОШ № 1", "Городской округ Энск")
SCHOOL_3 = SchoolInput("OO-0104", "ООШ № 12", "Городской округ Энск")

AREAS = [
    "literacy",
    "assessment",
    "learning_difficulties",
    "motivation",
    "individualisation",
    "exams",
    "digital",
    "parents",
    "classroom",
]


def form_named(name: str) -> Form:
    return load_form(LIBRARY / f"{name}.yaml")


# --- walking a form -----------------------------------------------------------------------


@dataclass(frozen=True)
class Other:
    """The text typed for «Другое» in a multiple-choice question."""

    text: str


Reply = RawAnswer | list[Any]


def walk(form: Form, replies: dict[str, Reply]) -> tuple[dict[str, Any], list[str]]:
    """Answer every screen from ``replies`` until the review screen.

    Returns the answers and the ids of the questions asked, in order. A question without a
    reply gets «Пропустить» (refused when it is required, which fails the walk).
    """
    answers: dict[str, Any] = {}
    asked: list[str] = []
    cursor = Cursor()
    for _ in range(100):
        shown = screen(form, answers, cursor)
        if isinstance(shown, ReviewScreen):
            never_asked = set(replies) - set(asked)
            assert not never_asked, f"replies for questions that were not asked: {never_asked}"
            return answers, asked
        question = shown.question
        assert question.id not in asked, f"{question.id} asked twice"
        asked.append(question.id)
        answers[question.id] = answer(question, replies.get(question.id, SkipInput()))
        cursor = after_answer(form, answers, cursor, question.id)
    raise AssertionError("the walk did not reach the review screen")


def answer(question: Question, reply: Reply) -> Any:
    if isinstance(question, MultipleChoiceQuestion):
        assert isinstance(reply, list | SkipInput), question.id
        outcome = finish_selection(question, ticks(question, reply))
    elif isinstance(question, FileQuestion):
        pending: list[dict[str, Any]] = []
        for item in reply if isinstance(reply, list) else []:
            step = add_file(question, pending, item)
            assert isinstance(step, list), (question.id, step)
            pending = step
        outcome = finish_files(question, pending)
    else:
        assert not isinstance(reply, list), question.id
        outcome = validate(question, reply, today=TODAY)
    assert isinstance(outcome, Accepted), (question.id, outcome)
    return outcome.value


def ticks(question: MultipleChoiceQuestion, reply: list[Any] | SkipInput) -> Selection:
    selection = Selection()
    for item in reply if isinstance(reply, list) else []:
        if isinstance(item, Other):
            step = type_other(question, selection, item.text)
        else:
            step = toggle_option(question, selection, item)
        assert isinstance(step, Selection), (question.id, item, step)
        selection = step
    return selection


def review(form: Form, answers: dict[str, Any]) -> dict[str, str]:
    """The review screen as people read it: question id → the answer in words."""
    assert is_complete(form, answers)
    shown = screen(form, answers, Cursor())
    assert isinstance(shown, ReviewScreen)
    return {item.question.id: format_answer(item.question, item.value, t) for item in shown.items}


def question(form: Form, question_id: str) -> Question:
    found = form.question(question_id)
    assert found is not None, question_id
    return found


# --- all four -----------------------------------------------------------------------------


def test_the_library_passes_the_check() -> None:
    assert check_paths([LIBRARY]) == []


@pytest.mark.parametrize("name", NAMES)
def test_each_form_passes_the_check_on_its_own(name: str) -> None:
    path = LIBRARY / f"{name}.yaml"
    assert path.is_file()
    assert check_paths([path]) == []


@pytest.mark.parametrize("name", NAMES)
def test_each_form_loads_under_its_file_name(name: str) -> None:
    form = form_named(name)
    assert form.id == name
    assert form.title
    assert all(q.label.strip() for q in form.all_questions())


@pytest.mark.parametrize("name", NAMES)
def test_choice_labels_are_unique_and_short_enough_for_a_button(name: str) -> None:
    for item in form_named(name).all_questions():
        if isinstance(item, SingleChoiceQuestion | MultipleChoiceQuestion):
            labels = [option.label for option in item.options]
            assert len(labels) == len(set(labels)), item.id
            assert max(len(label) for label in labels) <= 50, item.id


# --- teacher_difficulties -----------------------------------------------------------------


def test_teacher_difficulties_settings() -> None:
    form = form_named("teacher_difficulties")
    assert form.title == "Анкета самодиагностики профессиональных затруднений педагога"
    assert form.roles == ("teacher",)
    assert form.responses == "per_period"
    assert form.editable_until == "period_closes"
    assert form.anonymous is False


def test_teacher_difficulties_rates_every_area_in_one_section() -> None:
    form = form_named("teacher_difficulties")
    sections = [item for item in form.questions if isinstance(item, Section)]
    assert len(sections) == 1
    ratings = sections[0].questions
    assert [q.id for q in ratings] == AREAS
    for rating in ratings:
        assert isinstance(rating, RatingQuestion)
        assert (rating.min, rating.max) == (1, 5)
        assert rating.min_label == "Нет затруднений"
        assert rating.max_label == "Серьёзные затруднения"


def test_teacher_difficulties_priorities_name_the_rated_areas() -> None:
    form = form_named("teacher_difficulties")
    priorities = question(form, "priority_areas")
    assert isinstance(priorities, MultipleChoiceQuestion)
    assert [option.value for option in priorities.options] == AREAS
    assert priorities.max_selected == 3
    four = Selection(("literacy", "assessment", "motivation"))
    assert isinstance(toggle_option(priorities, four, "exams"), Rejected)


TEACHER: dict[str, Reply] = {
    "school": SCHOOL_1,
    "position": ChoiceInput("teacher"),
    "subjects": ["russian", "literature"],
    "experience": TextInput("12"),
    "literacy": ChoiceInput("4"),
    "assessment": ChoiceInput("3"),
    "learning_difficulties": ChoiceInput("5"),
    "motivation": ChoiceInput("4"),
    "individualisation": ChoiceInput("2"),
    "exams": ChoiceInput("5"),
    "digital": ChoiceInput("1"),
    "parents": ChoiceInput("3"),
    "classroom": ChoiceInput("2"),
    "priority_areas": ["literacy", "learning_difficulties", "exams"],
    "support": ["courses", "mentoring", "landing"],
    "comment": TextInput("Нужен семинар по смысловому чтению."),
}


def test_a_teacher_walks_through_teacher_difficulties() -> None:
    form = form_named("teacher_difficulties")
    answers, asked = walk(form, TEACHER)
    assert asked == list(TEACHER)  # every question, in this order, and no «Вы ведёте уроки?»
    shown = review(form, answers)
    assert shown["school"] == "СОШ № 7 (Городской округ Энск)"
    assert shown["subjects"] == "Русский язык; Литература"
    assert shown["literacy"] == "4 из 5"
    assert shown["priority_areas"] == (
        "Функциональная грамотность; Обучающиеся с трудностями в обучении; "
        "Подготовка к ВПР, ОГЭ и ЕГЭ"
    )
    assert answers["experience"] == 12


def test_a_teacher_may_skip_the_exams_rating_and_the_comment() -> None:
    form = form_named("teacher_difficulties")
    replies = {key: value for key, value in TEACHER.items() if key not in {"exams", "comment"}}
    answers, _asked = walk(form, replies)
    shown = review(form, answers)
    assert shown["exams"] == "Без ответа"
    assert shown["comment"] == "Без ответа"


def test_a_psychologist_rates_only_the_areas_outside_lessons() -> None:
    form = form_named("teacher_difficulties")
    answers, asked = walk(
        form,
        {
            "school": SCHOOL_1,
            "position": ChoiceInput("psychologist"),
            "experience": TextInput("3"),
            "learning_difficulties": ChoiceInput("3"),
            "motivation": ChoiceInput("4"),
            "individualisation": ChoiceInput("3"),
            "digital": ChoiceInput("2"),
            "parents": ChoiceInput("5"),
            "classroom": ChoiceInput("4"),
            "priority_areas": ["parents", Other("Работа с детьми с ОВЗ")],
            "support": ["consultation", "coaching"],
        },
    )
    for hidden in ("teaches", "subjects", "literacy", "assessment", "exams"):
        assert hidden not in asked
    assert review(form, answers)["priority_areas"] == (
        "Работа с родителями; Другое: Работа с детьми с ОВЗ"
    )


def test_a_deputy_head_who_teaches_names_the_subjects() -> None:
    form = form_named("teacher_difficulties")
    ratings = {area: ChoiceInput("3") for area in AREAS}
    answers, asked = walk(
        form,
        {
            "school": SCHOOL_2,
            "position": ChoiceInput("deputy"),
            "teaches": ChoiceInput("yes"),
            "subjects": ["math", Other("Астрономия")],
            "experience": TextInput("25"),
            **ratings,
            "priority_areas": ["digital"],
            "support": ["internship", Other("Обмен опытом со школой-партнёром")],
        },
    )
    assert asked[:5] == ["school", "position", "teaches", "subjects", "experience"]
    assert effective_answers(form, answers)["subjects"] == {
        "selected": ["math"],
        "other": "Астрономия",
    }


def test_a_head_who_does_not_teach_is_not_asked_about_subjects_or_lessons() -> None:
    form = form_named("teacher_difficulties")
    ratings = {area: ChoiceInput("2") for area in AREAS if area not in {"literacy", "assessment"}}
    del ratings["exams"]
    _answers, asked = walk(
        form,
        {
            "school": SCHOOL_2,
            "position": ChoiceInput("director"),
            "teaches": ChoiceInput("no"),
            "experience": TextInput("30"),
            **ratings,
            "priority_areas": ["parents"],
            "support": ["seminar"],
        },
    )
    assert "teaches" in asked
    assert not {"subjects", "literacy", "assessment", "exams"} & set(asked)


def test_a_position_typed_in_other_is_asked_whether_it_teaches() -> None:
    form = form_named("teacher_difficulties")
    ratings = {area: ChoiceInput("1") for area in AREAS}
    answers, asked = walk(
        form,
        {
            "school": SCHOOL_3,
            "position": TextInput("Советник директора по воспитанию"),
            "teaches": ChoiceInput("yes"),
            "subjects": ["history", "social"],
            "experience": TextInput("0"),
            **ratings,
            "priority_areas": ["motivation"],
            "support": ["masterclass"],
        },
    )
    assert asked.index("teaches") == asked.index("position") + 1
    assert answers["position"] == {"other": "Советник директора по воспитанию"}


def test_teacher_difficulties_experience_is_between_0_and_60() -> None:
    experience = question(form_named("teacher_difficulties"), "experience")
    assert isinstance(validate(experience, TextInput("61"), today=TODAY), Rejected)
    assert isinstance(validate(experience, TextInput("-1"), today=TODAY), Rejected)
    assert validate(experience, TextInput("60"), today=TODAY) == Accepted(60)


# --- parent_consultation ------------------------------------------------------------------


PARENT: dict[str, Reply] = {
    "intro": ChoiceInput("next"),
    "school": SCHOOL_1,
    "grade": ChoiceInput("9"),
    "topic": ChoiceInput("exam_anxiety"),
    "details": TextInput("Сын очень волнуется перед ОГЭ, плохо спит."),
    "format": ChoiceInput("online"),
    "convenient_time": ["weekday_evening", "saturday"],
    "parent_name": TextInput("Анна Сергеевна"),
    "phone": ContactInput("79161234567"),
}


def test_parent_consultation_settings() -> None:
    form = form_named("parent_consultation")
    assert form.title == "Запись на консультацию для родителей"
    assert form.roles == ("parent",)
    assert form.responses == "many"
    assert form.consent is True
    assert form.retention_days == 365


def test_parent_consultation_collects_little_personal_data() -> None:
    form = form_named("parent_consultation")
    personal = {q.id for q in form.all_questions() if is_personal(q)}
    assert personal == {"details", "parent_name", "phone"}
    assert question(form, "phone").required
    assert isinstance(validate(question(form, "phone"), SkipInput(), today=TODAY), Rejected)


def test_a_parent_walks_through_parent_consultation() -> None:
    form = form_named("parent_consultation")
    answers, asked = walk(form, PARENT)
    assert asked == list(PARENT)
    assert answers["grade"] == "9"
    shown = review(form, answers)
    assert "intro" not in shown
    assert shown["grade"] == "9 класс"
    assert shown["topic"] == "Волнение и тревога перед экзаменами"
    assert shown["convenient_time"] == "В будни вечером; В субботу"
    assert shown["phone"] == "+7 916 123-45-67"


def test_a_parent_may_skip_the_description_and_the_time() -> None:
    form = form_named("parent_consultation")
    replies = {k: v for k, v in PARENT.items() if k not in {"details", "convenient_time"}}
    answers, _asked = walk(form, {**replies, "topic": TextInput("Зависимость от телефона")})
    shown = review(form, answers)
    assert shown["details"] == "Без ответа"
    assert shown["convenient_time"] == "Без ответа"
    assert answers["topic"] == {"other": "Зависимость от телефона"}


def test_parent_consultation_description_is_limited_to_1000_characters() -> None:
    details = question(form_named("parent_consultation"), "details")
    assert isinstance(validate(details, TextInput("а" * 1001), today=TODAY), Rejected)
    assert isinstance(validate(details, TextInput("а" * 1000), today=TODAY), Accepted)


# --- mentoring_pair -----------------------------------------------------------------------


def pair(form_of_mentoring: str, **extra: Reply) -> dict[str, Reply]:
    return {
        "mentor_school": SCHOOL_2,
        "mentor_position": ChoiceInput("teacher"),
        "mentoring_form": ChoiceInput(form_of_mentoring),
        "mentee_school": SCHOOL_1,
        **extra,
        "difficulty": ChoiceInput("assessment"),
        "start_date": TextInput("01.03.2025"),
        "planned_end": TextInput("31.05.2025"),
        "meeting_plan": ChoiceInput("biweekly"),
        "expected_result": TextInput("Наставляемый проведёт открытый урок."),
    }


def test_mentoring_pair_settings() -> None:
    form = form_named("mentoring_pair")
    assert form.title == "Регистрация наставнической пары"
    assert set(form.roles) == {"mentor", "teacher"}
    assert form.responses == "many"


def test_mentoring_pair_asks_nothing_personal_about_the_mentee() -> None:
    form = form_named("mentoring_pair")
    personal = {q.id for q in form.all_questions() if is_personal(q)}
    assert personal == {"expected_result"}
    assert not [q for q in form.all_questions() if q.type in {"phone", "email"}]


def test_a_teacher_teacher_pair_names_the_subject_and_the_mentee_position() -> None:
    form = form_named("mentoring_pair")
    replies = pair(
        "teacher_teacher", mentee_position=ChoiceInput("teacher"), subject=ChoiceInput("math")
    )
    answers, asked = walk(form, replies)
    assert asked == list(replies)
    shown = review(form, answers)
    assert shown["mentoring_form"] == "Педагог — педагог"
    assert shown["start_date"] == "01.03.2025"
    assert shown["planned_end"] == "31.05.2025"


def test_a_head_head_pair_is_not_asked_the_subject() -> None:
    form = form_named("mentoring_pair")
    answers, asked = walk(form, pair("head_head", mentee_position=ChoiceInput("director")))
    assert "mentee_position" in asked
    assert "subject" not in asked
    assert review(form, answers)["mentee_position"] == "Директор"


def test_a_school_school_pair_is_asked_neither_subject_nor_mentee_position() -> None:
    form = form_named("mentoring_pair")
    replies = pair("school_school")
    replies["difficulty"] = TextInput("Внутренняя система оценки качества")
    answers, asked = walk(form, replies)
    assert not {"subject", "mentee_position"} & set(asked)
    assert answers["difficulty"] == {"other": "Внутренняя система оценки качества"}


def test_a_pair_that_changes_its_form_drops_the_subject() -> None:
    form = form_named("mentoring_pair")
    replies = pair(
        "teacher_teacher", mentee_position=ChoiceInput("teacher"), subject=ChoiceInput("math")
    )
    answers, _asked = walk(form, replies)
    answers["mentoring_form"] = "school_school"
    kept = effective_answers(form, answers)
    assert "subject" not in kept
    assert "mentee_position" not in kept


def test_mentoring_pair_difficulties_are_the_survey_areas() -> None:
    difficulty = question(form_named("mentoring_pair"), "difficulty")
    assert isinstance(difficulty, SingleChoiceQuestion)
    assert [option.value for option in difficulty.options][: len(AREAS)] == AREAS


def test_mentoring_pair_dates_have_sensible_bounds() -> None:
    form = form_named("mentoring_pair")
    start, end = question(form, "start_date"), question(form, "planned_end")
    # TODAY is 10.03.2025: a start a month ago is fine, a start half a year ago is not.
    assert isinstance(validate(start, TextInput("10.02.2025"), today=TODAY), Accepted)
    assert isinstance(validate(start, TextInput("10.09.2024"), today=TODAY), Rejected)
    assert isinstance(validate(end, TextInput("09.03.2025"), today=TODAY), Rejected)
    assert isinstance(validate(end, TextInput("30.06.2025"), today=TODAY), Accepted)


# --- event_report -------------------------------------------------------------------------


def event(event_format: str, schools_count: int, **extra: Reply) -> dict[str, Reply]:
    venue = {} if event_format == "online" else {"venue": TextInput("МБОУ СОШ № 7, г. Энск")}
    return {
        "title": TextInput("Семинар «Формирующее оценивание на уроках математики»"),
        "event_type": ChoiceInput("seminar"),
        "event_date": TextInput("05.03.2025"),
        "event_format": ChoiceInput(event_format),
        **venue,
        "organiser": TextInput("МОЦ городского округа Энск"),
        "audience": ["teachers", "deputies"],
        "for_school_teams": ChoiceInput("yes"),
        "participants": TextInput("45"),
        "schools_count": TextInput(str(schools_count)),
        **extra,
        "outcomes": TextInput("Договорились провести открытые уроки до конца четверти."),
    }


def photo(number: int) -> FileInput:
    return FileInput(f"file-{number}", f"photo_{number}.jpg", 200_000, "image/jpeg", "photo")


def test_event_report_settings() -> None:
    form = form_named("event_report")
    assert form.title == "Отчёт о мероприятии"
    assert set(form.roles) == {"coordinator", "teacher"}
    assert form.responses == "many"


def test_an_online_meeting_without_schools_skips_the_venue_and_the_schools() -> None:
    form = form_named("event_report")
    replies = event("online", 0)
    replies["materials"] = [photo(1)]
    replies["event_type"] = ChoiceInput("wg_meeting")
    replies["for_school_teams"] = ChoiceInput("no")
    answers, asked = walk(form, replies)
    assert asked == list(replies)
    assert "venue" not in asked
    assert not [q for q in asked if q.startswith("school_") or q == "other_schools"]
    shown = review(form, answers)
    assert shown["event_type"] == "Заседание рабочей группы"
    assert shown["event_date"] == "05.03.2025"
    assert shown["materials"].startswith("1 файл")


def test_an_event_with_three_schools_picks_three_schools() -> None:
    form = form_named("event_report")
    replies = event("in_person", 3, school_1=SCHOOL_1, school_2=SCHOOL_2, school_3=SCHOOL_3)
    answers, asked = walk(form, replies)
    assert asked == [*replies, "materials"]
    kept = effective_answers(form, answers)
    assert [kept[f"school_{n}"]["code"] for n in (1, 2, 3)] == ["OO-0102", "OO-0101", "OO-0104"]
    assert review(form, answers)["materials"] == "Без ответа"


def test_an_event_with_many_schools_lists_the_rest_in_words() -> None:
    form = form_named("event_report")
    schools = {f"school_{n}": SCHOOL_1 for n in range(1, 6)}
    listed = TextInput("СОШ № 3 (Грачёвский район), Гимназия № 2 (Энск)")
    replies = event("mixed", 7, **schools, other_schools=listed)
    _answers, asked = walk(form, replies)
    assert asked[asked.index("schools_count") + 1 :] == [
        "school_1",
        "school_2",
        "school_3",
        "school_4",
        "school_5",
        "other_schools",
        "outcomes",
        "materials",
    ]


def test_exactly_five_schools_need_no_list() -> None:
    form = form_named("event_report")
    schools = {f"school_{n}": SCHOOL_2 for n in range(1, 6)}
    _answers, asked = walk(form, event("in_person", 5, **schools))
    assert "school_5" in asked
    assert "other_schools" not in asked


@pytest.mark.parametrize("count", range(8))
def test_the_number_of_schools_decides_how_many_schools_are_picked(count: int) -> None:
    form = form_named("event_report")
    visible = [q.id for q in visible_questions(form, {"schools_count": count})]
    pickers = [name for name in visible if name.startswith("school_")]
    assert pickers == [f"school_{n}" for n in range(1, min(count, 5) + 1)]
    assert ("other_schools" in visible) == (count > 5)


def test_event_report_date_cannot_be_in_the_future() -> None:
    event_date = question(form_named("event_report"), "event_date")
    assert isinstance(validate(event_date, TextInput("11.03.2025"), today=TODAY), Rejected)
    assert isinstance(validate(event_date, TextInput("10.03.2025"), today=TODAY), Accepted)


def test_event_report_takes_up_to_ten_files() -> None:
    materials = question(form_named("event_report"), "materials")
    assert isinstance(materials, FileQuestion)
    pending: list[dict[str, Any]] = []
    for number in range(10):
        step = add_file(materials, pending, photo(number))
        assert isinstance(step, list)
        pending = step
    assert isinstance(add_file(materials, pending, photo(10)), Rejected)
    document = FileInput("doc", "Программа семинара.pdf", 300_000, "application/pdf")
    assert isinstance(add_file(materials, [], document), list)


def test_event_report_needs_at_least_one_participant() -> None:
    participants = question(form_named("event_report"), "participants")
    assert isinstance(validate(participants, TextInput("0"), today=TODAY), Rejected)


@pytest.mark.parametrize("path", sorted(LIBRARY.glob("*.yaml")), ids=lambda p: p.stem)
def test_a_stored_definition_reads_back_as_the_same_form(path: Path) -> None:
    """The catalogue stores a dump of each version and reads it back for older drafts and the
    registers; conditions with not/all/any must survive it, with or without aliases."""
    form = load_form(path)
    for by_alias in (True, False):
        assert Form.model_validate(form.model_dump(mode="json", by_alias=by_alias)) == form
