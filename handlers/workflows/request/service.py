"""Schools' requests as use cases: after a request is sent (the workflow), the coordinators'
buttons, /support, and what the school's heads are told at each step.

Every press reads the request in the transaction that changes it; every change is one
conditional UPDATE, so of two coordinators pressing at once one wins and the other is told."""

from __future__ import annotations

from dataclasses import dataclass

from forms.i18n import Translator
from forms.vocabulary import CaseStatus
from handlers.access import Scope
from handlers.outbox.queue import queue
from handlers.ui import Keyboard, Notice, Reply
from handlers.workflows import FollowUp, Sent, WorkflowSpec
from handlers.workflows.coordinators import coordinators_of
from handlers.workflows.profile.screens import person_name
from handlers.workflows.request import SPEC
from handlers.workflows.request.screens import (
    REASONS,
    RequestAct,
    RequestCallback,
    buttons,
    card,
    reason_buttons,
)
from storage.catalog import FormCatalog
from storage.database import Database
from storage.dto import CaseDTO
from storage.repositories import UnitOfWork
from storage.types import utcnow

KIND = SPEC.kind
OPEN = frozenset({CaseStatus.new, CaseStatus.accepted})
SHOWN = 20
"""Open requests /support lists at most."""
MOVES: dict[RequestAct, tuple[frozenset[CaseStatus], CaseStatus]] = {
    RequestAct.accept: (frozenset({CaseStatus.new}), CaseStatus.accepted),
    RequestAct.done: (frozenset({CaseStatus.accepted}), CaseStatus.done),
    RequestAct.reason: (OPEN, CaseStatus.declined),
}


class RequestWorkflow:
    """After a request is sent: open the case, tell the coordinators, thank the school."""

    spec: WorkflowSpec = SPEC

    def __init__(self, t: Translator) -> None:
        self.t = t

    async def submitted(self, uow: UnitOfWork, sent: Sent) -> FollowUp:
        case = await uow.cases.open(sent.submission.id, KIND, CaseStatus.new)
        school = await uow.schools.school(case.school_id) if case.school_id else None
        name = school.short_name if school is not None else "—"
        text = card(self.t, sent.form, sent.answers, case.submission_id, name)
        markup = buttons(self.t, case.submission_id, CaseStatus.new)
        notices = [
            Notice(person.id, self.t("request-new", card=text), markup)
            for person in await coordinators_of(uow, case.municipality_id)
        ]
        await uow.audit.record(case.respondent_id, "request_sent", request=case.submission_id)
        reply = Reply(self.t("request-sent", number=case.submission_id))
        return FollowUp(replies=(reply,), notices=tuple(notices))


@dataclass(frozen=True, slots=True)
class Pressed:
    """The coordinator's message, changed; or an alert (nothing changed)."""

    text: str | None = None
    markup: Keyboard | None = None
    alert: str | None = None


class Requests:
    """The coordinators' side of schools' requests; built once."""

    def __init__(self, db: Database, catalog: FormCatalog, t: Translator) -> None:
        self.db, self.catalog, self.t = db, catalog, t

    async def open_requests(self, scope: Scope) -> list[Reply]:
        """/support: the open requests of this coordinator's municipalities, oldest first."""
        async with self.db.read() as uow:
            cases = await uow.cases.find(KIND, statuses=OPEN)
            mine = [case for case in cases if scope.covers(case.municipality_id)]
            shown = [await self._card(uow, case) for case in mine[:SHOWN]]
        cards = [Reply(c.text or "", c.markup) for c in shown]
        if not mine:
            return [Reply(self.t("request-none-open"))]
        title = Reply(self.t("request-open-title", count=len(mine)))
        more = (
            [Reply(self.t("request-open-more", count=len(mine) - SHOWN))]
            if len(mine) > SHOWN
            else []
        )
        return [title, *cards, *more]

    async def press(self, scope: Scope, data: RequestCallback) -> Pressed:
        async with self.db.transaction() as uow:
            case = await uow.cases.get(data.s)
            if case is None or case.kind != KIND or not scope.covers(case.municipality_id):
                return Pressed(alert=self.t("request-gone"))
            if data.a in (RequestAct.decline, RequestAct.back):
                return await self._look(uow, case, data.a)
            return await self._move(uow, scope, case, data)

    async def _look(self, uow: UnitOfWork, case: CaseDTO, act: RequestAct) -> Pressed:
        """The reasons to decline, or back to the request: nothing changes."""
        if case.status not in OPEN:
            return Pressed(alert=self.t("request-moved-on"))
        shown = await self._card(uow, case)
        if act is RequestAct.decline:
            return Pressed(shown.text, reason_buttons(self.t, case.submission_id))
        return shown

    async def _move(
        self, uow: UnitOfWork, scope: Scope, case: CaseDTO, data: RequestCallback
    ) -> Pressed:
        allowed, status = MOVES[data.a]
        if data.a is RequestAct.reason and data.r not in REASONS:
            return Pressed(alert=self.t("request-gone"))
        values: dict[str, object] = {}
        if data.a is RequestAct.accept:
            values["assignee_id"] = scope.user_id
        if data.a is RequestAct.reason:
            values["reason"] = data.r
        if not await uow.cases.move(case.submission_id, allowed, status, **values):
            return Pressed(alert=self.t("request-moved-on"))
        moved = await uow.cases.get(case.submission_id)
        assert moved is not None
        await uow.audit.record(scope.user_id, f"request_{status.value}", request=case.submission_id)
        await self._tell_school(uow, scope, moved)
        return await self._card(uow, moved)

    async def _tell_school(self, uow: UnitOfWork, scope: Scope, case: CaseDTO) -> None:
        """Every head of the school hears where its request stands."""
        if case.school_id is None:
            return
        who = person_name(await uow.users.get(scope.user_id))
        reason = self.t(f"request-reason-{case.reason}") if case.reason else ""
        text = self.t(
            f"request-{case.status.value}-school",
            number=case.submission_id,
            person=who,
            reason=reason,
        )
        heads = await uow.users.heads_of(case.school_id)
        await queue(uow, [Notice(head.id, text) for head in heads], utcnow())

    async def _card(self, uow: UnitOfWork, case: CaseDTO) -> Pressed:
        form = await self.catalog.version(case.form_version_id, uow)
        answers = await uow.submissions.answers(case.submission_id)
        school = await uow.schools.school(case.school_id) if case.school_id else None
        name = school.short_name if school is not None else "—"
        text = card(self.t, form, answers, case.submission_id, name)
        status = self.t(f"request-status-{case.status.value}")
        if case.assignee_id is not None:
            status += " " + self.t(
                "request-status-by", person=person_name(await uow.users.get(case.assignee_id))
            )
        return Pressed(f"{text}\n\n{status}", buttons(self.t, case.submission_id, case.status))
