"""«📊 Выгрузки» in Telegram: /exports → a register or the summary → the period →
«Готовлю файл…» → the document. The router admits exporters only; ``denied`` refuses
everyone else's command and buttons."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.enums import ChatAction
from aiogram.types import BufferedInputFile, CallbackQuery, Message

from forms.vocabulary import STAFF
from handlers.access import Scope
from handlers.container import Services
from handlers.exporting.registers import Requester
from handlers.exporting.service import ExportCallback
from handlers.staff.screens import role_name
from handlers.telegram.filters import Commands, HasRole, Pressed
from handlers.telegram.markup import answer, inline
from handlers.telegram.refusals import refused, refusing

COMMAND = "exports"


def setup() -> Router:
    router = Router(name=__name__)
    exporters = HasRole(STAFF)
    router.message.register(show_registers, Commands(COMMAND), exporters)
    router.callback_query.register(export_step, Pressed(ExportCallback), exporters)
    return router


def denied() -> Router:
    """/exports and «ex» buttons from anyone the router above did not admit."""
    return refusing(f"{__name__}.denied", (COMMAND,), (ExportCallback,))


async def show_registers(message: Message, scope: Scope, services: Services) -> None:
    await answer(message, [services.exports.choices(scope)])


async def export_step(
    query: CallbackQuery,
    callback_data: ExportCallback,
    scope: Scope,
    services: Services,
    bot: Bot,
) -> None:
    t, exports = services.t, services.exports
    job = await exports.job(scope, callback_data.v)
    if job is None:
        refused(query, "an export beyond their role")
        await query.answer(t("access-denied"), show_alert=True)
        return
    message = query.message
    if not isinstance(message, Message):
        await query.answer()
        return
    if callback_data.p is None:
        await query.answer()
        await message.edit_text(job.question, reply_markup=inline(exports.periods(callback_data.v)))
        return
    await query.answer(t("exports-preparing"))
    await message.answer(t("exports-preparing"))
    await bot.send_chat_action(message.chat.id, ChatAction.UPLOAD_DOCUMENT)
    who = t(
        "export-by-person",
        name=query.from_user.full_name,
        role=role_name(t, scope.role),
        id=str(scope.user_id),
    )
    file = await exports.file(job, exports.period_for(callback_data.p), Requester(scope, who))
    if file.refused_as is not None:
        refused(query, f"an export ({file.refused_as})")
    if file.refusal is not None:
        await message.answer(file.refusal)
        return
    document = BufferedInputFile(file.content, file.name)
    await message.answer_document(document, caption=file.caption)
