"""How consultation requests and free times are written for people, and their buttons."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from forms.display import format_answer
from forms.i18n import Translator
from forms.personal import is_personal
from forms.schema import Form
from forms.vocabulary import CaseStatus
from handlers.clock import Clock
from handlers.ui import Button, Callback, Keyboard, quote
from storage.dto import CaseDTO, SlotDTO


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


class ConsultCallback(Callback, prefix="cn"):
    """A request's button: ``s`` the request (its submission), ``slot`` a free time."""

    s: int
    a: Act
    slot: int = 0


class SlotCallback(Callback, prefix="sl"):
    """«Убрать» under a consultant's free time in /slots."""

    id: int


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
            lines.append(f"{quote(question.label)}\n<b>{quote(value)}</b>")
        return "\n".join(lines)


def press(text: str, submission_id: int, act: Act, slot: int = 0) -> Button:
    return Button(text, ConsultCallback(s=submission_id, a=act, slot=slot).pack())


def slot_buttons(texts: Texts, submission_id: int, slots: Iterable[SlotDTO]) -> Keyboard:
    buttons = [
        press(texts.when(slot.starts_at), submission_id, Act.book, slot.id) for slot in slots
    ]
    buttons.append(press(texts.t("consult-button-later"), submission_id, Act.later))
    return Keyboard.grid(buttons, 2)


def given_slot_buttons(texts: Texts, submission_id: int, slots: Iterable[SlotDTO]) -> Keyboard:
    """A consultant's own free times to give a request."""
    buttons = [
        press(texts.when(slot.starts_at), submission_id, Act.give_slot, slot.id) for slot in slots
    ]
    return Keyboard.grid(buttons, 2)


def parent_cancel_button(t: Translator, submission_id: int) -> Keyboard:
    return Keyboard.of([press(t("consult-button-cancel"), submission_id, Act.cancel)])


def parent_cancel_question(t: Translator, submission_id: int) -> Keyboard:
    return Keyboard.of([press(t("consult-button-cancel-yes"), submission_id, Act.cancel_yes)])


def consultant_buttons(t: Translator, case: CaseDTO) -> Keyboard | None:
    acts: tuple[Act, ...] = ()
    if case.status is CaseStatus.new:
        acts = (Act.give, Act.drop)
    elif case.status is CaseStatus.scheduled:
        acts = (Act.held, Act.no_show, Act.drop)
    buttons = [
        press(t(f"consult-button-{act.name.replace('_', '-')}"), case.submission_id, act)
        for act in acts
    ]
    return Keyboard.grid(buttons, 2) if buttons else None


def coordinator_buttons(t: Translator, case: CaseDTO) -> Keyboard:
    return Keyboard.of([press(t("consult-button-drop"), case.submission_id, Act.drop)])


def slots_listing(texts: Texts, slots: Iterable[SlotDTO]) -> tuple[str, Keyboard]:
    """A consultant's times with «Убрать» under each free one."""
    lines, buttons = [texts.t("slots-title")], []
    for slot in slots:
        when = texts.when(slot.starts_at)
        if slot.submission_id is None:
            lines.append(texts.t("slots-line-free", when=when))
            data = SlotCallback(id=slot.id).pack()
            buttons.append(Button(texts.t("slots-button-remove", when=when), data))
        else:
            lines.append(texts.t("slots-line-booked", when=when, number=slot.submission_id))
    return "\n".join(lines), Keyboard.grid(buttons, 1)
