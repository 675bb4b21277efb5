"""The working group's summary workbook: progress to the roadmap's targets and the figures
behind them (teachers' difficulties, consultations, mentoring pairs, events).

The storage side produces the plain facts below; ``exports/aggregate.py`` computes the
figures; this module lays them out, one sheet per subject, with charts where there is data.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from pathlib import Path
from typing import Any, BinaryIO

from openpyxl import Workbook
from openpyxl.formatting.rule import CellIsRule, ColorScaleRule
from openpyxl.styles import PatternFill

from exports.aggregate import (
    BEHIND,
    DONE,
    HALF,
    CrossTable,
    area_averages,
    area_counts,
    averages_by,
    counts,
    cross_counts,
    events_by_type,
    low_result_reach,
    target_remaining,
    target_share,
    target_state,
    wanted_support,
    wave_changes,
)
from exports.cells import BOLD_TEXT, MONTH_FORMAT, PLAIN, TITLE, WRAPPED, CellFactory, Look
from exports.columns import StatusNames
from exports.coverage import WIDTHS as COVERAGE_WIDTHS
from exports.coverage import coverage_rows
from exports.facts import (
    DifficultyResponse,
    DifficultySurvey,
    SummaryData,
)
from exports.sheets import Block, SheetWriter, bar_chart
from forms.i18n import Translator

PERCENT = Look(number_format="0%")
AVERAGE = Look(number_format="0.0")
CHANGE = Look(number_format="+0.0;-0.0;0.0")
MONTH = Look(number_format=MONTH_FORMAT)

FILLS = {
    DONE: PatternFill("solid", fgColor="C6EFCE"),
    HALF: PatternFill("solid", fgColor="FFEB9C"),
    BEHIND: PatternFill("solid", fgColor="FFC7CE"),
}
HEAT_MAP = ColorScaleRule(
    start_type="min",
    start_color="63BE7B",
    mid_type="percentile",
    mid_value=50,
    mid_color="FFEB84",
    end_type="max",
    end_color="F8696B",
)


SheetFunction = Callable[[SheetWriter, SummaryData, Translator], None]


def write_summary(data: SummaryData, out: BinaryIO | Path, t: Translator) -> None:
    book = Workbook()
    book.remove(book.active)
    for title_id, write in _SHEETS:
        sheet = book.create_sheet(t(title_id))
        cells = CellFactory(sheet, data.zone, t("register-cut-mark"))
        write(SheetWriter(sheet, cells, t("summary-no-data")), data, t)
    if data.coverage:
        _coverage_sheet(book.create_sheet(t("coverage-sheet")), data, t)
    book.save(str(out) if isinstance(out, Path) else out)


def _coverage_sheet(sheet: Any, data: SummaryData, t: Translator) -> None:
    cells = CellFactory(sheet, data.zone, t("register-cut-mark"))
    for row in coverage_rows(data.coverage, t):
        sheet.append([cells(value, look) for value, look in row])
    for letter, width in zip("ABCDEFG", COVERAGE_WIDTHS, strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"


# --- «Показатели» ----------------------------------------------------------------------------


def _targets_sheet(w: SheetWriter, data: SummaryData, t: Translator) -> None:
    w.widths(48, 22, 10, 10, 12, 10, 20)
    w.line(t("summary-title"), look=TITLE)
    w.line(t("summary-period"), data.period, look=PLAIN)
    w.line(t("summary-exported-at"), data.exported_at)
    w.line(t("summary-exported-by"), data.exported_by)
    w.gap()
    w.line(t("summary-targets-title"), look=BOLD_TEXT)
    headers = [t(f"summary-target-column-{name}") for name in _TARGET_COLUMNS]
    states = [target_state(target_share(target)) for target in data.targets]
    rows = [
        [
            target.title,
            target.period,
            target.target,
            target.current,
            target_share(target),
            target_remaining(target),
            t(f"summary-target-state-{state}"),
        ]
        for target, state in zip(data.targets, states, strict=True)
    ]
    block = w.table(headers, rows, (WRAPPED, PLAIN, PLAIN, PLAIN, PERCENT))
    _legend(w, t)
    if block is not None:
        for row, state in enumerate(states, start=block.first_row):
            w.sheet.cell(row, 5).fill = FILLS[state]
            w.sheet.cell(row, 7).fill = FILLS[state]
        w.chart_beside(block, bar_chart(w.sheet, block, t("summary-chart-targets"), (5, 5)))


_TARGET_COLUMNS = ("title", "period", "target", "current", "share", "remaining", "state")


def _legend(w: SheetWriter, t: Translator) -> None:
    w.gap()
    w.line(t("summary-legend"), look=BOLD_TEXT)
    for state in (DONE, HALF, BEHIND):
        row = w.line(t(f"summary-legend-{state}"))
        w.sheet.cell(row, 1).fill = FILLS[state]


# --- «Затруднения педагогов» -------------------------------------------------------------


def _difficulties_sheet(w: SheetWriter, data: SummaryData, t: Translator) -> None:
    survey = data.difficulties
    w.widths(30, 36, 12, *[14] * max(len(survey.areas), 4))
    w.line(t("summary-difficulties-title"), look=TITLE)
    w.line(t("summary-difficulties-scale"))
    w.gap()
    _areas_block(w, survey, t)
    _groups_block(w, survey, t, by_school=False)
    _groups_block(w, survey, t, by_school=True)
    _support_block(w, survey, t)
    _waves_block(w, survey, t)


def _areas_block(w: SheetWriter, survey: DifficultySurvey, t: Translator) -> None:
    w.line(t("summary-by-area"), look=BOLD_TEXT)
    ids = [area for area, _label in survey.areas]
    averages = area_averages(survey.responses, ids)
    answered = area_counts(survey.responses, ids)
    rows = [
        [label, _rounded(averages[area]), answered[area]]
        for area, label in survey.areas
        if answered[area]
    ]
    headers = [t("summary-column-area"), t("summary-column-average"), t("summary-column-responses")]
    block = w.table(headers, rows, (WRAPPED, AVERAGE))
    if block is not None:
        w.chart_beside(block, bar_chart(w.sheet, block, t("summary-chart-by-area"), (2, 2)))
    w.gap()


def _groups_block(w: SheetWriter, survey: DifficultySurvey, t: Translator, by_school: bool) -> None:
    """Average per area for each municipality (or school), as a heat map."""
    w.line(t("summary-by-school" if by_school else "summary-by-municipality"), look=BOLD_TEXT)
    ids = [area for area, _label in survey.areas]
    if by_school:
        groups = averages_by(
            survey.responses, ids, lambda r: (r.municipality, r.school, r.school_code)
        )
        names = [t("summary-column-municipality"), t("summary-column-school")]
    else:
        groups = averages_by(survey.responses, ids, lambda r: (r.municipality,))
        names = [t("summary-column-municipality")]
    headers = [*names, t("summary-column-responses"), *(label for _id, label in survey.areas)]
    rows = [
        [*group.key[: len(names)], group.responses, *(_rounded(group.by_area[a]) for a in ids)]
        for group in groups
    ]
    first_area = len(names) + 2
    looks = [WRAPPED] * len(names) + [PLAIN] + [AVERAGE] * len(ids)
    block = w.table(headers, rows, looks)
    if block is not None and ids:
        heat = block.cells(first_area, block.last_column)
        w.sheet.conditional_formatting.add(heat, HEAT_MAP)
    w.gap()


def _school_key(response: DifficultyResponse) -> tuple[str, ...]:
    return response.municipality, response.school, response.school_code


def _support_block(w: SheetWriter, survey: DifficultySurvey, t: Translator) -> None:
    w.line(t("summary-support-title"), look=BOLD_TEXT)
    total = len(survey.responses)
    rows = [[kind, count, count / total] for kind, count in wanted_support(survey.responses)]
    headers = [
        t("summary-column-support"),
        t("summary-column-chosen"),
        t("summary-column-share-of-responses"),
    ]
    w.table(headers, rows, (WRAPPED, PLAIN, PERCENT))
    w.gap()


def _waves_block(w: SheetWriter, survey: DifficultySurvey, t: Translator) -> None:
    compared = wave_changes(survey)
    if compared is None:
        w.line(t("summary-waves-title-none"), look=BOLD_TEXT)
        w.line(t("summary-waves-none"))
        return
    first, last, changes = compared
    w.line(t("summary-waves-title", first=first, last=last), look=BOLD_TEXT)
    w.line(t("summary-waves-note"))
    headers = [
        t("summary-column-municipality"),
        t("summary-column-school"),
        t("summary-column-area"),
        first,
        last,
        t("summary-column-change"),
    ]
    rows = [
        [
            c.municipality,
            c.school,
            c.area,
            _rounded(c.first),
            _rounded(c.last),
            _rounded(c.difference),
        ]
        for c in changes
    ]
    block = w.table(headers, rows, (WRAPPED, WRAPPED, WRAPPED, AVERAGE, AVERAGE, CHANGE))
    if block is not None:
        _colour_changes(w, block.cells(6))


def _colour_changes(w: SheetWriter, cells: str) -> None:
    """Less difficulty is good (green), more is bad (red)."""
    rules = w.sheet.conditional_formatting
    rules.add(cells, CellIsRule(operator="lessThan", formula=["0"], fill=FILLS[DONE]))
    rules.add(cells, CellIsRule(operator="greaterThan", formula=["0"], fill=FILLS[BEHIND]))


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


# --- «Консультации» ------------------------------------------------------------------------


def _consultations_sheet(w: SheetWriter, data: SummaryData, t: Translator) -> None:
    status = StatusNames(t)
    w.widths(30, *[16] * 12)
    w.line(t("summary-consultations-title"), look=TITLE)
    w.gap()
    w.line(t("summary-by-month-topic"), look=BOLD_TEXT)
    _cross_table(w, cross_counts(data.consultations, lambda c: c.month, lambda c: c.topic), t)
    w.gap()
    w.line(t("summary-by-month-status"), look=BOLD_TEXT)
    by_status = cross_counts(data.consultations, lambda c: c.month, lambda c: status(c.status))
    block = _cross_table(w, by_status, t)
    if block is not None:
        title = t("summary-chart-consultations")
        chart = bar_chart(w.sheet, block, title, (2, block.last_column), stacked=True)
        w.chart_beside(block, chart)


def _cross_table(w: SheetWriter, table: CrossTable, t: Translator) -> Block | None:
    """Months down, columns across, with totals; the returned block leaves the totals out."""
    headers = [t("summary-column-month"), *table.columns, t("summary-total")]
    rows: list[list[Any]] = [
        [
            row,
            *(table.cells.get((row, column), 0) for column in table.columns),
            table.row_total(row),
        ]
        for row in table.rows
    ]
    block = w.table(headers, rows, (MONTH,))
    if block is None:
        return None
    totals = [table.column_total(column) for column in table.columns]
    w.line(t("summary-total"), *totals, sum(totals), look=BOLD_TEXT)
    return Block(block.header_row, block.last_row, 1, block.last_column - 1)


# --- «Наставничество» ----------------------------------------------------------------------


def _mentoring_sheet(w: SheetWriter, data: SummaryData, t: Translator) -> None:
    status = StatusNames(t)
    w.widths(40, 12)
    w.line(t("summary-mentoring-title"), look=TITLE)
    w.gap()
    w.line(t("summary-by-status"), look=BOLD_TEXT)
    by_status = _counted(w, counts(status(pair.status) for pair in data.pairs), "status", t)
    if by_status is not None:
        w.line(t("summary-total"), len(data.pairs), look=BOLD_TEXT)
        chart = bar_chart(w.sheet, by_status, t("summary-chart-pairs"), (2, 2))
        w.chart_beside(by_status, chart)
    w.gap()
    w.line(t("summary-by-subject"), look=BOLD_TEXT)
    _counted(w, counts(pair.subject for pair in data.pairs), "subject", t)
    w.gap()
    partners = sum(pair.partner_schools for pair in data.pairs)
    w.line(t("summary-partner-pairs"), partners, look=BOLD_TEXT)


def _counted(
    w: SheetWriter, counted: Sequence[tuple[Hashable, int]], name: str, t: Translator
) -> Block | None:
    headers = [t(f"summary-column-{name}"), t("summary-column-pairs")]
    return w.table(headers, [[key, count] for key, count in counted], (WRAPPED,))


# --- «Мероприятия» -------------------------------------------------------------------------


def _events_sheet(w: SheetWriter, data: SummaryData, t: Translator) -> None:
    w.widths(56, 14, 14)
    w.line(t("summary-events-title"), look=TITLE)
    w.gap()
    w.line(t("summary-by-type"), look=BOLD_TEXT)
    kinds = events_by_type(data.events)
    headers = [
        t("summary-column-event-type"),
        t("summary-column-events"),
        t("summary-column-participants"),
    ]
    rows = [[kind.name, kind.events, kind.participants] for kind in kinds]
    block = w.table(headers, rows, (WRAPPED,))
    if block is not None:
        w.line(
            t("summary-total"), len(data.events), sum(k.participants for k in kinds), look=BOLD_TEXT
        )
        chart = bar_chart(w.sheet, block, t("summary-chart-events"), (3, 3))
        w.chart_beside(block, chart)
    w.gap()
    _reach_lines(w, data, t)


def _reach_lines(w: SheetWriter, data: SummaryData, t: Translator) -> None:
    reach = low_result_reach(data.events, data.low_result_schools)
    w.line(t("summary-participants-total"), sum(event.participants for event in data.events))
    w.line(t("summary-low-result-reached"), reach.reached)
    w.line(t("summary-low-result-total"), reach.total)
    share = reach.share
    if share is None:
        w.line(t("summary-low-result-share"), t("summary-no-data"))
    else:
        row = w.line(t("summary-low-result-share"), share)
        w.sheet.cell(row, 2).number_format = PERCENT.number_format


_SHEETS: tuple[tuple[str, SheetFunction], ...] = (
    ("summary-sheet-targets", _targets_sheet),
    ("summary-sheet-difficulties", _difficulties_sheet),
    ("summary-sheet-consultations", _consultations_sheet),
    ("summary-sheet-mentoring", _mentoring_sheet),
    ("summary-sheet-events", _events_sheet),
)
