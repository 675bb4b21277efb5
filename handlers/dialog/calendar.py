"""A month calendar as an inline keyboard, for date questions."""

from __future__ import annotations

import calendar
from datetime import date
from functools import lru_cache

from forms.questions import DateQuestion
from handlers.dialog.callbacks import Act
from handlers.dialog.view import View
from handlers.ui import Button

MONTHS_KEPT = 48
"""Month grids kept (the least recently shown dropped first): people answer about the same
few months, and a grid is the same for everyone."""


def shown_month(view: View, question: DateQuestion) -> date:
    """The month on display: the one the person turned to, else this month."""
    month = view.data.of(question.id).month
    if month:
        year, number = (int(part) for part in month.split("-"))
        return date(year, number, 1)
    return view.today.replace(day=1)


def shift(month: date, delta: int) -> str:
    index = month.year * 12 + month.month - 1 + delta
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def calendar_rows(view: View, question: DateQuestion) -> list[list[Button]]:
    month = shown_month(view, question)
    this = shift(month, 0)

    def idle(text: str) -> Button:
        # Headers and blanks re-show the same month: pressing them changes nothing.
        return view.button(text, Act.month, question, this)

    title = f"{view.t(f'month-{month.month}')} {month.year}"
    header = [
        view.button(view.t("dialog-button-month-back"), Act.month, question, shift(month, -1)),
        idle(title),
        view.button(view.t("dialog-button-month-next"), Act.month, question, shift(month, 1)),
    ]
    weekdays = [idle(name) for name in view.t("weekdays").split()]
    weeks = [
        [
            view.button(str(day), Act.day, question, date(month.year, month.month, day).isoformat())
            if day
            else idle(" ")
            for day in week
        ]
        for week in month_grid(month.year, month.month)
    ]
    return [header, weekdays, *weeks]


@lru_cache(maxsize=MONTHS_KEPT)
def month_grid(year: int, month: int) -> tuple[tuple[int, ...], ...]:
    """The month's weeks from Monday, 0 for the days of the months around it."""
    return tuple(tuple(week) for week in calendar.Calendar().monthdayscalendar(year, month))
