"""Monitoring waves: a regional coordinator opens and closes the waves of ``per_period``
forms (входной, промежуточный, итоговый). Teachers answer once per wave."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from aiogram import Router
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder
from aiogram.utils.text_decorations import html_decoration

from forms.i18n import Translator
from forms.values import format_date
from forms.vocabulary import Role
from forms.waves import school_year, wave_kinds
from handlers.access import (
    CallbackPrefixes,
    Commands,
    HasRole,
    Scope,
    refuse_button,
    refuse_command,
)
from handlers.clock import Clock
from storage.catalog import FormCatalog
from storage.database import Database
from storage.dto import WaveDTO

MANAGERS = HasRole({Role.admin, Role.coordinator})
PREFIX = "wv"


class WaveAct(StrEnum):
    choose = "c"  # which kind of wave to open
    open = "o"
    close = "x"  # ask
    close_yes = "y"
    close_no = "n"


class WaveCallback(CallbackData, prefix=PREFIX):
    a: WaveAct
    f: str = ""
    k: str = ""
    w: int = 0


def setup() -> Router:
    router = Router(name=__name__)
    router.message.register(show_waves, Commands("waves"), MANAGERS)
    router.callback_query.register(on_wave, WaveCallback.filter(), MANAGERS)
    router.message.register(refuse_command, Commands("waves"))
    router.callback_query.register(refuse_button, CallbackPrefixes(PREFIX))
    return router


async def show_waves(
    message: Message, db: Database, catalog: FormCatalog, clock: Clock, i18n: Translator
) -> None:
    text, markup = await _overview(db, catalog, clock, i18n)
    await message.answer(text, reply_markup=markup)


async def _overview(
    db: Database, catalog: FormCatalog, clock: Clock, t: Translator
) -> tuple[str, InlineKeyboardMarkup | None]:
    forms = [entry.form for entry in catalog.all() if entry.form.responses == "per_period"]
    if not forms:
        return t("waves-no-forms"), None
    today, lines = clock.today(), [t("waves-title")]
    builder = InlineKeyboardBuilder()
    async with db.read() as uow:
        for form in forms:
            waves = await uow.waves.of_form(form.id)
            lines.append(t("waves-form", title=html_decoration.quote(form.title)))
            lines += [_wave_line(wave, today, t) for wave in waves] or [t("waves-none")]
            current = next((wave for wave in waves if wave.is_open(today)), None)
            if current is None:
                data = WaveCallback(a=WaveAct.choose, f=form.id)
                builder.button(text=t("waves-button-open", title=form.title), callback_data=data)
            else:
                data = WaveCallback(a=WaveAct.close, w=current.id)
                builder.button(text=t("waves-button-close", wave=current.title), callback_data=data)
    builder.adjust(1)
    return "\n".join(lines), builder.as_markup()


def _wave_line(wave: WaveDTO, today: date, t: Translator) -> str:
    status = "open" if wave.is_open(today) else "closed"
    return t(
        f"waves-line-{status}",
        wave=html_decoration.quote(wave.title),
        start=format_date(wave.opens_on),
        end=format_date(wave.closes_on),
    )


async def on_wave(
    query: CallbackQuery,
    callback_data: WaveCallback,
    *,
    scope: Scope,
    db: Database,
    catalog: FormCatalog,
    clock: Clock,
    i18n: Translator,
) -> None:
    act = callback_data.a
    if act is WaveAct.choose:
        await _choose_kind(query, callback_data.f, catalog, clock, i18n)
    elif act is WaveAct.open:
        await _open(query, callback_data, scope=scope, db=db, catalog=catalog, clock=clock, t=i18n)
    elif act is WaveAct.close:
        await _ask_close(query, callback_data.w, db, i18n)
    elif act is WaveAct.close_yes:
        await _close(query, callback_data.w, scope, db, i18n)
    else:
        await query.answer()
        if isinstance(query.message, Message):
            await query.message.edit_text(i18n("waves-close-kept"))


async def _choose_kind(
    query: CallbackQuery, form_id: str, catalog: FormCatalog, clock: Clock, t: Translator
) -> None:
    entry = catalog.current(form_id)
    if entry is None or entry.form.responses != "per_period":
        await query.answer(t("stale-button"), show_alert=True)
        return
    await query.answer()
    today = clock.today()
    builder = InlineKeyboardBuilder()
    for kind in wave_kinds().kinds:
        until = format_date(kind.closes_on(today))
        builder.button(
            text=t("waves-button-kind", kind=kind.title, date=until),
            callback_data=WaveCallback(a=WaveAct.open, f=form_id, k=kind.id),
        )
    builder.adjust(1)
    if isinstance(query.message, Message):
        title = html_decoration.quote(entry.form.title)
        await query.message.answer(
            t("waves-choose-kind", title=title), reply_markup=builder.as_markup()
        )


async def _open(
    query: CallbackQuery,
    data: WaveCallback,
    *,
    scope: Scope,
    db: Database,
    catalog: FormCatalog,
    clock: Clock,
    t: Translator,
) -> None:
    entry, kind = catalog.current(data.f), wave_kinds().get(data.k)
    if entry is None or kind is None or entry.form.responses != "per_period":
        await query.answer(t("stale-button"), show_alert=True)
        return
    today = clock.today()
    async with db.transaction() as uow:
        current = await uow.waves.current(data.f, today)
        if current is None:
            title = f"{kind.title} {school_year(today)}"
            wave = await uow.waves.open(
                data.f,
                kind=kind.id,
                title=title,
                opens_on=today,
                closes_on=kind.closes_on(today),
                created_by=scope.user_id,
            )
            await uow.audit.record(scope.user_id, "wave_opened", form=data.f, wave=wave.id)
    if current is not None:
        await query.answer(t("waves-already-open", wave=current.title), show_alert=True)
        return
    await query.answer()
    if isinstance(query.message, Message):
        text = t(
            "waves-opened",
            wave=html_decoration.quote(wave.title),
            title=html_decoration.quote(entry.form.title),
            date=format_date(wave.closes_on),
        )
        await query.message.edit_text(text)


async def _ask_close(query: CallbackQuery, wave_id: int, db: Database, t: Translator) -> None:
    async with db.read() as uow:
        wave = await uow.waves.get(wave_id)
    if wave is None or wave.closed_at is not None:
        await query.answer(t("stale-button"), show_alert=True)
        return
    await query.answer()
    builder = InlineKeyboardBuilder()
    builder.button(
        text=t("waves-button-close-yes"), callback_data=WaveCallback(a=WaveAct.close_yes, w=wave_id)
    )
    builder.button(
        text=t("waves-button-close-no"), callback_data=WaveCallback(a=WaveAct.close_no, w=wave_id)
    )
    builder.adjust(1)
    if isinstance(query.message, Message):
        text = t("waves-close-confirm", wave=html_decoration.quote(wave.title))
        await query.message.answer(text, reply_markup=builder.as_markup())


async def _close(
    query: CallbackQuery, wave_id: int, scope: Scope, db: Database, t: Translator
) -> None:
    async with db.transaction() as uow:
        wave = await uow.waves.get(wave_id)
        closed = wave is not None and await uow.waves.close(wave_id)
        if closed:
            await uow.audit.record(scope.user_id, "wave_closed", wave=wave_id)
    if wave is None or not closed:
        await query.answer(t("waves-already-closed"), show_alert=True)
        return
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.edit_text(t("waves-closed", wave=html_decoration.quote(wave.title)))
