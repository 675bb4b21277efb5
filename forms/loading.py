"""Reading form files (YAML and XLSForm workbooks) into ``Form``, with readable problems.

These functions back the CLI: ``school-bot forms check PATH...`` (``check_paths``) and
``school-bot forms import FILE.xlsx`` (``xlsform_to_yaml`` in ``forms.xlsform``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from pydantic import ValidationError

from forms.errors import translate_errors
from forms.problems import FormError, Place, Problem
from forms.schema import NEEDS, Form, WorkflowNeeds
from forms.xlsform import load_xlsform
from forms.yamlfile import form_to_yaml, line_of, parse_yaml, plain_params, yaml_place

__all__ = [
    "FormError",
    "check_paths",
    "form_files",
    "form_to_yaml",
    "load_form",
    "load_yaml_text",
    "readable_forms",
]

YAML_SUFFIXES = (".yaml", ".yml")
FORM_SUFFIXES = (*YAML_SUFFIXES, ".xlsx")


def load_form(path: str | Path, needs: WorkflowNeeds | None = None) -> Form:
    """Read a ``.yaml``/``.yml`` or ``.xlsx`` form file; raise ``FormError`` if it is wrong.
    ``needs``: the questions each workflow reads, checked when the form names one."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORM_SUFFIXES:
        raise FormError(
            [Problem("form-error-file-type", {"suffix": suffix or "—"}, place=Place(str(path)))]
        )
    if not path.is_file():
        raise FormError([Problem("form-error-no-file", place=Place(str(path)))])
    if suffix == ".xlsx":
        return load_xlsform(path, needs)
    return load_yaml_text(_read_text(path), str(path), needs)


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise FormError([Problem("form-error-encoding", place=Place(str(path)))]) from None


def load_yaml_text(text: str, file: str = "<form>", needs: WorkflowNeeds | None = None) -> Form:
    """A form from YAML text; ``file`` is the name used in problems."""
    data, root = parse_yaml(text, file)
    if not isinstance(data, dict):
        raise FormError([Problem("form-error-not-mapping", place=Place(file))])
    try:
        return Form.model_validate(data, context={NEEDS: needs or {}})
    except ValidationError as error:
        found = translate_errors(error, data)
        problems = [
            Problem(mid, plain_params(p), place=yaml_place(file, loc, root))
            for loc, mid, p in found
        ]
        raise FormError(sorted(problems, key=line_of)) from None


# --- checking many files ------------------------------------------------------------------


def check_paths(paths: Iterable[str | Path], needs: WorkflowNeeds | None = None) -> list[Problem]:
    """Every problem of every form file (folders are searched), and form ids used twice."""
    problems: list[Problem] = []
    owners: dict[str, Path] = {}
    for file in form_files(paths, problems):
        try:
            form = load_form(file, needs)
        except FormError as error:
            problems += error.problems
            continue
        if form.id in owners:
            params = {"id": form.id, "other": str(owners[form.id])}
            problems.append(Problem("form-error-duplicate-form-id", params, place=Place(str(file))))
        owners.setdefault(form.id, file)
    return problems


def readable_forms(
    paths: Iterable[str | Path], needs: WorkflowNeeds | None = None
) -> dict[str, Form]:
    """The forms the bot would load from these files, by id (a later file wins); broken
    files are left out (``check_paths`` reports them)."""
    forms: dict[str, Form] = {}
    for path in form_files(paths, []):
        try:
            form = load_form(path, needs)
        except FormError:
            continue
        forms[form.id] = form
    return forms


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
