"""Small builders shared by the forms tests."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from openpyxl import Workbook

from forms.i18n import translator
from forms.schema import Form

TODAY = date(2025, 3, 10)
t = translator()


def make_form(*questions: dict[str, Any], **settings: Any) -> Form:
    """A form from plain data, as a YAML file would give it."""
    data: dict[str, Any] = {"id": "test", "title": "Тест", **settings, "questions": list(questions)}
    return Form.model_validate(data)


def choice(question_id: str, *values: str, **extra: Any) -> dict[str, Any]:
    options = [{"value": value, "label": value.capitalize()} for value in values]
    return {
        "type": "single_choice",
        "id": question_id,
        "label": question_id,
        "options": options,
        **extra,
    }


def many(question_id: str, *values: str, **extra: Any) -> dict[str, Any]:
    options = [{"value": value, "label": value.capitalize()} for value in values]
    return {
        "type": "multiple_choice",
        "id": question_id,
        "label": question_id,
        "options": options,
        **extra,
    }


def question(kind: str, question_id: str, **extra: Any) -> dict[str, Any]:
    return {"type": kind, "id": question_id, "label": question_id, **extra}


def xlsx_bytes(sheets: dict[str, list[list[Any]]]) -> bytes:
    """A workbook with these sheets, rows as given, as a coordinator would send it."""
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
