"""YAML of form and targets files: read with lines for every problem, written for review.

YAML 1.2 booleans (only true/false: «yes» and «no» stay text) and no duplicate keys."""

from __future__ import annotations

import re
from collections.abc import Hashable, Mapping
from typing import Any

import yaml

from forms.errors import loc_path
from forms.problems import FormError, Place, Problem
from forms.schema import Form, Loc

BOOL_TAG = "tag:yaml.org,2002:bool"


class _DuplicateKeyError(Exception):
    def __init__(self, key: Hashable, line: int) -> None:
        super().__init__(key)
        self.key = key
        self.line = line


class FormYamlLoader(yaml.SafeLoader):
    """YAML 1.2 booleans (only true/false: «yes» and «no» stay text) and no duplicate keys."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Hashable, Any]:
        seen: set[Any] = set()
        for key_node, _value in node.value:
            key = self.construct_object(key_node, deep=True)
            if isinstance(key, Hashable) and key in seen:
                raise _DuplicateKeyError(key, key_node.start_mark.line + 1)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


FormYamlLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != BOOL_TAG]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
FormYamlLoader.add_implicit_resolver(
    BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def line_of(problem: Problem) -> int:
    line = problem.place.line if problem.place else None
    return line if line is not None else 0


def parse_yaml(text: str, file: str) -> tuple[Any, yaml.Node | None]:
    loader = FormYamlLoader(text)
    try:
        root = loader.get_single_node()
        return (loader.construct_document(root) if root is not None else None), root
    except _DuplicateKeyError as error:
        place = Place(file, line=error.line)
        raise FormError(
            [Problem("form-error-duplicate-key", {"key": str(error.key)}, place=place)]
        ) from None
    except yaml.MarkedYAMLError as error:
        line = error.problem_mark.line + 1 if error.problem_mark else None
        params = {"details": str(error.problem or error)}
        raise FormError(
            [Problem("form-error-yaml-syntax", params, place=Place(file, line=line))]
        ) from None
    finally:
        loader.dispose()


def plain_params(params: Mapping[str, Any]) -> dict[str, str | int | float]:
    return {
        key: value if isinstance(value, int | float | str) else str(value)
        for key, value in params.items()
    }


def yaml_place(file: str, loc: Loc, root: yaml.Node | None) -> Place:
    return Place(file, path=loc_path(loc) or None, line=_line(root, loc))


def _line(root: yaml.Node | None, loc: Loc) -> int | None:
    """The line of the deepest YAML node on the way to ``loc``."""
    node = root
    for part in loc:
        inner = _child(node, part)
        if inner is None:
            break
        node = inner
    return node.start_mark.line + 1 if node is not None else None


def _child(node: yaml.Node | None, part: str | int) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        return next((value for key, value in node.value if key.value == part), None)
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
        child: yaml.Node = node.value[part]
        return child
    return None


# --- writing YAML -------------------------------------------------------------------------


class FormYamlDumper(yaml.SafeDumper):
    """Cyrillic as is, several-line text as a «|» block, no anchors."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    style = "|" if "\n" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


FormYamlDumper.add_representer(str, _represent_text)


def form_to_yaml(form: Form) -> str:
    """The YAML text of a form (default values left out); ``load_yaml_text`` reads it back."""
    return yaml.dump(
        form.canonical(), Dumper=FormYamlDumper, allow_unicode=True, sort_keys=False, width=100
    )
