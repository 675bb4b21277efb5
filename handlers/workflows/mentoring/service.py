"""Mentoring pairs as use cases: after a registration is sent (the workflow), the mentee's
invitation link, /pairs, and the pairs' buttons.

Every press reads the pair in the transaction that changes it and checks the button against
it (whose pair, which status, the invitation's code); a change of status is one conditional
UPDATE, so of two presses at the same moment one wins and the other is told what happened.
Messages to the other side are returned, to be sent after the commit."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace

from forms.i18n import Translator
from forms.vocabulary import CaseStatus
from handlers.clock import Clock
from handlers.outbox.queue import queue
from handlers.ui import Keyboard, Links, Notice, Reply, split_text
from handlers.workflows import FollowUp, Sent, WorkflowSpec
from handlers.workflows.mentoring import SPEC
from handlers.workflows.mentoring.screens import (
    CANCELLED,
    DECLINED,
    OPEN,
    PAIR_PREFIX,
    REASONS,
    Pair,
    PairAct,
    PairCallback,
    card_buttons,
    card_text,
    closed_line,
    invitation_buttons,
    invitation_text,
    limits_mentee,
    new_code,
    person,
    question_buttons,
    reason,
    reason_buttons,
    share_button,
    subject_key,
    title,
    topic,
)
from storage.catalog import FormCatalog
from storage.database import Database
from storage.dto import CaseDTO
from storage.repositories import UnitOfWork
from storage.repositories.users import TelegramProfile

KIND = SPEC.kind


async def invitation_link(links: Links, code: str) -> str:
    return await links.start_link(PAIR_PREFIX + code)


class MentoringWorkflow:
    """After a pair is registered: the case waits for the mentee; the mentor gets the link."""

    spec: WorkflowSpec = SPEC

    def __init__(self, t: Translator) -> None:
        self.t = t

    async def submitted(self, uow: UnitOfWork, sent: Sent) -> FollowUp:
        pair, code = sent.submission.id, new_code()
        subject = subject_key(sent.answers.get("subject"))
        await uow.cases.open(pair, KIND, CaseStatus.pending, code=code, subject=subject)
        await uow.audit.record(sent.submission.respondent_id, "pair_registered", pair=pair)
        return FollowUp(replies=(await self._invitation(sent.links, pair, code),))

    async def _invitation(self, links: Links | None, pair: int, code: str) -> Reply:
        if links is None:  # no bot to name in the link: /pairs shows it
            return Reply(self.t("mentoring-registered-no-link", number=pair))
        link = await invitation_link(links, code)
        markup = Keyboard.of([share_button(self.t, link)])
        return Reply(self.t("mentoring-registered", number=pair, link=link), markup)


# --- reading pairs ----------------------------------------------------------------------------


async def load_pair(uow: UnitOfWork, catalog: FormCatalog, submission_id: int) -> Pair | None:
    case = await uow.cases.get(submission_id)
    if case is None or case.kind != KIND:
        return None
    return await _pair(uow, catalog, case)


async def pair_by_code(uow: UnitOfWork, catalog: FormCatalog, code: str) -> Pair | None:
    case = await uow.cases.by_code(code)
    if case is None or case.kind != KIND:
        return None
    return await _pair(uow, catalog, case)


async def pairs_of(uow: UnitOfWork, catalog: FormCatalog, user_id: int) -> list[Pair]:
    """A person's pairs as mentor or mentee, with their meetings counted."""
    cases = await uow.cases.find(KIND, party_id=user_id)
    counts = await uow.cases.attached_counts(case.submission_id for case in cases)
    return [await _pair(uow, catalog, case, counts[case.submission_id]) for case in cases]


async def _pair(uow: UnitOfWork, catalog: FormCatalog, case: CaseDTO, meetings: int = 0) -> Pair:
    mentee = await uow.users.get(case.assignee_id) if case.assignee_id is not None else None
    return Pair(
        case=case,
        form=await catalog.version(case.form_version_id, uow),
        answers=await uow.submissions.answers(case.submission_id),
        mentor=await uow.users.get(case.respondent_id),
        mentee=mentee,
        meetings=meetings,
    )


@dataclass(frozen=True, slots=True)
class Screen:
    """The answer to a press: an alert, the pressed message changed, messages to others;
    or the meeting form to open about the pair ``meeting``."""

    alert: str | None = None
    edit: Reply | None = None
    notices: tuple[Notice, ...] = ()
    meeting: int | None = None
    meeting_form: str = ""


# Who may press what: the statuses a party's button works in, and whether only the mentor.
PARTY_ACTS: dict[PairAct, tuple[frozenset[CaseStatus], bool]] = {
    PairAct.meeting: (frozenset({CaseStatus.active}), False),
    PairAct.complete: (frozenset({CaseStatus.active}), False),
    PairAct.complete_yes: (frozenset({CaseStatus.active}), False),
    PairAct.dissolve: (frozenset({CaseStatus.active}), False),
    PairAct.dissolve_ask: (frozenset({CaseStatus.active}), False),
    PairAct.dissolve_yes: (frozenset({CaseStatus.active}), False),
    PairAct.cancel: (frozenset({CaseStatus.pending}), True),
    PairAct.cancel_yes: (frozenset({CaseStatus.pending}), True),
    PairAct.back: (frozenset(CaseStatus), False),
}
INVITEE_ACTS = frozenset({PairAct.confirm, PairAct.decline, PairAct.decline_yes, PairAct.back})


@dataclass(frozen=True, slots=True)
class Pairs:
    """What the pair use cases need; built once. ``desk`` binds them to one update's links."""

    db: Database
    catalog: FormCatalog
    t: Translator
    clock: Clock

    def desk(self, links: Links | None = None) -> PairDesk:
        return PairDesk(self.db, self.catalog, self.t, self.clock, links)


class PairDesk:
    """The pair use cases of one update; ``links`` names the invitation links."""

    def __init__(
        self,
        db: Database,
        catalog: FormCatalog,
        t: Translator,
        clock: Clock,
        links: Links | None = None,
    ) -> None:
        self.db, self.catalog, self.t, self.clock, self.links = db, catalog, t, clock, links

    # --- the invitation link ------------------------------------------------------------

    async def opened(self, profile: TelegramProfile, code: str) -> Reply:
        """Someone opened ``t.me/<bot>?start=pair_<code>``: the invitation, or why not."""
        async with self.db.transaction() as uow:
            await uow.users.save_profile(profile)
            pair = await pair_by_code(uow, self.catalog, code)
            if pair is None:
                return Reply(self.t("mentoring-link-unknown"))
            refusal = self._invitation_closed(pair, profile.id)
            refusal = refusal or await self._clash(uow, pair, profile.id)
        if refusal is not None:
            return Reply(refusal)
        return Reply(invitation_text(self.t, pair), invitation_buttons(self.t, pair))

    def _invitation_closed(self, pair: Pair, user_id: int) -> str | None:
        """Why this person cannot answer the invitation (None: they can)."""
        if pair.is_mentor(user_id):
            return self.t("mentoring-own-link", number=pair.number)
        if pair.status is CaseStatus.pending:
            return None
        if pair.status is CaseStatus.dissolved:
            return self.t("mentoring-invitation-closed")
        if pair.case.assignee_id != user_id:
            return self.t("mentoring-link-used")
        if pair.status is CaseStatus.active:
            return self.t("mentoring-already-confirmed")
        return self.t("mentoring-now-completed")

    async def _clash(self, uow: UnitOfWork, pair: Pair, user_id: int) -> str | None:
        """The one-mentor rule: the person's active pair in the same subject, if any."""
        if not limits_mentee(pair.case.subject):
            return None
        active = await uow.cases.find(
            KIND, statuses={CaseStatus.active}, assignee_id=user_id, subject=pair.case.subject
        )
        others = [case.submission_id for case in active if case.submission_id != pair.number]
        other = await load_pair(uow, self.catalog, others[0]) if others else None
        if other is None:
            return None
        mentor = person(self.t, other.mentor)
        return self.t("mentoring-subject-taken", topic=topic(self.t, pair), mentor=mentor)

    # --- /pairs -------------------------------------------------------------------------

    async def listing(self, user_id: int) -> list[Reply]:
        """Open pairs one message each, with their buttons; closed ones in one message."""
        async with self.db.read() as uow:
            pairs = await pairs_of(uow, self.catalog, user_id)
        if not pairs:
            return [Reply(self.t("mentoring-no-pairs"))]
        replies = [await self.card(pair, user_id) for pair in pairs if pair.status in OPEN]
        closed = [self._closed(pair) for pair in pairs if pair.status not in OPEN]
        if closed:
            head = self.t("mentoring-closed-head")
            replies.extend(Reply(text) for text in split_text([head, *closed]))
        return replies

    async def card(self, pair: Pair, viewer: int) -> Reply:
        link = await self._link(pair, viewer)
        share = share_button(self.t, link) if link is not None else None
        text = card_text(self.t, pair, viewer)
        if link is not None:
            text += "\n" + self.t("mentoring-card-link", link=link)
        return Reply(text, card_buttons(self.t, pair, viewer, share))

    async def _link(self, pair: Pair, viewer: int) -> str | None:
        """The invitation link, for the mentor of a pair that waits for its mentee."""
        waiting = pair.status is CaseStatus.pending and pair.is_mentor(viewer)
        if not waiting or self.links is None or pair.case.code is None:
            return None
        return await invitation_link(self.links, pair.case.code)

    def _closed(self, pair: Pair) -> str:
        closed_at = pair.case.closed_at
        day = closed_at.astimezone(self.clock.zone).date() if closed_at is not None else None
        return closed_line(self.t, pair, day)

    # --- buttons ------------------------------------------------------------------------

    async def pressed(self, profile: TelegramProfile, button: PairCallback) -> Screen:
        async with self.db.transaction() as uow:
            await uow.users.save_profile(profile)
            pair = await load_pair(uow, self.catalog, button.s)
            if pair is None:
                return self._stale()
            if button.k:
                screen = await self._as_invitee(uow, pair, profile.id, button)
            else:
                screen = await self._as_party(uow, pair, profile.id, button)
            await queue(uow, screen.notices, self.clock.now_utc())
            return screen

    def _stale(self) -> Screen:
        return Screen(alert=self.t("mentoring-stale"))

    async def _as_invitee(
        self, uow: UnitOfWork, pair: Pair, user_id: int, button: PairCallback
    ) -> Screen:
        if button.k != pair.case.code or button.a not in INVITEE_ACTS:
            return self._stale()
        refusal = self._invitation_closed(pair, user_id)
        if refusal is not None:
            return Screen(alert=refusal)
        return await _INVITEE[button.a](self, uow, pair, user_id, button)

    async def _as_party(
        self, uow: UnitOfWork, pair: Pair, user_id: int, button: PairCallback
    ) -> Screen:
        rule = PARTY_ACTS.get(button.a)
        if rule is None or not pair.is_party(user_id):
            return self._stale()
        statuses, mentor_only = rule
        if mentor_only and not pair.is_mentor(user_id):
            return self._stale()
        if pair.status not in statuses:
            return Screen(alert=self.t(f"mentoring-now-{pair.status.value}"))
        return await _PARTY[button.a](self, uow, pair, user_id, button)

    async def _lost(self, uow: UnitOfWork, pair: Pair, user_id: int) -> Screen:
        """A conditional move found the pair changed by someone else: say what it is now."""
        now = await load_pair(uow, self.catalog, pair.number)
        if now is None:
            return self._stale()
        if not now.is_party(user_id):
            return Screen(alert=self._invitation_closed(now, user_id) or self.t("mentoring-stale"))
        return Screen(alert=self.t(f"mentoring-now-{now.status.value}"))

    def _notice(
        self, pair: Pair, user_id: int, message_id: str, **params: str
    ) -> tuple[Notice, ...]:
        """A message to the other side of the pair (none while there is no mentee)."""
        other = pair.other(user_id)
        if other is None:
            return ()
        who = self.t(
            "mentoring-who-mentor" if pair.is_mentor(user_id) else "mentoring-who-mentee",
            name=person(self.t, pair.mentor if pair.is_mentor(user_id) else pair.mentee),
        )
        text = self.t(message_id, title=title(self.t, pair), who=who, **params)
        return (Notice(other, text),)

    # --- the mentee's answer to the invitation -----------------------------------------------

    async def _confirm(self, uow: UnitOfWork, pair: Pair, user_id: int, _b: PairCallback) -> Screen:
        clash = await self._clash(uow, pair, user_id)
        if clash is not None:
            return Screen(alert=self.t("mentoring-subject-taken-alert"), edit=Reply(clash))
        moved = await uow.cases.move(
            pair.number, {CaseStatus.pending}, CaseStatus.active, assignee_id=user_id
        )
        if not moved:
            return await self._lost(uow, pair, user_id)
        await uow.audit.record(user_id, "pair_confirmed", pair=pair.number)
        mentee = await uow.users.get(user_id)
        pair = replace(pair.moved(CaseStatus.active, assignee_id=user_id), mentee=mentee)
        mentor = pair.case.respondent_id
        text = self.t(
            "mentoring-confirmed", title=title(self.t, pair), mentor=person(self.t, pair.mentor)
        )
        notice = self.t(
            "mentoring-confirmed-notice",
            title=title(self.t, pair),
            mentee=person(self.t, pair.mentee),
        )
        return Screen(
            edit=Reply(text, card_buttons(self.t, pair, user_id)),
            notices=(Notice(mentor, notice, card_buttons(self.t, pair, mentor)),),
        )

    async def _decline(self, _u: UnitOfWork, pair: Pair, _id: int, button: PairCallback) -> Screen:
        text = self.t("mentoring-decline-ask", mentor=person(self.t, pair.mentor))
        yes = ("mentoring-button-decline-yes", PairAct.decline_yes)
        markup = question_buttons(self.t, pair, yes, "mentoring-button-back-invitation", k=button.k)
        return Screen(edit=Reply(text, markup))

    async def _decline_yes(
        self, uow: UnitOfWork, pair: Pair, user_id: int, _b: PairCallback
    ) -> Screen:
        moved = await uow.cases.move(
            pair.number,
            {CaseStatus.pending},
            CaseStatus.dissolved,
            reason=DECLINED,
            assignee_id=user_id,
        )
        if not moved:
            return await self._lost(uow, pair, user_id)
        await uow.audit.record(user_id, "pair_declined", pair=pair.number)
        mentee = await uow.users.get(user_id)
        notice = self.t(
            "mentoring-declined-notice", title=title(self.t, pair), mentee=person(self.t, mentee)
        )
        return Screen(
            edit=Reply(self.t("mentoring-declined")),
            notices=(Notice(pair.case.respondent_id, notice),),
        )

    async def _invitation_again(
        self, _u: UnitOfWork, pair: Pair, _id: int, _b: PairCallback
    ) -> Screen:
        return Screen(edit=Reply(invitation_text(self.t, pair), invitation_buttons(self.t, pair)))

    # --- either side of a pair ----------------------------------------------------------------

    async def _meeting(self, _u: UnitOfWork, pair: Pair, _id: int, _b: PairCallback) -> Screen:
        """The form attached to the registration (``attached_to``), about this pair."""
        form_id = pair.form.id if pair.form is not None else ""
        attached = [e.form.id for e in self.catalog.all() if e.form.attached_to == form_id]
        if not attached:
            return Screen(alert=self.t("form-unavailable"))
        return Screen(meeting=pair.number, meeting_form=attached[0])

    async def _card_again(
        self, _u: UnitOfWork, pair: Pair, user_id: int, _b: PairCallback
    ) -> Screen:
        return Screen(edit=await self.card(pair, user_id))

    async def _complete(self, _u: UnitOfWork, pair: Pair, _id: int, _b: PairCallback) -> Screen:
        text = self.t("mentoring-complete-ask", title=title(self.t, pair))
        yes = ("mentoring-button-complete-yes", PairAct.complete_yes)
        return Screen(
            edit=Reply(text, question_buttons(self.t, pair, yes, "mentoring-button-keep-working"))
        )

    async def _complete_yes(
        self, uow: UnitOfWork, pair: Pair, user_id: int, _b: PairCallback
    ) -> Screen:
        if not await uow.cases.move(pair.number, {CaseStatus.active}, CaseStatus.completed):
            return await self._lost(uow, pair, user_id)
        await uow.audit.record(user_id, "pair_completed", pair=pair.number)
        text = self.t("mentoring-completed", title=title(self.t, pair))
        return Screen(
            edit=Reply(text), notices=self._notice(pair, user_id, "mentoring-completed-notice")
        )

    async def _dissolve(self, _u: UnitOfWork, pair: Pair, _id: int, _b: PairCallback) -> Screen:
        text = self.t("mentoring-dissolve-reasons", title=title(self.t, pair))
        return Screen(edit=Reply(text, reason_buttons(self.t, pair)))

    async def _dissolve_ask(
        self, _u: UnitOfWork, pair: Pair, _id: int, button: PairCallback
    ) -> Screen:
        if button.r not in REASONS:
            return self._stale()
        text = self.t(
            "mentoring-dissolve-ask", title=title(self.t, pair), reason=reason(self.t, button.r)
        )
        yes = ("mentoring-button-dissolve-yes", PairAct.dissolve_yes)
        markup = question_buttons(self.t, pair, yes, "mentoring-button-keep-pair", r=button.r)
        return Screen(edit=Reply(text, markup))

    async def _dissolve_yes(
        self, uow: UnitOfWork, pair: Pair, user_id: int, button: PairCallback
    ) -> Screen:
        if button.r not in REASONS:
            return self._stale()
        moved = await uow.cases.move(
            pair.number, {CaseStatus.active}, CaseStatus.dissolved, reason=button.r
        )
        if not moved:
            return await self._lost(uow, pair, user_id)
        await uow.audit.record(user_id, "pair_dissolved", pair=pair.number, reason=button.r)
        why = reason(self.t, button.r)
        text = self.t("mentoring-dissolved", title=title(self.t, pair), reason=why)
        notices = self._notice(pair, user_id, "mentoring-dissolved-notice", reason=why)
        return Screen(edit=Reply(text), notices=notices)

    async def _cancel(self, _u: UnitOfWork, pair: Pair, _id: int, _b: PairCallback) -> Screen:
        text = self.t("mentoring-cancel-ask", title=title(self.t, pair))
        yes = ("mentoring-button-cancel-yes", PairAct.cancel_yes)
        return Screen(
            edit=Reply(
                text, question_buttons(self.t, pair, yes, "mentoring-button-keep-invitation")
            )
        )

    async def _cancel_yes(
        self, uow: UnitOfWork, pair: Pair, user_id: int, _b: PairCallback
    ) -> Screen:
        moved = await uow.cases.move(
            pair.number, {CaseStatus.pending}, CaseStatus.dissolved, reason=CANCELLED
        )
        if not moved:
            return await self._lost(uow, pair, user_id)
        await uow.audit.record(user_id, "pair_cancelled", pair=pair.number)
        return Screen(edit=Reply(self.t("mentoring-cancelled", title=title(self.t, pair))))


Act = Callable[[PairDesk, UnitOfWork, Pair, int, PairCallback], Awaitable[Screen]]
_INVITEE: dict[PairAct, Act] = {
    PairAct.confirm: PairDesk._confirm,
    PairAct.decline: PairDesk._decline,
    PairAct.decline_yes: PairDesk._decline_yes,
    PairAct.back: PairDesk._invitation_again,
}
_PARTY: dict[PairAct, Act] = {
    PairAct.meeting: PairDesk._meeting,
    PairAct.complete: PairDesk._complete,
    PairAct.complete_yes: PairDesk._complete_yes,
    PairAct.dissolve: PairDesk._dissolve,
    PairAct.dissolve_ask: PairDesk._dissolve_ask,
    PairAct.dissolve_yes: PairDesk._dissolve_yes,
    PairAct.cancel: PairDesk._cancel,
    PairAct.cancel_yes: PairDesk._cancel_yes,
    PairAct.back: PairDesk._card_again,
}
