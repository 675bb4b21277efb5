"""The catalog finds form files the way `school-bot forms check` does."""

from __future__ import annotations

import shutil
from pathlib import Path

from forms.loading import check_paths
from storage.catalog import FormCatalog
from storage.database import Database

SURVEY = Path(__file__).resolve().parents[1] / "handlers" / "forms" / "survey.yaml"


async def test_subfolders_are_loaded_and_excel_lock_files_skipped(
    tmp_path: Path, sqlite_db: Database
) -> None:
    nested = tmp_path / "2026" / "осень"
    nested.mkdir(parents=True)
    shutil.copy(SURVEY, nested / "survey.yaml")
    (tmp_path / "~$anketa.xlsx").write_bytes(b"lock file of an open workbook")
    assert check_paths([tmp_path]) == []

    catalog = FormCatalog(sqlite_db)
    errors = await catalog.load([tmp_path])
    assert errors == []
    assert [entry.form.id for entry in catalog.all()] == ["survey"]


async def test_a_missing_folder_is_reported(tmp_path: Path, sqlite_db: Database) -> None:
    errors = await FormCatalog(sqlite_db).load([tmp_path / "nowhere"])
    assert len(errors) == 1
    assert errors[0].problems[0].message_id == "form-error-no-file"
