"""Every message id the exports use is in the catalogue, and every one of them formats."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fluent.syntax import FluentParser, ast

import exports
import forms
from tests.exports.helpers import t

CATALOGUE = Path(forms.__file__).parent / "locales" / "ru" / "exports.ftl"
ID_IN_CODE = re.compile(r"\"((?:register|summary)-[a-z0-9-]+[a-z0-9])\"")
STATUSES = [
    "draft",
    "submitted",
    "new",
    "scheduled",
    "held",
    "cancelled",
    "no_show",
    "pending",
    "active",
    "completed",
    "dissolved",
]
QUESTION_TYPES = [
    "text",
    "integer",
    "decimal",
    "single-choice",
    "multiple-choice",
    "yes-no",
    "date",
    "phone",
    "email",
    "school",
    "file",
]


def used_ids() -> set[str]:
    folder = Path(exports.__file__).parent
    return {match for path in folder.glob("*.py") for match in ID_IN_CODE.findall(path.read_text())}


def test_the_catalogue_parses_cleanly() -> None:
    resource = FluentParser().parse(CATALOGUE.read_text(encoding="utf-8"))
    assert [entry for entry in resource.body if isinstance(entry, ast.Junk)] == []


def test_every_id_in_the_code_is_in_the_catalogue() -> None:
    used = used_ids()
    assert len(used) > 50
    assert sorted(mid for mid in used if not t.has(mid)) == []


@pytest.mark.parametrize(
    "message_id",
    [f"register-status-{code}" for code in STATUSES]
    + [f"register-type-{kind}" for kind in QUESTION_TYPES]
    + [f"summary-target-state-{state}" for state in ("done", "half", "behind")]
    + [f"summary-legend-{state}" for state in ("done", "half", "behind")]
    + [f"register-type-extra-{kind}" for kind in ("text", "number", "date", "datetime", "link")],
)
def test_ids_built_in_the_code_exist(message_id: str) -> None:
    assert t.has(message_id)


def test_messages_with_parameters_format() -> None:
    assert t("register-column-in-section", section="Раздел", label="Вопрос") == "Раздел: Вопрос"
    assert t("register-type-rating", min="1", max="5") == "Шкала 1–5"
    assert t("register-other", text="ОБЖ") == "Другое: ОБЖ"
    assert t("summary-waves-title", first="Входной", last="Итоговый") == (
        "Изменение между волнами «Входной» и «Итоговый»"
    )
    assert t("register-status-no_show") == "Не пришли"
