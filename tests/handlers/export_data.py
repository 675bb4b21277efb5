"""Responses in a database for the export tests: two municipalities, a survey, consultations."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.workbook import Workbook
from sqlalchemy import update

import forms
from forms.loading import load_form
from forms.schema import Form
from forms.vocabulary import CaseStatus, Role
from storage.database import Database
from storage.models import Submission
from storage.repositories import UnitOfWork
from storage.repositories.users import TelegramProfile

LIBRARY = Path(forms.__file__).parent / "library"
SENT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # 12:00 in Moscow
ADMIN, REGIONAL, NORTH_COORDINATOR, CONSULTANT, STRANGER = 9001, 501, 502, 503, 504


def survey() -> Form:
    return Form.model_validate(
        {
            "id": "survey",
            "title": "Анкета учителя",
            "questions": [
                {"type": "school", "id": "school", "label": "Ваша школа"},
                {"type": "integer", "id": "years", "label": "Стаж, лет"},
                {"type": "text", "id": "name", "label": "Как к вам обращаться?"},
                {"type": "phone", "id": "phone", "label": "Телефон"},
            ],
        }
    )


def consultation() -> Form:
    return load_form(LIBRARY / "parent_consultation.yaml")


@dataclass
class Data:
    north: int = 0
    south: int = 0
    north_school: int = 0
    south_school: int = 0
    survey: list[int] = field(default_factory=list)
    consultations: list[int] = field(default_factory=list)


async def store(uow: UnitOfWork, form: Form) -> int:
    version = await uow.forms.register(
        form.id, form.fingerprint(), form.title, form.model_dump(mode="json")
    )
    return version.id


async def send(
    uow: UnitOfWork,
    version_id: int,
    person: int,
    answers: dict[str, Any],
    place: tuple[int, int] | None,
    *,
    at: datetime = SENT,
) -> int:
    draft = await uow.submissions.open_draft(version_id, person)
    for question_id, value in answers.items():
        await uow.submissions.save_answer(draft.id, question_id, value, exists=False)
    if place is not None:
        await uow.submissions.place(draft.id, *place)
    assert await uow.submissions.submit(draft.id)
    await uow.connection.execute(
        update(Submission).where(Submission.id == draft.id).values(submitted_at=at)
    )
    return draft.id


async def staff(uow: UnitOfWork, data: Data) -> None:
    people = [
        (REGIONAL, "Регина", Role.coordinator, []),
        (NORTH_COORDINATOR, "Нина", Role.municipal, [data.north]),
        (CONSULTANT, "Ольга", Role.consultant, [data.north]),
        (STRANGER, "Семён", None, []),
    ]
    for user_id, name, role, places in people:
        await uow.users.save_profile(TelegramProfile(user_id, name, "Координаторова"))
        if role is not None:
            await uow.roles.grant(user_id, role, places)


def _school_answer(code: str, name: str, municipality: str) -> dict[str, str]:
    return {"code": code, "name": name, "municipality": municipality}


async def fill(database: Database) -> Data:
    """Three teachers (two in the north, one in the south) and two parents' requests."""
    data = Data()
    async with database.transaction() as uow:
        data.north = await uow.schools.save_municipality("01", "Северный район")
        data.south = await uow.schools.save_municipality("02", "Южный район")
        data.north_school = await uow.schools.save_school(
            "0101", data.north, name="МБОУ СОШ № 1", short_name="СОШ 1"
        )
        data.south_school = await uow.schools.save_school(
            "0201", data.south, name="МБОУ СОШ № 2", short_name="СОШ 2"
        )
        await staff(uow, data)
        for path in sorted(LIBRARY.glob("*.yaml")):  # as the bot stores them at start-up
            await store(uow, load_form(path))
        await _survey(uow, data)
        await _consultations(uow, data)
    return data


async def _survey(uow: UnitOfWork, data: Data) -> None:
    version = await store(uow, survey())
    north = _school_answer("0101", "МБОУ СОШ № 1", "Северный район")
    south = _school_answer("0201", "МБОУ СОШ № 2", "Южный район")
    teachers = [
        (601, "Анна", north, (data.north_school, data.north), "=1+1"),
        (602, "Борис", north, (data.north_school, data.north), "Борис Петрович"),
        (603, "Вера", south, (data.south_school, data.south), "Вера Ивановна"),
    ]
    for years, (user_id, name, school, place, call_me) in enumerate(teachers, start=10):
        await uow.users.save_profile(TelegramProfile(user_id, name, "Учителева"))
        answers = {"school": school, "years": years, "name": call_me, "phone": "+79161234567"}
        data.survey.append(await send(uow, version, user_id, answers, place))


async def _consultations(uow: UnitOfWork, data: Data) -> None:
    version = await store(uow, consultation())
    await uow.users.save_profile(TelegramProfile(701, "Мария", "Родителева"))
    place = (data.north_school, data.north)
    for _ in range(2):
        request = await send(uow, version, 701, {"phone": "+79161234567"}, place)
        await uow.cases.open(request, "consultation", CaseStatus.new)
        data.consultations.append(request)
    await uow.cases.move(
        data.consultations[0], {CaseStatus.new}, CaseStatus.scheduled, assignee_id=CONSULTANT
    )


def workbook(content: bytes) -> Workbook:
    return load_workbook(io.BytesIO(content))


def header(book: Workbook) -> list[Any]:
    return [cell.value for cell in book.worksheets[0][1]]


def column(book: Workbook, title: str) -> list[Any]:
    sheet = book.worksheets[0]
    index = header(book).index(title) + 1
    return [row[0].value for row in sheet.iter_rows(min_row=2, min_col=index, max_col=index)]


def every_value(book: Workbook) -> list[Any]:
    """Every cell of every sheet, for «no name anywhere» checks."""
    return [cell.value for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def about(book: Workbook) -> dict[str, Any]:
    """The «О выгрузке» sheet as label → value."""
    sheet = book.worksheets[2]
    return {row[0].value: row[1].value for row in sheet.iter_rows()}
