"""The simple XLSForm expressions that become plain fields: ``relevant`` as a ``show_if``
condition, ``constraint`` as ``min``/``max``…, ``choice_filter`` as ``{column, question}``.

relevant:      ${q} = 'v', ${q} != 'v', ${q} = '' (not answered), selected(${q}, 'v'),
               not(...), and, or, parentheses
constraint:    . >= 1 and . <= 10, . > 0, string-length(.) <= 500,
               count-selected(.) <= 3, . >= today(), . <= date('2025-06-30')
choice_filter: column = ${q}

Anything else raises ``ExpressionError``; the loader then reads it with the full expression
language (``forms/expr.py``), which refuses what it does not support.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from forms.conditions import Answered, Condition, Equals, Selected, all_of, any_of, negate

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<ref>\$\{[A-Za-z_][A-Za-z0-9_.-]*\})
      | (?P<text>'[^']*'|"[^"]*")
      | (?P<number>-?\d+(?:\.\d+)?)
      | (?P<op>!=|>=|<=|=|>|<|\(|\)|,|\.)
      | (?P<word>[A-Za-z_][A-Za-z0-9_-]*)
    )""",
    re.VERBOSE,
)


class ExpressionError(ValueError):
    """An expression we do not understand."""


@dataclass(frozen=True, slots=True)
class Token:
    kind: str
    text: str


def tokenize(expression: str) -> list[Token]:
    tokens: list[Token] = []
    position = 0
    rest = expression.rstrip()
    while position < len(rest):
        match = _TOKEN.match(rest, position)
        if match is None or match.lastgroup is None:
            raise ExpressionError(expression)
        tokens.append(Token(match.lastgroup, match.group(match.lastgroup)))
        position = match.end()
    return tokens


class _Reader:
    def __init__(self, expression: str) -> None:
        self.expression = expression
        self.tokens = tokenize(expression)
        self.position = 0

    def peek(self, offset: int = 0) -> Token | None:
        index = self.position + offset
        return self.tokens[index] if index < len(self.tokens) else None

    def is_next(self, text: str, offset: int = 0) -> bool:
        token = self.peek(offset)
        return token is not None and token.text == text

    def take(self, kind: str | None = None, text: str | None = None) -> Token:
        token = self.peek()
        if token is None or (kind and token.kind != kind) or (text and token.text != text):
            raise ExpressionError(self.expression)
        self.position += 1
        return token

    def done(self) -> None:
        if self.peek() is not None:
            raise ExpressionError(self.expression)


# --- relevant -----------------------------------------------------------------------------


def parse_relevant(expression: str) -> Condition:
    """An XLSForm ``relevant`` expression as a ``show_if`` condition."""
    reader = _Reader(expression)
    condition = _or(reader)
    reader.done()
    return condition


def _or(reader: _Reader) -> Condition:
    parts = [_and(reader)]
    while reader.is_next("or"):
        reader.take()
        parts.append(_and(reader))
    return any_of(*parts)


def _and(reader: _Reader) -> Condition:
    parts = [_unary(reader)]
    while reader.is_next("and"):
        reader.take()
        parts.append(_unary(reader))
    return all_of(*parts)


def _unary(reader: _Reader) -> Condition:
    if reader.is_next("not") and reader.is_next("(", 1):
        reader.take()
        return negate(_group(reader))
    if reader.is_next("("):
        return _group(reader)
    if reader.is_next("selected"):
        return _selected(reader)
    return _comparison(reader)


def _group(reader: _Reader) -> Condition:
    reader.take(text="(")
    condition = _or(reader)
    reader.take(text=")")
    return condition


def _selected(reader: _Reader) -> Condition:
    reader.take(text="selected")
    reader.take(text="(")
    question = _reference(reader)
    reader.take(text=",")
    value = _literal(reader)
    reader.take(text=")")
    return Selected(question=question, selected=str(value))


def _comparison(reader: _Reader) -> Condition:
    question = _reference(reader)
    operator = reader.take(kind="op").text
    if operator not in ("=", "!="):
        raise ExpressionError(reader.expression)
    value = _literal(reader)
    if value == "":
        return Answered(question=question, answered=operator == "!=")
    condition = Equals(question=question, equals=value)
    return condition if operator == "=" else negate(condition)


def _reference(reader: _Reader) -> str:
    return reader.take(kind="ref").text[2:-1]


def _literal(reader: _Reader) -> str | int | float:
    token = reader.take()
    if token.kind == "text":
        return token.text[1:-1]
    if token.kind == "number":
        return float(token.text) if "." in token.text else int(token.text)
    raise ExpressionError(reader.expression)


# --- constraint ---------------------------------------------------------------------------

Bound = tuple[str, str, Any]  # (subject, operator, value): subject ".", "length" or "count"


def parse_constraint(expression: str) -> list[Bound]:
    """``. >= 1 and . <= 10`` → ``[(".", ">=", 1), (".", "<=", 10)]``."""
    reader = _Reader(expression)
    bounds = [_bound(reader)]
    while reader.is_next("and"):
        reader.take()
        bounds.append(_bound(reader))
    reader.done()
    return bounds


def _bound(reader: _Reader) -> Bound:
    subject = _subject(reader)
    operator = reader.take(kind="op").text
    if operator not in (">=", "<=", ">", "<"):
        raise ExpressionError(reader.expression)
    return subject, operator, _limit(reader)


def _subject(reader: _Reader) -> str:
    if reader.is_next("."):
        reader.take()
        return "."
    word = reader.take(kind="word").text
    subjects = {"string-length": "length", "count-selected": "count"}
    if word not in subjects:
        raise ExpressionError(reader.expression)
    for part in ("(", ".", ")"):
        reader.take(text=part)
    return subjects[word]


def _limit(reader: _Reader) -> Any:
    token = reader.take()
    if token.kind == "number":
        return float(token.text) if "." in token.text else int(token.text)
    if token.text == "today":
        reader.take(text="(")
        reader.take(text=")")
        return "today"
    if token.text == "date":
        return _date_call(reader)
    raise ExpressionError(reader.expression)


def _date_call(reader: _Reader) -> date:
    reader.take(text="(")
    text = reader.take(kind="text").text[1:-1]
    reader.take(text=")")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ExpressionError(reader.expression) from None


def date_bound(value: Any, operator: str) -> str:
    """A date limit as a form bound; strict ``>``/``<`` move it by a day."""
    shift = {">": 1, "<": -1}.get(operator, 0)
    if value == "today":
        return "today" if shift == 0 else f"today{shift:+d}"
    if isinstance(value, date):
        return (value + timedelta(days=shift)).isoformat()
    raise ExpressionError(str(value))


# --- choice_filter ------------------------------------------------------------------------


def parse_choice_filter(expression: str) -> tuple[str, str]:
    """``municipality = ${municipality}`` → ``("municipality", "municipality")``."""
    reader = _Reader(expression)
    column = reader.take(kind="word").text
    reader.take(text="=")
    question = _reference(reader)
    reader.done()
    return column, question
