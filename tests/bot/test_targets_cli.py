"""`school-bot targets check`."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.settings import TARGETS


@pytest.fixture(autouse=True)
def no_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No .env of the machine, no TARGETS_FILE or FORMS_DIR from the environment."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TARGETS_FILE", raising=False)
    monkeypatch.delenv("FORMS_DIR", raising=False)


def test_the_shipped_file_passes() -> None:
    result = CliRunner().invoke(main, ["targets", "check"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "Ошибок нет. Показателей в файле: 21."


def test_problems_are_listed_with_their_lines_and_the_exit_code_is_1(tmp_path: Path) -> None:
    text = TARGETS.read_text(encoding="utf-8")
    text = text.replace("sum: participants", "sum: participant", 1).replace(
        "period: quarter", "period: week", 1
    )
    mine = tmp_path / "мои-показатели.yaml"
    mine.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["targets", "check", str(mine)])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 1  # the form is checked once the file itself is right
    assert lines[0].startswith(f"{mine}, строка ")
    assert "Поле «period»: значение «week» не подходит." in lines[0]
    assert "Найдена 1 ошибка." in result.stderr
    fixed = text.replace("period: week", "period: quarter")
    mine.write_text(fixed, encoding="utf-8")
    result = CliRunner().invoke(main, ["targets", "check", str(mine)])
    assert result.exit_code == 1
    assert result.stdout.strip().endswith(
        "(measures.event_participants.sum): В анкете «event_report» нет вопроса «participant»."
    )


def test_targets_file_from_the_environment_is_the_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mine = tmp_path / "targets.yaml"
    mine.write_text("targets: []\n", encoding="utf-8")
    monkeypatch.setenv("TARGETS_FILE", str(mine))
    result = CliRunner().invoke(main, ["targets", "check"])
    assert result.exit_code == 1
    missing = "строка 1 (measures): Не заполнено обязательное поле «measures»."
    assert f"{mine}, {missing}" in result.stdout
