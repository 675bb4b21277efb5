"""The expression language of ``relevant``, ``constraint``, ``calculation`` and
``choice_filter``: an XLSForm (XPath 1.0) subset, parsed once to a tree and evaluated by the
engine over the saved answers.

Supported: numbers, 'strings', ``${field}``, ``.`` (the answer being checked, in a
constraint), choices columns by bare name (in a choice_filter), ``+ - * div mod``,
``= != < <= > >=``, ``and``, ``or``, unary ``-``, parentheses, and the functions in
``FUNCTIONS``. Anything else raises ``ExpressionError`` naming what is not supported; the
loaders refuse it with its cell, never ignore it.

Types follow XPath 1.0 as ODK (JavaRosa) applies them: an unanswered field is ``''``;
``number('')`` is NaN and every comparison with NaN is false (``!=`` true); ``=`` compares
as booleans if either side is one, else as numbers if either is a number, else as strings;
``<``/``>`` compare numbers (dates as days since 1970-01-01).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Annotated, Any

from pydantic import PlainSerializer, PlainValidator
from pydantic_core import PydanticCustomError

Value = str | float | bool | date

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<ref>\$\{[^}]*\})
      | (?P<text>'[^']*'|"[^"]*")
      | (?P<number>\d+(?:\.\d*)?|\.\d+)
      | (?P<op>!=|>=|<=|=|>|<|\(|\)|,|\.|\+|-|\*)
      | (?P<word>[A-Za-z_][A-Za-z0-9_.:-]*)
      | (?P<other>\S)
    )""",
    re.VERBOSE,
)
NAME = r"[A-Za-z][A-Za-z0-9_-]{0,31}"
"""A question's name (``Q1``, ``first-name``, ``school``): the questions' ids, the names in
``${…}`` of expressions and texts, and entry ids (``name[2]``) are all built on it."""
REFERENCE = re.compile(rf"^\$\{{({NAME})\}}$")
TEXT_REFERENCE = re.compile(rf"\$\{{({NAME})\}}")
"""A ``${name}`` inside a label or a hint."""
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
EPOCH = date(1970, 1, 1)
OTHER_VALUE = "other"
"""What an «Другое» answer is in expressions, as pyxform names the choice of ``or_other``."""
OTHER_SUFFIX = "_other"
"""``${q_other}``: the text written for «Другое» of ``q`` (pyxform's ``or_other``)."""


class ExpressionError(ValueError):
    """An expression we do not understand: a forms.ftl message id and its parameters."""

    def __init__(self, message_id: str, **params: str) -> None:
        self.message_id = message_id
        self.params = params
        super().__init__(f"{message_id} {params}")


# --- the tree -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Literal:
    value: str | float


@dataclass(frozen=True, slots=True)
class Ref:
    """``${name}``: an answer (this entry's, inside a repeat) or a calculated value."""

    name: str


@dataclass(frozen=True, slots=True)
class Here:
    """``.``: the answer a constraint checks."""


@dataclass(frozen=True, slots=True)
class Column:
    """A bare name in a choice_filter: that column of the option being filtered."""

    name: str


@dataclass(frozen=True, slots=True)
class Unary:
    operand: Node


@dataclass(frozen=True, slots=True)
class Binary:
    operator: str
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Call:
    function: str
    args: tuple[Node, ...]
    pattern: re.Pattern[str] | None = field(default=None, compare=False)


Node = Literal | Ref | Here | Column | Unary | Binary | Call


# --- parsing ------------------------------------------------------------------------------

HERE, COLUMNS = "here", "columns"
"""What a place allows besides references: ``.`` (constraints) or bare names (filters)."""

_LEVELS: tuple[tuple[str, ...], ...] = (
    ("or",),
    ("and",),
    ("=", "!="),
    ("<", "<=", ">", ">="),
    ("+", "-"),
    ("*", "div", "mod"),
)
_WORD_OPERATORS = frozenset({"or", "and", "div", "mod"})
FUNCTIONS: dict[str, tuple[int, int | None]] = {
    "if": (3, 3),
    "not": (1, 1),
    "selected": (2, 2),
    "count-selected": (1, 1),
    "string-length": (0, 1),
    "regex": (2, 2),
    "today": (0, 0),
    "date": (1, 1),
    "coalesce": (2, 2),
    "sum": (1, 1),
    "count": (1, 1),
    "int": (1, 1),
    "number": (1, 1),
    "string": (1, 1),
    "concat": (1, None),
    "round": (1, 2),
    "starts-with": (2, 2),
    "ends-with": (2, 2),
    "contains": (2, 2),
    "true": (0, 0),
    "false": (0, 0),
    "boolean": (1, 1),
}
"""Function name → (fewest, most) arguments."""
AGGREGATES = frozenset({"sum", "count"})
"""Functions whose argument is every entry of a repeat's question."""


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str
    text: str


def _tokens(expression: str) -> list[_Token]:
    tokens: list[_Token] = []
    position, rest = 0, expression.rstrip()
    while position < len(rest):
        match = _TOKEN.match(rest, position)
        assert match is not None  # ``other`` takes any character
        assert match.lastgroup is not None
        kind, text = match.lastgroup, match.group(match.lastgroup)
        if kind == "other":
            raise ExpressionError("form-error-expr-operator", operator=text)
        if kind == "ref" and not REFERENCE.match(text):
            raise ExpressionError("form-error-expr-reference", reference=text)
        tokens.append(_Token(kind, text))
        position = match.end()
    return tokens


def parse(expression: str, allow: frozenset[str] = frozenset()) -> Node:
    """The tree of an expression; ``allow`` may hold ``HERE`` and ``COLUMNS``."""
    if not expression.strip():
        raise ExpressionError("form-error-expr-empty")
    return _Parser(expression, allow).whole()


class _Parser:
    def __init__(self, expression: str, allow: frozenset[str]) -> None:
        self.expression = expression
        self.allow = allow
        self.tokens = _tokens(expression)
        self.position = 0

    def whole(self) -> Node:
        node = self.level(0)
        if self.peek() is not None:
            raise self.syntax()
        return node

    def syntax(self) -> ExpressionError:
        return ExpressionError("form-error-expr-syntax", expression=self.expression)

    def peek(self) -> _Token | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self, text: str | None = None) -> _Token:
        token = self.peek()
        if token is None or (text is not None and token.text != text):
            raise self.syntax()
        self.position += 1
        return token

    def _operator(self, level: int) -> str | None:
        token = self.peek()
        if token is None or token.text not in _LEVELS[level]:
            return None
        if token.kind == "word" and token.text not in _WORD_OPERATORS:
            return None
        return token.text

    def level(self, level: int) -> Node:
        if level == len(_LEVELS):
            return self.unary()
        node = self.level(level + 1)
        while (operator := self._operator(level)) is not None:
            self.take()
            node = Binary(operator, node, self.level(level + 1))
        return node

    def unary(self) -> Node:
        token = self.peek()
        if token is not None and token.text == "-" and token.kind == "op":
            self.take()
            return Unary(self.unary())
        return self.primary()

    def primary(self) -> Node:
        token = self.take()
        if token.kind == "number":
            return Literal(float(token.text))
        if token.kind == "text":
            return Literal(token.text[1:-1])
        if token.kind == "ref":
            return Ref(token.text[2:-1])
        if token.text == "(":
            node = self.level(0)
            self.take(")")
            return node
        if token.text == ".":
            if HERE not in self.allow:
                raise ExpressionError("form-error-expr-here")
            return Here()
        if token.kind == "word":
            return self.word(token.text)
        raise self.syntax()

    def word(self, name: str) -> Node:
        following = self.peek()
        if following is not None and following.text == "(":
            return self.call(name)
        if name in _WORD_OPERATORS or ":" in name or "." in name:
            raise self.syntax()
        if COLUMNS not in self.allow:
            raise ExpressionError("form-error-expr-name", name=name)
        return Column(name)

    def call(self, name: str) -> Node:
        if name not in FUNCTIONS:
            raise ExpressionError("form-error-expr-function", function=name)
        self.take("(")
        args: list[Node] = []
        if self.peek() is not None and self.peek() != _Token("op", ")"):
            args.append(self.level(0))
            while self.peek() == _Token("op", ","):
                self.take()
                args.append(self.level(0))
        self.take(")")
        fewest, most = FUNCTIONS[name]
        if len(args) < fewest or (most is not None and len(args) > most):
            raise ExpressionError("form-error-expr-arguments", function=name)
        return self._checked(Call(name, tuple(args)))

    def _checked(self, call: Call) -> Call:
        if call.function in AGGREGATES and not isinstance(call.args[0], Ref):
            raise ExpressionError("form-error-expr-aggregate", function=call.function)
        if call.function == "string-length" and not call.args and HERE not in self.allow:
            raise ExpressionError("form-error-expr-here")
        if call.function == "regex":
            pattern = call.args[1]
            if not isinstance(pattern, Literal) or not isinstance(pattern.value, str):
                raise ExpressionError("form-error-expr-regex", pattern=self.expression)
            try:
                compiled = re.compile(pattern.value)
            except re.error:
                raise ExpressionError("form-error-expr-regex", pattern=pattern.value) from None
            return Call(call.function, call.args, compiled)
        given = call.args[0] if call.function == "date" else None
        text = given.value if isinstance(given, Literal) else None
        if isinstance(text, str) and _as_date(text) is None:
            raise ExpressionError("form-error-expr-date", value=text)
        return call


# --- what a tree names --------------------------------------------------------------------


def references(node: Node) -> Iterator[str]:
    """The fields named outside ``sum()``/``count()``, in order."""
    if isinstance(node, Ref):
        yield node.name
    elif isinstance(node, Unary):
        yield from references(node.operand)
    elif isinstance(node, Binary):
        yield from references(node.left)
        yield from references(node.right)
    elif isinstance(node, Call) and node.function not in AGGREGATES:
        for arg in node.args:
            yield from references(arg)


def aggregated(node: Node) -> Iterator[str]:
    """The fields named by ``sum()``/``count()`` (questions of a repeat, or a repeat)."""
    if isinstance(node, Call) and node.function in AGGREGATES:
        assert isinstance(node.args[0], Ref)
        yield node.args[0].name
    for child in _children(node):
        yield from aggregated(child)


def selections(node: Node) -> Iterator[tuple[str, str]]:
    """``selected(${q}, 'v')`` pairs, to check the values against the options."""
    if isinstance(node, Call) and node.function == "selected":
        field_, value = node.args
        if isinstance(field_, Ref) and isinstance(value, Literal):
            yield field_.name, _string(value.value)
    for child in _children(node):
        yield from selections(child)


def columns(node: Node) -> Iterator[str]:
    """The choices columns a choice_filter names."""
    if isinstance(node, Column):
        yield node.name
    for child in _children(node):
        yield from columns(child)


def _children(node: Node) -> tuple[Node, ...]:
    if isinstance(node, Unary):
        return (node.operand,)
    if isinstance(node, Binary):
        return (node.left, node.right)
    if isinstance(node, Call):
        return node.args
    return ()


# --- evaluation ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Scope:
    """What an expression sees: the answers (stored values by id; inside a repeat, this
    entry's under the plain ids, every entry's under ``name[N]``), ``.``, an option's
    columns, and today."""

    answers: Mapping[str, Any]
    today: date
    here: Any = None
    columns: Mapping[str, str] = field(default_factory=dict)


def evaluate(node: Node, scope: Scope) -> Value:
    return _EVAL[type(node)](node, scope)


def holds(node: Node, scope: Scope) -> bool:
    return boolean(evaluate(node, scope))


def _literal(node: Literal, _scope: Scope) -> Value:
    return node.value


def _ref(node: Ref, scope: Scope) -> Value:
    if node.name in scope.answers:
        return stored_value(scope.answers[node.name])
    if node.name.endswith(OTHER_SUFFIX):
        base = scope.answers.get(node.name[: -len(OTHER_SUFFIX)])
        if isinstance(base, dict) and base.get("other"):
            return str(base["other"])
    return ""


def _here(_node: Here, scope: Scope) -> Value:
    return stored_value(scope.here)


def _column(node: Column, scope: Scope) -> Value:
    return scope.columns.get(node.name, "")


def _unary(node: Unary, scope: Scope) -> Value:
    return -number(evaluate(node.operand, scope))


def _binary(node: Binary, scope: Scope) -> Value:
    if node.operator == "or":
        return holds(node.left, scope) or holds(node.right, scope)
    if node.operator == "and":
        return holds(node.left, scope) and holds(node.right, scope)
    left, right = evaluate(node.left, scope), evaluate(node.right, scope)
    if node.operator in ("=", "!="):
        return equal(left, right) == (node.operator == "=")
    if node.operator in ("<", "<=", ">", ">="):
        return _COMPARE[node.operator](number(left), number(right))
    return _arithmetic(node.operator, number(left), number(right))


_COMPARE: dict[str, Callable[[float, float], bool]] = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def _arithmetic(operator: str, a: float, b: float) -> float:
    return _ARITHMETIC[operator](a, b)


def _div(a: float, b: float) -> float:
    if b == 0:
        return math.nan if a == 0 or math.isnan(a) else math.copysign(math.inf, a)
    return a / b


def _mod(a: float, b: float) -> float:
    if b == 0 or math.isinf(a) or math.isnan(a) or math.isnan(b):
        return math.nan
    return math.fmod(a, b)  # XPath's mod keeps the sign of the dividend


_ARITHMETIC: dict[str, Callable[[float, float], float]] = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "div": _div,
    "mod": _mod,
}


def equal(a: Value, b: Value) -> bool:
    """XPath 1.0 ``=``: as booleans, else as numbers, else as strings."""
    if isinstance(a, bool) or isinstance(b, bool):
        return boolean(a) == boolean(b)
    if isinstance(a, float) or isinstance(b, float):
        return number(a) == number(b)
    return string(a) == string(b)


def _call(node: Call, scope: Scope) -> Value:
    return _FUNCTIONS[node.function](node, scope)


def _args(node: Call, scope: Scope) -> list[Value]:
    return [evaluate(arg, scope) for arg in node.args]


def _if(node: Call, scope: Scope) -> Value:
    condition, yes, no = node.args
    return evaluate(yes if holds(condition, scope) else no, scope)


def _selected(node: Call, scope: Scope) -> Value:
    answer, value = _args(node, scope)
    return string(value).strip() in string(answer).split()


def _count_selected(node: Call, scope: Scope) -> Value:
    return float(len(string(evaluate(node.args[0], scope)).split()))


def _string_length(node: Call, scope: Scope) -> Value:
    text = evaluate(node.args[0], scope) if node.args else stored_value(scope.here)
    return float(len(string(text)))


def _regex(node: Call, scope: Scope) -> Value:
    assert node.pattern is not None
    return node.pattern.search(string(evaluate(node.args[0], scope))) is not None


def _today(_node: Call, scope: Scope) -> Value:
    return scope.today


def _date(node: Call, scope: Scope) -> Value:
    value = evaluate(node.args[0], scope)
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        parsed = _as_date(value.strip())
        return parsed if parsed is not None else ""
    days = number(value)
    return EPOCH + timedelta(days=int(days)) if math.isfinite(days) else ""


def _coalesce(node: Call, scope: Scope) -> Value:
    first = evaluate(node.args[0], scope)
    return first if string(first) != "" else evaluate(node.args[1], scope)


def _entries(name: str, scope: Scope) -> list[Any]:
    """Every entry's answer to a repeat's question ``name`` (``name[1]``, ``name[2]``…);
    for a repeat's own id, one item per entry that holds any answer."""
    prefix = name + "["
    return [value for key, value in scope.answers.items() if key.startswith(prefix)]


def _sum(node: Call, scope: Scope) -> Value:
    assert isinstance(node.args[0], Ref)
    return math.fsum(number(stored_value(value)) for value in _entries(node.args[0].name, scope))


def _count(node: Call, scope: Scope) -> Value:
    assert isinstance(node.args[0], Ref)
    name = node.args[0].name
    entries = scope.answers.get(ENTRY_COUNT.format(name))
    if isinstance(entries, int):
        return float(entries)
    return float(len(_entries(name, scope)))


TODAY = "#today"
"""Where the engine may put today's date among the answers a condition sees."""
ENTRY_COUNT = "#{}"
"""The key under which the engine puts a repeat's number of entries (``#members``)."""


def _int(node: Call, scope: Scope) -> Value:
    value = number(evaluate(node.args[0], scope))
    return float(math.trunc(value)) if math.isfinite(value) else value


def _number(node: Call, scope: Scope) -> Value:
    return number(evaluate(node.args[0], scope))


def _string_of(node: Call, scope: Scope) -> Value:
    return string(evaluate(node.args[0], scope))


def _concat(node: Call, scope: Scope) -> Value:
    return "".join(string(value) for value in _args(node, scope))


def _round(node: Call, scope: Scope) -> Value:
    values = _args(node, scope)
    value = number(values[0])
    digits = int(number(values[1])) if len(values) > 1 else 0
    if not math.isfinite(value):
        return value
    factor = 10.0**digits
    return math.floor(value * factor + 0.5) / factor  # XPath rounds halves up


def _starts_with(node: Call, scope: Scope) -> Value:
    text, start = (string(value) for value in _args(node, scope))
    return text.startswith(start)


def _ends_with(node: Call, scope: Scope) -> Value:
    text, end = (string(value) for value in _args(node, scope))
    return text.endswith(end)


def _contains(node: Call, scope: Scope) -> Value:
    text, part = (string(value) for value in _args(node, scope))
    return part in text


def _not(node: Call, scope: Scope) -> Value:
    return not holds(node.args[0], scope)


def _boolean(node: Call, scope: Scope) -> Value:
    return holds(node.args[0], scope)


_FUNCTIONS: dict[str, Callable[[Call, Scope], Value]] = {
    "if": _if,
    "not": _not,
    "selected": _selected,
    "count-selected": _count_selected,
    "string-length": _string_length,
    "regex": _regex,
    "today": _today,
    "date": _date,
    "coalesce": _coalesce,
    "sum": _sum,
    "count": _count,
    "int": _int,
    "number": _number,
    "string": _string_of,
    "concat": _concat,
    "round": _round,
    "starts-with": _starts_with,
    "ends-with": _ends_with,
    "contains": _contains,
    "true": lambda _node, _scope: True,
    "false": lambda _node, _scope: False,
    "boolean": _boolean,
}
assert set(_FUNCTIONS) == set(FUNCTIONS)

_EVAL: dict[type[Any], Callable[[Any, Scope], Value]] = {
    Literal: _literal,
    Ref: _ref,
    Here: _here,
    Column: _column,
    Unary: _unary,
    Binary: _binary,
    Call: _call,
}


# --- conversions --------------------------------------------------------------------------


def stored_value(value: Any) -> Value:
    """A stored answer as an expression sees it: unanswered ``''``, yes/no ``'yes'``/``'no'``,
    numbers as numbers, ISO dates as dates, ticked options space-separated (``other`` for
    «Другое»), a school by its code, files by their names."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        parsed = _as_date(value) if ISO_DATE.match(value) else None
        return parsed if parsed is not None else value
    return _composite(value)


def _composite(value: Any) -> Value:
    if isinstance(value, date):
        return value
    if isinstance(value, list):
        return " ".join(_item_name(item) for item in value)
    if isinstance(value, dict):
        return _dict_value(value)
    return str(value)


def _item_name(item: Any) -> str:
    return str(item.get("name", "")) if isinstance(item, dict) else str(item)


def _dict_value(value: Mapping[str, Any]) -> str:
    if "code" in value:
        return str(value["code"])
    chosen = [str(item) for item in value.get("selected", [])]
    if value.get("other"):
        chosen.append(OTHER_VALUE)
    return " ".join(chosen)


def _as_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def number(value: Value) -> float:
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, float):
        return value
    if isinstance(value, date):
        return float((value - EPOCH).days)
    text = value.strip()
    if not re.fullmatch(r"-?(\d+(\.\d*)?|\.\d+)", text):
        return math.nan
    return float(text)


def string(value: Value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return _number_text(value)
    return value


def _string(value: str | float) -> str:
    return value if isinstance(value, str) else _number_text(value)


def _number_text(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return str(int(value)) if value.is_integer() else repr(value)


def boolean(value: Value) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        return value != 0 and not math.isnan(value)
    if isinstance(value, date):
        return True
    return value != ""


# --- in a form ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Expression:
    """An expression of a form file: its text (what is stored and shown) and its tree,
    parsed once when the form is read."""

    text: str
    node: Node = field(compare=False, repr=False)

    def holds(self, scope: Scope) -> bool:
        return holds(self.node, scope)

    def value(self, scope: Scope) -> Value:
        return evaluate(self.node, scope)


def _validator(allow: frozenset[str]) -> Callable[[Any], Expression]:
    def read(value: Any) -> Expression:
        if isinstance(value, Expression):
            return value
        if not isinstance(value, str):
            raise PydanticCustomError("form-error-expected-text", "an expression is text")
        text = " ".join(value.split())
        try:
            return Expression(text, parse(text, allow))
        except ExpressionError as error:
            raise PydanticCustomError(error.message_id, str(error), error.params) from None

    return read


def _text_of(expression: Expression) -> str:
    return expression.text


def _typed(allow: frozenset[str]) -> tuple[PlainValidator, PlainSerializer]:
    return (
        PlainValidator(_validator(allow), json_schema_input_type=str),
        PlainSerializer(_text_of, return_type=str),
    )


_FORMULA, _CHECK, _FILTER = (_typed(frozenset(a)) for a in ((), (HERE,), (COLUMNS,)))
Formula = Annotated[Expression, _FORMULA[0], _FORMULA[1]]
"""A ``relevant`` or ``calculation``: references and functions, no ``.``."""
Check = Annotated[Expression, _CHECK[0], _CHECK[1]]
"""A ``constraint``: ``.`` is the answer being checked."""
Filter = Annotated[Expression, _FILTER[0], _FILTER[1]]
"""A ``choice_filter``: bare names are the option's choices columns (``name`` its value)."""
