"""«📊 Выгрузки»: a register (or the summary) for a period, sent as an Excel file.

/exports → a register of a form in the catalogue, or «Сводка рабочей группы» → the period
(this month, quarter, school year, all time, in the configured zone) → «Готовлю файл…» →
the document. The router
admits exporters only; ``denied`` refuses everyone else's command and buttons. A button's
version id is checked against the database and the person's scope on every press: a forged
one gets at most what the scope allows (a municipal coordinator: their municipalities,
anonymised).
"""

from __future__ import annotations

import io
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from aiogram import Bot, Router
from aiogram.enums import ChatAction
from aiogram.filters.callback_data import CallbackData
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder
from aiogram.utils.text_decorations import html_decoration

from forms.i18n import Translator
from forms.targets import PeriodKind, period_of
from handlers.access import (
    CallbackPrefixes,
    Commands,
    HasRole,
    Scope,
    refuse_button,
    refuse_command,
    refused,
)
from handlers.clock import Clock
from handlers.exporter import (
    EXPORTERS,
    Exported,
    Exporter,
    ExportRefused,
    Order,
    Period,
    Requester,
    may_export,
    period_text,
)
from handlers.staff import role_name
from handlers.summaries import Summarizer, may_summarise
from storage.catalog import FormCatalog

COMMAND = "exports"
PREFIX = "ex"
SUMMARY = 0
"""``v`` of the summary's buttons (version ids start at 1)."""
SEND_LIMIT = 50 * 1024 * 1024
"""Telegram refuses documents over 50 MB from bots."""
quote = html_decoration.quote


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


class ExportCallback(CallbackData, prefix=PREFIX):
    """A register (``v``: a version id of the form) or the summary (``v`` = 0); without
    ``p`` the period is asked."""

    v: int
    p: Span | None = None


def setup() -> Router:
    router = Router(name=__name__)
    exporters = HasRole(EXPORTERS)
    router.message.register(show_registers, Commands(COMMAND), exporters)
    router.callback_query.register(export_step, ExportCallback.filter(), exporters)
    return router


def denied() -> Router:
    """/exports and «ex» buttons from anyone the router above did not admit."""
    router = Router(name=f"{__name__}.denied")
    router.message.register(refuse_command, Commands(COMMAND))
    router.callback_query.register(refuse_button, CallbackPrefixes(PREFIX))
    return router


async def show_registers(
    message: Message, scope: Scope, catalog: FormCatalog, i18n: Translator
) -> None:
    builder = InlineKeyboardBuilder()
    for entry in catalog.all():
        if may_export(scope, entry.form):
            builder.button(text=entry.form.title, callback_data=ExportCallback(v=entry.version_id))
    if may_summarise(scope):
        builder.button(text=i18n("exports-button-summary"), callback_data=ExportCallback(v=SUMMARY))
    builder.adjust(1)
    if not builder.buttons:
        await message.answer(i18n("exports-none"))
        return
    await message.answer(i18n("exports-choose"), reply_markup=builder.as_markup())


@dataclass(frozen=True, slots=True)
class Job:
    """What a press asks for: a question of the period, then a file and its caption."""

    question: str
    make: Callable[[Period, Requester, io.BytesIO], Awaitable[Exported]]
    caption: Callable[[Period, Exported], str]


async def export_step(
    query: CallbackQuery,
    callback_data: ExportCallback,
    *,
    scope: Scope,
    catalog: FormCatalog,
    exporter: Exporter,
    summarizer: Summarizer,
    bot: Bot,
    i18n: Translator,
    clock: Clock,
) -> None:
    if callback_data.v == SUMMARY:
        job = _summary_job(scope, summarizer, i18n)
    else:
        job = await _register_job(callback_data.v, scope, catalog, exporter, i18n)
    if job is None:
        refused(query, "an export beyond their role")
        await query.answer(i18n("access-denied"), show_alert=True)
        return
    if not isinstance(query.message, Message):
        await query.answer()
        return
    if callback_data.p is None:
        await query.answer()
        markup = _periods(i18n, callback_data.v)
        await query.message.edit_text(job.question, reply_markup=markup)
        return
    await query.answer(i18n("exports-preparing"))
    period = period_for(callback_data.p, clock)
    await _deliver(query, query.message, job, period, scope=scope, bot=bot, t=i18n)


async def _register_job(
    version_id: int, scope: Scope, catalog: FormCatalog, exporter: Exporter, t: Translator
) -> Job | None:
    async with exporter.db.read() as uow:
        form = await catalog.version(version_id, uow)
    if form is None or not may_export(scope, form):
        return None
    title = quote(form.title)

    def caption(period: Period, done: Exported) -> str:
        message_id = "exports-caption-anonymous" if done.anonymous else "exports-caption"
        return t(message_id, title=title, period=period_text(period, t), rows=done.rows)

    return Job(
        t("exports-choose-period", title=title),
        lambda period, requester, out: exporter.register(Order(form.id, period), requester, out),
        caption,
    )


def _summary_job(scope: Scope, summarizer: Summarizer, t: Translator) -> Job | None:
    if not may_summarise(scope):
        return None
    return Job(
        t("exports-summary-period"),
        summarizer.summary,
        lambda period, done: t(
            "exports-summary-caption", period=period_text(period, t), rows=done.rows
        ),
    )


def period_for(span: Span, clock: Clock) -> Period:
    """This month, quarter or school year in the configured zone; or all time."""
    kind = SPAN_KINDS.get(span)
    if kind is None:
        return Period()
    found = period_of(kind, clock.today())
    return Period(found.start, found.end - timedelta(days=1))


def _periods(t: Translator, version_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for span in Span:
        builder.button(
            text=t(f"exports-period-{span.name}"),
            callback_data=ExportCallback(v=version_id, p=span),
        )
    builder.adjust(2)
    return builder.as_markup()


async def _deliver(
    query: CallbackQuery,
    message: Message,
    job: Job,
    period: Period,
    *,
    scope: Scope,
    bot: Bot,
    t: Translator,
) -> None:
    """«Готовлю файл…», then the file (built off the event loop) or why there is none."""
    await message.answer(t("exports-preparing"))
    await bot.send_chat_action(message.chat.id, ChatAction.UPLOAD_DOCUMENT)
    out = io.BytesIO()
    try:
        done = await job.make(period, Requester(scope, _who(query, scope, t)), out)
    except ExportRefused as error:
        refused(query, f"an export ({error.message_id})")
        await message.answer(error.text(t))
        return
    content = out.getvalue()
    if len(content) > SEND_LIMIT:
        await message.answer(t("exports-too-large"))
        return
    file = BufferedInputFile(content, done.filename)
    await message.answer_document(file, caption=job.caption(period, done))


def _who(query: CallbackQuery, scope: Scope, t: Translator) -> str:
    """The requester as «О выгрузке» names them: their Telegram name, role and id."""
    name, role = query.from_user.full_name, role_name(t, scope.role)
    return t("export-by-person", name=name, role=role, id=str(scope.user_id))
