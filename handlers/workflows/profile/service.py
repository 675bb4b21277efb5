"""The profile kept from the form «О себе», and heads' claims of their schools."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from forms.i18n import Translator
from forms.vocabulary import CaseStatus, PersonKind, Role
from handlers.access import Access, Scope
from handlers.outbox.queue import queue
from handlers.ui import Notice, Reply, quote
from handlers.workflows import FollowUp, Sent, WorkflowSpec
from handlers.workflows.coordinators import coordinators_of
from handlers.workflows.profile import HEAD_CLAIM, SPEC
from handlers.workflows.profile.screens import HeadAct, claim_buttons, claim_text, person_name
from storage.dto import CaseDTO, SchoolDTO, UserDTO
from storage.repositories import UnitOfWork
from storage.types import utcnow

SCHOOL_QUESTIONS = ("school", "child_school")
CLAIMS_SHOWN = 20
"""Pending claims /heads lists at most (each with its buttons)."""
CLAIMING = frozenset({Role.respondent, Role.school_head})
"""Roles a claim applies to: staff keep their role whatever they say about themselves."""


class ProfileWorkflow:
    spec: WorkflowSpec = SPEC

    def __init__(self, t: Translator) -> None:
        self.t = t

    async def submitted(self, uow: UnitOfWork, sent: Sent) -> FollowUp:
        user_id = sent.submission.respondent_id
        kind = sent.answers.get("kind")
        school_id = await _school_id(uow, sent.answers)
        known = kind if kind in set(PersonKind) else None
        before = await uow.users.get(user_id)
        await uow.users.set_profile(user_id, known, school_id)
        if before is None or before.role not in CLAIMING:
            return FollowUp()
        replies: list[Reply] = []
        heads = known == PersonKind.head and school_id is not None
        if before.role is Role.school_head and (not heads or school_id != before.school_id):
            await end_headship(uow, before)
            replies.append(Reply(self.t("head-role-ended")))
        elif before.role is Role.school_head:
            return FollowUp()
        if not heads or school_id is None:
            await cancel_claims(uow, user_id)
            return FollowUp(replies=tuple(replies))
        return await self._claim(uow, sent.submission.id, before, school_id, replies)

    async def _claim(
        self, uow: UnitOfWork, number: int, user: UserDTO, school_id: int, replies: list[Reply]
    ) -> FollowUp:
        school = await uow.schools.school(school_id)
        assert school is not None
        await cancel_claims(uow, user.id)
        await uow.cases.open(number, HEAD_CLAIM, CaseStatus.pending)
        await uow.audit.record(user.id, "head_claimed", school_id=school_id, claim=number)
        deciders = await coordinators_of(uow, school.municipality_id)
        text, markup = claim_text(self.t, user, school), claim_buttons(self.t, number)
        notices = tuple(Notice(person.id, text, markup) for person in deciders)
        replies.append(Reply(self.t("head-claim-sent", school=quote(school.short_name))))
        return FollowUp(replies=tuple(replies), notices=notices)


async def cancel_claims(uow: UnitOfWork, user_id: int) -> None:
    """The person's claims still waiting are void (they changed their school or their role)."""
    for claim in await uow.cases.find(
        HEAD_CLAIM, statuses=[CaseStatus.pending], respondent_id=user_id
    ):
        await uow.cases.move(claim.submission_id, [CaseStatus.pending], CaseStatus.cancelled)


async def end_headship(uow: UnitOfWork, user: UserDTO) -> None:
    await uow.roles.grant(user.id, Role.respondent)
    await uow.audit.record(user.id, "head_role_ended", school_id=user.school_id)


async def _school_id(uow: UnitOfWork, answers: Mapping[str, Any]) -> int | None:
    for question in SCHOOL_QUESTIONS:
        value = answers.get(question)
        if isinstance(value, Mapping) and value.get("code"):
            school = await uow.schools.school_by_code(str(value["code"]))
            if school is not None:
                return school.id
    return None


@dataclass(frozen=True, slots=True)
class Decided:
    """The coordinator's message, changed; or an alert (nothing changed)."""

    text: str | None = None
    alert: str | None = None


@dataclass(frozen=True, slots=True)
class Claim:
    case: CaseDTO
    user: UserDTO | None
    school: SchoolDTO | None


class _Stale(Exception):
    """The claim no longer holds: the transaction rolls back."""


class HeadClaims:
    """Coordinators confirm or decline heads' claims (the buttons, /heads)."""

    def __init__(self, access: Access, t: Translator) -> None:
        self.access, self.t, self.db = access, t, access.db

    async def pending(self, scope: Scope) -> list[Reply]:
        """/heads: the claims waiting for this coordinator, each with its buttons."""
        async with self.db.read() as uow:
            cases = await uow.cases.find(HEAD_CLAIM, statuses=[CaseStatus.pending])
            mine = [case for case in cases if scope.covers(case.municipality_id)]
            claims = [await _claim(uow, case) for case in mine]
        if not claims:
            return [Reply(self.t("head-claims-none"))]
        shown = [
            Reply(claim_text(self.t, c.user, c.school), claim_buttons(self.t, c.case.submission_id))
            for c in claims[:CLAIMS_SHOWN]
            if c.school is not None
        ]
        more = len(claims) - CLAIMS_SHOWN
        tail = [Reply(self.t("head-claims-more", count=more))] if more > 0 else []
        return [Reply(self.t("head-claims-title", count=len(claims))), *shown, *tail]

    async def decide(self, scope: Scope, number: int, act: HeadAct) -> Decided:
        """A coordinator's press: one conditional move of the claim, so of two coordinators
        pressing at once one decides and the other is told."""
        confirm = act is HeadAct.confirm
        try:
            async with self.db.transaction() as uow:
                case = await uow.cases.get(number)
                if (
                    case is None
                    or case.kind != HEAD_CLAIM
                    or not scope.covers(case.municipality_id)
                ):
                    return Decided(alert=self.t("head-claim-gone"))
                claim = await _claim(uow, case)
                if claim.school is None or not _still_claimed(claim):
                    return Decided(alert=self.t("head-claim-decided"))
                status = CaseStatus.accepted if confirm else CaseStatus.declined
                moved = await uow.cases.move(
                    number, [CaseStatus.pending], status, assignee_id=scope.user_id
                )
                if not moved:
                    return Decided(alert=self.t("head-claim-decided"))
                if confirm and not await uow.users.make_head(case.respondent_id, claim.school.id):
                    raise _Stale  # the person changed their school meanwhile: roll back
                school = quote(claim.school.short_name)
                await self._record(uow, scope, case, confirm, school)
        except _Stale:
            return Decided(alert=self.t("head-claim-decided"))
        said = "head-claim-confirmed" if confirm else "head-claim-declined"
        return Decided(text=self.t(said, person=person_name(claim.user), school=school))

    async def _record(
        self, uow: UnitOfWork, scope: Scope, case: CaseDTO, confirm: bool, school: str
    ) -> None:
        """The audit entry, and word to the person, queued (the role is given already)."""
        action = "head_confirmed" if confirm else "head_declined"
        number = case.submission_id
        await uow.audit.record(scope.user_id, action, user=case.respondent_id, claim=number)
        told = self.t(
            "head-claim-confirmed-you" if confirm else "head-claim-declined-you", school=school
        )
        await queue(uow, [Notice(case.respondent_id, told)], utcnow())


async def _claim(uow: UnitOfWork, case: CaseDTO) -> Claim:
    user = await uow.users.get(case.respondent_id)
    school = await uow.schools.school(case.school_id) if case.school_id is not None else None
    return Claim(case, user, school)


def _still_claimed(claim: Claim) -> bool:
    """Pending, and the person still says they head that school (they may have changed it
    since)."""
    user, school = claim.user, claim.school
    return (
        claim.case.status is CaseStatus.pending
        and user is not None
        and school is not None
        and user.kind == PersonKind.head
        and user.school_id == school.id
        and user.role in CLAIMING
    )
