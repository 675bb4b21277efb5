"""A mentoring pair as people see it: read from the database, then written as text and
buttons. Reading and writing are apart, so each screen is a plain function of a ``Pair``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.text_decorations import html_decoration

from forms.display import format_answer
from forms.i18n import Translator
from forms.schema import Form
from forms.values import format_date
from forms.vocabulary import CaseStatus
from handlers.workflows.mentoring import KIND, REASONS, PairAct, PairCallback
from storage.catalog import FormCatalog
from storage.dto import CaseDTO, UserDTO
from storage.repositories import UnitOfWork

DETAILS = (
    "mentor_school",
    "mentee_school",
    "mentoring_form",
    "subject",
    "difficulty",
    "start_date",
    "planned_end",
    "meeting_plan",
)
OPEN = frozenset({CaseStatus.pending, CaseStatus.active})
quote = html_decoration.quote


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
    for question_id in DETAILS:
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


def button(
    t: Translator, label: str, pair: Pair, act: PairAct, **data: str
) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        text=t(label), callback_data=PairCallback(s=pair.number, a=act, **data).pack()
    )


def keyboard(*rows: list[InlineKeyboardButton]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[row for row in rows if row])


def invitation_buttons(t: Translator, pair: Pair) -> InlineKeyboardMarkup:
    code = pair.case.code or ""
    return keyboard(
        [button(t, "mentoring-button-confirm", pair, PairAct.confirm, k=code)],
        [button(t, "mentoring-button-decline", pair, PairAct.decline, k=code)],
    )


def card_buttons(
    t: Translator, pair: Pair, viewer: int, share: InlineKeyboardButton | None = None
) -> InlineKeyboardMarkup | None:
    """What the viewer may do with the pair now: log a meeting, complete, dissolve; or, while
    the mentee has not confirmed, forward the link again or cancel the invitation."""
    if pair.status is CaseStatus.active:
        return keyboard(
            [button(t, "mentoring-button-meeting", pair, PairAct.meeting)],
            [
                button(t, "mentoring-button-complete", pair, PairAct.complete),
                button(t, "mentoring-button-dissolve", pair, PairAct.dissolve),
            ],
        )
    if pair.status is CaseStatus.pending and pair.is_mentor(viewer):
        return keyboard(
            [share] if share is not None else [],
            [button(t, "mentoring-button-cancel", pair, PairAct.cancel)],
        )
    return None


def question_buttons(
    t: Translator, pair: Pair, yes: tuple[str, PairAct], no: str, **data: str
) -> InlineKeyboardMarkup:
    """«Да, …» / «Нет, …» before a change that cannot be undone."""
    label, act = yes
    return keyboard(
        [button(t, label, pair, act, **data)],
        [button(t, no, pair, PairAct.back, k=data.get("k", ""))],
    )


def reason_buttons(t: Translator, pair: Pair) -> InlineKeyboardMarkup:
    rows = [
        [
            InlineKeyboardButton(
                text=t(f"mentoring-reason-{code}"),
                callback_data=PairCallback(s=pair.number, a=PairAct.dissolve_ask, r=code).pack(),
            )
        ]
        for code in REASONS
    ]
    return keyboard(*rows, [button(t, "mentoring-button-keep-pair", pair, PairAct.back)])
