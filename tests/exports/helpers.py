"""Builders and readers shared by the exports tests."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import load_workbook
from openpyxl.workbook import Workbook

from exports.facts import (
    ConsultationFact,
    DifficultyResponse,
    DifficultySurvey,
    EventFact,
    PairFact,
    SummaryData,
    TargetProgress,
)
from exports.register import write_register
from exports.rows import ExportInfo, ExtraColumn, RegisterRequest, RegisterRow
from forms.i18n import translator
from forms.schema import Form

t = translator()
MOSCOW = ZoneInfo("Europe/Moscow")
EXPORTED_AT = datetime(2025, 10, 1, 9, 0, tzinfo=UTC)
SENT_AT = datetime(2025, 9, 1, 7, 30, tzinfo=UTC)  # 10:30 in Moscow

SUBJECTS = [
    {"value": "russian", "label": "Русский язык"},
    {"value": "math", "label": "Математика"},
    {"value": "physics", "label": "Физика"},
]


def make_form(*questions: dict[str, Any], **settings: Any) -> Form:
    data = {"id": "test", "title": "Проверочная анкета", **settings, "questions": list(questions)}
    return Form.model_validate(data)


def question(kind: str, question_id: str, label: str, **extra: Any) -> dict[str, Any]:
    return {"type": kind, "id": question_id, "label": label, **extra}


def every_type_form() -> Form:
    """A question of every type, a note and a section."""
    return make_form(
        question("note", "hello", "Здравствуйте!"),
        question("text", "name", "Как к вам обращаться?"),
        question("text", "story", "Расскажите подробнее", multiline=True, required=False),
        question("integer", "experience", "Стаж", min=0, max=60),
        question("decimal", "hours", "Часы в неделю", min=0.5),
        question("single_choice", "position", "Должность", options=SUBJECTS[:2], other=True),
        question("multiple_choice", "subjects", "Предметы", options=SUBJECTS, other=True),
        question("yes_no", "mentor", "Нужен наставник?"),
        question(
            "rating",
            "literacy",
            "Грамотность",
            min_label="Нет затруднений",
            max_label="Серьёзные затруднения",
        ),
        question("date", "when", "Когда удобно?"),
        question("phone", "phone", "Телефон"),
        question("email", "email", "Почта", required=False),
        question("school", "school", "Школа"),
        question("file", "files", "Материалы", required=False),
        {
            "type": "section",
            "id": "extra",
            "title": "Дополнительно",
            "questions": [question("integer", "pupils", "Сколько учеников?", max=40)],
        },
    )


def every_type_answers() -> dict[str, Any]:
    return {
        "name": "Анна Сергеевна",
        "story": "Первая строка\nвторая строка",
        "experience": 12,
        "hours": 7.5,
        "position": {"other": "Методист"},
        "subjects": {"selected": ["russian", "physics"], "other": "Химия"},
        "mentor": True,
        "literacy": 4,
        "when": "2025-10-15",
        "phone": "+79161234567",
        "email": "anna@example.org",
        "school": {"code": "0012", "name": "МБОУ СОШ № 1", "municipality": "Городской округ"},
        "files": [{"file_id": "x", "name": "план.pdf", "size": 10, "kind": "document"}],
        "pupils": 25,
    }


def submission(number: int = 1, **fields: Any) -> RegisterRow:
    values: dict[str, Any] = {
        "number": number,
        "version": 1,
        "status": "submitted",
        "sent_at": SENT_AT,
        "respondent_id": 700100 + number,
        "respondent_name": "Анна Иванова",
        "pseudonym": "3F9A2C1B",
        **fields,
    }
    return RegisterRow(**values)


def request_for(*forms: Form, **options: Any) -> RegisterRequest:
    info = options.pop("info", ExportInfo(EXPORTED_AT, "Координатор Петрова"))
    numbered = [(len(forms) - index, form) for index, form in enumerate(forms)]
    return RegisterRequest(forms=numbered, zone=MOSCOW, info=info, **options)


def register_book(
    request: RegisterRequest, rows: Iterable[RegisterRow], **options: Any
) -> tuple[Workbook, bytes]:
    """Write a register into memory; return it read back, and the file's bytes."""
    buffer = io.BytesIO()
    write_register(request, rows, buffer, t, **options)
    data = buffer.getvalue()
    return load_workbook(io.BytesIO(data)), data


def header(book: Workbook) -> list[Any]:
    return [cell.value for cell in book.worksheets[0][1]]


def column(book: Workbook, title: str) -> list[Any]:
    """The cells under a header of the register sheet."""
    sheet = book.worksheets[0]
    index = header(book).index(title) + 1
    return [row[0] for row in sheet.iter_rows(min_row=2, min_col=index, max_col=index)]


def values(book: Workbook, title: str) -> list[Any]:
    return [cell.value for cell in column(book, title)]


def sheet_xml(data: bytes, number: int = 1) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(f"xl/worksheets/sheet{number}.xml").decode("utf-8")


def extra(column_id: str, title: str, kind: Any = "text", personal: bool = False) -> ExtraColumn:
    return ExtraColumn(id=column_id, title=title, kind=kind, personal=personal)


# --- the summary ---------------------------------------------------------------------------

AREAS = [("literacy", "Функциональная грамотность"), ("exams", "Подготовка к ВПР, ОГЭ и ЕГЭ")]
WAVES = ["Входной", "Промежуточный", "Итоговый"]


def teacher(school: str, wave: str | None, ratings: dict[str, int], *support: str) -> Any:
    municipality = "Заречный район" if school == "Школа № 2" else "Город"
    code = {"Школа № 1": "001", "Школа № 2": "002", "Школа № 3": "003"}[school]
    return DifficultyResponse(municipality, school, code, wave, ratings, support)


def full_data() -> SummaryData:
    responses = [
        teacher("Школа № 1", "Входной", {"literacy": 4, "exams": 5}, "Курсы", "Наставничество"),
        teacher("Школа № 1", "Входной", {"literacy": 5, "exams": 4}, "Курсы"),
        teacher("Школа № 1", "Промежуточный", {"literacy": 3}, "Семинар"),
        teacher("Школа № 2", "Входной", {"literacy": 2}),
        teacher("Школа № 1", "Промежуточный", {"literacy": 3, "exams": 3}, "Курсы"),
        teacher("Школа № 3", "Промежуточный", {"literacy": 1, "exams": 2}),
        teacher("Школа № 3", None, {"literacy": 1}),
    ]
    return SummaryData(
        period="2025/26 учебный год",
        exported_at=datetime(2026, 1, 20, 7, 0, tzinfo=UTC),
        exported_by="Координатор Петрова",
        zone=MOSCOW,
        targets=[
            TargetProgress("Проведено консультаций", 20, 12, "2025/26 учебный год"),
            TargetProgress("Действующих наставнических пар", 10, 11, "на сегодня"),
            TargetProgress("Участников мероприятий", 100, 30, "2025/26 учебный год"),
        ],
        difficulties=DifficultySurvey(AREAS, WAVES, responses),
        consultations=[
            ConsultationFact(date(2025, 10, 1), "Поведение", "held"),
            ConsultationFact(date(2025, 9, 1), "Трудности в обучении", "held"),
            ConsultationFact(date(2025, 9, 1), "Поведение", "no_show"),
            ConsultationFact(date(2025, 9, 1), "Поведение", "held"),
            ConsultationFact(date(2025, 10, 1), "Профориентация", "postponed"),
        ],
        pairs=[
            PairFact("active", "Математика", True),
            PairFact("active", "Русский язык", False),
            PairFact("pending", "Математика", True),
            PairFact("dissolved", "Физика", False),
        ],
        events=[
            EventFact("Семинар", 40, ["001", "010"]),
            EventFact("Вебинар", 80, ["001", "002", "011"]),
            EventFact("Семинар", 25, []),
        ],
        low_result_schools=frozenset({"001", "002", "003", "004"}),
    )


def empty_data() -> SummaryData:
    return SummaryData("2025 год", datetime(2026, 1, 20, 7, 0, tzinfo=UTC), "Петрова", MOSCOW)
