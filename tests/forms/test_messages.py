"""Every message id in the code exists in forms.ftl, and every message formats."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fluent.syntax import FluentParser, ast, visitor

import forms
from forms.i18n import translator
from tests.forms.helpers import t

FORMS_DIR = Path(forms.__file__).parent
CATALOGUE = FORMS_DIR / "locales" / "ru" / "forms.ftl"
ID_IN_CODE = re.compile(r"\"((?:answer|form|place|problem)-[a-z-]+[a-z])\"")


def catalogue() -> ast.Resource:
    return FluentParser().parse(CATALOGUE.read_text(encoding="utf-8"))


class _Variables(visitor.Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def visit_VariableReference(self, node: ast.VariableReference) -> None:
        self.names.add(node.id.name)


def messages() -> list[ast.Message]:
    return [entry for entry in catalogue().body if isinstance(entry, ast.Message)]


def test_catalogue_parses_cleanly() -> None:
    junk = [entry for entry in catalogue().body if isinstance(entry, ast.Junk)]
    assert junk == []


def test_every_id_in_the_code_is_in_the_catalogue() -> None:
    used = {
        match for path in FORMS_DIR.glob("*.py") for match in ID_IN_CODE.findall(path.read_text())
    }
    assert used
    assert sorted(mid for mid in used if not translator().has(mid)) == []


def test_no_id_is_defined_twice_across_catalogues() -> None:
    seen: dict[str, str] = {}
    for path in sorted((FORMS_DIR / "locales" / "ru").glob("*.ftl")):
        resource = FluentParser().parse(path.read_text(encoding="utf-8"))
        for entry in resource.body:
            if isinstance(entry, ast.Message):
                assert entry.id.name not in seen, (
                    f"{entry.id.name} in {path.name} and {seen[entry.id.name]}"
                )
                seen[entry.id.name] = path.name


@pytest.mark.parametrize("message", messages(), ids=lambda message: message.id.name)
def test_every_message_formats(message: ast.Message) -> None:
    variables = _Variables()
    variables.visit(message)
    for number in (1, 3, 5, 21):
        text = t(message.id.name, **dict.fromkeys(variables.names, number))
        assert text.strip()
        assert "{" not in text.replace("${", "")
