"""Buttons and texts of schools' requests."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from forms.display import format_answer
from forms.i18n import Translator
from forms.schema import Form
from forms.vocabulary import CaseStatus
from handlers.ui import Button, Callback, Keyboard, quote

ANSWER_SHOWN = 300
"""Characters of an answer a request's card shows (the register has it whole)."""
REASONS = ("not_ours", "no_capacity", "duplicate", "withdrawn")
"""Why a request may be declined; each has its ``request-reason-<code>`` line."""


class RequestAct(StrEnum):
    accept = "a"
    done = "d"
    decline = "n"  # shows the reasons
    reason = "r"  # declines with the reason ``r``
    back = "b"  # from the reasons back to the buttons of the request


class RequestCallback(Callback, prefix="rq"):
    s: int
    a: RequestAct
    r: str = ""


def buttons(t: Translator, number: int, status: CaseStatus) -> Keyboard | None:
    def press(label: str, act: RequestAct) -> Button:
        return Button(t(label), RequestCallback(s=number, a=act).pack())

    if status is CaseStatus.new:
        return Keyboard.of(
            [press("request-button-accept", RequestAct.accept)],
            [press("request-button-decline", RequestAct.decline)],
        )
    if status is CaseStatus.accepted:
        return Keyboard.of(
            [press("request-button-done", RequestAct.done)],
            [press("request-button-decline", RequestAct.decline)],
        )
    return None


def reason_buttons(t: Translator, number: int) -> Keyboard:
    rows = [
        [
            Button(
                t(f"request-reason-{code}"),
                RequestCallback(s=number, a=RequestAct.reason, r=code).pack(),
            )
        ]
        for code in REASONS
    ]
    back = Button(t("request-button-back"), RequestCallback(s=number, a=RequestAct.back).pack())
    return Keyboard.of(*rows, [back])


def card(
    t: Translator, form: Form | None, answers: Mapping[str, Any], number: int, school: str
) -> str:
    """The request as its coordinators read it: number, school, then every answer."""
    lines = [t("request-card-title", number=number, school=quote(school))]
    if form is not None:
        for question in form.all_questions():
            if question.answerable and answers.get(question.id) is not None:
                value = format_answer(question, answers[question.id], t)
                if len(value) > ANSWER_SHOWN:
                    value = value[: ANSWER_SHOWN - 1] + "…"
                lines.append(f"{quote(question.label)} — {quote(value)}")
    return "\n".join(lines)
