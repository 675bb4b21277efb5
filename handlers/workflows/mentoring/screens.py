"""A mentoring pair as people see it: a ``Pair`` (read by the service) written as text and
buttons. Each screen is a plain function of a ``Pair``."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from typing import Any
from urllib.parse import urlencode

from forms.display import format_answer
from forms.i18n import Translator
from forms.schema import Form
from forms.values import format_date
from forms.vocabulary import CaseStatus
from handlers.ui import Button, Callback, Keyboard, quote
from handlers.workflows.mentoring import CARD
from storage.dto import CaseDTO, UserDTO

PAIR_PREFIX = "pair_"  # t.me/<bot>?start=pair_<code>
SUBJECT_LIMIT = 64  # the length of Case.subject
NO_SUBJECT = "none"  # «Не связано с предметом»: not limited by the one-mentor rule
REASONS = ("job_change", "absence", "mismatch", "mistake")  # dissolving an active pair
DECLINED, CANCELLED = "declined", "cancelled"  # dissolving a pending one
OPEN = frozenset({CaseStatus.pending, CaseStatus.active})


class PairAct(StrEnum):
    confirm = "c"  # the mentee, on the invitation (k = the code)
    decline = "d"  # the mentee: asks first
    decline_yes = "dy"
    cancel = "x"  # the mentor, while the pair waits: asks first
    cancel_yes = "xy"
    meeting = "m"  # either side of an active pair: the meeting form
    complete = "f"
    complete_yes = "fy"
    dissolve = "r"  # the reasons
    dissolve_ask = "ra"  # r = the reason
    dissolve_yes = "ry"
    back = "b"  # «Нет»: the pair (or the invitation) as it was


class PairCallback(Callback, prefix="mp"):
    """A pair's button. ``s`` is the pair (its submission); the mentee's buttons carry the
    invitation code ``k``, so only someone who has the link can answer it."""

    s: int
    a: PairAct
    k: str = ""
    r: str = ""


def new_code() -> str:
    return secrets.token_urlsafe(18)  # 24 characters; "pair_" + code fits the 64 of /start


def subject_key(value: Any) -> str | None:
    """The subject of a pair as the one-mentor rule compares it: the option's value, or the
    «Другое» text with case and spaces folded; None when the form did not ask it."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and value.get("other"):
        folded = " ".join(str(value["other"]).split()).casefold()
        return f"other:{folded}"[:SUBJECT_LIMIT]
    return None


def limits_mentee(subject: str | None) -> bool:
    """A mentee has one active mentor per subject; pairs about no one subject are free."""
    return subject is not None and subject != NO_SUBJECT


def share_button(t: Translator, link: str) -> Button:
    """Opens Telegram's «forward to…» with the link and a line about it."""
    query = urlencode({"url": link, "text": t("mentoring-share-text")})
    return Button(t("mentoring-button-share"), url=f"https://t.me/share/url?{query}")


@dataclass(frozen=True, slots=True)
class Pair:
    case: CaseDTO
    form: Form | None
    answers: Mapping[str, Any] = field(default_factory=dict)
    mentor: UserDTO | None = None
    mentee: UserDTO | None = None
    meetings: int = 0

    @property
    def number(self) -> int:
        return self.case.submission_id

    @property
    def status(self) -> CaseStatus:
        return self.case.status

    def is_mentor(self, user_id: int) -> bool:
        return self.case.respondent_id == user_id

    def is_party(self, user_id: int) -> bool:
        return user_id in (self.case.respondent_id, self.case.assignee_id)

    def other(self, user_id: int) -> int | None:
        """The other side of the pair, if there is one yet."""
        if self.is_mentor(user_id):
            return self.case.assignee_id
        return self.case.respondent_id

    def moved(self, status: CaseStatus, **values: Any) -> Pair:
        return replace(self, case=replace(self.case, status=status, **values))


# --- text ---------------------------------------------------------------------------------


def person(t: Translator, user: UserDTO | None) -> str:
    if user is None:
        return t("mentoring-nobody")
    return quote(" ".join(filter(None, [user.first_name, user.last_name])))


def answer(t: Translator, pair: Pair, question_id: str) -> str | None:
    """One answer of the registration as text, or None when it was not asked."""
    question = pair.form.question(question_id) if pair.form is not None else None
    if question is None or question_id not in pair.answers:
        return None
    return quote(format_answer(question, pair.answers[question_id], t))


def topic(t: Translator, pair: Pair) -> str:
    """What the pair is about in a few words: the subject, or else the form of mentoring."""
    subject = answer(t, pair, "subject")
    return subject or answer(t, pair, "mentoring_form") or t("mentoring-no-topic")


def title(t: Translator, pair: Pair) -> str:
    return t("mentoring-pair-title", number=pair.number, topic=topic(t, pair))


def details(t: Translator, pair: Pair) -> list[str]:
    lines = []
    for question_id in CARD:
        value = answer(t, pair, question_id)
        if value is not None:
            lines.append(t(f"mentoring-field-{question_id}", value=value))
    return lines


def reason(t: Translator, code: str | None) -> str:
    return t(f"mentoring-reason-{code}") if code else t("mentoring-no-reason")


def invitation_text(t: Translator, pair: Pair) -> str:
    head = t("mentoring-invitation", mentor=person(t, pair.mentor), title=title(t, pair))
    return "\n".join([head, "", *details(t, pair), "", t("mentoring-invitation-ask")])


def card_text(t: Translator, pair: Pair, viewer: int) -> str:
    """A pair in /pairs: what it is, who the other side is, how it goes."""
    status = t(f"mentoring-status-{pair.status.value}")
    lines = [t("mentoring-card-title", title=title(t, pair), status=status)]
    if pair.is_mentor(viewer):
        lines.append(t("mentoring-card-you-mentor", mentee=person(t, pair.mentee)))
    else:
        lines.append(t("mentoring-card-you-mentee", mentor=person(t, pair.mentor)))
    lines.extend(details(t, pair))
    lines.append(t("mentoring-card-meetings", count=pair.meetings))
    return "\n".join(lines)


def closed_line(t: Translator, pair: Pair, closed_on: date | None) -> str:
    """A completed or dissolved pair in one line."""
    day = format_date(closed_on) if closed_on is not None else ""
    if pair.status is CaseStatus.completed:
        return t("mentoring-closed-completed", title=title(t, pair), date=day, count=pair.meetings)
    return t(
        "mentoring-closed-dissolved",
        title=title(t, pair),
        date=day,
        reason=reason(t, pair.case.reason),
        count=pair.meetings,
    )


# --- buttons ------------------------------------------------------------------------------


def button(t: Translator, label: str, pair: Pair, act: PairAct, **data: str) -> Button:
    return Button(t(label), PairCallback(s=pair.number, a=act, **data).pack())


def invitation_buttons(t: Translator, pair: Pair) -> Keyboard:
    code = pair.case.code or ""
    return Keyboard.of(
        [button(t, "mentoring-button-confirm", pair, PairAct.confirm, k=code)],
        [button(t, "mentoring-button-decline", pair, PairAct.decline, k=code)],
    )


def card_buttons(
    t: Translator, pair: Pair, viewer: int, share: Button | None = None
) -> Keyboard | None:
    """What the viewer may do with the pair now: log a meeting, complete, dissolve; or, while
    the mentee has not confirmed, forward the link again or cancel the invitation."""
    if pair.status is CaseStatus.active:
        return Keyboard.of(
            [button(t, "mentoring-button-meeting", pair, PairAct.meeting)],
            [
                button(t, "mentoring-button-complete", pair, PairAct.complete),
                button(t, "mentoring-button-dissolve", pair, PairAct.dissolve),
            ],
        )
    if pair.status is CaseStatus.pending and pair.is_mentor(viewer):
        return Keyboard.of(
            [share] if share is not None else [],
            [button(t, "mentoring-button-cancel", pair, PairAct.cancel)],
        )
    return None


def question_buttons(
    t: Translator, pair: Pair, yes: tuple[str, PairAct], no: str, **data: str
) -> Keyboard:
    """«Да, …» / «Нет, …» before a change that cannot be undone."""
    label, act = yes
    return Keyboard.of(
        [button(t, label, pair, act, **data)],
        [button(t, no, pair, PairAct.back, k=data.get("k", ""))],
    )


def reason_buttons(t: Translator, pair: Pair) -> Keyboard:
    rows = [
        [
            Button(
                t(f"mentoring-reason-{code}"),
                PairCallback(s=pair.number, a=PairAct.dissolve_ask, r=code).pack(),
            )
        ]
        for code in REASONS
    ]
    return Keyboard.of(*rows, [button(t, "mentoring-button-keep-pair", pair, PairAct.back)])
