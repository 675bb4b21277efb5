"""The condition language of ``show_if`` (skip logic).

A condition is a small tree written in YAML::

    {question: position, equals: teacher}
    {question: topic, one_of: [exams, behaviour]}
    {question: subjects, selected: math}
    {question: phone, answered: true}
    {not: <condition>}
    {all: [<condition>, ...]}
    {any: [<condition>, ...]}
    {expr: "${age} > 3 and selected(${subjects}, 'math')"}   (forms/expr.py)

A plain string is read as ``expr``: ``show_if: "${age} > 3"``.

Conditions are evaluated against the answers given so far (question id → stored value).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, model_validator

from forms.expr import TODAY, Formula, Scope, references, selections

Scalar = bool | int | float | str
OTHER_CHOICE = "other"
"""«Другое» in conditions: the name pyxform gives the choice that ``or_other`` adds."""
OPERATORS = ("equals", "one_of", "selected", "answered", "not", "all", "any", "expr")


class _Condition(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", validate_by_name=True)

    def evaluate(self, answers: Mapping[str, Any]) -> bool:
        raise NotImplementedError

    def leaves(self) -> Iterator[Leaf]:
        """Every condition that names a question, in order."""
        raise NotImplementedError


class Equals(_Condition):
    """The answer equals a value (an option value, a number, true/false for yes/no)."""

    question: str
    equals: Scalar

    def evaluate(self, answers: Mapping[str, Any]) -> bool:
        return comparable(answers.get(self.question)) == comparable(self.equals)

    def leaves(self) -> Iterator[Leaf]:
        yield self

    def values(self) -> tuple[Scalar, ...]:
        return (self.equals,)


class OneOf(_Condition):
    """The answer is one of several values."""

    question: str
    one_of: tuple[Scalar, ...] = Field(min_length=1)

    def evaluate(self, answers: Mapping[str, Any]) -> bool:
        wanted = {comparable(value) for value in self.one_of}
        return comparable(answers.get(self.question)) in wanted

    def leaves(self) -> Iterator[Leaf]:
        yield self

    def values(self) -> tuple[Scalar, ...]:
        return self.one_of


class Selected(_Condition):
    """A choice question's answer includes an option (for multiple choice: among others)."""

    question: str
    selected: str

    def evaluate(self, answers: Mapping[str, Any]) -> bool:
        value = answers.get(self.question)
        if self.selected == OTHER_CHOICE and isinstance(value, dict) and value.get("other"):
            return True
        return self.selected in selected_values(value)

    def leaves(self) -> Iterator[Leaf]:
        yield self

    def values(self) -> tuple[Scalar, ...]:
        return (self.selected,)


class Answered(_Condition):
    """The question got an answer (``true``) or was skipped or not reached (``false``)."""

    question: str
    answered: bool

    def evaluate(self, answers: Mapping[str, Any]) -> bool:
        return (answers.get(self.question) is not None) == self.answered

    def leaves(self) -> Iterator[Leaf]:
        yield self

    def values(self) -> tuple[Scalar, ...]:
        return ()


class Not(_Condition):
    """The inner condition is false."""

    not_: Condition = Field(alias="not")

    def evaluate(self, answers: Mapping[str, Any]) -> bool:
        return not self.not_.evaluate(answers)

    def leaves(self) -> Iterator[Leaf]:
        yield from self.not_.leaves()


class All(_Condition):
    """Every inner condition is true."""

    all_: tuple[Condition, ...] = Field(alias="all", min_length=1)

    def evaluate(self, answers: Mapping[str, Any]) -> bool:
        return all(condition.evaluate(answers) for condition in self.all_)

    def leaves(self) -> Iterator[Leaf]:
        for condition in self.all_:
            yield from condition.leaves()


class AnyOf(_Condition):
    """At least one inner condition is true."""

    any_: tuple[Condition, ...] = Field(alias="any", min_length=1)

    def evaluate(self, answers: Mapping[str, Any]) -> bool:
        return any(condition.evaluate(answers) for condition in self.any_)

    def leaves(self) -> Iterator[Leaf]:
        for condition in self.any_:
            yield from condition.leaves()


class Expr(_Condition):
    """An expression (``relevant`` of XLSForm): true when it holds over the answers."""

    expr: Formula

    @model_validator(mode="before")
    @classmethod
    def _text_alone(cls, value: Any) -> Any:
        return {"expr": value} if isinstance(value, str) else value

    def evaluate(self, answers: Mapping[str, Any]) -> bool:
        today = answers.get(TODAY)
        return self.expr.holds(Scope(answers, today if isinstance(today, date) else date.today()))

    def leaves(self) -> Iterator[Leaf]:
        """The fields it names, as ``answered`` leaves (and ``selected`` ones with their
        values), so that the form checks them like any condition's."""
        chosen = list(selections(self.expr.node))
        for name, value in chosen:
            yield Selected(question=name, selected=value)
        picked = {name for name, _value in chosen}
        for name in dict.fromkeys(references(self.expr.node)):
            if name not in picked:
                yield Answered(question=name, answered=True)


Leaf = Equals | OneOf | Selected | Answered

_TAGS: dict[type[_Condition], str] = {
    Equals: "Equals",
    OneOf: "OneOf",
    Selected: "Selected",
    Answered: "Answered",
    Not: "Not",
    All: "All",
    AnyOf: "Any",
    Expr: "Expr",
}
_KEY_TAGS = dict(
    zip(
        OPERATORS,
        ("Equals", "OneOf", "Selected", "Answered", "Not", "All", "Any", "Expr"),
        strict=True,
    )
)


def _condition_tag(value: Any) -> str | None:
    """Which condition a YAML mapping is: the one operator key it has (exactly one). The
    models' own field names (``not_``, ``all_``, ``any_``) count too, so a dump without
    aliases reads back."""
    if isinstance(value, _Condition):
        return _TAGS[type(value)]
    if isinstance(value, str):
        return "Expr"
    if not isinstance(value, dict):
        return None
    keys = [key for key in OPERATORS if key in value or f"{key}_" in value]
    return _KEY_TAGS[keys[0]] if len(keys) == 1 else None


Condition = Annotated[
    Annotated[Equals, Tag("Equals")]
    | Annotated[OneOf, Tag("OneOf")]
    | Annotated[Selected, Tag("Selected")]
    | Annotated[Answered, Tag("Answered")]
    | Annotated[Not, Tag("Not")]
    | Annotated[All, Tag("All")]
    | Annotated[AnyOf, Tag("Any")]
    | Annotated[Expr, Tag("Expr")],
    Discriminator(
        _condition_tag,
        custom_error_type="form-error-condition-shape",
        custom_error_message="a condition needs exactly one of: " + ", ".join(OPERATORS),
    ),
]

for _model in (Not, All, AnyOf):
    _model.model_rebuild()


def comparable(value: Any) -> str | None:
    """One spelling for equal answers: yes/no for booleans, ``12`` for 12 and 12.0."""
    if isinstance(value, dict) and value.get("other") and "selected" not in value:
        return OTHER_CHOICE  # «Другое» of a single choice, as pyxform's or_other names it
    if value is None or isinstance(value, dict | list):
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def selected_values(value: Any) -> list[str]:
    """The option values of a stored choice answer (a value, a list or a dict)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [str(item) for item in value]
    if isinstance(value, dict):
        return [str(item) for item in value.get("selected", [])]
    return []


def all_of(*conditions: Condition) -> Condition:
    """``{all: [...]}``, or the condition itself when there is only one."""
    return conditions[0] if len(conditions) == 1 else All(all_=conditions)


def any_of(*conditions: Condition) -> Condition:
    """``{any: [...]}``, or the condition itself when there is only one."""
    return conditions[0] if len(conditions) == 1 else AnyOf(any_=conditions)


def negate(condition: Condition) -> Condition:
    """``{not: ...}``; a double negation is removed, «not answered» is ``answered: false``."""
    if isinstance(condition, Answered):
        return Answered(question=condition.question, answered=not condition.answered)
    return condition.not_ if isinstance(condition, Not) else Not(not_=condition)
