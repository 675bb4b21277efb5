"""Pydantic validation errors turned into readable problems: a location and a message id."""

from __future__ import annotations

import re
from typing import Any

from pydantic import TypeAdapter, ValidationError
from pydantic_core import ErrorDetails

from forms.schema import Item, Loc, Numbered, StructureError, item_problems

_ITEM: TypeAdapter[Item] = TypeAdapter(Item)

Found = tuple[Loc, str, dict[str, Any]]

QUESTION_TYPES = (
    "text",
    "integer",
    "decimal",
    "single_choice",
    "multiple_choice",
    "yes_no",
    "rating",
    "date",
    "phone",
    "email",
    "school",
    "file",
    "note",
    "calculate",
)
# Parts of a pydantic location that name a union member, not a key of the file.
CONDITION_TAGS = ("Equals", "OneOf", "Selected", "Answered", "Not", "All", "Any", "Expr")
MEASURE_TAGS = (  # forms.targets: the kinds of a target's measure
    "ClosedCases",
    "ActiveCases",
    "Responses",
    "ResponseSum",
    "SchoolCount",
    "SchoolShare",
    "EachSchool",
)
UNION_TAGS = frozenset({*QUESTION_TYPES, "section", "repeat", *CONDITION_TAGS, *MEASURE_TAGS})

SIMPLE = {
    "missing": "form-error-missing",
    "extra_forbidden": "form-error-unknown-key",
    "union_tag_not_found": "form-error-no-type",
    "string_too_short": "form-error-empty",
    "too_short": "form-error-empty-list",
    "string_type": "form-error-expected-text",
    "int_type": "form-error-expected-integer",
    "int_parsing": "form-error-expected-integer",
    "int_from_float": "form-error-expected-integer",
    "float_type": "form-error-expected-number",
    "float_parsing": "form-error-expected-number",
    "bool_type": "form-error-expected-bool",
    "bool_parsing": "form-error-expected-bool",
    "list_type": "form-error-expected-list",
    "tuple_type": "form-error-expected-list",
    "dict_type": "form-error-expected-mapping",
    "model_type": "form-error-expected-mapping",
    "model_attributes_type": "form-error-expected-mapping",
}
LIMITS = {
    "string_too_long": "form-error-too-long",
    "too_long": "form-error-too-many",
    "greater_than_equal": "form-error-ge",
    "greater_than": "form-error-gt",
    "less_than_equal": "form-error-le",
    "less_than": "form-error-lt",
}


def translate_errors(error: ValidationError, data: Any) -> list[Found]:
    """Every error of ``error`` with a location in ``data`` (union tags removed).

    When some fields are wrong, pydantic never reaches the checks between questions;
    they are then run on the items that could be read, so one run reports everything.
    """
    found: list[Found] = []
    details_list = _without_echoes(error.errors())
    for details in details_list:
        loc = clean_loc(details["loc"], data)
        found += [((*loc, *sub), mid, params) for sub, mid, params in _explain(details, loc, data)]
    if not any(_is_structure(details) for details in details_list):
        found += partial_structure_problems(data)
    return found


def _is_structure(details: ErrorDetails) -> bool:
    return isinstance((details.get("ctx") or {}).get("error"), StructureError)


def partial_structure_problems(data: Any) -> list[Found]:
    """Checks between the items that are valid on their own; the others are left out."""
    entries = data.get("questions") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        return []
    kept: Numbered = []
    unchecked: set[str] = set()
    for index, entry in enumerate(entries):
        try:
            kept.append((index, _ITEM.validate_python(entry)))
        except ValidationError:
            unchecked |= _raw_ids(entry)
    return item_problems(kept, frozenset(unchecked))


def _raw_ids(entry: Any) -> set[str]:
    if not isinstance(entry, dict):
        return set()
    inner = entry.get("questions")
    ids = {str(entry["id"])} if "id" in entry else set()
    if isinstance(inner, list):
        ids |= {str(q["id"]) for q in inner if isinstance(q, dict) and "id" in q}
    return ids


def _without_echoes(errors: list[ErrorDetails]) -> list[ErrorDetails]:
    """Drop «list is empty» reported for a list whose items were refused one by one."""
    locs = [tuple(details["loc"]) for details in errors]

    def echo(details: ErrorDetails) -> bool:
        loc = tuple(details["loc"])
        deeper = any(len(other) > len(loc) and other[: len(loc)] == loc for other in locs)
        return details["type"] == "too_short" and deeper

    return [details for details in errors if not echo(details)]


def clean_loc(loc: tuple[int | str, ...], data: Any) -> Loc:
    """Follow ``loc`` through the data; skip the parts that are union tags."""
    clean: list[str | int] = []
    node: Any = data
    for part in loc:
        if not _has(node, part) and part in UNION_TAGS:
            continue
        node = node[part] if _has(node, part) else None
        clean.append(part)
    return tuple(clean)


def _has(node: Any, part: int | str) -> bool:
    if isinstance(node, dict):
        return part in node
    return isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)


def _explain(details: ErrorDetails, loc: Loc, data: Any) -> list[Found]:
    kind = details["type"]
    context: dict[str, Any] = dict(details.get("ctx") or {})
    field = _field(loc)
    value = _shown(details.get("input"))
    if kind == "value_error" and isinstance(context.get("error"), StructureError):
        return list(context["error"].problems)
    if kind.startswith("form-error-"):
        return [((), kind, {"field": field, **context})]
    if kind == "union_tag_invalid" and context.get("tag") in NESTED:
        return [((), _nested(str(context["tag"]), loc, data), {})]
    return [((), *_message(kind, context, field, value))]


NESTED = ("section", "repeat")
_NESTING = {
    ("section", "section"): "form-error-nested-section",
    ("section", "repeat"): "form-error-repeat-in-section",
    ("repeat", "section"): "form-error-section-in-repeat",
    ("repeat", "repeat"): "form-error-nested-repeat",
}


def _nested(tag: str, loc: Loc, data: Any) -> str:
    """A section or a repeat inside a section or a repeat: which is inside which."""
    parent = data.get("questions") if isinstance(data, dict) and len(loc) > 2 else None
    index = loc[1]
    item = parent[index] if isinstance(parent, list) and isinstance(index, int) else None
    outer = item.get("type") if isinstance(item, dict) else "section"
    return _NESTING.get((str(outer), tag), "form-error-nested-section")


def _message(
    kind: str, context: dict[str, Any], field: str, value: str
) -> tuple[str, dict[str, Any]]:
    params: dict[str, Any] = {"field": field, "value": value}
    if kind in SIMPLE:
        return SIMPLE[kind], params
    if kind in LIMITS:
        return LIMITS[kind], {**params, "limit": str(_limit(context))}
    if kind in ("union_tag_invalid", "literal_error", "enum"):
        return _allowed(kind, context, params)
    if kind == "string_pattern_mismatch":
        return _pattern_message(field), params
    return ("form-error-expected-date" if kind.startswith("date") else "form-error-invalid"), params


def _allowed(
    kind: str, context: dict[str, Any], params: dict[str, Any]
) -> tuple[str, dict[str, Any]]:
    if kind == "union_tag_invalid":
        tag = str(context.get("tag", ""))
        return "form-error-unknown-type", {
            **params,
            "value": tag,
            "expected": _listed(QUESTION_TYPES),
        }
    allowed = re.findall(r"'([^']*)'", str(context.get("expected", "")))
    return "form-error-literal", {**params, "expected": _listed(allowed)}


def _limit(context: dict[str, Any]) -> Any:
    keys = ("max_length", "min_length", "ge", "gt", "le", "lt")
    return next((context[key] for key in keys if key in context), "")


def _pattern_message(field: str) -> str:
    return {
        "value": "form-error-bad-option-value",
        "column": "form-error-bad-column-name",
    }.get(field, "form-error-bad-id")


def _field(loc: Loc) -> str:
    return next((str(part) for part in reversed(loc) if isinstance(part, str)), "")


def _shown(value: Any) -> str:
    if isinstance(value, dict | list):
        return ""
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _listed(values: tuple[str, ...] | list[str]) -> str:
    return ", ".join(f"«{value}»" for value in values)


def loc_path(loc: Loc) -> str:
    """``("questions", 3, "show_if")`` → ``questions[3].show_if``."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text
