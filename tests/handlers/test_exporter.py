"""The exporter: who gets which variant, the scope, the period in local days, the audit."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.workflows import declared
from forms.i18n import translator
from forms.personal import pseudonym_code
from forms.vocabulary import Role
from handlers.access import Scope
from handlers.exporting.registers import (
    Exported,
    Exporter,
    ExportRefused,
    Order,
    Period,
    Requester,
)
from storage.database import Database
from tests.handlers.export_data import (
    ADMIN,
    CONSULTANT,
    NORTH_COORDINATOR,
    SENT,
    Data,
    about,
    column,
    consultation,
    every_value,
    fill,
    header,
    send,
    survey,
    workbook,
)

t = translator()
MOSCOW = ZoneInfo("Europe/Moscow")
KEY = b"exporter test key"
ADMIN_SCOPE = Scope(ADMIN, Role.admin)


def exporter(database: Database, batch_size: int = 2_000) -> Exporter:
    return Exporter(
        database, t, MOSCOW, KEY, declared(), batch_size, now=lambda: SENT + timedelta(days=30)
    )


async def export(
    database: Database, order: Order, scope: Scope | None = ADMIN_SCOPE, batch_size: int = 2_000
) -> tuple[Exported, bytes]:
    out = io.BytesIO()
    done = await exporter(database, batch_size).register(order, Requester(scope, "Тестовый"), out)
    return done, out.getvalue()


async def audit(database: Database) -> list[tuple[int | None, str, dict[str, object]]]:
    async with database.read() as uow:
        return [(e.actor_id, e.action, e.details) for e in await uow.audit.entries()]


def municipal(data: Data) -> Scope:
    return Scope(NORTH_COORDINATOR, Role.municipal, frozenset({data.north}))


async def test_an_admin_gets_the_full_register_and_it_is_audited(sqlite_db: Database) -> None:
    data = await fill(sqlite_db)
    done, content = await export(sqlite_db, Order("survey"))
    book = workbook(content)
    assert done == Exported(3, "survey-2026-04-01.xlsx", anonymous=False)
    assert column(book, "Респондент") == ["Анна Учителева", "Борис Учителева", "Вера Учителева"]
    assert column(book, "Стаж, лет") == [10, 11, 12]
    typed = header(book).index("Как к вам обращаться?") + 1
    cell = book.worksheets[0].cell(row=2, column=typed)
    assert (cell.value, cell.data_type) == ("=1+1", "s")  # text, never a formula
    assert column(book, "№") == data.survey
    assert (await audit(sqlite_db))[-1] == (
        ADMIN,
        "register_exported",
        {"form": "survey", "filters": {}, "anonymous": False, "rows": 3},
    )


async def test_anonymous_on_request_has_pseudonyms_and_no_personal_columns(
    sqlite_db: Database,
) -> None:
    await fill(sqlite_db)
    done, content = await export(sqlite_db, Order("survey", anonymous=True))
    book = workbook(content)
    assert done.anonymous
    assert done.filename.endswith("-anon.xlsx")
    assert "Респондент" not in header(book)
    assert "Телефон" not in header(book)
    assert column(book, "Код респондента")[0] == pseudonym_code(601, KEY)
    shown = [str(value) for value in every_value(book)]
    assert not any("Учителева" in value or value == "601" for value in shown)


async def test_a_municipal_coordinator_gets_their_municipality_anonymised(
    sqlite_db: Database,
) -> None:
    data = await fill(sqlite_db)
    wanted = frozenset({data.north, data.south})  # asking for more than the scope
    done, content = await export(sqlite_db, Order("survey", municipalities=wanted), municipal(data))
    book = workbook(content)
    assert (done.rows, done.anonymous) == (2, True)
    assert column(book, "№") == data.survey[:2]
    assert "+7 916 123-45-67" not in every_value(book)
    assert about(book)["Муниципалитеты"] == "Северный район"
    assert (await audit(sqlite_db))[-1][2]["filters"] == {"municipalities": [data.north]}


async def test_a_consultant_gets_the_consultations_in_full_and_nothing_else(
    sqlite_db: Database,
) -> None:
    data = await fill(sqlite_db)
    scope = Scope(CONSULTANT, Role.consultant, frozenset({data.north}))
    done, content = await export(sqlite_db, Order("parent_consultation"), scope)
    book = workbook(content)
    assert not done.anonymous
    assert column(book, "Статус") == ["Назначена", "Новая"]
    assert column(book, "Консультант") == ["Ольга Координаторова", None]
    assert "Время консультации" in header(book)
    with pytest.raises(ExportRefused):
        await export(sqlite_db, Order("survey"), scope)


async def test_a_municipal_coordinator_sees_no_consultant_names(sqlite_db: Database) -> None:
    data = await fill(sqlite_db)
    _done, content = await export(sqlite_db, Order("parent_consultation"), municipal(data))
    assert "Консультант" not in header(workbook(content))


async def test_the_period_is_in_local_days(sqlite_db: Database) -> None:
    await fill(sqlite_db)
    sent_day = SENT.astimezone(MOSCOW).date()
    that_day = Period(sent_day, sent_day)
    day_before = Period(None, sent_day - timedelta(days=1))
    done, content = await export(sqlite_db, Order("survey", period=that_day))
    none, _ = await export(sqlite_db, Order("survey", period=day_before))
    assert (done.rows, none.rows) == (3, 0)
    assert about(workbook(content))["Период"] == "с 02.03.2026 по 02.03.2026"


def test_period_bounds_are_local_midnights_in_utc() -> None:
    first, end = Period(date(2026, 1, 1), date(2026, 1, 31)).bounds(MOSCOW)
    assert first == datetime(2025, 12, 31, 21, 0, tzinfo=ZoneInfo("UTC"))
    assert end == datetime(2026, 1, 31, 21, 0, tzinfo=ZoneInfo("UTC"))


async def test_small_batches_give_the_same_file_rows(sqlite_db: Database) -> None:
    data = await fill(sqlite_db)
    done, content = await export(sqlite_db, Order("survey"), batch_size=2)
    assert done.rows == 3
    assert column(workbook(content), "№") == data.survey


async def test_an_unknown_form_is_refused_and_not_audited(sqlite_db: Database) -> None:
    await fill(sqlite_db)
    with pytest.raises(ExportRefused) as refused:
        await export(sqlite_db, Order("nothing"))
    assert "«nothing»" in refused.value.text(t)
    assert [entry for entry in await audit(sqlite_db) if entry[1] == "register_exported"] == []


def test_the_roles_rules() -> None:
    plain, consult = survey(), consultation()
    consultant = Scope(1, Role.consultant)
    municipal_scope = Scope(2, Role.municipal)
    rules = exporter(None)  # type: ignore[arg-type]  # the rules read no database
    may_export, sees_personal = rules.may_export, rules.sees_personal
    assert may_export(municipal_scope, plain)
    assert not may_export(consultant, plain)
    assert may_export(consultant, consult)
    assert not may_export(Scope(3, Role.respondent), consult)
    assert sees_personal(Scope(4, Role.coordinator), plain)
    assert sees_personal(None, plain)
    assert sees_personal(consultant, consult)
    assert not sees_personal(municipal_scope, consult)


def test_the_exporter_imports_no_telegram() -> None:
    """`school-bot export` runs the exporter without aiogram: seconds and ~150 MB less."""
    code = (
        "import sys, bot.export_cli, handlers.exporting.service, handlers.dialog.flow,"
        " handlers.workflows.consultation.service, handlers.workflows.mentoring.service,"
        " handlers.workflows.event.service; sys.exit('aiogram' in sys.modules)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


async def test_an_event_register_links_the_saved_files(sqlite_db: Database) -> None:
    data = await fill(sqlite_db)
    saved = {"file_id": "f1", "name": "список.pdf", "kind": "document", "path": "events/5/a.pdf"}
    async with sqlite_db.transaction() as uow:
        [version] = await uow.forms.versions("event_report")
        answers = {"event_type": "seminar", "participants": 12, "materials": [saved]}
        await send(uow, version.id, 601, answers, (data.north_school, data.north))
    _done, content = await export(sqlite_db, Order("event_report"))
    book = workbook(content)
    assert column(book, "Какой это вид мероприятия?") == ["Семинар"]
    materials = header(book).index("Приложите материалы мероприятия.") + 1
    cell = book.worksheets[0].cell(row=2, column=materials)
    assert cell.value == "список.pdf"
    assert cell.hyperlink is not None
    assert cell.hyperlink.target == "events/5/a.pdf"
