"""Consultation requests as use cases: after a request is sent (the workflow), free times
(/slot, /slots), /requests, the request's buttons, and the reminder the day before.

Every press is checked against the database first; every change is one conditional UPDATE,
so of two people pressing at the same moment one wins and the other is told so."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta

from forms.values import parse_date
from forms.vocabulary import REGIONAL, STAFF, CaseStatus, Role
from handlers.access import Access, Scope
from handlers.outbox.queue import queue
from handlers.ui import Keyboard, Notice, Reply
from handlers.workflows import FollowUp, Sent, WorkflowSpec
from handlers.workflows.consultation import SPEC
from handlers.workflows.consultation.screens import (
    PARENT_ACTS,
    Act,
    ConsultCallback,
    Texts,
    consultant_buttons,
    coordinator_buttons,
    given_slot_buttons,
    parent_cancel_button,
    parent_cancel_question,
    slot_buttons,
    slots_listing,
)
from storage.database import Database
from storage.dto import CaseDTO, SlotDTO, StaffDTO
from storage.repositories import UnitOfWork

KIND = SPEC.kind
OPEN = frozenset({CaseStatus.new, CaseStatus.scheduled})
REQUESTS_SHOWN = 20
_TIME = re.compile(r"([01]?\d|2[0-3])[:.]([0-5]\d)")


def may_handle(person: StaffDTO, case: CaseDTO) -> bool:
    """Consultants and municipal coordinators of the request's municipality; regional staff."""
    if person.role in REGIONAL:
        return True
    return case.municipality_id is not None and case.municipality_id in person.municipality_ids


class ConsultationWorkflow:
    """After a request is sent: open the case, offer free times, tell the consultants."""

    spec: WorkflowSpec = SPEC

    def __init__(self, texts: Texts, slots_shown: int) -> None:
        self.texts, self.slots_shown = texts, slots_shown

    async def offer(self, uow: UnitOfWork, submission_id: int, *, again: bool = False) -> Reply:
        """Free times to pick from, or word that the consultant will call. ``again``: the
        time the parent pressed was just taken by someone else."""
        t = self.texts.t
        free = await uow.slots.free(self.texts.clock.now_utc(), self.slots_shown)
        if not free:
            return Reply(
                t("consult-no-slots-left" if again else "consult-no-slots", number=submission_id)
            )
        markup = slot_buttons(self.texts, submission_id, free)
        return Reply(
            t("consult-choose-other" if again else "consult-choose-time", number=submission_id),
            markup,
        )

    async def submitted(self, uow: UnitOfWork, sent: Sent) -> FollowUp:
        await uow.cases.open(sent.submission.id, KIND, CaseStatus.new)
        case = await uow.cases.get(sent.submission.id)  # with the school's municipality
        assert case is not None
        reply = await self.offer(uow, case.submission_id)
        staff = [p for p in await uow.roles.staff() if p.role in STAFF and may_handle(p, case)]
        return FollowUp(replies=(reply,), notices=tuple(self._notices(staff, sent, case)))

    def _notices(self, staff: Iterable[StaffDTO], sent: Sent, case: CaseDTO) -> Iterable[Notice]:
        t = self.texts.t
        for person in staff:
            consultant = person.role is Role.consultant
            body = self.texts.request(sent.form, sent.answers, personal=consultant)
            text = t("consult-new-request", number=case.submission_id, details=body)
            markup = consultant_buttons(t, case) if consultant else coordinator_buttons(t, case)
            yield Notice(person.id, text, markup)


class Conflict(Exception):
    """Someone else was first, or the request moved on: roll back and say so."""

    def __init__(self, message_id: str) -> None:
        super().__init__(message_id)
        self.message_id = message_id


@dataclass(frozen=True, slots=True)
class Done:
    """What a press came to: the pressed message's new text (or a new message), notices to
    others; or an ``alert`` (nothing changed) and ``more`` to say; ``denied``: a button
    beyond the person's role, to be logged."""

    text: str | None = None
    markup: Keyboard | None = None
    notices: tuple[Notice, ...] = ()
    as_new_message: bool = False
    alert: str | None = None
    more: tuple[Reply, ...] = ()
    denied: bool = False


class Consultations:
    """The use cases of consultants, parents and coordinators; built once."""

    def __init__(self, db: Database, access: Access, workflow: ConsultationWorkflow) -> None:
        self.db, self.access, self.workflow = db, access, workflow
        self.texts, self.t = workflow.texts, workflow.texts.t

    # --- free times -------------------------------------------------------------------

    def parse_moment(self, text: str) -> datetime | None:
        """``25.11.2026 15:00`` in the local zone → an aware datetime; None when unreadable."""
        parts = text.split()
        if len(parts) != 2 or not (match := _TIME.fullmatch(parts[1])):
            return None
        day = parse_date(parts[0])
        if day is None:
            return None
        at = time(int(match.group(1)), int(match.group(2)))
        return datetime.combine(day, at, tzinfo=self.texts.clock.zone)

    async def add_slot(self, scope: Scope, arguments: str) -> str:
        """/slot 25.11.2026 15:00: the answer to the consultant."""
        moment = self.parse_moment(arguments)
        if moment is None:
            return self.t("slot-how")
        if moment <= self.texts.clock.now():
            return self.t("slot-in-past")
        async with self.db.transaction() as uow:
            slot = await uow.slots.add(scope.user_id, moment)
        key = "slot-added" if slot is not None else "slot-exists"
        return self.t(key, when=self.texts.when(moment))

    async def slots(self, scope: Scope) -> Reply:
        async with self.db.read() as uow:
            slots = await uow.slots.of_consultant(scope.user_id, self.texts.clock.now_utc())
        if not slots:
            return Reply(self.t("slots-empty"))
        text, keyboard = slots_listing(self.texts, slots)
        return Reply(text, keyboard)

    async def remove_slot(self, scope: Scope, slot_id: int) -> bool:
        async with self.db.transaction() as uow:
            return await uow.slots.remove(slot_id, scope.user_id)

    # --- /requests --------------------------------------------------------------------------

    async def requests(self, user_id: int) -> list[Reply]:
        """Staff: the open requests they handle. Anyone else: their own open requests."""
        scope = await self.access.scope(user_id)
        staff = scope.role in STAFF
        async with self.db.read() as uow:
            if staff:
                found = await uow.cases.find(KIND, statuses=OPEN)
                cases = [c for c in found if scope.covers(c.municipality_id)]
            else:
                cases = await uow.cases.find(KIND, statuses=OPEN, respondent_id=user_id)
            cases = cases[:REQUESTS_SHOWN]
            slots = {c.submission_id: await uow.slots.of_submission(c.submission_id) for c in cases}
        if not cases:
            return [Reply(self.t("requests-empty"))]
        return [self._request_line(case, slots[case.submission_id], staff) for case in cases]

    def _request_line(self, case: CaseDTO, slot: SlotDTO | None, staff: bool) -> Reply:
        texts = self.texts
        when = texts.when(slot.starts_at) if slot is not None else texts.t("requests-no-time")
        status = texts.t(f"consult-status-{case.status.value}")
        text = texts.t("requests-line", number=case.submission_id, status=status, when=when)
        if staff:
            return Reply(text, consultant_buttons(texts.t, case))
        return Reply(text, parent_cancel_button(texts.t, case.submission_id))

    # --- the request's buttons ------------------------------------------------------------

    async def press(self, user_id: int, data: ConsultCallback) -> Done:
        async with self.db.read() as uow:
            case = await uow.cases.get(data.s)
        if case is None or case.kind != KIND:
            return Done(alert=self.t("stale-button"))
        if data.a in PARENT_ACTS:
            allowed = case.respondent_id == user_id
        else:
            allowed = await self._staff_may(user_id, case, data.a)
        if not allowed:
            return Done(alert=self.t("access-denied"), denied=True)
        try:
            async with self.db.transaction() as uow:
                done = await _STEPS[data.a](self, uow, data, case, user_id)
                await queue(uow, done.notices, self.texts.clock.now_utc())
                return done
        except Conflict as error:
            return await self._refusal(error.message_id, case, user_id)

    async def _staff_may(self, user_id: int, case: CaseDTO, act: Act) -> bool:
        scope = await self.access.scope(user_id)
        if scope.role not in STAFF or not scope.covers(case.municipality_id):
            return False
        if act in (Act.give, Act.give_slot):
            return scope.role is Role.consultant
        if act in (Act.held, Act.no_show):
            return scope.role in REGIONAL or case.assignee_id == user_id
        return True

    async def _refusal(self, message_id: str, case: CaseDTO, user_id: int) -> Done:
        """Why nothing changed; a parent whose time was just taken gets the free ones."""
        more: tuple[Reply, ...] = ()
        if message_id == "consult-slot-taken" and case.respondent_id == user_id:
            async with self.db.read() as uow:
                more = (await self.workflow.offer(uow, case.submission_id, again=True),)
        return Done(alert=self.t(message_id), more=more)

    async def _take(self, uow: UnitOfWork, slot_id: int, case: CaseDTO) -> SlotDTO:
        """Book the slot for the request and schedule it, or raise Conflict (rolled back)."""
        if case.status is not CaseStatus.new:
            raise Conflict("consult-not-new")
        now = self.texts.clock.now_utc()
        slot = await uow.slots.get(slot_id)
        if slot is None or not await uow.slots.book(slot_id, case.submission_id, now):
            raise Conflict("consult-slot-taken")
        scheduled = await uow.cases.move(
            case.submission_id,
            {CaseStatus.new},
            CaseStatus.scheduled,
            assignee_id=slot.consultant_id,
        )
        if not scheduled:
            raise Conflict("consult-not-new")
        await uow.audit.record(None, "consultation_scheduled", submission=case.submission_id)
        return slot

    async def _book(self, uow: UnitOfWork, data: ConsultCallback, case: CaseDTO, _u: int) -> Done:
        slot = await self._take(uow, data.slot, case)
        when, t = self.texts.when(slot.starts_at), self.t
        scheduled = replace(case, status=CaseStatus.scheduled, assignee_id=slot.consultant_id)
        notice = Notice(
            slot.consultant_id,
            t("consult-booked-notice", number=case.submission_id, when=when),
            consultant_buttons(t, scheduled),
        )
        return Done(
            t("consult-booked", when=when), parent_cancel_button(t, case.submission_id), (notice,)
        )

    async def _later(self, _uow: UnitOfWork, _d: ConsultCallback, case: CaseDTO, _u: int) -> Done:
        if case.status is not CaseStatus.new:
            raise Conflict("consult-not-new")
        return Done(self.t("consult-later", number=case.submission_id))

    async def _ask_cancel(
        self, _uow: UnitOfWork, _d: ConsultCallback, case: CaseDTO, _u: int
    ) -> Done:
        if case.status not in OPEN:
            raise Conflict("consult-closed")
        return Done(
            self.t("consult-cancel-confirm", number=case.submission_id),
            parent_cancel_question(self.t, case.submission_id),
        )

    async def _cancel(self, uow: UnitOfWork, _d: ConsultCallback, case: CaseDTO, user: int) -> Done:
        await self._close(uow, case, CaseStatus.cancelled, user, reason="parent")
        notices: tuple[Notice, ...] = ()
        if case.assignee_id is not None:
            text = self.t("consult-cancelled-by-parent", number=case.submission_id)
            notices = (Notice(case.assignee_id, text),)
        return Done(self.t("consult-cancelled", number=case.submission_id), None, notices)

    async def _drop(self, uow: UnitOfWork, _d: ConsultCallback, case: CaseDTO, user: int) -> Done:
        await self._close(uow, case, CaseStatus.cancelled, user, reason="staff")
        text = self.t("consult-cancelled-by-staff", number=case.submission_id)
        notice = Notice(case.respondent_id, text)
        return Done(self.t("consult-dropped", number=case.submission_id), None, (notice,))

    async def _close(
        self, uow: UnitOfWork, case: CaseDTO, status: CaseStatus, user: int, reason: str
    ) -> None:
        allowed = OPEN if status is CaseStatus.cancelled else {CaseStatus.scheduled}
        if not await uow.cases.move(case.submission_id, allowed, status, reason=reason):
            raise Conflict("consult-closed")
        if status is CaseStatus.cancelled:
            await uow.slots.release(case.submission_id)
        await uow.audit.record(user, f"consultation_{status.value}", submission=case.submission_id)

    async def _held(self, uow: UnitOfWork, _d: ConsultCallback, case: CaseDTO, user: int) -> Done:
        await self._close(uow, case, CaseStatus.held, user, reason="")
        return Done(self.t("consult-marked-held", number=case.submission_id))

    async def _no_show(
        self, uow: UnitOfWork, _d: ConsultCallback, case: CaseDTO, user: int
    ) -> Done:
        await self._close(uow, case, CaseStatus.no_show, user, reason="")
        return Done(self.t("consult-marked-no-show", number=case.submission_id))

    async def _give(self, uow: UnitOfWork, _d: ConsultCallback, case: CaseDTO, user: int) -> Done:
        if case.status is not CaseStatus.new:
            raise Conflict("consult-not-new")
        now = self.texts.clock.now_utc()
        free = [s for s in await uow.slots.of_consultant(user, now) if s.submission_id is None]
        if not free:
            raise Conflict("consult-give-no-slots")
        keyboard = given_slot_buttons(
            self.texts, case.submission_id, free[: self.workflow.slots_shown]
        )
        text = self.t("consult-give-choose", number=case.submission_id)
        return Done(text, keyboard, as_new_message=True)

    async def _give_slot(
        self, uow: UnitOfWork, data: ConsultCallback, case: CaseDTO, user: int
    ) -> Done:
        slot = await uow.slots.get(data.slot)
        if slot is None or slot.consultant_id != user:
            raise Conflict("consult-slot-taken")
        await self._take(uow, data.slot, case)
        t, when = self.t, self.texts.when(slot.starts_at)
        scheduled = replace(case, status=CaseStatus.scheduled, assignee_id=user)
        notice = Notice(
            case.respondent_id,
            t("consult-scheduled-for-parent", number=case.submission_id, when=when),
            parent_cancel_button(t, case.submission_id),
        )
        text = t("consult-given", number=case.submission_id, when=when)
        return Done(text, consultant_buttons(t, scheduled), (notice,))

    # --- the reminder the day before -------------------------------------------------------

    async def remind(self, hours: int) -> int:
        """Queue reminders to parents of consultations within ``hours``. Each slot is marked
        (one conditional UPDATE) in the transaction that queues its reminder: at most one
        reminder, even with several processes. Returns how many were queued."""
        now = self.texts.clock.now_utc()
        async with self.db.read() as uow:
            due = await uow.slots.due(now, now + timedelta(hours=hours))
        queued = 0
        for slot in due:
            async with self.db.transaction() as uow:
                claimed = await uow.slots.mark_reminded(slot.id)
                case = await uow.cases.get(slot.submission_id) if slot.submission_id else None
                if claimed and case is not None and case.status is CaseStatus.scheduled:
                    reminder = self._reminder(case, slot)
                    queued += await queue(uow, [reminder], now, purpose="consultation-reminder")
        return queued

    def _reminder(self, case: CaseDTO, slot: SlotDTO) -> Notice:
        when = self.texts.when(slot.starts_at)
        return Notice(
            case.respondent_id,
            self.t("consult-reminder", number=case.submission_id, when=when),
            parent_cancel_button(self.t, case.submission_id),
        )


Step = Callable[[Consultations, UnitOfWork, ConsultCallback, CaseDTO, int], Awaitable[Done]]
_STEPS: dict[Act, Step] = {
    Act.book: Consultations._book,
    Act.later: Consultations._later,
    Act.cancel: Consultations._ask_cancel,
    Act.cancel_yes: Consultations._cancel,
    Act.give: Consultations._give,
    Act.give_slot: Consultations._give_slot,
    Act.held: Consultations._held,
    Act.no_show: Consultations._no_show,
    Act.drop: Consultations._drop,
}
