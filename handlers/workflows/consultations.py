"""Consultation requests: a parent's sent request, the booking of a consultant's free time,
and its statuses new → scheduled → held / cancelled / no-show.

Every press is checked against the database first; every change is one conditional UPDATE,
so of two people pressing at the same moment one wins and the other is told so."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder
from aiogram.utils.text_decorations import html_decoration

from forms.display import format_answer
from forms.i18n import Translator
from forms.personal import is_personal
from forms.schema import Form
from forms.vocabulary import CaseStatus, Role
from handlers.clock import Clock
from handlers.dialog.followup import FollowUp, Notice, Sent
from handlers.dialog.render import Reply
from storage.dto import CaseDTO, SlotDTO, StaffDTO
from storage.repositories import UnitOfWork

KIND = "consultation"
PREFIX = "cn"
HANDLERS = frozenset({Role.consultant, Role.admin, Role.coordinator, Role.municipal})
COORDINATORS = frozenset({Role.coordinator, Role.municipal})
OPEN = frozenset({CaseStatus.new, CaseStatus.scheduled})


class Act(StrEnum):
    book = "b"  # a parent picks a free time
    later = "l"  # a parent asks to be called to agree on a time
    cancel = "c"  # a parent asks to cancel
    cancel_yes = "cy"
    give = "g"  # a consultant: show my free times for this request
    give_slot = "gs"  # a consultant gives one of them
    held = "h"
    no_show = "ns"
    drop = "x"  # a consultant or coordinator cancels


PARENT_ACTS = frozenset({Act.book, Act.later, Act.cancel, Act.cancel_yes})


class ConsultCallback(CallbackData, prefix=PREFIX):
    s: int
    a: Act
    slot: int = 0


@dataclass(frozen=True, slots=True)
class Texts:
    """How requests and times are written for people."""

    t: Translator
    clock: Clock

    def when(self, moment: datetime) -> str:
        local = moment.astimezone(self.clock.zone)
        weekday = self.t(f"weekday-{local.weekday()}")
        return self.t(
            "consult-when",
            weekday=weekday,
            date=local.strftime("%d.%m"),
            time=local.strftime("%H:%M"),
        )

    def request(self, form: Form, answers: Mapping[str, Any], *, personal: bool) -> str:
        """The answers, one per line; without names and phones for those who need none."""
        lines = []
        for question in form.all_questions():
            if question.id not in answers or not question.answerable:
                continue
            if is_personal(question) and not personal:
                continue
            value = format_answer(question, answers[question.id], self.t)
            lines.append(
                f"{html_decoration.quote(question.label)}\n<b>{html_decoration.quote(value)}</b>"
            )
        return "\n".join(lines)


def slot_buttons(
    texts: Texts, submission_id: int, slots: Iterable[SlotDTO]
) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for slot in slots:
        builder.button(
            text=texts.when(slot.starts_at),
            callback_data=ConsultCallback(s=submission_id, a=Act.book, slot=slot.id),
        )
    builder.button(
        text=texts.t("consult-button-later"),
        callback_data=ConsultCallback(s=submission_id, a=Act.later),
    )
    builder.adjust(2)
    return builder.as_markup()


def parent_cancel_button(t: Translator, submission_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=t("consult-button-cancel"),
        callback_data=ConsultCallback(s=submission_id, a=Act.cancel),
    )
    return builder.as_markup()


def consultant_buttons(t: Translator, case: CaseDTO) -> InlineKeyboardMarkup | None:
    builder = InlineKeyboardBuilder()
    acts: tuple[Act, ...] = ()
    if case.status is CaseStatus.new:
        acts = (Act.give, Act.drop)
    elif case.status is CaseStatus.scheduled:
        acts = (Act.held, Act.no_show, Act.drop)
    for act in acts:
        builder.button(
            text=t(f"consult-button-{act.name.replace('_', '-')}"),
            callback_data=ConsultCallback(s=case.submission_id, a=act),
        )
    builder.adjust(2)
    return builder.as_markup() if acts else None


def coordinator_buttons(t: Translator, case: CaseDTO) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=t("consult-button-drop"),
        callback_data=ConsultCallback(s=case.submission_id, a=Act.drop),
    )
    return builder.as_markup()


def may_handle(person: StaffDTO, case: CaseDTO) -> bool:
    """Consultants and municipal coordinators of the request's municipality; regional staff."""
    if person.role in (Role.admin, Role.coordinator):
        return True
    return case.municipality_id is not None and case.municipality_id in person.municipality_ids


class ConsultationWorkflow:
    """After a request is sent: open the case, offer free times, tell the consultants.
    Handlers reach the texts and the number of times to offer through it."""

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
        staff = [p for p in await uow.roles.staff() if p.role in HANDLERS and may_handle(p, case)]
        return FollowUp(replies=(reply,), notices=tuple(self._notices(staff, sent, case)))

    def _notices(self, staff: Iterable[StaffDTO], sent: Sent, case: CaseDTO) -> Iterable[Notice]:
        t = self.texts.t
        for person in staff:
            consultant = person.role is Role.consultant
            body = self.texts.request(sent.form, sent.answers, personal=consultant)
            text = t("consult-new-request", number=case.submission_id, details=body)
            markup = consultant_buttons(t, case) if consultant else coordinator_buttons(t, case)
            yield Notice(person.id, text, markup)
