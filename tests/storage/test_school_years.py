"""The directory with history, on SQLite and PostgreSQL: an import keeps its school year's
ШНОР/ШНСУ flags, a later year's import does not change an earlier year's, and the targets
count the flags of the year they are for."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from forms.directory import (
    SAMPLE,
    parse_school_year,
    read_directory,
    school_year_of,
    school_year_text,
)
from forms.targets import period_of
from storage.database import Database
from storage.directory import save_directory
from storage.summary import SummaryReader

LYCEUM = "OO-0301"  # Лицей № 3: not ШНОР in the sample


async def test_each_years_import_keeps_its_flags(database: Database) -> None:
    records = read_directory(SAMPLE)
    later = [replace(r, low_results=True) if r.code == LYCEUM else r for r in records]
    async with database.transaction() as uow:
        await save_directory(uow, records, 2025)
        await save_directory(uow, later, 2026)
        school = await uow.schools.school_by_code(LYCEUM)
        assert school is not None
        years = await uow.schools.years(school.id)
    assert years == {2025: (False, False), 2026: (True, False)}
    assert school.low_results  # the latest import is the directory's current state

    async with database.read() as uow:
        progress = uow.progress
        earlier = await progress.directory(None, 2025)
        now = await progress.directory(None, 2026)
        never = await progress.directory(None, 2019)  # no import of that year: the latest
        summary = SummaryReader(uow.connection)
        summary_earlier = await summary.low_result_schools(None, 2025)
        summary_now = await summary.low_result_schools(None, 2026)
        summary_latest = await summary.low_result_schools(None)
    assert LYCEUM not in summary_earlier
    assert LYCEUM in summary_now
    assert LYCEUM in summary_latest
    assert "low_results" not in {str(f) for f in earlier[LYCEUM].flags}
    assert "low_results" in {str(f) for f in now[LYCEUM].flags}
    assert "low_results" in {str(f) for f in never[LYCEUM].flags}


async def test_an_import_of_the_same_year_replaces_that_years_flags(database: Database) -> None:
    records = read_directory(SAMPLE)
    corrected = [replace(r, difficult_conditions=True) if r.code == LYCEUM else r for r in records]
    async with database.transaction() as uow:
        await save_directory(uow, records, 2026)
        await save_directory(uow, corrected, 2026)
        school = await uow.schools.school_by_code(LYCEUM)
        assert school is not None
        assert await uow.schools.years(school.id) == {2026: (False, True)}


@pytest.mark.parametrize(
    ("text", "year"),
    [("2026/27", 2026), ("2026-2027", 2026), ("2026 / 27", 2026), ("2026", 2026)],
)
def test_a_school_year_is_read_as_people_write_it(text: str, year: int) -> None:
    assert parse_school_year(text) == year
    assert school_year_text(year) == "2026/27"


@pytest.mark.parametrize("text", ["2026/28", "26/27", "осень", "1999/00"])
def test_a_school_year_that_does_not_exist_is_refused(text: str) -> None:
    assert parse_school_year(text) is None


def test_a_school_year_starts_on_the_first_of_september() -> None:
    assert school_year_of(date(2026, 8, 31)) == 2025
    assert school_year_of(date(2026, 9, 1)) == 2026
    assert school_year_of(period_of("school_year", date(2027, 3, 1)).start) == 2026


async def test_an_earlier_years_table_imported_late_keeps_the_current_flags(
    database: Database,
) -> None:
    records = read_directory(SAMPLE)
    earlier = [replace(r, low_results=True) if r.code == LYCEUM else r for r in records]
    async with database.transaction() as uow:
        await save_directory(uow, records, 2026)
        await save_directory(uow, earlier, 2024)  # history, loaded afterwards
        school = await uow.schools.school_by_code(LYCEUM)
        assert school is not None
        years = await uow.schools.years(school.id)
    assert not school.low_results  # 2026's flags are still the directory's
    assert years == {2024: (True, False), 2026: (False, False)}
