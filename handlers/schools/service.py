"""/myschool: a head reads the school's anonymised picture next to the municipality's.

The teachers' self-diagnosis (the form the targets file's ``summary: difficulties`` names)
is read without names: the mean difficulty of each area and the share of teachers who want
each form of support, of the latest stage. A figure built from fewer than ``minimum``
responses is «недостаточно ответов», so no teacher can be singled out."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from zoneinfo import ZoneInfo

from exports.picture import Figure, SchoolPicture, write_picture
from forms.directory import school_year_of
from forms.i18n import Translator
from forms.questions import ChoiceQuestion, RatingQuestion
from forms.schema import Form
from forms.targets import SHIPPED, DifficultySource, TargetsError, load_targets
from forms.vocabulary import WorkflowKind
from handlers.access import Scope
from handlers.clock import Clock
from storage.catalog import FormCatalog
from storage.database import Database
from storage.dto import SchoolDTO
from storage.repositories import UnitOfWork
from storage.summary import Fact, SummaryReader, Within


@dataclass(frozen=True, slots=True)
class SchoolPictures:
    db: Database
    catalog: FormCatalog
    targets_file: Path
    t: Translator
    zone: ZoneInfo
    clock: Clock
    minimum: int = 5

    async def picture(self, scope: Scope) -> SchoolPicture | None:
        """The picture of the school this person heads; None when they head none."""
        if scope.head_of is None:
            return None
        source = self._source()
        form = self.catalog.current(source.form)
        async with self.db.read() as uow:
            school = await uow.schools.school(scope.head_of)
            if school is None:
                return None
            facts = [] if form is None else await self._facts(uow, form.form, source, school)
            requests = await self._requests(uow, school.id)
            years = await uow.schools.years(school.id)
        drawn = (
            _empty(school, requests, self.minimum)
            if form is None
            else self._draw(form.form, source, school, facts, requests)
        )
        now = school_year_of(self.clock.today())
        return replace(
            drawn,
            low_results_years=in_a_row(years, now, 0),
            difficult_years=in_a_row(years, now, 1),
        )

    def workbook(self, picture: SchoolPicture) -> bytes:
        out = io.BytesIO()
        write_picture(picture, out, self.t, self.zone)
        return out.getvalue()

    def _source(self) -> DifficultySource:
        forms = {entry.form.id: entry.form for entry in self.catalog.with_withdrawn()}
        try:
            summary = load_targets(self.targets_file, forms).summary
        except TargetsError:
            summary = None
        if summary is None:
            summary = load_targets(SHIPPED).summary
        assert summary is not None  # the shipped file has it (tests read it)
        return summary.difficulties

    async def _facts(
        self, uow: UnitOfWork, form: Form, source: DifficultySource, school: SchoolDTO
    ) -> list[Fact]:
        questions = [q.id for q in _areas(form)] + [source.support]
        within = Within(municipalities=frozenset({school.municipality_id}))
        facts = await SummaryReader(uow.connection).facts(form.id, questions, within)
        latest = facts[-1].wave if facts else None
        return [fact for fact in facts if fact.wave == latest]

    async def _requests(self, uow: UnitOfWork, school_id: int) -> list[tuple[str, int]]:
        counted: dict[str, int] = {}
        for case in await uow.cases.find(WorkflowKind.request, school_id=school_id):
            counted[case.status.value] = counted.get(case.status.value, 0) + 1
        return [(self.t(f"register-status-{status}"), n) for status, n in sorted(counted.items())]

    def _draw(
        self,
        form: Form,
        source: DifficultySource,
        school: SchoolDTO,
        facts: Sequence[Fact],
        requests: Sequence[tuple[str, int]],
    ) -> SchoolPicture:
        mine = [fact for fact in facts if fact.school_code == school.code]
        least = self.minimum
        areas = [
            Figure(area.label, _mean(mine, area.id, least), _mean(facts, area.id, least))
            for area in _areas(form)
        ]
        support = form.question(source.support)
        options = support.options if isinstance(support, ChoiceQuestion) else ()
        asked = source.support
        wanted = [
            Figure(
                option.label,
                _share(mine, asked, option.value, least),
                _share(facts, asked, option.value, least),
            )
            for option in options
        ]
        return SchoolPicture(
            school=school.short_name,
            municipality=school.municipality_name,
            wave=facts[-1].wave if facts else None,
            answered=len(mine),
            expected=school.teachers,
            municipality_answered=len(facts),
            areas=areas,
            support=wanted,
            requests=requests,
            minimum=self.minimum,
        )


def in_a_row(years: Mapping[int, tuple[bool, bool]], now: int, flag: int) -> int:
    """School years in a row, up to ``now``, the school had the status (0: not this year)."""
    count = 0
    while (known := years.get(now - count)) is not None and known[flag]:
        count += 1
    return count


def _areas(form: Form) -> list[RatingQuestion]:
    return [q for q in form.all_questions() if isinstance(q, RatingQuestion)]


def _mean(facts: Sequence[Fact], question_id: str, least: int) -> float | None:
    """The mean rating, over at least ``least`` ratings (a question some skip, or that only
    some are asked, counts only those who rated it); else None: not shown."""
    values = [
        value
        for fact in facts
        if isinstance(value := fact.answers.get(question_id), int) and not isinstance(value, bool)
    ]
    return sum(values) / len(values) if len(values) >= least else None


def _share(facts: Sequence[Fact], question_id: str, option: str, least: int) -> float | None:
    """The share who chose ``option`` of those who answered the question, at least ``least``."""
    answered = [fact.answers[question_id] for fact in facts if fact.answers.get(question_id)]
    if len(answered) < least:
        return None
    return 100 * sum(1 for chosen in answered if option in chosen) / len(answered)


def _empty(school: SchoolDTO, requests: Sequence[tuple[str, int]], minimum: int) -> SchoolPicture:
    return SchoolPicture(
        school.short_name,
        school.municipality_name,
        None,
        0,
        school.teachers,
        0,
        requests=requests,
        minimum=minimum,
    )
