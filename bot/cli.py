"""The command line: ``school-bot`` (or ``python -m bot``). Subcommands are click groups."""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

import click

from bot.export_cli import export
from bot.runtime import settings_or_exit, t, with_database
from bot.settings import TargetsSettings
from bot.workflows import declared
from forms.directory import (
    SAMPLE,
    DirectoryError,
    SchoolRecord,
    parse_school_year,
    read_directory,
    school_year_of,
    school_year_text,
)
from forms.loading import FormError, check_paths, form_files, readable_forms
from forms.problems import Problem, problem_text
from forms.slots import SlotsError, read_slots
from forms.targets import TargetsError, load_targets
from forms.vocabulary import Role
from forms.xlsform import xlsform_to_yaml
from storage import migrate
from storage.database import Database
from storage.directory import Imported, save_directory


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """School support questionnaires bot."""


main.add_command(export)


@main.command()
def run() -> None:
    """Apply migrations and start the bot (long polling, or webhook if WEBHOOK_URL is set)."""
    # The only command that needs aiogram (5 s and 170 MB to import): loaded here, not above.
    from bot.factory import create_application
    from bot.runners import run as run_app
    from bot.single import AnotherProcess

    settings = settings_or_exit(token=True)
    try:
        asyncio.run(run_app(create_application(settings)))
    except AnotherProcess as error:
        click.echo(t("cli-run-another-process", holder=error.holder), err=True)
        raise SystemExit(1) from None
    click.echo(t("cli-stopped"), err=True)
    leave_at_once()


def leave_at_once() -> None:
    """Everything is closed and flushed: exit without the interpreter's teardown of aiogram's
    thousands of pydantic classes, which takes over a second on this machine and would push
    the exit past SHUTDOWN_TIMEOUT."""
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


@main.group()
def db() -> None:
    """Database migrations."""


@db.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Apply migrations up to REVISION (default: the newest)."""
    settings = settings_or_exit()
    current = with_database(settings, lambda d: _upgrade(d, revision))
    click.echo(t("cli-db-upgraded", revision=current or t("cli-db-empty")))


@db.command("downgrade")
@click.argument("revision")
def db_downgrade(revision: str) -> None:
    """Undo migrations down to REVISION ("base" undoes all)."""
    settings = settings_or_exit()
    current = with_database(settings, lambda d: _downgrade(d, revision))
    click.echo(t("cli-db-downgraded", revision=current or t("cli-db-empty")))


@db.command("current")
def db_current() -> None:
    """Show the database's migration version."""
    settings = settings_or_exit()
    current = with_database(settings, migrate.current_revision)
    click.echo(t("cli-db-current", revision=current or t("cli-db-empty"), head=migrate.head()))


@main.group("forms")
def forms_group() -> None:
    """Questionnaire files: check them, convert XLSForm workbooks to YAML."""


@forms_group.command("check")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
def forms_check(paths: tuple[Path, ...]) -> None:
    """Check form files (YAML or XLSForm .xlsx; folders are searched) and list every problem."""
    problems = check_paths(paths, declared().needs())
    for problem in problems:
        click.echo(problem_text(problem, t))
    if problems:
        click.echo(t("cli-forms-problems", count=len(problems)), err=True)
        raise SystemExit(1)
    click.echo(t("cli-forms-ok"))


@forms_group.command("import")
@click.argument("workbook", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write the YAML here.")
def forms_import(workbook: Path, out: Path | None) -> None:
    """Convert an XLSForm workbook into the bot's YAML, for review (stdout, or --out FILE)."""
    try:
        text = xlsform_to_yaml(workbook)
    except FormError as error:
        for problem in error.problems:
            click.echo(problem_text(problem, t), err=True)
        click.echo(t("cli-forms-problems", count=len(error.problems)), err=True)
        raise SystemExit(1) from None
    if out is None:
        click.echo(text, nl=False)
        return
    out.write_text(text, encoding="utf-8")
    click.echo(t("cli-forms-written", path=str(out)))


@main.group("targets")
def targets_group() -> None:
    """The roadmap targets file that /progress reads."""


@targets_group.command("check")
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
def targets_check(file: Path | None) -> None:
    """Check a targets file (default: TARGETS_FILE, else the shipped one) against the forms
    (the built-in ones and FORMS_DIR) and list every problem with its line."""
    located = TargetsSettings()
    problems: list[Problem] = []
    form_files(located.form_folders(), problems)  # a folder that is not there
    forms = readable_forms(located.form_folders(), declared().needs())
    try:
        targets = load_targets(file or located.targets_file, forms)
    except TargetsError as error:
        problems += error.problems
    for problem in problems:
        click.echo(problem_text(problem, t))
    if problems:
        click.echo(t("cli-targets-problems", count=len(problems)), err=True)
        raise SystemExit(1)
    click.echo(t("cli-targets-ok", count=len(targets.targets)))


@main.group("schools")
def schools_group() -> None:
    """The directory of municipalities and schools."""


@schools_group.command("import")
@click.argument(
    "table", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--sample", is_flag=True, help="Load the small sample directory that ships with the bot."
)
@click.option(
    "--year",
    "year_text",
    help="The school year the table's ШНОР/ШНСУ flags are of, e.g. 2026/27 (default: the current).",
)
def schools_import(table: Path | None, sample: bool, year_text: str | None) -> None:
    """Load or update the directory from an .xlsx or .csv table (columns: see README)."""
    source = SAMPLE if sample else table
    if source is None or (sample and table is not None):
        raise click.UsageError("give a FILE or --sample")
    year = parse_school_year(year_text) if year_text is not None else None
    if year_text is not None and year is None:
        raise click.UsageError(t("cli-schools-bad-year", year=year_text))
    try:
        records = read_directory(source)
    except DirectoryError as error:
        for problem in error.problems:
            click.echo(problem_text(problem, t), err=True)
        click.echo(t("cli-schools-refused"), err=True)
        raise SystemExit(1) from None
    settings = settings_or_exit()
    if year is None:
        year = school_year_of(datetime.now(settings.zone).date())
    result = with_database(settings, lambda database: _import_schools(database, records, year))
    click.echo(
        t(
            "cli-schools-imported",
            municipalities=result.municipalities,
            schools=result.schools,
            created=result.created,
            updated=result.updated,
            year=school_year_text(year),
        )
    )


@main.group("slots")
def slots_group() -> None:
    """Consultants' free times for parents to book."""


@slots_group.command("import")
@click.argument("table", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--consultant", type=int, required=True, help="The consultant's Telegram id.")
def slots_import(table: Path, consultant: int) -> None:
    """Add free times from an .xlsx or .csv table with the columns «Дата» and «Время»."""
    settings = settings_or_exit()
    try:
        moments = read_slots(table, settings.zone, datetime.now(UTC))
    except SlotsError as error:
        for problem in error.problems:
            click.echo(problem_text(problem, t), err=True)
        click.echo(t("cli-slots-refused"), err=True)
        raise SystemExit(1) from None
    added = with_database(settings, lambda database: _import_slots(database, consultant, moments))
    if added is None:
        click.echo(t("cli-slots-not-consultant", id=consultant), err=True)
        raise SystemExit(1)
    click.echo(t("cli-slots-imported", added=added, skipped=len(moments) - added))


async def _import_slots(database: Database, consultant: int, moments: list[datetime]) -> int | None:
    """How many times were new; None when the person is not a consultant (nothing added)."""
    await migrate.upgrade(database)
    async with database.transaction() as uow:
        person = await uow.users.get(consultant)
        if person is None or person.role is not Role.consultant:
            return None
        return sum([await uow.slots.add(consultant, moment) is not None for moment in moments])


async def _import_schools(database: Database, records: list[SchoolRecord], year: int) -> Imported:
    await migrate.upgrade(database)
    async with database.transaction() as uow:
        return await save_directory(uow, records, year)


async def _upgrade(database: Database, revision: str) -> str | None:
    await migrate.upgrade(database, revision)
    return await migrate.current_revision(database)


async def _downgrade(database: Database, revision: str) -> str | None:
    await migrate.downgrade(database, revision)
    return await migrate.current_revision(database)
