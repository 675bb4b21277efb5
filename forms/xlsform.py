"""XLSForm workbooks (sheets ``survey``, ``choices``, ``settings``) read into a ``Form``.

Only what the bot can honour is accepted. Another question type, an expression that is
too complex, an unknown column or sheet with values: each is refused with a problem
naming the sheet, the row and the column. See ``forms/FORMAT.md``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from pydantic import ValidationError

from forms.errors import translate_errors
from forms.problems import FormError, Place, Problem
from forms.schema import NEEDS, Form, Loc, WorkflowNeeds
from forms.template import HELP_SHEET
from forms.values import parse_date
from forms.xlsexpr import (
    Bound,
    ExpressionError,
    date_bound,
    parse_choice_filter,
    parse_constraint,
    parse_relevant,
)
from forms.yamlfile import form_to_yaml, plain_params

SURVEY, CHOICES, SETTINGS = "survey", "choices", "settings"
LOCALIZED = ("label", "hint", "required_message", "constraint_message")
SURVEY_COLUMNS = frozenset(
    {
        "type",
        "name",
        "required",
        "constraint",
        "relevant",
        "choice_filter",
        "appearance",
        "repeat_count",
        *LOCALIZED,
    }
)
CHOICE_COLUMNS = frozenset({"list_name", "name", "label"})
SETTINGS_FIELDS = {
    "form_id": "id",
    "form_title": "title",
    "version": "version",
    "description": "description",
    "roles": "roles",
    "anonymous": "anonymous",
    "responses": "responses",
    "respondent": "respondent",
    "editable_until": "editable_until",
    "opens_at": "opens_at",
    "closes_at": "closes_at",
    "consent": "consent",
    "workflow": "workflow",
    "attached_to": "attached_to",
}
SETTINGS_COLUMNS = frozenset({*SETTINGS_FIELDS, "default_language"})
PLAIN_TYPES = {
    "text": "text",
    "integer": "integer",
    "decimal": "decimal",
    "date": "date",
    "note": "note",
    "yes_no": "yes_no",
    "rating": "rating",
    "phone": "phone",
    "email": "email",
    "school": "school",
}
FILE_TYPES = {"file": ["document"], "image": ["photo"]}
SELECT_TYPES = {"select_one": "single_choice", "select_multiple": "multiple_choice"}
BEGIN_GROUP = frozenset({"begin group", "begin_group"})
END_GROUP = frozenset({"end group", "end_group"})
BEGIN_REPEAT = frozenset({"begin repeat", "begin_repeat"})
END_REPEAT = frozenset({"end repeat", "end_repeat"})
FIELD_REFERENCE = re.compile(r"^\$\{\s*([^}\s]+)\s*\}$")
QUESTION_COLUMNS = {
    "id": "name",
    "type": "type",
    "required": "required",
    "show_if": "relevant",
    "choice_filter": "choice_filter",
    "multiline": "appearance",
    "options": "type",
    "other": "type",
    "kinds": "type",
    "min": "constraint",
    "max": "constraint",
    "min_length": "constraint",
    "max_length": "constraint",
    "min_selected": "constraint",
    "max_selected": "constraint",
}
TRUE_WORDS = frozenset({"yes", "true", "1", "да", "y"})
FALSE_WORDS = frozenset({"no", "false", "0", "нет", "n", ""})
RU_MARK = re.compile(r"\(ru\)|^ru$|русск|russian", re.IGNORECASE)


@dataclass
class Row:
    number: int
    cells: dict[str, str]


@dataclass
class Sheet:
    name: str
    headers: dict[str, str]
    rows: list[Row]


def load_xlsform(path: str | Path, needs: WorkflowNeeds | None = None) -> Form:
    """A form from an XLSForm workbook; raises ``FormError`` with sheet, row and column."""
    return _Reader(Path(path)).form(needs or {})


def xlsform_to_yaml(path: str | Path) -> str:
    """The YAML text of an XLSForm workbook (``school-bot forms import FILE.xlsx``)."""
    return form_to_yaml(load_xlsform(path))


# --- reading cells ------------------------------------------------------------------------


def read_sheets(path: Path) -> dict[str, Sheet]:
    """Every sheet by its lower-case name; row 1 holds the column names."""
    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        return {
            ws.title.strip().lower(): _sheet(ws.title, ws.iter_rows(values_only=True))
            for ws in workbook.worksheets
        }
    finally:
        workbook.close()


def _sheet(name: str, rows: Any) -> Sheet:
    table = [[cell_text(value) for value in row] for row in rows]
    header = table[0] if table else []
    keys = [text.lower() for text in header]
    data = [
        Row(
            number,
            {
                keys[i] if i < len(keys) and keys[i] else _letter(i): text
                for i, text in enumerate(values)
                if text
            },
        )
        for number, values in enumerate(table[1:], start=2)
    ]
    headers = {key: text for key, text in zip(keys, header, strict=True) if key}
    return Sheet(name, headers, [row for row in data if row.cells])


def _letter(index: int) -> str:
    """A column with no name is known by its letter («#E»)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return "#" + letters


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _flag(text: str) -> bool | None:
    word = text.strip().lower()
    return True if word in TRUE_WORDS else False if word in FALSE_WORDS else None


# --- building the form --------------------------------------------------------------------


@dataclass
class _Item:
    """Where an item of the form came from: its survey row and the columns of its fields."""

    row: int
    columns: dict[str, str]
    options: dict[int, tuple[int, dict[str, str]]] = field(default_factory=dict)


class _Reader:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.file = str(path)
        self.problems: list[Problem] = []
        self.items: dict[Loc, _Item] = {}
        self.language = ""

    # problems and places

    def refuse(
        self,
        sheet: str,
        row: int | None,
        column: str | None,
        message_id: str,
        /,
        **params: str | int,
    ) -> None:
        place = Place(self.file, sheet=sheet, row=row, column=column)
        self.problems.append(Problem(message_id, params, place=place))

    def place(self, loc: Loc) -> Place:
        if not loc or loc[0] != "questions":
            column = next((c for c, f in SETTINGS_FIELDS.items() if loc and f == loc[0]), None)
            return Place(self.file, sheet=SETTINGS, row=2 if column else None, column=column)
        prefix = next((loc[:size] for size in (4, 2) if loc[:size] in self.items), None)
        if prefix is None:
            return Place(self.file, sheet=SURVEY)
        return self._item_place(self.items[prefix], loc[len(prefix) :])

    def _item_place(self, item: _Item, rest: Loc) -> Place:
        if (
            len(rest) >= 2
            and rest[0] == "options"
            and isinstance(rest[1], int)
            and rest[1] in item.options
        ):
            row, columns = item.options[rest[1]]
            column = columns.get(str(rest[2])) if len(rest) > 2 else None
            return Place(self.file, sheet=CHOICES, row=row, column=column)
        column = item.columns.get(str(rest[0])) if rest else None
        return Place(self.file, sheet=SURVEY, row=item.row, column=column)

    # the whole workbook

    def form(self, needs: WorkflowNeeds) -> Form:
        try:
            sheets = read_sheets(self.path)
        except Exception:  # a damaged or password-protected file: openpyxl raises many kinds
            raise FormError(
                [Problem("form-error-xls-unreadable", place=Place(self.file))]
            ) from None
        data = self._data(sheets)
        if self.problems:
            raise FormError(self.problems)
        try:
            return Form.model_validate(data, context={NEEDS: needs})
        except ValidationError as error:
            found = translate_errors(error, data)
            raise FormError(
                [Problem(mid, plain_params(p), place=self.place(loc)) for loc, mid, p in found]
            ) from None

    def _data(self, sheets: dict[str, Sheet]) -> dict[str, Any]:
        for name, sheet in sheets.items():
            if name in (SURVEY, CHOICES, SETTINGS, HELP_SHEET.lower()):  # the template explains
                continue
            if sheet.rows or sheet.headers:
                self.refuse(
                    sheet.name, None, None, "form-error-xls-unknown-sheet", sheet=sheet.name
                )
        settings = self._settings(sheets.get(SETTINGS))
        survey = sheets.get(SURVEY)
        if survey is None:
            self.refuse(SURVEY, None, None, "form-error-xls-no-sheet", sheet=SURVEY)
            return settings
        choices = _Choices(self, sheets.get(CHOICES), self._filter_columns(survey))
        return {**settings, "questions": _Survey(self, survey, choices).items()}

    def _settings(self, sheet: Sheet | None) -> dict[str, Any]:
        if sheet is None:
            self.refuse(SETTINGS, None, None, "form-error-xls-no-sheet", sheet=SETTINGS)
            return {}
        self.check_columns(sheet, SETTINGS_COLUMNS)
        for row in sheet.rows[1:]:
            self.refuse(sheet.name, row.number, None, "form-error-xls-extra-settings-row")
        cells = sheet.rows[0].cells if sheet.rows else {}
        self.language = cells.get("default_language", "").lower()
        data: dict[str, Any] = {}
        for column, name in SETTINGS_FIELDS.items():
            if column in cells:
                data[name] = self._setting(sheet, column, cells[column])
        return data

    def _setting(self, sheet: Sheet, column: str, text: str) -> Any:
        if column == "roles":
            return [role for role in re.split(r"[\s,;]+", text) if role]
        if column in ("anonymous", "consent"):
            return self.flag(sheet.name, 2, column, text)
        if column in ("opens_at", "closes_at"):
            parsed = parse_date(text)
            return parsed.isoformat() if parsed else text
        return text

    def flag(self, sheet: str, row: int, column: str, text: str) -> bool:
        value = _flag(text)
        if value is None:
            self.refuse(sheet, row, column, "form-error-xls-flag", value=text)
        return bool(value)

    def check_columns(self, sheet: Sheet, known: frozenset[str] | set[str]) -> None:
        """A column we do not know is refused at the first row where it holds a value."""
        reported: set[str] = set()
        for row in sheet.rows:
            for key in row.cells:
                if key in reported or _known(key, known):
                    continue
                reported.add(key)
                header = sheet.headers.get(key, key)
                self.refuse(
                    sheet.name, row.number, header, "form-error-xls-unknown-column", column=header
                )

    def _filter_columns(self, survey: Sheet) -> set[str]:
        columns: set[str] = set()
        for row in survey.rows:
            text = row.cells.get("choice_filter")
            if text:
                try:
                    columns.add(parse_choice_filter(text)[0].lower())
                except ExpressionError:
                    continue  # reported with its row when the question is read
        return columns

    def localized(self, cells: dict[str, str], base: str) -> tuple[str | None, str]:
        """The text of a column in the best language: default_language, Russian, plain, any."""
        keys = [key for key in cells if key == base or key.startswith(base + "::")]
        if not keys:
            return None, base
        best = min(keys, key=lambda key: self._language_rank(key, base))
        return cells[best], best

    def _language_rank(self, key: str, base: str) -> int:
        language = key[len(base) + 2 :].strip()
        if language and language == self.language:
            return 0
        if RU_MARK.search(language):
            return 1
        return 2 if key == base else 3


def _known(key: str, known: frozenset[str] | set[str]) -> bool:
    return key in known or any(key.startswith(base + "::") for base in LOCALIZED if base in known)


class _Choices:
    """The choices sheet: options by list name, with the row each came from."""

    def __init__(self, reader: _Reader, sheet: Sheet | None, filters: set[str]) -> None:
        self.reader = reader
        self.sheet = sheet
        self.lists: dict[str, list[tuple[int, dict[str, Any], dict[str, str]]]] = {}
        if sheet is not None:
            reader.check_columns(sheet, CHOICE_COLUMNS | filters)
            for row in sheet.rows:
                self._add(row, filters)

    def _add(self, row: Row, filters: set[str]) -> None:
        list_name = row.cells.get("list_name")
        if not list_name:
            self.reader.refuse(CHOICES, row.number, "list_name", "form-error-xls-no-list-name")
            return
        label, label_column = self.reader.localized(row.cells, "label")
        option: dict[str, Any] = {"value": row.cells.get("name"), "label": label}
        attributes = {key: row.cells[key] for key in sorted(filters) if key in row.cells}
        if attributes:
            option["attributes"] = attributes
        columns = {"value": "name", "label": label_column, "attributes": ", ".join(sorted(filters))}
        self.lists.setdefault(list_name, []).append((row.number, _present(option), columns))


def _present(data: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if value is not None}


class _Survey:
    """The survey sheet, row by row: questions, and groups that become sections."""

    def __init__(self, reader: _Reader, sheet: Sheet, choices: _Choices) -> None:
        self.reader = reader
        self.sheet = sheet
        self.choices = choices
        self.top: list[dict[str, Any]] = []
        self.section: dict[str, Any] | None = None  # the open group or repeat
        self.section_row = 0

    def refuse(self, row: Row, column: str | None, message_id: str, /, **params: str | int) -> None:
        self.reader.refuse(SURVEY, row.number, column, message_id, **params)

    def items(self) -> list[dict[str, Any]]:
        self.reader.check_columns(self.sheet, SURVEY_COLUMNS)
        for row in self.sheet.rows:
            self._row(row)
        if self.section is not None:
            self.reader.refuse(SURVEY, self.section_row, "type", "form-error-xls-group-not-closed")
        return self.top

    def _row(self, row: Row) -> None:
        kind = " ".join(row.cells.get("type", "").split()).lower()
        if not kind:
            self.refuse(row, "type", "form-error-xls-no-type")
        elif kind in BEGIN_GROUP or kind in BEGIN_REPEAT:
            self._begin(row, repeat=kind in BEGIN_REPEAT)
        elif kind in END_GROUP or kind in END_REPEAT:
            self._end(row, repeat=kind in END_REPEAT)
        else:
            self._question(row, kind)

    def _begin(self, row: Row, *, repeat: bool) -> None:
        if self.section is not None:
            self.refuse(row, "type", _NESTED[(self.section["type"], repeat)])
            return
        self._unused(row, ("required", "constraint", "choice_filter", "appearance"))
        if not repeat:
            self._unused(row, ("repeat_count",))
        section, columns = self._section(row)
        if repeat:
            section = {**section, "type": "repeat", **self._repeat_count(row)}
            columns = {**columns, "count": "repeat_count"}
        self.reader.items[("questions", len(self.top))] = _Item(row.number, columns)
        self.top.append(section)
        self.section, self.section_row = section, row.number

    def _section(self, row: Row) -> tuple[dict[str, Any], dict[str, str]]:
        """A ``begin group`` row as a section, and the column of each of its fields."""
        title, title_column = self.reader.localized(row.cells, "label")
        hint, hint_column = self.reader.localized(row.cells, "hint")
        fields = {"id": row.cells.get("name"), "title": title, "description": hint}
        section = _present({"type": "section", **fields, "show_if": self._relevant(row)})
        columns = {"id": "name", "title": title_column, "description": hint_column}
        return {**section, "questions": []}, {**columns, "show_if": "relevant", "questions": "type"}

    def _repeat_count(self, row: Row) -> dict[str, Any]:
        """``repeat_count``: a number, or ``${field}`` (an earlier integer question)."""
        text = row.cells.get("repeat_count")
        if not text:
            return {}
        reference = FIELD_REFERENCE.match(text)
        if reference:
            return {"count": reference.group(1)}
        return {"count": int(text) if text.isdigit() else text}

    def _end(self, row: Row, *, repeat: bool) -> None:
        opened = None if self.section is None else self.section["type"] == "repeat"
        if opened is None:
            end = "form-error-xls-end-repeat-without-begin" if repeat else None
            self.refuse(row, "type", end or "form-error-xls-end-without-begin")
        elif opened != repeat:
            self.refuse(row, "type", "form-error-xls-end-mismatch")
        self._unused(row, tuple(key for key in row.cells if key not in ("type", "name")))
        self.section = None

    def _unused(self, row: Row, columns: tuple[str, ...]) -> None:
        for column in columns:
            if column in row.cells:
                self.refuse(
                    row, self.sheet.headers.get(column, column), "form-error-xls-column-not-here"
                )

    def _question(self, row: Row, kind: str) -> None:
        builder = _QuestionRow(self, row, kind)
        question = builder.build()
        if question is None:
            return
        siblings = self.section["questions"] if self.section is not None else self.top
        loc: Loc = ("questions", len(self.top))
        if self.section is not None:
            loc = ("questions", len(self.top) - 1, "questions", len(siblings))
        self.reader.items[loc] = _Item(row.number, builder.columns, builder.option_places)
        siblings.append(question)

    def _relevant(self, row: Row) -> dict[str, Any] | None:
        text = row.cells.get("relevant")
        if not text:
            return None
        try:
            return dict(parse_relevant(text).model_dump(by_alias=True))
        except ExpressionError:
            self.refuse(row, "relevant", "form-error-xls-relevant", expression=text)
            return None


_NESTED = {
    ("section", False): "form-error-xls-nested-group",
    ("section", True): "form-error-xls-repeat-in-group",
    ("repeat", False): "form-error-xls-group-in-repeat",
    ("repeat", True): "form-error-xls-nested-repeat",
}
"""What opening a group (False) or a repeat (True) inside an open one is refused with."""


class _QuestionRow:
    """One survey row that asks something."""

    def __init__(self, survey: _Survey, row: Row, kind: str) -> None:
        self.survey = survey
        self.reader = survey.reader
        self.row = row
        self.words = kind.split()
        self.columns: dict[str, str] = dict(QUESTION_COLUMNS)
        self.option_places: dict[int, tuple[int, dict[str, str]]] = {}

    def refuse(self, column: str | None, message_id: str, /, **params: str | int) -> None:
        self.survey.refuse(self.row, column, message_id, **params)

    def build(self) -> dict[str, Any] | None:
        data = self._typed()
        if data is None:
            return None
        cells = self.row.cells
        data["id"] = cells.get("name")
        data["label"] = self._text("label")
        data["hint"] = self._text("hint")
        data["show_if"] = self.survey._relevant(self.row)
        data["error_message"] = self._message()
        self._required(data)
        self._not_filtered(data)
        self._not_repeat(data)
        self._constraint(data)
        self._appearance(data)
        return _present(data)

    def _text(self, base: str) -> str | None:
        text, column = self.reader.localized(self.row.cells, base)
        self.columns[base] = column
        return text

    def _typed(self) -> dict[str, Any] | None:
        base, rest = self.words[0], self.words[1:]
        if base in SELECT_TYPES:
            return self._select(base, rest)
        if rest or (base not in PLAIN_TYPES and base not in FILE_TYPES):
            self.refuse("type", "form-error-xls-type", value=" ".join(self.words))
            return None
        if base in FILE_TYPES:
            return {"type": "file", "kinds": FILE_TYPES[base]}
        return {"type": PLAIN_TYPES[base]}

    def _select(self, base: str, rest: list[str]) -> dict[str, Any] | None:
        other = rest[1:] == ["or_other"]
        if not rest or (len(rest) > 1 and not other):
            self.refuse("type", "form-error-xls-type", value=" ".join(self.words))
            return None
        options = self._options(rest[0])
        if options is None:
            return None
        data: dict[str, Any] = {"type": SELECT_TYPES[base], "options": options, "other": other}
        data["choice_filter"] = self._choice_filter()
        return data

    def _options(self, list_name: str) -> list[dict[str, Any]] | None:
        entries = self.survey.choices.lists.get(list_name)
        if not entries:
            self.refuse("type", "form-error-xls-no-list", list=list_name)
            return None
        for index, (row, _option, columns) in enumerate(entries):
            self.option_places[index] = (row, columns)
        return [dict(option) for _row, option, _columns in entries]

    def _choice_filter(self) -> dict[str, str] | None:
        text = self.row.cells.get("choice_filter")
        if not text:
            return None
        try:
            column, question = parse_choice_filter(text)
        except ExpressionError:
            self.refuse("choice_filter", "form-error-xls-choice-filter", expression=text)
            return None
        return {"column": column.lower(), "question": question}

    def _message(self) -> str | None:
        required, required_column = self.reader.localized(self.row.cells, "required_message")
        constraint, constraint_column = self.reader.localized(self.row.cells, "constraint_message")
        self.columns["error_message"] = constraint_column if constraint else required_column
        if required and constraint and required != constraint:
            self.refuse(required_column, "form-error-xls-two-messages")
        return constraint or required

    def _required(self, data: dict[str, Any]) -> None:
        text = self.row.cells.get("required", "")
        value = self.reader.flag(SURVEY, self.row.number, "required", text)
        if data["type"] == "note":
            if value:
                self.refuse("required", "form-error-xls-column-not-here")
            return
        data["required"] = value

    def _not_filtered(self, data: dict[str, Any]) -> None:
        if "choice_filter" in self.row.cells and "options" not in data:
            self.refuse("choice_filter", "form-error-xls-column-not-here")

    def _not_repeat(self, _data: dict[str, Any]) -> None:
        if "repeat_count" in self.row.cells:
            self.refuse("repeat_count", "form-error-xls-column-not-here")

    def _constraint(self, data: dict[str, Any]) -> None:
        text = self.row.cells.get("constraint")
        if not text:
            return
        try:
            data.update(constraint_fields(data["type"], parse_constraint(text)))
        except ExpressionError:
            self.refuse("constraint", "form-error-xls-constraint", expression=text)

    def _appearance(self, data: dict[str, Any]) -> None:
        text = self.row.cells.get("appearance", "").strip().lower()
        if not text:
            return
        if text == "multiline" and data["type"] == "text":
            data["multiline"] = True
        else:
            self.refuse("appearance", "form-error-xls-appearance", value=text)


def constraint_fields(question_type: str, bounds: list[Bound]) -> dict[str, Any]:
    """Constraint bounds as question fields (min, max, max_length...)."""
    fields: dict[str, Any] = {}
    for subject, operator, value in bounds:
        name, limit = _constraint_field(question_type, subject, operator, value)
        if name in fields:
            raise ExpressionError(name)
        fields[name] = limit
    return fields


def _constraint_field(
    question_type: str, subject: str, operator: str, value: Any
) -> tuple[str, Any]:
    lower = operator in (">=", ">")
    whole = isinstance(value, int)
    number = isinstance(value, int | float)
    if subject == "." and question_type in ("integer", "rating") and whole:
        return ("min" if lower else "max"), _strict(value, operator)
    if subject == "." and question_type == "decimal" and operator in (">=", "<=") and number:
        return ("min" if lower else "max"), value
    if subject == "." and question_type == "date" and (value == "today" or isinstance(value, date)):
        return ("min" if lower else "max"), date_bound(value, operator)
    if subject == "length" and question_type == "text" and whole:
        return ("min_length" if lower else "max_length"), _strict(value, operator)
    if subject == "count" and question_type == "multiple_choice" and whole:
        return ("min_selected" if lower else "max_selected"), _strict(value, operator)
    raise ExpressionError(subject)


def _strict(value: int, operator: str) -> int:
    return value + 1 if operator == ">" else value - 1 if operator == "<" else value
