"""/progress as a use case: each roadmap target with its current figure and what remains.

The targets file is read on every /progress (it is small), so a coordinator's edit shows
at once; a broken file is answered with its problems instead of figures.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from forms.i18n import Translator
from forms.problems import problem_text
from forms.targets import (
    Figure,
    Period,
    Result,
    Target,
    Targets,
    TargetsError,
    load_targets,
    period_of,
    period_text,
    standing,
)
from forms.values import format_number
from handlers.access import Scope
from handlers.clock import Clock
from handlers.ui import Reply, quote, split_text
from storage.catalog import FormCatalog
from storage.database import Database
from storage.repositories import UnitOfWork


@dataclass(frozen=True, slots=True)
class Progress:
    """What /progress needs; built once by the composition root."""

    db: Database
    catalog: FormCatalog
    targets_file: Path
    t: Translator
    clock: Clock

    def targets(self) -> Targets:
        """The targets file, checked against the forms the bot has (``TargetsError``)."""
        forms = {entry.form.id: entry.form for entry in self.catalog.with_withdrawn()}
        return load_targets(self.targets_file, forms)

    async def report(self, scope: Scope) -> list[Reply]:
        """Every target for its own period, within the person's municipalities."""
        t, clock = self.t, self.clock
        try:
            targets = self.targets()
        except TargetsError as error:
            problems = [quote(problem_text(problem, t)) for problem in error.problems]
            return _replies([t("progress-file-broken"), *problems])
        municipalities = None if scope.regional else scope.municipalities
        async with self.db.read() as uow:
            lines = [t("progress-title"), await _scope_line(uow, municipalities, t)]
            for target in targets.targets:
                period = period_of(target.period, clock.today())
                measure = targets.measure(target)
                figure = await uow.progress.figure(measure, period, clock.zone, municipalities)
                lines.append(_target_text(t, target, period, figure))
        return _replies(lines)


def _replies(lines: list[str]) -> list[Reply]:
    return [Reply(text) for text in split_text(lines)]


async def _scope_line(
    uow: UnitOfWork, municipalities: Collection[int] | None, t: Translator
) -> str:
    if municipalities is None:
        return t("progress-scope-region")
    names = []
    for municipality_id in sorted(municipalities):
        municipality = await uow.schools.municipality(municipality_id)
        if municipality is not None:
            names.append(quote(municipality.name))
    if not names:
        return t("progress-scope-none")
    return t("progress-scope-municipal", names=", ".join(names))


def _target_text(t: Translator, target: Target, period: Period, figure: Result) -> str:
    """«Сейчас 54 из 100 (54%)…»; for a share of schools, «Сейчас 12 из 50 ОО (24%), нужно
    100%…»."""
    found = standing(target, figure)
    if found.of == 0:
        message_id = "progress-share-no-schools"
    elif found.of is not None:
        message_id = "progress-share-done" if found.done else "progress-share"
    else:
        message_id = "progress-target-done" if found.done else "progress-target"
    return t(
        message_id,
        title=quote(target.title),
        period=period_text(period, t),
        current=_shown(found.current),
        target=target.target,
        schools=found.of or 0,
        percent=found.percent,
        left=_shown(found.left),
    )


def _shown(value: Figure) -> int | str:
    """Whole numbers as numbers (the catalogue groups thousands), others with a comma."""
    return value if isinstance(value, int) else format_number(value)
