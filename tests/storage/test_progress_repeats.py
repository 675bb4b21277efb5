"""Targets over repeats, on SQLite and PostgreSQL: a school question inside a repeat counts
every entry's school (every school of every event), a sum adds every entry's number."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

from forms.loading import load_yaml_text
from forms.targets import Coverage, load_targets, period_of
from storage.database import Database
from storage.repositories.users import TelegramProfile

MOSCOW = ZoneInfo("Europe/Moscow")
YEAR = period_of("school_year", date(2026, 11, 23))
FORM = """\
id: visits
title: Выезды
questions:
  - type: single_choice
    id: kind
    label: Что это за выезд
    options:
      - {value: landing, label: Десант}
  - type: repeat
    id: schools
    title: Школа
    questions:
      - {id: school, type: school, label: Какая школа}
      - {id: people, type: integer, label: Сколько человек}
"""
TARGETS = """\
measures:
  low_results_reached:
    form: visits
    share_of: low_results
    schools: school
  people:
    form: visits
    sum: people
targets:
  - {id: reached, title: Охват ШНОР, target: 100, period: school_year, measure: low_results_reached}
  - {id: people, title: Участники, target: 100, period: school_year, measure: people}
"""


def picked(code: str) -> dict[str, str]:
    return {"code": code, "name": code, "municipality": "Энск"}


async def test_every_entry_of_a_repeat_counts(database: Database, tmp_path: Path) -> None:
    form = load_yaml_text(FORM)
    path = tmp_path / "targets.yaml"
    path.write_text(TARGETS, encoding="utf-8")
    targets = load_targets(path, {"visits": form})  # a repeat's questions are known
    async with database.transaction() as uow:
        town = await uow.schools.save_municipality("MO-1", "Энск")
        for code, low in (("A", True), ("B", True), ("C", False), ("D", True)):
            await uow.schools.save_school(code, town, name=code, short_name=code, low_results=low)
        await uow.users.save_profile(TelegramProfile(7, "Методист"))
        version = await uow.forms.register("visits", "fp", "Выезды", {})
        entries = [("A", 12), ("C", 5), ("B", 8)]  # one visit, three schools
        draft = await uow.submissions.open_draft(version.id, 7)
        await uow.submissions.save_answer(draft.id, "kind", "landing")
        for number, (code, people) in enumerate(entries, start=1):
            await uow.submissions.save_answer(draft.id, f"school[{number}]", picked(code))
            await uow.submissions.save_answer(draft.id, f"people[{number}]", people)
        # An id that only looks like an entry of «people» is not one.
        await uow.submissions.save_answer(draft.id, "peopleX[1]", 1000)
        await uow.submissions.submit(draft.id)
    async with database.read() as uow:
        figures = {
            target.id: await uow.progress.figure(targets.measure(target), YEAR, MOSCOW)
            for target in targets.targets
        }
    assert figures == {"reached": Coverage(2, 3), "people": 25}
