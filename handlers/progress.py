"""/progress: each roadmap target with its current figure and what remains, for coordinators.

The targets file is read on every /progress (it is small), so a coordinator's edit shows
at once; a broken file is answered with its problems instead of figures.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from aiogram import Router
from aiogram.types import Message
from aiogram.utils.text_decorations import html_decoration

from forms.i18n import Translator
from forms.problems import problem_text
from forms.targets import (
    Figure,
    Period,
    Target,
    Targets,
    TargetsError,
    load_targets,
    period_of,
    period_text,
)
from forms.values import format_number
from forms.vocabulary import Role
from handlers.access import Commands, HasRole, Scope, refuse_command
from handlers.clock import Clock
from handlers.dialog.render import split_text
from storage.catalog import FormCatalog
from storage.database import Database
from storage.repositories import UnitOfWork

quote = html_decoration.quote
VIEWERS = frozenset({Role.admin, Role.coordinator, Role.municipal})
COMMAND = "progress"


@dataclass(frozen=True, slots=True)
class Progress:
    """What /progress needs; built once by the composition root."""

    db: Database
    catalog: FormCatalog
    targets_file: Path

    def targets(self) -> Targets:
        """The targets file, checked against the forms the bot has (``TargetsError``)."""
        forms = {entry.form.id: entry.form for entry in self.catalog.all()}
        return load_targets(self.targets_file, forms)


def setup() -> Router:
    router = Router(name=__name__)
    router.message.register(show_progress, Commands(COMMAND), HasRole(VIEWERS))
    return router


def denied() -> Router:
    """/progress from anyone the router above did not admit."""
    router = Router(name=f"{__name__}.denied")
    router.message.register(refuse_command, Commands(COMMAND))
    return router


async def show_progress(
    message: Message, scope: Scope, progress: Progress, i18n: Translator, clock: Clock
) -> None:
    try:
        targets = progress.targets()
    except TargetsError as error:
        problems = [quote(problem_text(problem, i18n)) for problem in error.problems]
        await _send(message, [i18n("progress-file-broken"), *problems])
        return
    municipalities = None if scope.regional else scope.municipalities
    async with progress.db.read() as uow:
        lines = [i18n("progress-title"), await _scope_line(uow, municipalities, i18n)]
        for target in targets.targets:
            period = period_of(target.period, clock.today())
            measure = targets.measure(target)
            figure = await uow.progress.figure(measure, period, clock.zone, municipalities)
            lines.append(_target_text(i18n, target, period, figure))
    await _send(message, lines)


async def _send(message: Message, lines: list[str]) -> None:
    for text in split_text(lines):
        await message.answer(text)


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


def _target_text(t: Translator, target: Target, period: Period, figure: Figure) -> str:
    left = max(target.target - figure, 0)
    message_id = "progress-target" if left > 0 else "progress-target-done"
    return t(
        message_id,
        title=quote(target.title),
        period=period_text(period, t),
        current=_shown(figure),
        target=target.target,
        percent=int(figure * 100 // target.target),
        left=_shown(left),
    )


def _shown(value: Figure) -> int | str:
    """Whole numbers as numbers (the catalogue groups thousands), others with a comma."""
    return value if isinstance(value, int) else format_number(value)
