"""The targets file: periods, the shipped file, problems with their places, the tallies."""

from __future__ import annotations

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
    Period,
    Responses,
    ResponseSum,
    Sent,
    TargetsError,
    load_targets,
    period_of,
    read_targets,
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
    numbers = {(x.measure, x.period): x.target for x in targets.targets}
    assert numbers == {
        ("consultations_held", "school_year"): 20,
        ("active_pairs", "school_year"): 10,
        ("partner_school_pairs", "school_year"): 10,
        ("event_participants", "school_year"): 100,
        ("school_team_events", "school_year"): 5,
        ("working_group_meetings", "quarter"): 1,
    }
    pairs = targets.measures["partner_school_pairs"]
    assert isinstance(pairs, ActiveCases)
    assert pairs.questions() == {"mentoring_form"}


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
