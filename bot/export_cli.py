"""``school-bot export``: a form's register, or the summary, from the command line.

The command line is the server's operator, who holds the database anyway: it may write the
full register; ``--anonymous`` gives the anonymised one. Every export is audited (no actor).
The file is written next to ``--out`` first and renamed when complete, so a failed export
leaves no half-written file.
"""

from __future__ import annotations

import getpass
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click

from bot.runtime import settings_or_exit, t, with_database
from bot.settings import Settings
from bot.workflows import declared
from forms.loading import readable_forms
from handlers.exporting.registers import Exported, Exporter, ExportRefused, Order, Period, Requester
from handlers.exporting.summary import Summarizer
from storage import migrate
from storage.database import Database
from storage.repositories import UnitOfWork

DATE_FORMATS = ("%d.%m.%Y", "%Y-%m-%d")
PROGRESS_FROM = 5_000
"""Smaller exports take a second or two: no bar."""


def day_option(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    """A date as ДД.ММ.ГГГГ or ГГГГ-ММ-ДД (a callback: click's ParamType is generic only in
    recent releases)."""
    if value is None:
        return None
    day = parse_day(value)
    if day is None:
        raise click.BadParameter(t("cli-export-bad-date", value=value))
    return day


def parse_day(text: str) -> date | None:
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


@dataclass(frozen=True, slots=True)
class Wanted:
    """The command's options, with places still as directory codes."""

    form_id: str | None
    summary: bool
    first: date | None
    last: date | None
    municipality_codes: tuple[str, ...]
    school_code: str | None
    wave_id: int | None
    status: str | None
    versions: tuple[int, ...]
    anonymous: bool
    one_hot: bool

    def problem(self) -> str | None:
        """Why the options do not go together, or None."""
        if (self.form_id is None) != self.summary:
            return "cli-export-form-or-summary"
        register_only = (self.school_code, self.wave_id, self.status, self.versions, self.one_hot)
        if self.summary and any(register_only):
            return "cli-export-register-only"
        return None


class Unknown(Exception):
    """A code that is not in the directory; the message is ready for the user."""


@click.command("export")
@click.option("--form", "form_id", help="The form's id (e.g. teacher_difficulties).")
@click.option("--summary", is_flag=True, help="The working group's summary instead of a register.")
@click.option(
    "--from", "first", callback=day_option, help="First day sent (ДД.ММ.ГГГГ or ГГГГ-ММ-ДД)."
)
@click.option("--to", "last", callback=day_option, help="Last day sent, included.")
@click.option(
    "--municipality", "municipality_codes", multiple=True, help="Municipality code; repeatable."
)
@click.option("--school", "school_code", help="School code.")
@click.option("--wave", "wave_id", type=int, help="Monitoring wave id.")
@click.option("--status", help="Status code (submitted, new, scheduled, held, active…).")
@click.option("--version", "versions", type=int, multiple=True, help="Form version; repeatable.")
@click.option("--anonymous", is_flag=True, help="Pseudonyms instead of names; no personal answers.")
@click.option("--one-hot", is_flag=True, help="A 1/0 column per option of multiple choices.")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
def export(out: Path, **options: Any) -> None:
    """Write a form's register, or the working group's summary (.xlsx), for the filters."""
    wanted = Wanted(**options)
    problem = wanted.problem()
    if problem is not None:
        raise click.UsageError(t(problem))
    settings = settings_or_exit(pseudonyms=not wanted.summary)
    work = _summary if wanted.summary else _register
    try:
        done = with_database(settings, lambda database: work(database, settings, wanted, out))
    except (ExportRefused, Unknown) as error:
        text = error.text(t) if isinstance(error, ExportRefused) else str(error)
        click.echo(text, err=True)
        raise SystemExit(1) from None
    if wanted.summary:
        message_id = "cli-export-summary-done"
    else:
        message_id = "cli-export-done-anonymous" if done.anonymous else "cli-export-done"
    click.echo(t(message_id, path=str(out), rows=done.rows))


def _requester() -> Requester:
    return Requester(None, t("export-by-cli", user=getpass.getuser()))


async def _register(database: Database, settings: Settings, wanted: Wanted, out: Path) -> Exported:
    await migrate.upgrade(database)
    async with database.read() as uow:
        order = await _order(uow, wanted)
    exporter = Exporter(
        database,
        t,
        settings.zone,
        settings.pseudonym_secret(),
        declared(),
        writer=settings.export_writer,
    )
    requester = _requester()
    prepared = await exporter.prepare(order, requester)
    total = await exporter.count(prepared)
    with _progress(total) as progress, _finished(out) as part:
        rows = await exporter.write(prepared, part, progress)
    await exporter.audit(requester, order.form_id, prepared, rows)
    return Exported(rows, out.name, prepared.reading.anonymous)


async def _summary(database: Database, settings: Settings, wanted: Wanted, out: Path) -> Exported:
    await migrate.upgrade(database)
    async with database.read() as uow:
        municipalities = await _municipalities(uow, wanted.municipality_codes)
    needs = declared().needs()
    summarizer = Summarizer(
        database,
        t,
        settings.zone,
        settings.targets_file,
        form_files=lambda: readable_forms(settings.form_folders(), needs),
    )
    period = Period(wanted.first, wanted.last)
    with _finished(out) as part:
        return await summarizer.summary(period, _requester(), part, municipalities)


@contextmanager
def _finished(out: Path) -> Iterator[Path]:
    """A file beside ``out`` that becomes ``out`` only when written whole."""
    part = out.with_name(out.name + ".part")
    try:
        yield part
        part.replace(out)
    finally:
        part.unlink(missing_ok=True)


async def _order(uow: UnitOfWork, wanted: Wanted) -> Order:
    assert wanted.form_id is not None  # a register: checked by Wanted.problem()
    return Order(
        form_id=wanted.form_id,
        period=Period(wanted.first, wanted.last),
        municipalities=await _municipalities(uow, wanted.municipality_codes),
        school_id=await _school(uow, wanted.school_code),
        wave_id=wanted.wave_id,
        status=wanted.status,
        versions=frozenset(wanted.versions),
        anonymous=wanted.anonymous,
        one_hot=wanted.one_hot,
    )


async def _municipalities(uow: UnitOfWork, codes: tuple[str, ...]) -> frozenset[int] | None:
    if not codes:
        return None
    known = {
        municipality.code: municipality.id for municipality in await uow.schools.municipalities()
    }
    for code in codes:
        if code not in known:
            raise Unknown(t("cli-export-unknown-municipality", code=code))
    return frozenset(known[code] for code in codes)


async def _school(uow: UnitOfWork, code: str | None) -> int | None:
    if code is None:
        return None
    school = await uow.schools.school_by_code(code)
    if school is None:
        raise Unknown(t("cli-export-unknown-school", code=code))
    return school.id


@contextmanager
def _progress(total: int) -> Iterator[Callable[[int], None] | None]:
    """A bar on stderr for large exports; the writer reports every thousand rows."""
    if total < PROGRESS_FROM:
        yield None
        return
    with click.progressbar(length=total, label=t("cli-export-progress"), file=sys.stderr) as bar:
        done = 0

        def advance(count: int) -> None:
            nonlocal done
            bar.update(count - done)
            done = count

        yield advance
        bar.update(total - done)
