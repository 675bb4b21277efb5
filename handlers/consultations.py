"""Buttons and commands of consultation requests: parents book and cancel; consultants
publish free times (/slot, /slots), give times and record the outcome; /requests lists them."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta

from aiogram import Bot, Router
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.exc import IntegrityError

from forms.values import parse_date
from forms.vocabulary import CaseStatus, Role
from handlers.access import (
    Access,
    CallbackPrefixes,
    Commands,
    HasRole,
    Scope,
    refuse_button,
    refuse_command,
    refused,
)
from handlers.dialog.followup import Notice
from handlers.dialog.handlers import notify
from handlers.workflows.consultations import (
    KIND,
    OPEN,
    PARENT_ACTS,
    Act,
    ConsultationWorkflow,
    ConsultCallback,
    consultant_buttons,
    parent_cancel_button,
)
from storage.database import Database
from storage.dto import CaseDTO, SlotDTO
from storage.repositories import UnitOfWork

CONSULTANTS = HasRole({Role.consultant})
STAFF = frozenset({Role.consultant, Role.admin, Role.coordinator, Role.municipal})
REGIONAL = frozenset({Role.admin, Role.coordinator})
SLOT_BUTTON = "sl"
REQUESTS_SHOWN = 20
_TIME = re.compile(r"([01]?\d|2[0-3])[:.]([0-5]\d)")


class Conflict(Exception):
    """Someone else was first, or the request moved on: roll back and say so."""

    def __init__(self, message_id: str) -> None:
        super().__init__(message_id)
        self.message_id = message_id


@dataclass(frozen=True, slots=True)
class Done:
    """What a press changed: the new text of the pressed message, and notices."""

    text: str
    markup: InlineKeyboardMarkup | None = None
    notices: tuple[Notice, ...] = ()
    as_new_message: bool = False


def setup() -> Router:
    router = Router(name=__name__)
    router.message.register(add_slot, Commands("slot"), CONSULTANTS)
    router.message.register(list_slots, Commands("slots"), CONSULTANTS)
    router.message.register(refuse_command, Commands("slot", "slots"))
    router.message.register(list_requests, Commands("requests"))
    router.callback_query.register(remove_slot, CallbackPrefixes(SLOT_BUTTON), CONSULTANTS)
    router.callback_query.register(refuse_button, CallbackPrefixes(SLOT_BUTTON))
    router.callback_query.register(on_press, ConsultCallback.filter())
    return router


# --- free times -------------------------------------------------------------------------


def parse_moment(text: str, workflow: ConsultationWorkflow) -> datetime | None:
    """``25.11.2026 15:00`` in the local zone → an aware datetime; None when unreadable."""
    parts = text.split()
    if len(parts) != 2 or not (match := _TIME.fullmatch(parts[1])):
        return None
    day = parse_date(parts[0])
    if day is None:
        return None
    at = time(int(match.group(1)), int(match.group(2)))
    return datetime.combine(day, at, tzinfo=workflow.texts.clock.zone)


async def add_slot(
    message: Message, scope: Scope, db: Database, consultations: ConsultationWorkflow
) -> None:
    texts = consultations.texts
    arguments = (message.text or "").partition(" ")[2]
    moment = parse_moment(arguments, consultations)
    if moment is None:
        await message.answer(texts.t("slot-how"))
        return
    if moment <= texts.clock.now():
        await message.answer(texts.t("slot-in-past"))
        return
    async with db.transaction() as uow:
        slot = await uow.slots.add(scope.user_id, moment)
    key = "slot-added" if slot is not None else "slot-exists"
    await message.answer(texts.t(key, when=texts.when(moment)))


async def list_slots(
    message: Message, scope: Scope, db: Database, consultations: ConsultationWorkflow
) -> None:
    texts = consultations.texts
    async with db.read() as uow:
        slots = await uow.slots.of_consultant(scope.user_id, texts.clock.now_utc())
    if not slots:
        await message.answer(texts.t("slots-empty"))
        return
    lines, builder = [texts.t("slots-title")], InlineKeyboardBuilder()
    for slot in slots:
        when = texts.when(slot.starts_at)
        if slot.submission_id is None:
            lines.append(texts.t("slots-line-free", when=when))
            data = f"{SLOT_BUTTON}:{slot.id}"
            builder.button(text=texts.t("slots-button-remove", when=when), callback_data=data)
        else:
            lines.append(texts.t("slots-line-booked", when=when, number=slot.submission_id))
    builder.adjust(1)
    await message.answer("\n".join(lines), reply_markup=builder.as_markup())


async def remove_slot(
    query: CallbackQuery, scope: Scope, db: Database, consultations: ConsultationWorkflow
) -> None:
    slot_id = (query.data or "").removeprefix(f"{SLOT_BUTTON}:")
    removed = False
    if slot_id.isdigit():
        async with db.transaction() as uow:
            removed = await uow.slots.remove(int(slot_id), scope.user_id)
    t = consultations.texts.t
    await query.answer(t("slot-removed" if removed else "slot-not-removed"), show_alert=True)
    if removed and isinstance(query.message, Message):
        await query.message.edit_reply_markup(reply_markup=None)


# --- /requests ------------------------------------------------------------------------------


async def list_requests(
    message: Message, db: Database, access: Access, consultations: ConsultationWorkflow
) -> None:
    """Staff: the open requests they handle. Anyone else: their own open requests."""
    if message.from_user is None:
        return
    t, user_id = consultations.texts.t, message.from_user.id
    scope = await access.scope(user_id)
    async with db.read() as uow:
        if scope.role in STAFF:
            cases = [
                c
                for c in await uow.cases.find(KIND, statuses=OPEN)
                if scope.covers(c.municipality_id)
            ]
        else:
            cases = await uow.cases.find(KIND, statuses=OPEN, respondent_id=user_id)
        cases = cases[:REQUESTS_SHOWN]
        slots = {c.submission_id: await uow.slots.of_submission(c.submission_id) for c in cases}
    if not cases:
        await message.answer(t("requests-empty"))
        return
    for case in cases:
        text, markup = _request_line(
            case, slots[case.submission_id], scope.role in STAFF, consultations
        )
        await message.answer(text, reply_markup=markup)


def _request_line(
    case: CaseDTO, slot: SlotDTO | None, staff: bool, consultations: ConsultationWorkflow
) -> tuple[str, InlineKeyboardMarkup | None]:
    texts = consultations.texts
    when = texts.when(slot.starts_at) if slot is not None else texts.t("requests-no-time")
    status = texts.t(f"consult-status-{case.status.value}")
    text = texts.t("requests-line", number=case.submission_id, status=status, when=when)
    if staff:
        return text, consultant_buttons(texts.t, case)
    return text, parent_cancel_button(texts.t, case.submission_id)


# --- the request's buttons -------------------------------------------------------------------


async def on_press(
    query: CallbackQuery,
    callback_data: ConsultCallback,
    *,
    db: Database,
    access: Access,
    consultations: ConsultationWorkflow,
    bot: Bot,
) -> None:
    async with db.read() as uow:
        case = await uow.cases.get(callback_data.s)
    t, user_id = consultations.texts.t, query.from_user.id
    if case is None or case.kind != KIND:
        await query.answer(t("stale-button"), show_alert=True)
        return
    if callback_data.a in PARENT_ACTS:
        allowed = case.respondent_id == user_id
    else:
        allowed = await _staff_may(access, user_id, case, callback_data.a)
    if not allowed:
        refused(query, f"consultation button {callback_data.a.value}")
        await query.answer(t("access-denied"), show_alert=True)
        return
    await _act(query, callback_data, case, db=db, consultations=consultations, bot=bot)


async def _staff_may(access: Access, user_id: int, case: CaseDTO, act: Act) -> bool:
    scope = await access.scope(user_id)
    if scope.role not in STAFF or not scope.covers(case.municipality_id):
        return False
    if act in (Act.give, Act.give_slot):
        return scope.role is Role.consultant
    if act in (Act.held, Act.no_show):
        return scope.role in REGIONAL or case.assignee_id == user_id
    return True


async def _act(
    query: CallbackQuery,
    data: ConsultCallback,
    case: CaseDTO,
    *,
    db: Database,
    consultations: ConsultationWorkflow,
    bot: Bot,
) -> None:
    step = _STEPS[data.a]
    try:
        async with db.transaction() as uow:
            done = await step(uow, data, case, consultations, query.from_user.id)
    except (Conflict, IntegrityError) as error:
        await _refuse(query, error, case, db=db, consultations=consultations, bot=bot)
        return
    await query.answer()
    if isinstance(query.message, Message):
        if done.as_new_message:
            await query.message.answer(done.text, reply_markup=done.markup)
        else:
            await query.message.edit_text(done.text, reply_markup=done.markup)
    await notify(bot, done.notices)


async def _refuse(
    query: CallbackQuery,
    error: Exception,
    case: CaseDTO,
    *,
    db: Database,
    consultations: ConsultationWorkflow,
    bot: Bot,
) -> None:
    """Say why nothing changed; a parent whose time was just taken gets the free ones."""
    message_id = error.message_id if isinstance(error, Conflict) else "consult-slot-taken"
    await query.answer(consultations.texts.t(message_id), show_alert=True)
    if message_id == "consult-slot-taken" and case.respondent_id == query.from_user.id:
        async with db.read() as uow:
            reply = await consultations.offer(uow, case.submission_id, again=True)
        if query.message is not None:
            await bot.send_message(query.message.chat.id, reply.text, reply_markup=reply.markup)


Step = Callable[[UnitOfWork, ConsultCallback, CaseDTO, ConsultationWorkflow, int], Awaitable[Done]]


async def _take(
    uow: UnitOfWork, slot_id: int, case: CaseDTO, consultations: ConsultationWorkflow
) -> SlotDTO:
    """Book the slot for the request and schedule it, or raise Conflict (rolled back)."""
    if case.status is not CaseStatus.new:
        raise Conflict("consult-not-new")
    now = consultations.texts.clock.now_utc()
    slot = await uow.slots.get(slot_id)
    if slot is None or not await uow.slots.book(slot_id, case.submission_id, now):
        raise Conflict("consult-slot-taken")
    scheduled = await uow.cases.move(
        case.submission_id, {CaseStatus.new}, CaseStatus.scheduled, assignee_id=slot.consultant_id
    )
    if not scheduled:
        raise Conflict("consult-not-new")
    await uow.audit.record(None, "consultation_scheduled", submission=case.submission_id)
    return slot


async def _book(
    uow: UnitOfWork, data: ConsultCallback, case: CaseDTO, c: ConsultationWorkflow, _user: int
) -> Done:
    slot = await _take(uow, data.slot, case, c)
    when, t = c.texts.when(slot.starts_at), c.texts.t
    scheduled = replace(case, status=CaseStatus.scheduled, assignee_id=slot.consultant_id)
    notice = Notice(
        slot.consultant_id,
        t("consult-booked-notice", number=case.submission_id, when=when),
        consultant_buttons(t, scheduled),
    )
    return Done(
        t("consult-booked", when=when), parent_cancel_button(t, case.submission_id), (notice,)
    )


async def _later(
    _uow: UnitOfWork, _data: ConsultCallback, case: CaseDTO, c: ConsultationWorkflow, _user: int
) -> Done:
    if case.status is not CaseStatus.new:
        raise Conflict("consult-not-new")
    return Done(c.texts.t("consult-later", number=case.submission_id))


async def _ask_cancel(
    _uow: UnitOfWork, _data: ConsultCallback, case: CaseDTO, c: ConsultationWorkflow, _user: int
) -> Done:
    if case.status not in OPEN:
        raise Conflict("consult-closed")
    builder = InlineKeyboardBuilder()
    yes = ConsultCallback(s=case.submission_id, a=Act.cancel_yes)
    builder.button(text=c.texts.t("consult-button-cancel-yes"), callback_data=yes)
    return Done(c.texts.t("consult-cancel-confirm", number=case.submission_id), builder.as_markup())


async def _cancel(
    uow: UnitOfWork, _data: ConsultCallback, case: CaseDTO, c: ConsultationWorkflow, user: int
) -> Done:
    await _close(uow, case, CaseStatus.cancelled, user, reason="parent")
    t = c.texts.t
    notices: tuple[Notice, ...] = ()
    if case.assignee_id is not None:
        notices = (
            Notice(case.assignee_id, t("consult-cancelled-by-parent", number=case.submission_id)),
        )
    return Done(t("consult-cancelled", number=case.submission_id), None, notices)


async def _drop(
    uow: UnitOfWork, _data: ConsultCallback, case: CaseDTO, c: ConsultationWorkflow, user: int
) -> Done:
    await _close(uow, case, CaseStatus.cancelled, user, reason="staff")
    t = c.texts.t
    notice = Notice(case.respondent_id, t("consult-cancelled-by-staff", number=case.submission_id))
    return Done(t("consult-dropped", number=case.submission_id), None, (notice,))


async def _close(
    uow: UnitOfWork, case: CaseDTO, status: CaseStatus, user: int, reason: str
) -> None:
    allowed = OPEN if status is CaseStatus.cancelled else {CaseStatus.scheduled}
    if not await uow.cases.move(case.submission_id, allowed, status, reason=reason):
        raise Conflict("consult-closed")
    if status is CaseStatus.cancelled:
        await uow.slots.release(case.submission_id)
    await uow.audit.record(user, f"consultation_{status.value}", submission=case.submission_id)


async def _held(
    uow: UnitOfWork, _data: ConsultCallback, case: CaseDTO, c: ConsultationWorkflow, user: int
) -> Done:
    await _close(uow, case, CaseStatus.held, user, reason="")
    return Done(c.texts.t("consult-marked-held", number=case.submission_id))


async def _no_show(
    uow: UnitOfWork, _data: ConsultCallback, case: CaseDTO, c: ConsultationWorkflow, user: int
) -> Done:
    await _close(uow, case, CaseStatus.no_show, user, reason="")
    return Done(c.texts.t("consult-marked-no-show", number=case.submission_id))


async def _give(
    uow: UnitOfWork, _data: ConsultCallback, case: CaseDTO, c: ConsultationWorkflow, user: int
) -> Done:
    if case.status is not CaseStatus.new:
        raise Conflict("consult-not-new")
    t, now = c.texts.t, c.texts.clock.now_utc()
    free = [s for s in await uow.slots.of_consultant(user, now) if s.submission_id is None]
    if not free:
        raise Conflict("consult-give-no-slots")
    builder = InlineKeyboardBuilder()
    for slot in free[: c.slots_shown]:
        data = ConsultCallback(s=case.submission_id, a=Act.give_slot, slot=slot.id)
        builder.button(text=c.texts.when(slot.starts_at), callback_data=data)
    builder.adjust(2)
    return Done(
        t("consult-give-choose", number=case.submission_id),
        builder.as_markup(),
        as_new_message=True,
    )


async def _give_slot(
    uow: UnitOfWork, data: ConsultCallback, case: CaseDTO, c: ConsultationWorkflow, user: int
) -> Done:
    slot = await uow.slots.get(data.slot)
    if slot is None or slot.consultant_id != user:
        raise Conflict("consult-slot-taken")
    await _take(uow, data.slot, case, c)
    t, when = c.texts.t, c.texts.when(slot.starts_at)
    scheduled = replace(case, status=CaseStatus.scheduled, assignee_id=user)
    notice = Notice(
        case.respondent_id,
        t("consult-scheduled-for-parent", number=case.submission_id, when=when),
        parent_cancel_button(t, case.submission_id),
    )
    text = t("consult-given", number=case.submission_id, when=when)
    return Done(text, consultant_buttons(t, scheduled), (notice,))


_STEPS: dict[Act, Step] = {
    Act.book: _book,
    Act.later: _later,
    Act.cancel: _ask_cancel,
    Act.cancel_yes: _cancel,
    Act.give: _give,
    Act.give_slot: _give_slot,
    Act.held: _held,
    Act.no_show: _no_show,
    Act.drop: _drop,
}


# --- the reminder the day before -------------------------------------------------------------


async def send_reminders(
    bot: Bot, db: Database, consultations: ConsultationWorkflow, hours: int
) -> int:
    """Remind parents of consultations within ``hours``. Each slot is claimed (one conditional
    UPDATE) before its message goes out: at most one reminder, even with several processes."""
    now = consultations.texts.clock.now_utc()
    async with db.read() as uow:
        due = await uow.slots.due(now, now + timedelta(hours=hours))
    sent = 0
    for slot in due:
        async with db.transaction() as uow:
            claimed = await uow.slots.mark_reminded(slot.id)
            case = await uow.cases.get(slot.submission_id) if slot.submission_id else None
        if claimed and case is not None and case.status is CaseStatus.scheduled:
            await notify(bot, (_reminder(case, slot, consultations),))
            sent += 1
    return sent


def _reminder(case: CaseDTO, slot: SlotDTO, consultations: ConsultationWorkflow) -> Notice:
    t, when = consultations.texts.t, consultations.texts.when(slot.starts_at)
    return Notice(
        case.respondent_id,
        t("consult-reminder", number=case.submission_id, when=when),
        parent_cancel_button(t, case.submission_id),
    )
