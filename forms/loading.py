"""Reading form files (YAML and XLSForm workbooks) into ``Form``, with readable problems.

These functions back the CLI: ``school-bot forms check PATH...`` (``check_paths``) and
``school-bot forms import FILE.xlsx`` (``xlsform_to_yaml`` in ``forms.xlsform``).
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable, Iterator
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from forms.errors import loc_path, translate_errors
from forms.problems import Place, Problem
from forms.schema import Form, Loc

YAML_SUFFIXES = (".yaml", ".yml")
FORM_SUFFIXES = (*YAML_SUFFIXES, ".xlsx")
BOOL_TAG = "tag:yaml.org,2002:bool"


class FormError(Exception):
    """A form file cannot be used; ``problems`` say what and where."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in a form file")


def load_form(path: str | Path) -> Form:
    """Read a ``.yaml``/``.yml`` or ``.xlsx`` form file; raise ``FormError`` if it is wrong."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORM_SUFFIXES:
        raise FormError(
            [Problem("form-error-file-type", {"suffix": suffix or "—"}, place=Place(str(path)))]
        )
    if not path.is_file():
        raise FormError([Problem("form-error-no-file", place=Place(str(path)))])
    if suffix == ".xlsx":
        from forms.xlsform import load_xlsform

        return load_xlsform(path)
    return load_yaml_text(_read_text(path), str(path))


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise FormError([Problem("form-error-encoding", place=Place(str(path)))]) from None


# --- YAML ---------------------------------------------------------------------------------


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


def load_yaml_text(text: str, file: str = "<form>") -> Form:
    """A form from YAML text; ``file`` is the name used in problems."""
    data, root = _parse_yaml(text, file)
    if not isinstance(data, dict):
        raise FormError([Problem("form-error-not-mapping", place=Place(file))])
    try:
        return Form.model_validate(data)
    except ValidationError as error:
        found = translate_errors(error, data)
        problems = [
            Problem(mid, _params(p), place=_yaml_place(file, loc, root)) for loc, mid, p in found
        ]
        raise FormError(sorted(problems, key=_line_of)) from None


def _line_of(problem: Problem) -> int:
    line = problem.place.line if problem.place else None
    return line if line is not None else 0


def _parse_yaml(text: str, file: str) -> tuple[Any, yaml.Node | None]:
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


def _params(params: dict[str, Any]) -> dict[str, str | int | float]:
    return {
        key: value if isinstance(value, int | float | str) else str(value)
        for key, value in params.items()
    }


def _yaml_place(file: str, loc: Loc, root: yaml.Node | None) -> Place:
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


# --- checking many files ------------------------------------------------------------------


def check_paths(paths: Iterable[str | Path]) -> list[Problem]:
    """Every problem of every form file (folders are searched), and form ids used twice."""
    problems: list[Problem] = []
    owners: dict[str, Path] = {}
    for file in form_files(paths, problems):
        try:
            form = load_form(file)
        except FormError as error:
            problems += error.problems
            continue
        if form.id in owners:
            params = {"id": form.id, "other": str(owners[form.id])}
            problems.append(Problem("form-error-duplicate-form-id", params, place=Place(str(file))))
        owners.setdefault(form.id, file)
    return problems


def form_files(paths: Iterable[str | Path], problems: list[Problem]) -> Iterator[Path]:
    """The form files among ``paths``: folders searched recursively, Excel lock files skipped;
    a path that does not exist becomes a problem. The bot and ``forms check`` share it."""
    for given in map(Path, paths):
        if given.is_dir():
            yield from sorted(p for p in given.rglob("*") if _is_form_file(p))
        elif given.exists():
            yield given
        else:
            problems.append(Problem("form-error-no-file", place=Place(str(given))))


def _is_form_file(path: Path) -> bool:
    return (
        path.is_file() and path.suffix.lower() in FORM_SUFFIXES and not path.name.startswith("~$")
    )
