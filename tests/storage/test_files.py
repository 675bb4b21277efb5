"""Saved files: names from people are never trusted, nothing is overwritten or written
outside the folder, and erasure by retention deletes them."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from forms.schema import Form
from storage.catalog import FormCatalog
from storage.database import Database
from storage.erasure import erase_expired
from storage.files import MAX_NAME, FileStore, safe_name
from storage.repositories.users import TelegramProfile
from storage.types import utcnow


@pytest.mark.parametrize(
    ("given", "saved"),
    [
        ("Явочный лист.pdf", "Явочный лист.pdf"),
        ("../../etc/passwd", "passwd"),
        ("..\\..\\Windows\\win.ini", "win.ini"),
        ("..", "file"),
        ("", "file"),
        (".bashrc", "bashrc"),
        ("con.txt", "_con.txt"),
        ("LPT1", "_LPT1"),
        ("отчёт: итоги?*<>|.docx", "отчёт_ итоги_.docx"),
        ("a\x00b\u202etxt.exe", "a_b_txt.exe"),
        ("программа   семинара .pdf", "программа семинара.pdf"),
        ("archive.tar.gz", "archive.tar.gz"),
    ],
)
def test_a_name_becomes_one_harmless_path_component(given: str, saved: str) -> None:
    assert safe_name(given) == saved


def test_a_long_name_is_cut_and_keeps_its_extension() -> None:
    name = safe_name("Я" * 300 + ".pdf")
    assert len(name) == MAX_NAME
    assert name.endswith("Я.pdf")


def download(store: FileStore, content: bytes) -> Path:
    partial = store.partial("event_report", 12)
    partial.write_bytes(content)
    return partial


def test_a_taken_name_gets_a_number_instead_of_being_overwritten(tmp_path: Path) -> None:
    store = FileStore(tmp_path / "files")
    first = store.keep(download(store, b"one"), "attendance.pdf")
    second = store.keep(download(store, b"two"), "attendance.pdf")
    third = store.keep(download(store, b"three"), "../attendance.pdf")
    assert (first, second, third) == (
        "event_report/12/attendance.pdf",
        "event_report/12/attendance (2).pdf",
        "event_report/12/attendance (3).pdf",
    )
    contents = [(store.root / path).read_bytes() for path in (first, second, third)]
    assert contents == [b"one", b"two", b"three"]
    assert sorted(p.name for p in (store.root / "event_report" / "12").iterdir()) == [
        "attendance (2).pdf",
        "attendance (3).pdf",
        "attendance.pdf",
    ]


def test_nothing_is_written_or_deleted_outside_the_folder(tmp_path: Path) -> None:
    store = FileStore(tmp_path / "files")
    outside = tmp_path / "secret.txt"
    outside.write_text("keep me", encoding="utf-8")
    kept = store.keep(download(store, b"x"), "../../secret.txt")
    assert kept == "event_report/12/secret.txt"
    store.discard("../secret.txt")
    assert outside.read_text(encoding="utf-8") == "keep me"
    with pytest.raises(ValueError, match="not a form id"):
        store.folder("../..", 1)
    with pytest.raises(ValueError, match="not a download"):
        store.keep(outside, "x.txt")


def test_removing_a_response_deletes_its_folder_only(tmp_path: Path) -> None:
    store = FileStore(tmp_path / "files")
    store.keep(download(store, b"x"), "a.pdf")
    other = store.partial("event_report", 13)
    other.write_bytes(b"y")
    store.keep(other, "b.pdf")
    with pytest.raises(FileNotFoundError):
        store.keep(store.partial("event_report", 13), "gone.pdf")  # the download vanished
    store.remove("event_report", 12)
    store.remove("event_report", 99)  # nothing saved: nothing to do
    assert not (store.root / "event_report" / "12").exists()
    assert [p.name for p in (store.root / "event_report" / "13").iterdir()] == ["b.pdf"]


async def test_retention_deletes_the_saved_files_with_the_answers(
    sqlite_db: Database, tmp_path: Path
) -> None:
    store = FileStore(tmp_path / "files")
    catalog = FormCatalog(sqlite_db)
    photos = {"type": "file", "id": "photos", "label": "Фотографии", "kinds": ["photo"]}
    form = Form.model_validate(
        {"id": "visit", "title": "Визит", "retention_days": 30, "questions": [photos]}
    )
    entry = await catalog.register(form)
    async with sqlite_db.transaction() as uow:
        await uow.users.save_profile(TelegramProfile(7, "Анна"))
        draft = await uow.submissions.open_draft(entry.version_id, 7)
        partial = store.partial("visit", draft.id)
        partial.write_bytes(b"jpeg")
        path = store.keep(partial, "photo.jpg")
        files = [{"file_id": "f1", "name": "photo.jpg", "size": 4, "kind": "photo", "path": path}]
        await uow.submissions.save_answer(draft.id, "photos", files)
        await uow.submissions.submit(draft.id)
    marker = "(удалено)"
    async with sqlite_db.transaction() as uow:
        assert await erase_expired(uow, catalog, utcnow(), marker, files=store) == 0
    assert (store.root / path).exists()
    async with sqlite_db.transaction() as uow:
        later = utcnow() + timedelta(days=31)
        assert await erase_expired(uow, catalog, later, marker, files=store) == 1
        assert await uow.submissions.answers(draft.id) == {"photos": marker}
    assert not (store.root / "visit" / str(draft.id)).exists()
