"""The XLSForm template workbook (/forms → «Скачать шаблон»): the sheets survey, choices and
settings with one example of each supported question type, and a sheet that explains each
column and type in Russian."""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from forms.i18n import Translator
from forms.template import help_keys, template_sheets

WIDE, NARROW = 60, 22


def template_workbook(t: Translator) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for spec in template_sheets():
        sheet = book.create_sheet(spec.name)
        sheet.append(list(spec.columns))
        for row in spec.rows:
            sheet.append([_cell(value) for value in row])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for index, column in enumerate(spec.columns, start=1):
            wide = column in ("label", "hint", "constraint_message", "relevant", "constraint")
            sheet.column_dimensions[get_column_letter(index)].width = WIDE if wide else NARROW
        sheet.freeze_panes = "A2"
    _help(book, t)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _help(book: Workbook, t: Translator) -> None:
    sheet = book.create_sheet(t("template-help-sheet"))  # the reader skips other sheets
    sheet.append([t("template-help-what"), t("template-help-meaning")])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for key in help_keys():
        sheet.append([key, t("template-about-" + key.replace(" ", "-"))])
    sheet.column_dimensions["A"].width = 30
    sheet.column_dimensions["B"].width = 100
    for row in sheet.iter_rows(min_row=2):
        row[1].alignment = Alignment(wrap_text=True, vertical="top")


def _cell(value: str) -> str | int:
    return int(value) if value.isdigit() and len(value) < 6 else value
