"""The targets file: periods, the shipped file, problems with their places, the tallies."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from bot.settings import LIBRARY, TARGETS
from forms.loading import load_form
from forms.problems import problem_text
from forms.schema import Form
from forms.targets import (
    ActiveCases,
    ClosedCases,
    Coverage,
    DirectorySchool,
    EachSchool,
    Period,
    Responses,
    ResponseSum,
    SchoolCount,
    SchoolShare,
    Sent,
    Standing,
    Target,
    TargetsError,
    load_targets,
    period_of,
    period_text,
    read_targets,
    standing,
)
from tests.forms.helpers import t

LIBRARY_FORMS = {form.id: form for form in map(load_form, sorted(LIBRARY.glob("*.yaml")))}


# --- periods --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "start", "end"),
    [
        (date(2026, 8, 31), date(2025, 9, 1), date(2026, 9, 1)),
        (date(2026, 9, 1), date(2026, 9, 1), date(2027, 9, 1)),
        (date(2027, 1, 1), date(2026, 9, 1), date(2027, 9, 1)),
        (date(2026, 12, 31), date(2026, 9, 1), date(2027, 9, 1)),
    ],
)
def test_the_school_year_runs_from_1_september_to_31_august(
    day: date, start: date, end: date
) -> None:
    assert period_of("school_year", day) == Period("school_year", start, end)


@pytest.mark.parametrize(
    ("day", "start", "end", "quarter"),
    [
        (date(2026, 1, 1), date(2026, 1, 1), date(2026, 4, 1), 1),
        (date(2026, 3, 31), date(2026, 1, 1), date(2026, 4, 1), 1),
        (date(2026, 4, 1), date(2026, 4, 1), date(2026, 7, 1), 2),
        (date(2026, 9, 30), date(2026, 7, 1), date(2026, 10, 1), 3),
        (date(2026, 10, 1), date(2026, 10, 1), date(2027, 1, 1), 4),
        (date(2026, 12, 31), date(2026, 10, 1), date(2027, 1, 1), 4),
    ],
)
def test_quarters_and_their_edges(day: date, start: date, end: date, quarter: int) -> None:
    period = period_of("quarter", day)
    assert (period.start, period.end, period.quarter) == (start, end, quarter)


def test_calendar_years_and_months() -> None:
    assert period_of("calendar_year", date(2026, 12, 31)) == Period(
        "calendar_year", date(2026, 1, 1), date(2027, 1, 1)
    )
    assert period_of("month", date(2026, 12, 31)) == Period(
        "month", date(2026, 12, 1), date(2027, 1, 1)
    )
    assert period_of("month", date(2026, 2, 1)).end == date(2026, 3, 1)


def test_a_period_holds_its_first_day_and_not_the_day_after_its_last() -> None:
    year = period_of("school_year", date(2026, 10, 5))
    assert date(2026, 9, 1) in year
    assert date(2027, 8, 31) in year
    assert date(2027, 9, 1) not in year
    assert date(2026, 8, 31) not in year
    assert None not in year


# --- the shipped file -----------------------------------------------------------------------


def test_the_shipped_file_holds_the_roadmap_targets_and_fits_the_built_in_forms() -> None:
    targets = load_targets(TARGETS, LIBRARY_FORMS)
    numbers = {x.id: (x.target, x.period) for x in targets.targets}
    assert numbers == {
        "consultations": (20, "school_year"),
        "mentoring_pairs": (10, "school_year"),
        "partner_pairs": (10, "school_year"),
        "participants": (100, "school_year"),
        "school_team_events": (5, "school_year"),
        "working_group_meetings": (1, "quarter"),
        "working_group_half_year": (1, "half_year"),
        "low_results_at_events": (10, "calendar_year"),
        "low_results_internships": (5, "calendar_year"),
        "mo_participants": (100, "calendar_year"),
        "mo_low_results_share": (100, "calendar_year"),
        "teacher_events_participants": (100, "calendar_year"),
        "teacher_events_low_results_share": (100, "calendar_year"),
        "coordinator_webinars": (1, "quarter"),
        "practice_forums": (1, "calendar_year"),
        "methodical_landings": (1, "half_year"),
        "difficulties_schools_share": (100, "school_year"),
        "difficulties_municipalities": (27, "half_year"),
        "programme_reported": (100, "school_year"),
        "expertise": (10, "school_year"),
        "school_consultations": (20, "school_year"),
    }
    pairs = targets.measures["partner_school_pairs"]
    assert isinstance(pairs, ActiveCases)
    assert pairs.questions() == {"mentoring_form"}
    share = targets.measures["mo_low_results_share"]
    assert isinstance(share, SchoolShare)
    assert share.share_of == ("low_results",)
    assert share.schools == ("school_1", "school_2", "school_3", "school_4", "school_5")


def test_every_shipped_target_names_its_source_roadmap() -> None:
    """The comment above each target names a seed roadmap (000-004) and its item."""
    lines = TARGETS.read_text(encoding="utf-8").splitlines()
    targets = [n for n, line in enumerate(lines) if line.startswith("  - id: ")]
    assert len(targets) == len(load_targets(TARGETS).targets)
    for found in targets:
        above = found
        while above > 0 and lines[above - 1].strip().startswith("#"):
            above -= 1
        comment = " ".join(line.strip() for line in lines[above:found])
        assert re.search(r"00[0-4], пп?\. \d", comment), lines[found]


def test_the_old_six_measures_keep_their_meaning() -> None:
    """A coordinator's copy of the first file reads as before: a closing status counts
    cases closed in the period, an open one the cases in it now."""
    targets = load_targets(TARGETS)
    assert isinstance(targets.measures["consultations_held"], ClosedCases)
    assert isinstance(targets.measures["active_pairs"], ActiveCases)
    assert type(targets.measures["event_participants"]) is ResponseSum
    assert type(targets.measures["school_team_events"]) is Responses


# --- problems -------------------------------------------------------------------------------

MEASURES = """\
measures:
  consultations_held: {case: consultation, status: held}
  working_group_meetings:
    form: event_report
    date: event_date
    where: {question: event_type, equals: wg_meeting}
"""


def problems_of(text: str, forms: dict[str, Form] | None = None) -> list[str]:
    with pytest.raises(TargetsError) as caught:
        read_targets(text, "targets.yaml", forms)
    return [problem_text(problem, t) for problem in caught.value.problems]


def test_every_problem_of_a_file_is_told_in_russian_with_its_line() -> None:
    text = MEASURES + (
        "targets:\n"
        "  - {id: meetings, title: Заседания, target: 1, period: week,\n"
        "     measure: working_group_meetings}\n"
        "  - {id: held, title: Консультации, target: 0, period: quarter,\n"
        "     measure: consultations_held}\n"
        "  - id: pairs\n"
        "    title: Пары\n"
        "    target: 10\n"
        "    period: school_year\n"
        "    measure: active_pairs\n"
        "    colour: red\n"
    )
    assert problems_of(text) == [
        "targets.yaml, строка 8 (targets[0].period): Поле «period»: значение «week» не подходит. "
        "Можно: «school_year», «calendar_year», «half_year», «quarter», «month».",
        "targets.yaml, строка 10 (targets[1].target): Поле «target»: значение должно быть "
        "не меньше 1.",
        "targets.yaml, строка 17 (targets[2].colour): Неизвестное поле «colour». Проверьте "
        "написание: все поля описаны в начале файла forms/targets.yaml.",
    ]


def test_a_target_needs_its_measure_described_and_its_own_id() -> None:
    text = MEASURES + (
        "targets:\n"
        "  - {id: pairs, title: Пары, target: 10, period: school_year, measure: active_pairs}\n"
        "  - {id: pairs, title: Ещё, target: 1, period: quarter, measure: consultations_held}\n"
    )
    assert problems_of(text) == [
        "targets.yaml, строка 8 (targets[0].measure): Показатель считает «active_pairs», но в "
        "разделе measures это не описано. Добавьте описание в measures.",
        "targets.yaml, строка 9 (targets[1].id): Показатель с id «pairs» уже есть выше. У "
        "каждого показателя должен быть свой id.",
    ]


def test_what_a_measure_names_is_checked_against_the_forms() -> None:
    text = (
        "measures:\n"
        "  working_group_meetings:\n"
        "    form: event_report\n"
        "    date: title\n"
        "    where: {question: event_type, equals: wg_meting}\n"
        "  event_participants: {form: event_report, date: event_date, sum: venue}\n"
        "  school_team_events: {form: event_reports, date: event_date}\n"
        "  partner_school_pairs:\n"
        "    case: mentoring\n"
        "    status: active\n"
        "    form: mentoring_pair\n"
        "    where: {question: partnership, equals: true}\n"
        "targets:\n"
        "  - {id: w, title: W, target: 1, period: quarter, measure: working_group_meetings}\n"
    )
    assert problems_of(text, LIBRARY_FORMS) == [
        "targets.yaml, строка 4 (measures.working_group_meetings.date): Вопрос «title» анкеты "
        "«event_report» — не дата. Нужен вопрос типа date.",
        "targets.yaml, строка 5 (measures.working_group_meetings.where): У вопроса «event_type» "
        "не бывает ответа «wg_meting». Для вопроса с выбором укажите value одного из вариантов, "
        "для вопроса «да/нет» — true или false.",
        "targets.yaml, строка 6 (measures.event_participants.sum): Вопрос «venue» анкеты "
        "«event_report» — не число. Нужен вопрос типа integer или decimal.",
        "targets.yaml, строка 7 (measures.school_team_events.form): Анкеты с id «event_reports» "
        "нет среди анкет бота.",
        "targets.yaml, строка 12 (measures.partner_school_pairs.where): В анкете "
        "«mentoring_pair» нет вопроса «partnership».",
    ]
    read_targets(text, "targets.yaml")  # without forms only the file itself is checked


def test_a_condition_on_cases_needs_the_form_it_reads() -> None:
    text = (
        "measures:\n"
        "  active_pairs:\n"
        "    case: mentoring\n"
        "    status: active\n"
        "    where: {question: mentoring_form, equals: school_school}\n"
        "targets:\n"
        "  - {id: p, title: P, target: 1, period: quarter, measure: active_pairs}\n"
    )
    assert problems_of(text) == [
        "targets.yaml, строка 3 (measures.active_pairs.form): Для условия where укажите анкету "
        "(поле form), в которой есть вопрос из условия.",
    ]


def test_broken_yaml_and_a_missing_file_are_problems_too(tmp_path: Path) -> None:
    [broken] = problems_of("measures: {}\ntargets: [\n")
    assert broken.startswith("targets.yaml, строка 3: Ошибка разметки YAML: ")
    assert problems_of("- a\n- b\n") == [
        "targets.yaml: Файл целевых показателей должен состоять из разделов measures и targets."
    ]
    with pytest.raises(TargetsError) as caught:
        load_targets(tmp_path / "none.yaml")
    assert problem_text(caught.value.problems[0], t) == f"{tmp_path / 'none.yaml'}: Файл не найден."


# --- tallies --------------------------------------------------------------------------------

AUTUMN = period_of("school_year", date(2026, 10, 1))


def test_responses_count_by_their_date_and_condition() -> None:
    meetings = Responses.model_validate(
        {
            "form": "event_report",
            "date": "event_date",
            "where": {"question": "event_type", "equals": "wg_meeting"},
        }
    )
    reports = [
        {"event_date": "2026-09-01", "event_type": "wg_meeting"},
        {"event_date": "2027-08-31", "event_type": "wg_meeting"},
        {"event_date": "2026-08-31", "event_type": "wg_meeting"},  # the year before
        {"event_date": "2026-10-02", "event_type": "seminar"},
        {"event_date": "2026-10-02", "event_type": {"other": "Совещание"}},
        {"event_type": "wg_meeting"},  # no date
        {"event_date": "не дата", "event_type": "wg_meeting"},
    ]
    assert meetings.tally(map(Sent, reports), AUTUMN) == 2
    assert meetings.questions() == {"event_date", "event_type"}


def test_yes_no_conditions_and_sums() -> None:
    participants = ResponseSum.model_validate(
        {
            "form": "event_report",
            "date": "event_date",
            "sum": "participants",
            "where": {"question": "for_school_teams", "equals": True},
        }
    )
    reports = [
        {"event_date": "2026-09-10", "participants": 40, "for_school_teams": True},
        {"event_date": "2026-09-11", "participants": 25, "for_school_teams": True},
        {"event_date": "2026-09-12", "participants": 300, "for_school_teams": False},
        {"event_date": "2026-09-13", "for_school_teams": True},  # no number
        {"event_date": "2025-09-13", "participants": 7, "for_school_teams": True},
    ]
    assert participants.tally(map(Sent, reports), AUTUMN) == 65


def test_cases_in_a_status_count_with_their_condition() -> None:
    pairs = ActiveCases.model_validate(
        {
            "case": "mentoring",
            "status": "active",
            "form": "mentoring_pair",
            "where": {"question": "mentoring_form", "equals": "school_school"},
        }
    )
    cases = [
        {"mentoring_form": "school_school"},
        {"mentoring_form": "teacher_teacher"},
        {},
        {"mentoring_form": "school_school"},
    ]
    assert pairs.tally(cases) == 2
    held = ClosedCases.model_validate({"case": "consultation", "status": "held"})
    assert held.status == "held"


# --- half-years -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "start", "end", "half"),
    [
        (date(2026, 1, 1), date(2026, 1, 1), date(2026, 7, 1), 1),
        (date(2026, 6, 30), date(2026, 1, 1), date(2026, 7, 1), 1),
        (date(2026, 7, 1), date(2026, 7, 1), date(2027, 1, 1), 2),
        (date(2026, 12, 31), date(2026, 7, 1), date(2027, 1, 1), 2),
    ],
)
def test_half_years_are_the_halves_of_the_calendar_year(
    day: date, start: date, end: date, half: int
) -> None:
    period = period_of("half_year", day)
    assert (period.start, period.end, period.half) == (start, end, half)
    assert period_text(period, t) == f"{'I' * half} полугодие 2026"


# --- schools --------------------------------------------------------------------------------

SCHOOL_QUESTIONS = ["school_1", "school_2"]
DIRECTORY = {
    school.code: school
    for school in (
        DirectorySchool("A", 1, frozenset({"low_results"})),
        DirectorySchool("B", 1, frozenset({"low_results", "difficult_conditions"})),
        DirectorySchool("C", 1),
        DirectorySchool("D", 2, frozenset({"difficult_conditions"})),
    )
}


def picked(code: str) -> dict[str, str]:
    return {"code": code, "name": f"Школа {code}", "municipality": "Энск"}


def event(day: str, *codes: str, people: int = 10, kind: str = "seminar") -> Sent:
    named = {f"school_{n}": picked(code) for n, code in enumerate(codes, start=1)}
    answers = {"event_date": day, "event_type": kind, "participants": people, **named}
    return Sent(answers, school=codes[0] if codes else None)


EVENTS = [
    event("2026-10-01", "A", "C"),
    event("2026-10-02", "A", "A"),
    event("2026-10-03", "C", "D"),
    event("2026-10-04", "B", kind="wg_meeting"),
    event("2025-10-01", "B"),  # the year before
    event("2026-10-05", "Z"),  # not in the directory (or not in the coordinator's)
    event("2026-10-06"),  # no school
]
SEMINARS = {"form": "event_report", "date": "event_date", "schools": SCHOOL_QUESTIONS}
ONLY_SEMINARS = {**SEMINARS, "where": {"question": "event_type", "equals": "seminar"}}


def test_distinct_schools_and_municipalities() -> None:
    low = SchoolCount.model_validate({**ONLY_SEMINARS, "count": "schools", "among": "low_results"})
    assert low.tally(EVENTS, AUTUMN, DIRECTORY) == 1  # A, twice and in two reports
    every = SchoolCount.model_validate({**ONLY_SEMINARS, "count": "schools"})
    assert every.tally(EVENTS, AUTUMN, DIRECTORY) == 3  # A, C, D
    towns = SchoolCount.model_validate({**ONLY_SEMINARS, "count": "municipalities"})
    assert towns.tally(EVENTS, AUTUMN, DIRECTORY) == 2
    either = SchoolCount.model_validate(
        {**SEMINARS, "count": "schools", "among": ["low_results", "difficult_conditions"]}
    )
    assert either.tally(EVENTS, AUTUMN, DIRECTORY) == 3  # A, D and B (its meeting)
    assert either.questions() == {"event_date", "school_1", "school_2"}


def test_without_school_questions_the_school_of_the_response_counts() -> None:
    own = SchoolCount.model_validate({"form": "event_report", "count": "schools"})
    rows = [Sent({}, day=date(2026, 10, 1), school=code) for code in ("A", "C", "A", "Z")]
    rows.append(Sent({}, day=date(2025, 10, 1), school="B"))  # sent the year before
    assert own.tally(rows, AUTUMN, DIRECTORY) == 2


def test_a_share_of_the_directory_schools_of_a_set() -> None:
    share = SchoolShare.model_validate({**SEMINARS, "share_of": "low_results"})
    assert share.tally(EVENTS, AUTUMN, DIRECTORY) == Coverage(2, 2)  # A and B
    seminars = SchoolShare.model_validate({**ONLY_SEMINARS, "share_of": "low_results"})
    assert seminars.tally(EVENTS, AUTUMN, DIRECTORY) == Coverage(1, 2)
    assert seminars.tally(EVENTS, AUTUMN, {}) == Coverage(0, 0)


def test_a_minimum_for_each_school_of_a_set() -> None:
    twice = EachSchool.model_validate({**ONLY_SEMINARS, "each_school": "all", "at_least": 2})
    # A is named in two reports (twice in one of them: one response), C in two, D in one.
    assert twice.tally(EVENTS, AUTUMN, DIRECTORY) == Coverage(2, 4)
    people = EachSchool.model_validate(
        {
            "form": "event_report",
            "date": "event_date",
            "schools": "school_1",
            "each_school": ["low_results", "difficult_conditions"],
            "at_least": 15,
            "sum": "participants",
        }
    )
    rows = [event("2026-10-01", "A", people=10), event("2026-10-02", "A", people=5)]
    rows += [event("2026-10-03", "B", people=14), event("2026-10-04", "D", "A", people=20)]
    assert people.tally(rows, AUTUMN, DIRECTORY) == Coverage(2, 3)  # A 15, D 20; B 14


def test_where_a_target_stands() -> None:
    share = Target(id="s", title="S", target=100, period="school_year", measure="m")
    assert standing(share, Coverage(12, 50)) == Standing(12, 50, 24, 50)
    assert standing(share, Coverage(12, 50)).left == 38
    half = share.model_copy(update={"target": 50})
    assert standing(half, Coverage(3, 7)).goal == 4  # half of 7 schools, rounded up
    assert standing(half, Coverage(4, 7)).done
    assert not standing(share, Coverage(0, 0)).done
    count = share.model_copy(update={"target": 20})
    assert standing(count, 25) == Standing(25, 20, 125)
    assert standing(count, 25).done
    assert standing(count, 5).left == 15


def test_what_a_school_measure_names_is_checked() -> None:
    text = (
        "measures:\n"
        "  a: {form: event_report, count: schools, schools: [school_1, title]}\n"
        "  b: {form: mentoring_meeting, share_of: low_results}\n"
        "  c: {form: event_report, each_school: all, at_least: 5, sum: participants,\n"
        "      schools: [school_1, school_2]}\n"
        "  d: {form: teacher_difficulties, share_of: shnor}\n"
        "  e: 5\n"
        "  f: {form: teacher_difficulties, each_school: all, at_least: 0}\n"
        "targets:\n"
        "  - {id: a, title: A, target: 3, period: half_year, measure: a}\n"
        "  - {id: b, title: B, target: 120, period: school_year, measure: b}\n"
    )
    assert problems_of(text, LIBRARY_FORMS) == [
        "targets.yaml, строка 4 (measures.c.sum): Сумму по каждой школе (поле sum) можно "
        "считать, только если анкета называет одну школу: в поле schools оставьте один вопрос.",
        "targets.yaml, строка 6 (measures.d.share_of[0]): Поле «share_of»: значение «shnor» не "
        "подходит. Можно: «all», «low_results», «difficult_conditions», «partner».",
        "targets.yaml, строка 7 (measures.e): В поле «e» нужны вложенные поля вида «ключ: "
        "значение».",
        "targets.yaml, строка 8 (measures.f.at_least): Поле «at_least»: значение должно быть "
        "не меньше 1.",
    ]
    fixed = text.replace(", sum: participants", "").replace("shnor", "low_results")
    fixed = fixed.replace("  e: 5\n", "").replace("at_least: 0", "at_least: 1")
    assert problems_of(fixed, LIBRARY_FORMS) == [
        "targets.yaml, строка 10 (targets[1].target): Этот показатель — доля школ в процентах, "
        "поэтому значение target должно быть не больше 100.",
    ]
    assert problems_of(fixed.replace("target: 120", "target: 100"), LIBRARY_FORMS) == [
        "targets.yaml, строка 2 (measures.a.schools[1]): Вопрос «title» анкеты «event_report» "
        "— не выбор школы. Нужен вопрос типа school.",
        "targets.yaml, строка 3 (measures.b.form): В анкете «mentoring_meeting» нет вопроса о "
        "школе (типа school), поэтому школы по ней не посчитать. Укажите анкету с таким "
        "вопросом.",
    ]
