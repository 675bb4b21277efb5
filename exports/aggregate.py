"""The working group's figures, computed from plain facts (no workbook here).

Every function is pure: the summary writer (``exports/summary.py``) lays out what these return.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from exports.facts import DifficultyResponse, DifficultySurvey, EventFact, TargetProgress

Key = TypeVar("Key", bound=Hashable)
Item = TypeVar("Item")

DONE = "done"
HALF = "half"
BEHIND = "behind"


# --- targets -------------------------------------------------------------------------------


def target_share(target: TargetProgress) -> float:
    """How much of the target is reached: 1.0 is all of it (a target of 0 is reached)."""
    return target.current / target.target if target.target > 0 else 1.0


def target_remaining(target: TargetProgress) -> int:
    return max(target.target - target.current, 0)


def target_state(share: float) -> str:
    """``done`` at 100% and more, ``half`` from 50%, ``behind`` below."""
    if share >= 1:
        return DONE
    return HALF if share >= 0.5 else BEHIND


# --- teachers' difficulties ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Averages:
    """Average rating per area of a group of responses (None where nobody rated the area)."""

    key: tuple[str, ...]
    responses: int
    by_area: Mapping[str, float | None]


@dataclass(frozen=True, slots=True)
class WaveChange:
    """One school's average in one area in the first and the last wave it answered."""

    municipality: str
    school: str
    area: str
    first: float
    last: float

    @property
    def difference(self) -> float:
        return self.last - self.first


def averages_by(
    responses: Iterable[DifficultyResponse],
    areas: Sequence[str],
    key: Callable[[DifficultyResponse], tuple[str, ...]],
) -> list[Averages]:
    """Averages per group (by municipality, by school…), groups sorted by their key."""
    groups: dict[tuple[str, ...], list[DifficultyResponse]] = defaultdict(list)
    for response in responses:
        groups[key(response)].append(response)
    return [
        Averages(group, len(members), area_averages(members, areas))
        for group, members in sorted(groups.items())
    ]


def area_averages(
    responses: Sequence[DifficultyResponse], areas: Sequence[str]
) -> dict[str, float | None]:
    return {area: _mean(r.ratings[area] for r in responses if area in r.ratings) for area in areas}


def area_counts(responses: Sequence[DifficultyResponse], areas: Sequence[str]) -> dict[str, int]:
    """How many responses rated each area."""
    return {area: sum(area in response.ratings for response in responses) for area in areas}


def _mean(values: Iterable[float]) -> float | None:
    items = list(values)
    return sum(items) / len(items) if items else None


def wanted_support(responses: Iterable[DifficultyResponse]) -> list[tuple[str, int]]:
    """Kinds of support with how many responses asked for each, most wanted first."""
    return counts(kind for response in responses for kind in set(response.support))


def wave_changes(survey: DifficultySurvey) -> tuple[str, str, list[WaveChange]] | None:
    """The first and last waves that have answers, and each school's averages in both.

    Only schools (by code) that answered in both waves are compared. None when fewer than
    two waves have answers."""
    present = [wave for wave in survey.waves if any(r.wave == wave for r in survey.responses)]
    if len(present) < 2:
        return None
    first, last = present[0], present[-1]
    before = _by_school(survey.responses, first)
    after = _by_school(survey.responses, last)
    both = sorted(before.keys() & after.keys(), key=_school_order(after))
    changes = [
        change
        for code in both
        for change in _school_changes(before[code], after[code], survey.areas)
    ]
    return first, last, changes


def _by_school(
    responses: Iterable[DifficultyResponse], wave: str
) -> dict[str, list[DifficultyResponse]]:
    schools: dict[str, list[DifficultyResponse]] = defaultdict(list)
    for response in responses:
        if response.wave == wave:
            schools[response.school_code].append(response)
    return schools


def _school_order(
    schools: Mapping[str, list[DifficultyResponse]],
) -> Callable[[str], tuple[str, str, str]]:
    def order(code: str) -> tuple[str, str, str]:
        response = schools[code][0]
        return response.municipality, response.school, code

    return order


def _school_changes(
    first: list[DifficultyResponse],
    last: list[DifficultyResponse],
    areas: Sequence[tuple[str, str]],
) -> list[WaveChange]:
    ids = [area for area, _label in areas]
    before, after = area_averages(first, ids), area_averages(last, ids)
    school = last[0]
    return [
        WaveChange(school.municipality, school.school, label, old, new)
        for (area, label) in areas
        if (old := before[area]) is not None and (new := after[area]) is not None
    ]


# --- counting --------------------------------------------------------------------------------


def counts(keys: Iterable[Key]) -> list[tuple[Key, int]]:
    """How often each key occurs, most frequent first, then by the key."""
    return ranked(Counter(keys))


def ranked(counter: Mapping[Key, int]) -> list[tuple[Key, int]]:
    return sorted(counter.items(), key=lambda pair: (-pair[1], str(pair[0])))


@dataclass(frozen=True, slots=True)
class CrossTable:
    """Counts of items by a row key and a column key (months × topics…)."""

    rows: list[Hashable]
    columns: list[str]
    cells: Mapping[tuple[Hashable, str], int]

    def row_total(self, row: Hashable) -> int:
        return sum(self.cells.get((row, column), 0) for column in self.columns)

    def column_total(self, column: str) -> int:
        return sum(self.cells.get((row, column), 0) for row in self.rows)


def cross_counts(
    items: Iterable[Item],
    row_key: Callable[[Item], Hashable],
    column_key: Callable[[Item], str],
) -> CrossTable:
    """Rows sorted by their key; columns by how often they occur (most frequent first)."""
    cells = Counter((row_key(item), column_key(item)) for item in items)
    rows = sorted({row for row, _column in cells}, key=_sortable)
    column_counts = Counter[str]()
    for (_row, column), count in cells.items():
        column_counts[column] += count
    columns = [column for column, _count in ranked(column_counts)]
    return CrossTable(rows, columns, dict(cells))


def _sortable(value: Hashable) -> tuple[str, Hashable]:
    return type(value).__name__, value


# --- events ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EventKind:
    name: str
    events: int
    participants: int


def events_by_type(events: Iterable[EventFact]) -> list[EventKind]:
    """Events and participants per type, the type with most events first."""
    number: Counter[str] = Counter()
    people: Counter[str] = Counter()
    for event in events:
        number[event.event_type] += 1
        people[event.event_type] += event.participants
    return [EventKind(name, count, people[name]) for name, count in ranked(number)]


@dataclass(frozen=True, slots=True)
class Reach:
    """How many of the schools with low results took part in at least one event."""

    reached: int
    total: int

    @property
    def share(self) -> float | None:
        return self.reached / self.total if self.total else None


def low_result_reach(events: Iterable[EventFact], low_result_schools: frozenset[str]) -> Reach:
    taking_part = {code for event in events for code in event.school_codes}
    return Reach(len(taking_part & low_result_schools), len(low_result_schools))
