"""The summary's figures computed from plain facts."""

from __future__ import annotations

from datetime import date

import pytest

from exports.aggregate import (
    BEHIND,
    DONE,
    HALF,
    counts,
    cross_counts,
    events_by_type,
    low_result_reach,
    target_remaining,
    target_share,
    target_state,
    wave_changes,
)
from exports.facts import DifficultyResponse, DifficultySurvey, EventFact, TargetProgress


@pytest.mark.parametrize(
    ("target", "current", "state", "remaining"),
    [
        (20, 20, DONE, 0),
        (20, 25, DONE, 0),
        (20, 10, HALF, 10),
        (20, 9, BEHIND, 11),
        (0, 0, DONE, 0),
    ],
)
def test_target_states(target: int, current: int, state: str, remaining: int) -> None:
    progress = TargetProgress("Показатель", target, current, "год")
    assert target_state(target_share(progress)) == state
    assert target_remaining(progress) == remaining


def test_counts_most_frequent_first_then_by_name() -> None:
    assert counts(["б", "а", "в", "б", "в"]) == [("б", 2), ("в", 2), ("а", 1)]


def test_cross_counts_sorts_months_and_totals() -> None:
    table = cross_counts(
        [(date(2025, 10, 1), "x"), (date(2025, 9, 1), "y"), (date(2025, 9, 1), "x")],
        lambda item: item[0],
        lambda item: item[1],
    )
    assert table.rows == [date(2025, 9, 1), date(2025, 10, 1)]
    assert table.columns == ["x", "y"]
    assert table.row_total(date(2025, 9, 1)) == 2
    assert table.column_total("x") == 2


def test_events_by_type_and_reach() -> None:
    events = [EventFact("Семинар", 10, ["1", "2"]), EventFact("Семинар", 5, ["2"])]
    kinds = events_by_type(events)
    assert [(kind.name, kind.events, kind.participants) for kind in kinds] == [("Семинар", 2, 15)]
    reach = low_result_reach(events, frozenset({"2", "3", "4", "5"}))
    assert (reach.reached, reach.total, reach.share) == (1, 4, 0.25)
    assert low_result_reach(events, frozenset()).share is None


def test_a_school_is_compared_by_its_code_and_only_in_areas_rated_in_both_waves() -> None:
    def answer(code: str, wave: str, ratings: dict[str, int]) -> DifficultyResponse:
        return DifficultyResponse("МО", "Школа", code, wave, ratings)

    survey = DifficultySurvey(
        areas=[("a", "А"), ("b", "Б")],
        waves=["осень", "зима", "весна"],
        responses=[
            answer("1", "весна", {"a": 2, "b": 4}),
            answer("1", "осень", {"a": 5}),
            answer("2", "осень", {"a": 1, "b": 1}),  # the same name, another school
        ],
    )
    compared = wave_changes(survey)
    assert compared is not None
    first, last, changes = compared
    assert (first, last) == ("осень", "весна")
    assert [(c.area, c.first, c.last, c.difference) for c in changes] == [("А", 5, 2, -3)]
