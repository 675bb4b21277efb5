"""The working group's summary: facts from storage turned into ``exports.summary`` input.

The summary is anonymous by construction (places, statuses, options; never names or texts),
so everyone who may export gets the same one, limited to their municipalities. Its period
selects the responses sent in it; each roadmap target is counted for its own period (the
one containing the period's last day, or today), as /progress counts it.

Which forms and questions feed which sheet is data: ``summary:`` in the targets file (or, when
a coordinator's copy has none, in the shipped one), checked by ``school-bot targets check``.
Labels come from each form's newest version. Like the exporter, this module imports no aiogram.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, BinaryIO
from zoneinfo import ZoneInfo

from exports.facts import (
    ConsultationFact,
    DifficultyResponse,
    DifficultySurvey,
    EventFact,
    PairFact,
    SummaryData,
    TargetProgress,
)
from exports.summary import write_summary
from forms.conditions import selected_values
from forms.directory import school_year_of
from forms.i18n import Translator
from forms.questions import OTHER, ChoiceQuestion, RatingQuestion, SchoolQuestion
from forms.schema import Form
from forms.targets import (
    SHIPPED,
    Standing,
    SummarySources,
    Target,
    Targets,
    TargetsError,
    load_targets,
    period_of,
    standing,
)
from forms.targets import Period as TargetPeriod
from forms.targets import period_text as targets_period_text
from forms.vocabulary import COORDINATORS
from handlers.access import Scope
from handlers.campaigns.coverage import coverage_tables
from handlers.exporting.registers import Exported, ExportRefused, Period, Requester, period_text
from storage.database import Database
from storage.registers import SENT
from storage.repositories import UnitOfWork
from storage.summary import Fact, SummaryReader, Within

SUMMARY_VIEWERS = COORDINATORS
AUDIT_ACTION = "summary_exported"


def may_summarise(scope: Scope | None) -> bool:
    return scope is None or scope.role in SUMMARY_VIEWERS


@dataclass(frozen=True, slots=True)
class Summarizer:
    db: Database
    t: Translator
    zone: ZoneInfo
    targets_file: Path
    form_files: Callable[[], Mapping[str, Form]] = dict
    """The forms of the form files, as the bot loads them: the targets file is checked against
    them and the stored definitions, as ``school-bot targets check`` and /progress check it
    (a database the bot never ran on has no stored definitions yet)."""
    now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))

    async def summary(
        self,
        period: Period,
        requester: Requester,
        out: BinaryIO | Path,
        municipalities: frozenset[int] | None = None,
    ) -> Exported:
        """Write the summary (built off the event loop) and audit it."""
        scope = requester.scope
        if scope is not None and not may_summarise(scope):
            raise ExportRefused("access-denied")
        if scope is not None and not scope.regional:
            municipalities = scope.within(municipalities or None)
        data, responses = await self.data(period, requester.name, municipalities)
        await asyncio.to_thread(write_summary, data, out, self.t)
        await self._audit(scope, period, municipalities, responses)
        today = self.now().astimezone(self.zone).date().isoformat()
        return Exported(responses, f"summary-{today}.xlsx", anonymous=True)

    async def data(
        self, period: Period, exported_by: str, municipalities: frozenset[int] | None
    ) -> tuple[SummaryData, int]:
        """The summary's input and how many responses it counts."""
        start, end = period.bounds(self.zone)
        within = Within(start, end, municipalities)
        async with self.db.read() as uow:
            reader = SummaryReader(uow.connection)
            forms = _forms(await reader.newest_definitions())
            found = self._read_targets({**self.form_files(), **forms})
            targets = await self._targets(uow, found, period, municipalities)
            facts = _Facts(_sources(found), forms, self.t, self.zone)
            difficulties = await facts.difficulties(reader, within)
            consultations = await facts.consultations(reader, within)
            pairs = await facts.pairs(reader, within)
            events = await facts.events(reader, within)
            year = school_year_of(period.first) if period.first is not None else None
            low_results = await reader.low_result_schools(municipalities, year)
            titles = {
                form_id: form.title for form_id, form in {**self.form_files(), **forms}.items()
            }
            coverage = await coverage_tables(
                uow, self.t, lambda form_id: titles.get(form_id, form_id), None, municipalities
            )
        data = SummaryData(
            period=period_text(period, self.t),
            exported_at=self.now(),
            exported_by=exported_by,
            zone=self.zone,
            targets=targets,
            difficulties=difficulties,
            consultations=consultations,
            pairs=pairs,
            events=events,
            low_result_schools=low_results,
            coverage=coverage,
        )
        counted = len(difficulties.responses) + len(consultations) + len(pairs) + len(events)
        return data, counted

    def _read_targets(self, forms: Mapping[str, Form]) -> Targets:
        try:
            return load_targets(self.targets_file, forms)
        except TargetsError:
            raise ExportRefused("summary-targets-broken") from None

    async def _targets(
        self,
        uow: UnitOfWork,
        targets: Targets,
        period: Period,
        municipalities: frozenset[int] | None,
    ) -> list[TargetProgress]:
        today = self.now().astimezone(self.zone).date()
        day = min(period.last, today) if period.last is not None else today
        found = []
        for target in targets.targets:
            span = period_of(target.period, day)
            measure = targets.measure(target)
            figure = await uow.progress.figure(measure, span, self.zone, municipalities)
            found.append(self._progress(target, standing(target, figure), span))
        return found

    def _progress(self, target: Target, found: Standing, span: TargetPeriod) -> TargetProgress:
        """A target's row; for a share of schools the goal is the schools it needs, and the
        title says the percentage and of how many schools."""
        title = target.title
        if found.of is not None:
            title = self.t(
                "summary-target-share", title=title, percent=target.target, schools=found.of
            )
        label = targets_period_text(span, self.t)
        return TargetProgress(title, round(found.goal), round(found.current), label)

    async def _audit(
        self,
        scope: Scope | None,
        period: Period,
        municipalities: frozenset[int] | None,
        responses: int,
    ) -> None:
        filters: dict[str, Any] = {
            "from": period.first.isoformat() if period.first else None,
            "to": period.last.isoformat() if period.last else None,
            "municipalities": sorted(municipalities) if municipalities is not None else None,
        }
        actor = None if scope is None else scope.user_id
        async with self.db.transaction() as uow:
            await uow.audit.record(
                actor,
                AUDIT_ACTION,
                filters={key: value for key, value in filters.items() if value is not None},
                responses=responses,
            )


def _sources(targets: Targets) -> SummarySources:
    """The file's ``summary:``, or the shipped file's when a copy has none."""
    if targets.summary is not None:
        return targets.summary
    shipped = load_targets(SHIPPED).summary
    assert shipped is not None  # the shipped file has it (tests read it)
    return shipped


def _forms(definitions: dict[str, dict[str, Any]]) -> dict[str, Form]:
    return {form_id: Form.model_validate(definition) for form_id, definition in definitions.items()}


class _Facts:
    """Facts of each kind, with the labels of the forms' newest versions."""

    def __init__(
        self, sources: SummarySources, forms: dict[str, Form], t: Translator, zone: ZoneInfo
    ) -> None:
        self.sources, self.forms, self.t, self.zone = sources, forms, t, zone

    async def difficulties(self, reader: SummaryReader, within: Within) -> DifficultySurvey:
        source = self.sources.difficulties
        form = self.forms.get(source.form)
        if form is None:
            return DifficultySurvey()
        areas = [(q.id, q.label) for q in form.all_questions() if isinstance(q, RatingQuestion)]
        support = self._choice(form, source.support)
        questions = [area for area, _label in areas] + [source.support]
        facts = await reader.facts(form.id, questions, within)
        responses = [self._difficulty(fact, areas, support) for fact in facts]
        waves = await reader.waves(form.id)
        return DifficultySurvey(areas, waves, responses)

    def _difficulty(
        self, fact: Fact, areas: Sequence[tuple[str, str]], support: _Labels
    ) -> DifficultyResponse:
        ratings = {
            area: value
            for area, _label in areas
            if isinstance(value := fact.answers.get(area), int) and not isinstance(value, bool)
        }
        return DifficultyResponse(
            municipality=fact.municipality or self.t("summary-no-place"),
            school=fact.school or self.t("summary-no-place"),
            school_code=fact.school_code or "",
            wave=fact.wave,
            ratings=ratings,
            support=support.all(fact.answers.get(self.sources.difficulties.support)),
        )

    async def consultations(self, reader: SummaryReader, within: Within) -> list[ConsultationFact]:
        source = self.sources.consultations
        form = self.forms.get(source.form)
        if form is None:
            return []
        topic = self._choice(form, source.topic)
        facts = await reader.facts(form.id, [source.topic], within)
        return [
            ConsultationFact(
                month=self._month(fact.sent_at),
                topic=topic.first(fact.answers.get(source.topic)),
                status=fact.status or SENT,
            )
            for fact in facts
        ]

    async def pairs(self, reader: SummaryReader, within: Within) -> list[PairFact]:
        s = self.sources.pairs
        form = self.forms.get(s.form)
        if form is None:
            return []
        subject, kind = self._choice(form, s.subject), self._choice(form, s.kind)
        facts = await reader.facts(form.id, [s.subject, s.kind], within)
        return [
            PairFact(
                status=fact.status or SENT,
                subject=subject.first(
                    fact.answers.get(s.subject), kind.first(fact.answers.get(s.kind))
                ),
                partner_schools=s.partner in selected_values(fact.answers.get(s.kind)),
            )
            for fact in facts
        ]

    async def events(self, reader: SummaryReader, within: Within) -> list[EventFact]:
        s = self.sources.events
        form = self.forms.get(s.form)
        if form is None:
            return []
        kind = self._choice(form, s.type)
        schools = [q.id for q in form.all_questions() if isinstance(q, SchoolQuestion)]
        facts = await reader.facts(form.id, [s.type, s.participants, *schools], within)
        return [
            EventFact(
                event_type=kind.first(fact.answers.get(s.type)),
                participants=_count(fact.answers.get(s.participants)),
                school_codes=_school_codes(fact.answers.get(key) for key in schools),
            )
            for fact in facts
        ]

    def _choice(self, form: Form, question_id: str) -> _Labels:
        question = form.question(question_id)
        options = question.options if isinstance(question, ChoiceQuestion) else ()
        labels = {option.value: option.label for option in options}
        return _Labels(labels, self.t("register-option-other"), self.t("summary-no-answer"))

    def _month(self, moment: datetime | None) -> date:
        local = (moment or datetime.now(UTC)).astimezone(self.zone)  # sent: never None
        return local.date().replace(day=1)


class _Labels:
    """Option labels of a choice answer; «Другое» for a typed one (its text is not shown)."""

    def __init__(self, labels: dict[str, str], other: str, missing: str) -> None:
        self.labels, self.other, self.missing = labels, other, missing

    def all(self, value: Any) -> list[str]:
        found = [self.labels.get(item, item) for item in selected_values(value) if item != OTHER]
        if (isinstance(value, dict) and value.get("other")) or OTHER in selected_values(value):
            found.append(self.other)
        return found

    def first(self, value: Any, instead: str | None = None) -> str:
        found = self.all(value)
        return found[0] if found else instead or self.missing


def _count(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _school_codes(values: Iterable[Any]) -> list[str]:
    return [str(value["code"]) for value in values if isinstance(value, dict) and value.get("code")]
