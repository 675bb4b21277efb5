"""The YAML examples of forms/FORMAT.md load: the documentation cannot drift from the code."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

import forms
from forms.loading import load_yaml_text

DOC = (Path(forms.__file__).parent / "FORMAT.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```yaml\n(.*?)```", DOC, flags=re.DOTALL)
PRELUDE = """\
id: doc
title: Пример
questions:
  - type: single_choice
    id: position
    label: Кем вы работаете?
    options:
      - {value: teacher, label: Учитель}
      - {value: mentor, label: Наставник}
"""


def test_the_document_has_examples() -> None:
    assert len(BLOCKS) > 10


@pytest.mark.parametrize("block", [b for b in BLOCKS if b.startswith("id:")])
def test_whole_forms_load(block: str) -> None:
    assert load_yaml_text(block).questions


@pytest.mark.parametrize("block", [b for b in BLOCKS if b.startswith("- type:")])
def test_question_examples_load(block: str) -> None:
    form = load_yaml_text(PRELUDE + textwrap.indent(block, "  "))
    assert len(form.questions) > 1
