"""The plain facts the summary is built from: the storage side gives them, ``exports.aggregate``
computes the figures and ``exports.summary`` lays them out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from exports.coverage import CoverageTable


@dataclass(frozen=True, slots=True)
class TargetProgress:
    """A roadmap target (e.g. «Проведено консультаций», 20 a year) and where it stands."""

    title: str
    target: int
    current: int
    period: str


@dataclass(frozen=True, slots=True)
class DifficultyResponse:
    """One teacher's self-assessment: ratings by area id, the kinds of support wanted."""

    municipality: str
    school: str
    school_code: str
    wave: str | None
    ratings: Mapping[str, int]
    support: Sequence[str] = ()


@dataclass(frozen=True, slots=True)
class DifficultySurvey:
    """The responses with the areas (id, Russian label) and the waves in their order."""

    areas: Sequence[tuple[str, str]] = ()
    waves: Sequence[str] = ()
    responses: Sequence[DifficultyResponse] = ()


@dataclass(frozen=True, slots=True)
class ConsultationFact:
    month: date  # the first day of the month
    topic: str
    status: str  # a code, shown as the message ``register-status-<code>``


@dataclass(frozen=True, slots=True)
class PairFact:
    status: str  # a code, as for consultations
    subject: str
    partner_schools: bool  # a pair of partner schools (school–school)


@dataclass(frozen=True, slots=True)
class EventFact:
    event_type: str
    participants: int
    school_codes: Sequence[str] = ()


@dataclass(frozen=True, slots=True)
class SummaryData:
    """Everything the summary shows. ``low_result_schools``: the codes of the schools with
    low results in the directory (the denominator of the share reached by events)."""

    period: str
    exported_at: datetime
    exported_by: str
    zone: ZoneInfo
    targets: Sequence[TargetProgress] = ()
    difficulties: DifficultySurvey = field(default_factory=DifficultySurvey)
    consultations: Sequence[ConsultationFact] = ()
    pairs: Sequence[PairFact] = ()
    events: Sequence[EventFact] = ()
    low_result_schools: frozenset[str] = frozenset()
    coverage: Sequence[CoverageTable] = ()  # campaigns: the sheet «Охват»
