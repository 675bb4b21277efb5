"""«📊 Выгрузки» as use cases: the registers (or the summary) a person may export, the period,
and the file with its caption.

A button carries a version id of a form (0 for the summary) and a period; every press is
checked again against the database and the person's scope, so a forged one gets at most
what the scope allows (a municipal coordinator: their municipalities, anonymised)."""

from __future__ import annotations

import io
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from forms.i18n import Translator
from forms.targets import PeriodKind, period_of
from handlers.access import Scope
from handlers.clock import Clock
from handlers.exporting.registers import (
    Exported,
    Exporter,
    ExportRefused,
    Order,
    Period,
    Requester,
    period_text,
)
from handlers.exporting.summary import Summarizer, may_summarise
from handlers.ui import Button, Callback, Keyboard, Reply, quote
from storage.catalog import FormCatalog

SUMMARY = 0
"""``v`` of the summary's buttons (version ids start at 1)."""
SEND_LIMIT = 50 * 1024 * 1024
"""Telegram refuses documents over 50 MB from bots."""


class Span(StrEnum):
    month = "m"
    quarter = "q"
    year = "y"
    all = "a"


SPAN_KINDS: dict[Span, PeriodKind] = {
    Span.month: "month",
    Span.quarter: "quarter",
    Span.year: "school_year",
}


class ExportCallback(Callback, prefix="ex"):
    """A register (``v``: a version id of the form) or the summary (``v`` = 0); without
    ``p`` the period is asked."""

    v: int
    p: Span | None = None


@dataclass(frozen=True, slots=True)
class Job:
    """What a press asks for: a question of the period, then a file and its caption."""

    question: str
    make: Callable[[Period, Requester, io.BytesIO], Awaitable[Exported]]
    caption: Callable[[Period, Exported], str]


@dataclass(frozen=True, slots=True)
class File:
    """A finished file to send, or ``refusal`` (a text) when there is none."""

    content: bytes = b""
    name: str = ""
    caption: str = ""
    refusal: str | None = None
    refused_as: str | None = None  # the reason logged, when the scope refused it


@dataclass(frozen=True, slots=True)
class Exports:
    catalog: FormCatalog
    exporter: Exporter
    summarizer: Summarizer
    t: Translator
    clock: Clock

    def choices(self, scope: Scope) -> Reply:
        """A button per register the person may export, and the summary."""
        buttons = [
            Button(entry.form.title, ExportCallback(v=entry.version_id).pack())
            for entry in self.catalog.with_withdrawn()
            if self.exporter.may_export(scope, entry.form)
        ]
        if may_summarise(scope):
            buttons.append(
                Button(self.t("exports-button-summary"), ExportCallback(v=SUMMARY).pack())
            )
        if not buttons:
            return Reply(self.t("exports-none"))
        return Reply(self.t("exports-choose"), Keyboard.grid(buttons, 1))

    async def job(self, scope: Scope, version_id: int) -> Job | None:
        """What the button asks for, or None when it is beyond the person's role."""
        if version_id == SUMMARY:
            return self._summary_job(scope)
        return await self._register_job(scope, version_id)

    def periods(self, version_id: int) -> Keyboard:
        buttons = [
            Button(
                self.t(f"exports-period-{span.name}"), ExportCallback(v=version_id, p=span).pack()
            )
            for span in Span
        ]
        return Keyboard.grid(buttons, 2)

    def period_for(self, span: Span) -> Period:
        """This month, quarter or school year in the configured zone; or all time."""
        kind = SPAN_KINDS.get(span)
        if kind is None:
            return Period()
        found = period_of(kind, self.clock.today())
        return Period(found.start, found.end - timedelta(days=1))

    async def file(self, job: Job, period: Period, requester: Requester) -> File:
        """The file built off the event loop, or why there is none."""
        out = io.BytesIO()
        try:
            done = await job.make(period, requester, out)
        except ExportRefused as error:
            return File(refusal=error.text(self.t), refused_as=error.message_id)
        content = out.getvalue()
        if len(content) > SEND_LIMIT:
            return File(refusal=self.t("exports-too-large"))
        return File(content, done.filename, job.caption(period, done))

    async def _register_job(self, scope: Scope, version_id: int) -> Job | None:
        async with self.exporter.db.read() as uow:
            form = await self.catalog.version(version_id, uow)
        if form is None or not self.exporter.may_export(scope, form):
            return None
        t, title, exporter = self.t, quote(form.title), self.exporter

        def caption(period: Period, done: Exported) -> str:
            message_id = "exports-caption-anonymous" if done.anonymous else "exports-caption"
            return t(message_id, title=title, period=period_text(period, t), rows=done.rows)

        return Job(
            t("exports-choose-period", title=title),
            lambda period, requester, out: exporter.register(
                Order(form.id, period), requester, out
            ),
            caption,
        )

    def _summary_job(self, scope: Scope) -> Job | None:
        if not may_summarise(scope):
            return None
        t = self.t
        return Job(
            t("exports-summary-period"),
            self.summarizer.summary,
            lambda period, done: t(
                "exports-summary-caption", period=period_text(period, t), rows=done.rows
            ),
        )
