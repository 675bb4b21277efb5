"""«📊 Выгрузки»: a register (or the summary) for a period, sent as an Excel file.

/exports → a register of a form in the catalogue → the period (this month, quarter, school
year, all time, in the configured zone) → «Готовлю файл…» → the document. The router
admits exporters only; ``denied`` refuses everyone else's command and buttons. A button's
version id is checked against the database and the person's scope on every press: a forged
one gets at most what the scope allows (a municipal coordinator: their municipalities,
anonymised).
"""

from __future__ import annotations

import io
from datetime import timedelta
from enum import StrEnum

from aiogram import Bot, Router
from aiogram.enums import ChatAction
from aiogram.filters.callback_data import CallbackData
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder
from aiogram.utils.text_decorations import html_decoration

from forms.i18n import Translator
from forms.schema import Form
from forms.targets import PeriodKind, period_of
from forms.values import format_date
from handlers.access import CallbackPrefixes, Commands, HasRole, Scope, refused
from handlers.clock import Clock
from handlers.exporter import (
    EXPORTERS,
    Exporter,
    ExportRefused,
    Order,
    Period,
    Requester,
    may_export,
)
from handlers.staff import refuse_button, refuse_command, role_name
from storage.catalog import FormCatalog

COMMAND = "exports"
PREFIX = "ex"
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
    """A register: ``v`` is a version id of the form; without ``p`` the period is asked."""

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
    builder.adjust(1)
    if not builder.buttons:
        await message.answer(i18n("exports-none"))
        return
    await message.answer(i18n("exports-choose"), reply_markup=builder.as_markup())


async def export_step(
    query: CallbackQuery,
    callback_data: ExportCallback,
    *,
    scope: Scope,
    catalog: FormCatalog,
    exporter: Exporter,
    bot: Bot,
    i18n: Translator,
    clock: Clock,
) -> None:
    async with exporter.db.read() as uow:
        form = await catalog.version(callback_data.v, uow)
    if form is None or not may_export(scope, form):
        refused(query, "an export beyond their role")
        await query.answer(i18n("access-denied"), show_alert=True)
        return
    if not isinstance(query.message, Message):
        await query.answer()
        return
    if callback_data.p is None:
        await query.answer()
        await query.message.edit_text(
            i18n("exports-choose-period", title=quote(form.title)),
            reply_markup=_periods(i18n, callback_data.v),
        )
        return
    await query.answer(i18n("exports-preparing"))
    order = Order(form.id, period=period_for(callback_data.p, clock))
    await _send_register(
        query, query.message, order, form, scope=scope, exporter=exporter, bot=bot, t=i18n
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


async def _send_register(
    query: CallbackQuery,
    message: Message,
    order: Order,
    form: Form,
    *,
    scope: Scope,
    exporter: Exporter,
    bot: Bot,
    t: Translator,
) -> None:
    await message.answer(t("exports-preparing"))
    await bot.send_chat_action(message.chat.id, ChatAction.UPLOAD_DOCUMENT)
    requester = Requester(scope, _who(query, scope, t))
    out = io.BytesIO()
    try:
        done = await exporter.register(order, requester, out)
    except ExportRefused as error:
        refused(query, f"an export ({error.message_id})")
        await message.answer(error.text(t))
        return
    content = out.getvalue()
    if len(content) > SEND_LIMIT:
        await message.answer(t("exports-too-large"))
        return
    caption = _caption(t, form, order.period, done.rows, anonymous=done.anonymous)
    await message.answer_document(BufferedInputFile(content, done.filename), caption=caption)


def _who(query: CallbackQuery, scope: Scope, t: Translator) -> str:
    """The requester as «О выгрузке» names them: their Telegram name, role and id."""
    name, role = query.from_user.full_name, role_name(t, scope.role)
    return t("export-by-person", name=name, role=role, id=str(scope.user_id))


def _caption(t: Translator, form: Form, period: Period, rows: int, *, anonymous: bool) -> str:
    if period.first is None or period.last is None:
        when = t("exports-caption-all-time")
    else:
        when = t(
            "export-period-between", first=format_date(period.first), last=format_date(period.last)
        )
    message_id = "exports-caption-anonymous" if anonymous else "exports-caption"
    return t(message_id, title=quote(form.title), period=when, rows=rows)
