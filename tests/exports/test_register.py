"""The register of a form read back with openpyxl: columns, values and their kinds, sheets."""

from __future__ import annotations

import math
import tracemalloc
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.workbook import Workbook

from exports.cells import DATE_FORMAT, DATETIME_FORMAT
from exports.columns import HEADER_LIMIT
from exports.register import PROGRESS_EVERY, write_register
from exports.rows import ExportInfo
from tests.exports.helpers import (
    EXPORTED_AT,
    SUBJECTS,
    column,
    every_type_answers,
    every_type_form,
    extra,
    header,
    make_form,
    question,
    register_book,
    request_for,
    sheet_xml,
    submission,
    t,
    values,
)

FIXED = ["№", "Время отправки", "Статус", "Версия анкеты"]
QUESTIONS = [
    "Стаж",
    "Часы в неделю",
    "Должность",
    "Предметы",
    "Нужен наставник?",
    "Грамотность",
    "Когда удобно?",
]
SCHOOL = ["Школа — муниципалитет", "Школа"]
SECTION = ["Дополнительно: Сколько учеников?"]
REVIEW = ["Статус проверки", "Комментарий проверки"]


def every_type_book(**options: Any) -> Workbook:
    rows = [submission(1, answers=every_type_answers()), submission(2, answers={})]
    book, _data = register_book(request_for(every_type_form(), **options), rows)
    return book


def all_cell_values(book: Workbook) -> list[str]:
    return [
        str(cell.value)
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    ]


def test_columns_follow_the_form() -> None:
    book = every_type_book()
    assert header(book) == [
        *FIXED,
        "Респондент",
        "ID в Telegram",
        "Как к вам обращаться?",
        "Расскажите подробнее",
        *QUESTIONS[:-1],
        "Когда удобно?",
        "Телефон",
        "Почта",
        *SCHOOL,
        "Материалы",
        *SECTION,
        *REVIEW,
    ]


def test_values_and_their_kinds() -> None:
    book = every_type_book()
    first = dict(zip(header(book), book.worksheets[0][2], strict=True))
    expected = {
        "№": 1,
        "Время отправки": datetime(2025, 9, 1, 10, 30),
        "Статус": "Отправлена",
        "Версия анкеты": 1,
        "Респондент": "Анна Иванова",
        "ID в Telegram": "700101",
        "Как к вам обращаться?": "Анна Сергеевна",
        "Расскажите подробнее": "Первая строка\nвторая строка",
        "Стаж": 12,
        "Часы в неделю": 7.5,
        "Должность": "Другое: Методист",
        "Предметы": "Русский язык; Физика; Другое: Химия",
        "Нужен наставник?": "Да",
        "Грамотность": 4,
        "Когда удобно?": datetime(2025, 10, 15),
        "Телефон": "+7 916 123-45-67",
        "Почта": "anna@example.org",
        "Школа — муниципалитет": "Городской округ",
        "Школа": "МБОУ СОШ № 1",
        "Материалы": "план.pdf",
        "Дополнительно: Сколько учеников?": 25,
        "Статус проверки": "Не проверен",
        "Комментарий проверки": None,
    }
    assert {title: cell.value for title, cell in first.items()} == expected
    for title in ("№", "Стаж", "Часы в неделю", "Грамотность", "Версия анкеты"):
        assert first[title].data_type == "n", title
    for title in ("ID в Telegram", "Телефон", "Школа", "Нужен наставник?"):
        assert first[title].data_type == "s", title
    assert first["Время отправки"].number_format == DATETIME_FORMAT
    assert first["Когда удобно?"].number_format == DATE_FORMAT
    assert first["Когда удобно?"].is_date
    assert first["Расскажите подробнее"].alignment.wrap_text


def test_unanswered_questions_leave_empty_cells() -> None:
    book = every_type_book()
    second = [cell.value for cell in book.worksheets[0][3]]
    assert second[:6] == [
        2,
        datetime(2025, 9, 1, 10, 30),
        "Отправлена",
        1,
        "Анна Иванова",
        "700102",
    ]
    assert set(second[6:-2]) == {None}
    assert second[-2:] == ["Не проверен", None]


def test_no_then_a_skipped_answer_and_erased_values() -> None:
    form = make_form(
        question("yes_no", "agree", "Согласны?"),
        question("phone", "phone", "Телефон", required=False),
        question("single_choice", "role", "Роль", options=SUBJECTS, other=True),
    )
    rows = [
        submission(1, answers={"agree": False, "phone": None, "role": "math"}),
        submission(
            2, answers={"agree": True, "phone": "(удалено)", "role": {"other": "(удалено)"}}
        ),
    ]
    book, _data = register_book(request_for(form), rows)
    assert values(book, "Согласны?") == ["Нет", "Да"]
    assert values(book, "Телефон") == [None, "(удалено)"]
    assert values(book, "Роль") == ["Математика", "Другое: (удалено)"]


def test_statuses_are_translated_and_unknown_codes_shown_as_they_are() -> None:
    form = make_form(question("integer", "n", "Число"))
    codes = ["draft", "held", "no_show", "pending", "dissolved", "on_hold"]
    rows = [submission(number, status=code) for number, code in enumerate(codes, start=1)]
    book, _data = register_book(request_for(form), rows)
    assert values(book, "Статус") == [
        "Черновик",
        "Проведена",
        "Не пришли",
        "Ждёт подтверждения",
        "Расторгнута",
        "on_hold",
    ]


def test_typed_text_is_never_a_formula() -> None:
    form = make_form(question("text", "comment", "=СУММ(A1:A3)"), question("text", "b", "Б"))
    answers = {"comment": "=1+2", "b": '=HYPERLINK("http://evil.example","жми")'}
    rows = [submission(1, respondent_name="@admin", answers=answers)]
    book, data = register_book(request_for(form), rows)
    cells = {cell.value: cell for cell in book.worksheets[0][2]}
    for text in ("=1+2", '=HYPERLINK("http://evil.example","жми")', "@admin"):
        assert cells[text].data_type == "s"
    assert "=СУММ(A1:A3)" in header(book)
    assert book.worksheets[0].tables["Register"].column_names[4:] == header(book)[4:]
    assert "<f>" not in sheet_xml(data)
    assert "<f " not in sheet_xml(data)


def test_control_characters_are_removed_and_long_text_is_cut() -> None:
    form = make_form(question("text", "story", "Рассказ", multiline=True))
    rows = [
        submission(1, answers={"story": "а\x00б\x1bв"}),
        submission(2, answers={"story": "я" * 40_000}),
    ]
    book, _data = register_book(request_for(form), rows)
    short, long = values(book, "Рассказ")
    assert short == "абв"
    assert len(long) < 32_767
    assert long.endswith("… (обрезано)")


def test_anonymised_register_has_no_names_ids_or_personal_answers() -> None:
    rows = [submission(1, answers=every_type_answers())]
    request = request_for(
        every_type_form(),
        anonymous=True,
        extra_columns=[
            extra("consultant", "Консультант", personal=True),
            extra("slot", "Время встречи", "datetime"),
        ],
    )
    book, _data = register_book(request, rows)
    assert header(book) == [
        *FIXED,
        "Код респондента",
        *QUESTIONS,
        *SCHOOL,
        *SECTION,
        "Время встречи",
        *REVIEW,
    ]
    assert values(book, "Код респондента") == ["3F9A2C1B"]
    assert values(book, "Должность") == ["Другое (свой вариант)"]
    assert values(book, "Предметы") == ["Русский язык; Физика; Другое (свой вариант)"]
    text = "\n".join(all_cell_values(book))
    for personal in ("Анна", "700101", "916", "anna@", "план.pdf", "Методист", "Химия"):
        assert personal not in text
    about = dict(book.worksheets[2].iter_rows(values_only=True))
    assert about["Вариант реестра"] == t("register-variant-anonymised")


def test_an_anonymous_form_has_no_respondent_columns() -> None:
    form = make_form(question("rating", "mood", "Настроение"), anonymous=True)
    for anonymised in (False, True):
        book, _data = register_book(
            request_for(form, anonymous=anonymised), [submission(1, answers={"mood": 3})]
        )
        assert header(book) == [*FIXED, "Настроение", *REVIEW]


def test_questions_only_older_versions_asked_come_after() -> None:
    newest = make_form(question("integer", "a", "Вопрос А"), question("integer", "b", "Вопрос Б"))
    older = make_form(question("integer", "a", "Старый А"), question("integer", "c", "Вопрос В"))
    rows = [
        submission(1, version=1, answers={"a": 1, "c": 3}),
        submission(2, version=2, answers={"a": 10, "b": 20}),
    ]
    book, _data = register_book(request_for(newest, older), rows)
    assert header(book)[-5:-2] == ["Вопрос А", "Вопрос Б", "Вопрос В"]
    assert values(book, "Вопрос А") == [1, 10]
    assert values(book, "Вопрос Б") == [None, 20]
    assert values(book, "Вопрос В") == [3, None]
    reference = {row[0]: row for row in book.worksheets[1].iter_rows(values_only=True)}
    assert reference["Вопрос А"][6] == "1, 2"
    assert reference["Вопрос Б"][6] == "2"
    assert reference["Вопрос В"][6] == "1"


def test_one_hot_columns_for_multiple_choice() -> None:
    form = make_form(
        question("multiple_choice", "subjects", "Предметы", options=SUBJECTS, other=True)
    )
    rows = [
        submission(1, answers={"subjects": {"selected": ["russian", "physics"], "other": "Химия"}}),
        submission(2, answers={"subjects": ["math"]}),
        submission(3, answers={}),
    ]
    book, _data = register_book(request_for(form, one_hot=True), rows)
    options = ["Русский язык", "Математика", "Физика", "Другое"]
    assert header(book)[4:] == [
        "Респондент",
        "ID в Telegram",
        "Предметы",
        *[f"Предметы: {label}" for label in options],
        *REVIEW,
    ]
    assert values(book, "Предметы") == ["Русский язык; Физика; Другое: Химия", "Математика", None]
    assert [values(book, f"Предметы: {label}") for label in options] == [
        [1, 0, None],
        [0, 1, None],
        [1, 0, None],
        [1, 0, None],
    ]
    assert {cell.data_type for cell in column(book, "Предметы: Физика")[:2]} == {"n"}


def test_headers_are_unique_one_line_and_not_too_long() -> None:
    long_label = "Очень длинная формулировка вопроса " * 10
    form = make_form(
        question("text", "a", "Комментарий"),
        question("text", "b", "КОММЕНТАРИЙ"),
        question("text", "c", "Комментарий"),
        question("text", "d", "Две\nстроки"),
        question("text", "e", long_label),
        question("text", "f", "№"),
    )
    book, _data = register_book(request_for(form), [])
    titles = header(book)
    assert titles[6:11] == [
        "Комментарий",
        "КОММЕНТАРИЙ (2)",
        "Комментарий (3)",
        "Две строки",
        titles[10],
    ]
    assert len(titles[10]) <= HEADER_LIMIT
    assert titles[10].endswith("…")
    widths = book.worksheets[0].column_dimensions
    assert widths["K"].width == math.ceil(len(titles[10]) / 3) + 3  # wide enough for 3 lines
    assert widths["G"].width == 30  # a short header: the width of a text column
    assert titles[11] == "№ (2)"
    assert len({title.casefold() for title in titles}) == len(titles)


def test_extra_columns_in_order_with_their_kinds() -> None:
    form = make_form(question("integer", "n", "Число"))
    request = request_for(
        form,
        extra_columns=[
            extra("slot", "Время встречи", "datetime"),
            extra("day", "День", "date"),
            extra("meetings", "Встреч", "number"),
            extra("note", "Заметка"),
            extra("card", "Карточка", "link"),
        ],
    )
    row = submission(
        1,
        extra={
            "slot": datetime(2025, 9, 2, 12, 0, tzinfo=UTC),
            "day": "2025-09-03",
            "meetings": 4,
            "note": "=опасно",
            "card": ("Открыть", "https://example.org/case/1"),
        },
    )
    book, _data = register_book(request, [row, submission(2)])
    assert header(book)[-7:-2] == ["Время встречи", "День", "Встреч", "Заметка", "Карточка"]
    cells = column(book, "Время встречи")
    assert cells[0].value == datetime(2025, 9, 2, 15, 0)
    assert cells[0].number_format == DATETIME_FORMAT
    assert column(book, "День")[0].value == datetime(2025, 9, 3)
    assert column(book, "День")[0].number_format == DATE_FORMAT
    assert values(book, "Встреч") == [4, None]
    assert column(book, "Заметка")[0].data_type == "s"
    assert values(book, "Заметка") == ["=опасно", None]
    card = column(book, "Карточка")[0]
    assert card.value == "Открыть"
    assert card.hyperlink is not None
    assert card.hyperlink.target == "https://example.org/case/1"


def test_files_are_links_when_they_were_saved() -> None:
    form = make_form(question("file", "files", "Файлы"))
    one = [{"name": "план A.pdf", "path": "files/7/план A.pdf"}]
    two = [{"name": "a.pdf", "path": "files/8/a.pdf"}, {"name": "b.jpg", "path": "files/8/b.jpg"}]
    urls = [
        {"name": "a", "url": "https://x.example/a"},
        {"name": "b", "url": "https://x.example/b"},
    ]
    unsaved = [{"file_id": "abc", "name": "c.docx"}]
    rows = [submission(n, answers={"files": f}) for n, f in enumerate([one, two, urls, unsaved], 1)]
    book, _data = register_book(request_for(form), rows)
    cells = column(book, "Файлы")
    assert [cell.value for cell in cells] == [
        "план A.pdf",
        "a.pdf; b.jpg",
        "a (https://x.example/a); b (https://x.example/b)",
        "c.docx",
    ]
    assert cells[0].hyperlink.target == "files/7/%D0%BF%D0%BB%D0%B0%D0%BD%20A.pdf"
    assert cells[1].hyperlink.target == "files/8/"
    assert cells[2].hyperlink is None
    assert cells[3].hyperlink is None


def test_the_register_is_an_excel_table_with_a_frozen_header() -> None:
    book = every_type_book()
    sheet = book.worksheets[0]
    assert sheet.title == "Реестр"
    assert sheet.freeze_panes == "A2"
    table = sheet.tables["Register"]
    assert table.ref == f"A1:{sheet.cell(1, sheet.max_column).column_letter}3"
    assert table.column_names == header(book)
    assert table.autoFilter is not None
    assert sheet.column_dimensions["H"].width == 50  # the long-text column
    assert sheet.column_dimensions["A"].width == 8


def test_an_empty_register_is_still_a_valid_table(tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    count = write_register(request_for(every_type_form()), iter(()), path, t)
    book = load_workbook(path)
    assert count == 0
    assert [sheet.title for sheet in book.worksheets] == [
        "Реестр",
        "Справочник",
        "О выгрузке",
        "История проверки",
    ]
    assert book.worksheets[0].max_row == 1
    assert book.worksheets[0].tables["Register"].ref.endswith("2")
    about = dict(book.worksheets[2].iter_rows(values_only=True))
    assert about["Строк в реестре"] == 0


def test_the_reference_sheet_describes_every_column() -> None:
    book = every_type_book()
    rows = list(book.worksheets[1].iter_rows(values_only=True))
    assert rows[0] == (
        "Столбец",
        "Вопрос или описание",
        "Раздел",
        "Тип",
        "Допустимые значения",
        "Обязательный",
        "Есть в версиях",
    )
    assert [row[0] for row in rows[1:]] == header(book)
    described = {row[0]: row for row in rows[1:]}
    assert described["Грамотность"][3:6] == (
        "Шкала 1–5",
        "1 (Нет затруднений) – 5 (Серьёзные затруднения)",
        "Да",
    )
    assert described["Предметы"][3:5] == (
        "Несколько вариантов",
        "Русский язык; Математика; Физика; Другое (свой вариант)",
    )
    assert described["Стаж"][3:5] == ("Целое число", "от 0 до 60")
    assert described["Часы в неделю"][3:5] == ("Число", "не меньше 0,5")
    assert described["Почта"][5] == "Нет"
    assert described["Расскажите подробнее"][3] == "Длинный текст"
    assert described["Школа — муниципалитет"][3] == "Муниципалитет"
    assert described["Дополнительно: Сколько учеников?"][1:3] == (
        "Сколько учеников?",
        "Дополнительно",
    )
    assert described["Время отправки"][1:4] == (
        "Когда ответ отправлен (местное время)",
        None,
        "Дата и время",
    )


def test_the_about_sheet() -> None:
    info = ExportInfo(
        EXPORTED_AT,
        "Координатор Петрова",
        filters=[("Муниципалитет", "Городской округ")],
        versions=[1],
    )
    rows = [submission(1), submission(2)]
    book, _data = register_book(request_for(every_type_form(), info=info), rows)
    about = dict(book.worksheets[2].iter_rows(values_only=True))
    assert about == {
        "Анкета": "Проверочная анкета",
        "Идентификатор анкеты": "test",
        "Вариант реестра": "Полный",
        "Муниципалитет": "Городской округ",
        "Версии анкеты": "1",
        "Время выгрузки": datetime(2025, 10, 1, 12, 0),
        "Часовой пояс": "Europe/Moscow",
        "Кто выгрузил": "Координатор Петрова",
        "Строк в реестре": 2,
    }


def test_rows_are_taken_one_at_a_time_and_progress_is_reported() -> None:
    form = make_form(question("integer", "n", "Число"))
    taken = 0

    def rows() -> Iterator[Any]:
        nonlocal taken
        for number in range(1, 2 * PROGRESS_EVERY + 501):
            taken += 1
            yield submission(number, answers={"n": number})

    seen: list[tuple[int, int]] = []
    book, _data = register_book(
        request_for(form), rows(), progress=lambda count: seen.append((count, taken))
    )
    assert seen == [(PROGRESS_EVERY, PROGRESS_EVERY), (2 * PROGRESS_EVERY, 2 * PROGRESS_EVERY)]
    assert book.worksheets[0].max_row == 2 * PROGRESS_EVERY + 501


def _peak_memory(count: int, tmp_path: Path) -> int:
    form = make_form(question("text", "a", "А"), question("date", "b", "Б"))
    answers = {"a": "ответ " * 20, "b": "2025-09-01"}
    rows = (submission(number, answers=answers) for number in range(count))
    tracemalloc.start()
    try:
        write_register(request_for(form), rows, tmp_path / f"{count}.xlsx", t)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_does_not_grow_with_the_number_of_rows(tmp_path: Path) -> None:
    small = _peak_memory(100, tmp_path)
    large = _peak_memory(1200, tmp_path)
    assert large < small + 500_000


def test_a_request_without_a_form_is_refused(tmp_path: Path) -> None:
    request = request_for(every_type_form())
    empty = type(request)(forms=[], zone=request.zone, info=request.info)
    with pytest.raises(ValueError, match="at least one form version"):
        write_register(empty, [], tmp_path / "x.xlsx", t)
