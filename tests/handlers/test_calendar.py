"""The month grid of the date questions' calendar: kept per month, within a bound."""

from __future__ import annotations

import calendar

from handlers.dialog.calendar import MONTHS_KEPT, month_grid


def test_a_month_grid_is_the_calendar_modules_weeks_from_monday() -> None:
    grid = month_grid(2026, 2)
    assert [list(week) for week in grid] == calendar.Calendar().monthdayscalendar(2026, 2)
    assert grid[0][:6] == (0, 0, 0, 0, 0, 0)  # 1 February 2026 is a Sunday
    assert grid[0][6] == 1
    assert month_grid(2026, 2) is grid  # kept, not rebuilt


def test_the_kept_grids_are_bounded() -> None:
    month_grid.cache_clear()
    for index in range(MONTHS_KEPT * 2):
        month_grid(2000 + index // 12, index % 12 + 1)
    info = month_grid.cache_info()
    assert info.currsize == MONTHS_KEPT
    assert info.maxsize == MONTHS_KEPT
