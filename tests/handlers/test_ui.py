"""The reply model apart from Telegram: callback data packed as aiogram packs it, keyboards
laid out as aiogram's builder lays them out, and the workflows' declarations."""

from __future__ import annotations

import subprocess
import sys
from enum import StrEnum

import pytest
from aiogram.filters.callback_data import CallbackData

from bot.factory import create_services
from bot.settings import Settings
from bot.workflows import WORKFLOWS, declared
from forms.loading import FormError, load_yaml_text
from forms.vocabulary import WorkflowKind
from handlers.dialog.flow import Prompts
from handlers.ui import Button, Callback, Keyboard
from storage.database import Database


class Act(StrEnum):
    pick = "p"
    back = "b"


class Ours(Callback, prefix="fa"):
    s: int
    a: Act
    v: str = ""
    p: Act | None = None


class Theirs(CallbackData, prefix="fa"):
    s: int
    a: Act
    v: str = ""
    p: Act | None = None


@pytest.mark.parametrize(
    "values",
    [
        {"s": 12, "a": Act.pick},
        {"s": 1, "a": Act.back, "v": "2026-11", "p": Act.pick},
        {"s": 0, "a": Act.pick, "v": "школа"},
    ],
)
def test_callback_data_is_packed_and_read_as_aiogram_does(values: dict[str, object]) -> None:
    """Buttons sent by releases that used aiogram's CallbackData keep working."""
    packed = Ours(**values).pack()  # type: ignore[arg-type]
    assert packed == Theirs(**values).pack()  # type: ignore[arg-type]
    assert Ours.unpack(packed).model_dump() == Theirs.unpack(packed).model_dump()
    order = [values.get(name, Ours.model_fields[name].default) for name in Ours.model_fields]
    assert Ours.pack_values(*order) == packed


def test_packing_values_without_a_model_checks_what_pack_checks() -> None:
    with pytest.raises(TypeError, match="packs 4 values"):
        Ours.pack_values(1, Act.pick)
    with pytest.raises(ValueError, match="64 bytes"):
        Ours.pack_values(1, Act.pick, "я" * 40, None)
    with pytest.raises(ValueError, match="cannot be used"):
        Ours.pack_values(1, Act.pick, "a:b", None)


@pytest.mark.parametrize(
    "forged",
    ["", "fa", "fa:1:p:", "fa:x:p::", "fa:1:zz::", "fb:1:p::", "fa:1:p::::", None],
)
def test_forged_or_foreign_data_does_not_parse(forged: str | None) -> None:
    assert Ours.parse(forged) is None


def test_packing_refuses_what_telegram_would() -> None:
    with pytest.raises(ValueError, match="64 bytes"):
        Ours(s=1, a=Act.pick, v="я" * 40).pack()
    with pytest.raises(ValueError, match="cannot be used"):
        Ours(s=1, a=Act.pick, v="a:b").pack()


def test_a_grid_lays_out_buttons_as_aiogram_adjust_does() -> None:
    buttons = [Button(str(n), str(n)) for n in range(7)]
    rows = Keyboard.grid(buttons, 1, 2, 2).rows
    assert [len(row) for row in rows] == [1, 2, 2, 2]
    assert [len(row) for row in Keyboard.grid(buttons[:3]).rows] == [1, 1, 1]
    assert not Keyboard.of([], [])


def test_every_workflow_is_registered_once_with_its_declaration(
    settings: Settings, sqlite_db: Database
) -> None:
    services = create_services(settings, sqlite_db)
    assert {spec.kind for spec in WORKFLOWS} == set(WorkflowKind)
    for spec in WORKFLOWS:
        assert services.workflows.needs()[spec.kind] == spec.reads
    assert declared().needs() == services.workflows.needs()


def test_a_form_without_the_questions_its_workflow_reads_is_refused() -> None:
    text = """
id: pairs
title: Пары
workflow: mentoring
questions:
  - {id: topic, type: text, label: Тема}
"""
    assert load_yaml_text(text).workflow is WorkflowKind.mentoring  # nothing asked to check
    with pytest.raises(FormError) as refused:
        load_yaml_text(text, "pairs.yaml", declared().needs())
    [problem] = refused.value.problems
    assert problem.message_id == "form-error-workflow-question"
    assert problem.params == {"question": "subject"}
    assert problem.place is not None
    assert problem.place.line == 4


def test_the_services_load_without_aiogram() -> None:
    """The command line's export and every use case import no aiogram (5 s and 170 MB)."""
    code = (
        "import sys, bot.export_cli, bot.cli, handlers.container;"
        " sys.exit(sorted(m for m in sys.modules if m.startswith('aiogram'))[:3] or 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_an_unknown_workflow_is_refused_with_the_known_ones() -> None:
    text = "id: x\ntitle: X\nworkflow: consult\nquestions:\n  - {id: a, type: text, label: A}\n"
    with pytest.raises(FormError) as refused:
        load_yaml_text(text)
    [problem] = refused.value.problems
    assert problem.message_id == "form-error-literal"
    assert (
        problem.params["expected"] == "«consultation», «mentoring», «event», «profile», «request»"
    )


def test_the_screens_remembered_are_bounded() -> None:
    prompts = Prompts(size=3, depth=2)
    for submission in range(1, 6):
        prompts.shown((submission, 9), 100 + submission, "q1")
    assert len(prompts) == 3
    assert prompts.before((1, 9), 1000) is None
    assert prompts.before((5, 9), 1000) == (105, "q1")
    prompts.shown((3, 9), 200, "q2")  # told again: kept the longest
    prompts.shown((3, 9), 300, "q3")  # only the last two screens of a submission
    prompts.shown((6, 9), 106, "q1")
    assert prompts.before((3, 9), 250) == (200, "q2")
    assert prompts.before((3, 9), 150) is None  # 103 was dropped
    assert prompts.before((4, 9), 1000) is None
    prompts.shown((3, 8), 260, "q5")  # another chat's screens of the same (shared) draft
    assert prompts.before((3, 9), 270) == (200, "q2")
