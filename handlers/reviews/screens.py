"""Texts and buttons of /review: the forms, a form's responses, one response with its
review, and the respondent's notices."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from forms.display import format_answer
from forms.i18n import Translator
from forms.personal import scrub
from forms.schema import Form
from forms.values import format_date
from forms.vocabulary import ReviewStatus
from handlers.ui import Button, Keyboard, quote
from handlers.workflows.corrections import FixCallback, ReviewAct, ReviewCallback
from storage.repositories.reviews import Listed, ReviewEventDTO

PAGE = 8
"""Responses a page of the list shows."""
VALUE_SHOWN = 300
"""Characters of an answer (or a changed value) the screen shows; the register has it whole."""
PARAGRAPH = 3000
"""Characters of one paragraph of a response screen (a message holds 4,096)."""
COMMENT_LIMIT = 1000
"""The longest comment or reason (``reviews.comment``)."""


def status_name(t: Translator, status: ReviewStatus) -> str:
    return t(f"review-status-{status.value.replace('_', '-')}")


def moment(at: datetime | None, zone: ZoneInfo) -> str:
    """«02.12.2026 14:05» in the configured zone."""
    if at is None:
        return "—"
    local = at.astimezone(zone)
    return f"{format_date(local.date())} {local:%H:%M}"


def press(act: ReviewAct, s: int = 0, n: int = 0) -> str:
    return ReviewCallback(a=act, s=s, n=n).pack()


def forms_keyboard(entries: Sequence[tuple[str, int]]) -> Keyboard:
    """A button per form (title, a version id of it)."""
    return Keyboard.grid(
        [Button(title, press(ReviewAct.list, version_id)) for title, version_id in entries], 1
    )


def list_keyboard(
    t: Translator, zone: ZoneInfo, version_id: int, rows: Sequence[Listed], *, page: int, pages: int
) -> Keyboard:
    buttons = [
        Button(
            t(
                "review-list-item",
                number=row.submission_id,
                date=moment(row.submitted_at, zone).split(" ")[0],
                status=status_name(t, row.status),
            ),
            press(ReviewAct.open, row.submission_id),
        )
        for row in rows
    ]
    nav = []
    if page > 0:
        nav.append(Button(t("review-button-previous"), press(ReviewAct.list, version_id, page - 1)))
    if page + 1 < pages:
        nav.append(Button(t("review-button-next"), press(ReviewAct.list, version_id, page + 1)))
    back = Button(t("review-button-forms"), press(ReviewAct.forms))
    return Keyboard.of(*([button] for button in buttons), nav, [back])


def decision_keyboard(
    t: Translator,
    submission_id: int,
    status: ReviewStatus,
    turn: int,
    version_id: int,
    *,
    asks: bool = True,
) -> Keyboard:
    """«Принять», «Есть вопросы» (where ``asks``), «Отклонить», but the status it has; and
    back to the list."""
    choices = (
        (ReviewStatus.approved, ReviewAct.approve, "review-button-approve"),
        (ReviewStatus.has_issues, ReviewAct.issues, "review-button-issues"),
        (ReviewStatus.rejected, ReviewAct.reject, "review-button-reject"),
    )
    rows = [
        [Button(t(label), press(act, submission_id, turn))]
        for target, act, label in choices
        if target is not status and (asks or act is not ReviewAct.issues)
    ]
    back = Button(t("review-button-list"), press(ReviewAct.list, version_id))
    return Keyboard.of(*rows, [back])


def cancel_keyboard(t: Translator) -> Keyboard:
    return Keyboard.of([Button(t("review-button-cancel"), press(ReviewAct.cancel))])


def fix_keyboard(t: Translator, submission_id: int) -> Keyboard:
    return Keyboard.of([Button(t("review-button-fix"), FixCallback(s=submission_id).pack())])


@dataclass(frozen=True, slots=True)
class Shown:
    """What a response screen shows (``personal``: names and personal answers)."""

    form: Form
    number: int
    sent_at: datetime | None
    answers: Mapping[str, Any]
    status: ReviewStatus
    comment: str | None
    history: Sequence[ReviewEventDTO]
    names: Mapping[int, str]  # actors' names, escaped
    respondent: str | None  # who answered (escaped), for those who see names
    school: str | None
    personal: bool


def response_lines(t: Translator, zone: ZoneInfo, shown: Shown) -> list[str]:
    """The response, its answers, its status and its history, as paragraphs for
    ``split_text`` (each short enough for one message)."""
    head = [
        t("review-card-title", number=shown.number, title=quote(shown.form.title)),
        t("review-card-sent", at=moment(shown.sent_at, zone)),
    ]
    if shown.school is not None:
        head.append(t("review-card-school", school=quote(shown.school)))
    if shown.respondent is not None:
        head.append(t("review-card-respondent", name=shown.respondent))
    answers = []
    for question in shown.form.answered_questions(shown.answers.keys()):
        if question.answerable:
            value = _value(t, shown, question.id, shown.answers[question.id])
            answers.append(f"{quote(question.label)} — {quote(value)}")
    status = [t("review-card-status", status=status_name(t, shown.status))]
    if shown.comment:
        status.append(t("review-card-comment", comment=quote(shown.comment)))
    history = [_event_line(t, zone, shown, event) for event in shown.history]
    if history:
        history.insert(0, t("review-card-history"))
    return [*_paragraphs(head), *_paragraphs(answers), *_paragraphs(status), *_paragraphs(history)]


def _paragraphs(lines: Sequence[str], size: int = PARAGRAPH) -> list[str]:
    """Lines joined one under another, in paragraphs of at most ``size`` characters."""
    found: list[str] = []
    for line in lines:
        if found and len(found[-1]) + len(line) + 1 <= size:
            found[-1] += "\n" + line
        else:
            found.append(line)
    return found


def _value(t: Translator, shown: Shown, question_id: str, value: Any) -> str:
    question = shown.form.answer_question(question_id)
    if question is None:
        return "—" if value is None else str(value)
    if not shown.personal:
        hidden = t("review-hidden")
        value = scrub(question, value, hidden)
        if value == hidden:
            return hidden
    text = format_answer(question, value, t) if value is not None else t("review-no-answer")
    return text if len(text) <= VALUE_SHOWN else text[: VALUE_SHOWN - 1] + "…"


def _event_line(t: Translator, zone: ZoneInfo, shown: Shown, event: ReviewEventDTO) -> str:
    who = shown.names.get(event.actor_id or 0, "—")
    when = moment(event.at, zone)
    if event.question_id is not None:
        question = shown.form.answer_question(event.question_id)
        label = question.label if question is not None else event.question_id
        return t(
            "review-history-change",
            at=when,
            who=who,
            question=quote(label),
            old=quote(_value(t, shown, event.question_id, event.old)),
            new=quote(_value(t, shown, event.question_id, event.new)),
        )
    line = t("review-history-status", at=when, who=who, status=status_name(t, event.status))
    if event.comment:
        line += " " + t("review-history-comment", comment=quote(event.comment))
    return line
