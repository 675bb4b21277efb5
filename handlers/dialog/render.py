"""Screens of the engine turned into messages and keyboards. No I/O here."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from aiogram.utils.text_decorations import html_decoration

from forms.display import format_answer
from forms.engine import QuestionScreen, ReviewScreen, Screen, is_answered
from forms.i18n import Translator
from forms.questions import (
    OTHER,
    DateQuestion,
    FileQuestion,
    MultipleChoiceQuestion,
    NoteQuestion,
    PhoneQuestion,
    Question,
    RatingQuestion,
    SchoolQuestion,
    SingleChoiceQuestion,
    YesNoQuestion,
)
from forms.schema import Form
from forms.validation import Selection
from handlers.dialog.calendar import calendar_rows
from handlers.dialog.callbacks import Act, AnswerCallback
from handlers.dialog.data import DialogData
from storage.dto import MunicipalityDTO, SchoolDTO

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | None
TEXT_LIMIT = 4096
REVIEW_ANSWER_LIMIT = 300
SCHOOLS_PER_PAGE = 8
quote = html_decoration.quote


@dataclass(frozen=True, slots=True)
class Reply:
    text: str
    markup: Markup = None


@dataclass(frozen=True, slots=True)
class Directory:
    """What the school question shows: municipalities, or one municipality's schools."""

    municipalities: Sequence[MunicipalityDTO] = ()
    municipality: MunicipalityDTO | None = None
    schools: Sequence[SchoolDTO] = ()


@dataclass(frozen=True, slots=True)
class View:
    """Everything a screen needs besides the engine's own screen."""

    t: Translator
    form: Form
    data: DialogData
    today: date
    directory: Directory = Directory()

    def button(
        self, text: str, act: Act, question: Question | None = None, value: str = ""
    ) -> InlineKeyboardButton:
        # Built from trusted values, so pydantic's validation is skipped (model_construct);
        # pack() still refuses data over Telegram's 64 bytes.
        number = -1 if question is None else question_number(self.form, question.id)
        data = AnswerCallback.model_construct(s=self.data.submission, q=number, a=act, v=value)
        return InlineKeyboardButton.model_construct(text=text, callback_data=data.pack())


def question_number(form: Form, question_id: str) -> int:
    """The question's place in the form file: what ``q`` in callback data means."""
    return _numbers(form)[question_id]


# Forms are few and live as long as the catalog; the entry keeps its form, so an id cannot be
# reused by another object while it is cached.
_NUMBERS: dict[int, tuple[Form, dict[str, int]]] = {}


def _numbers(form: Form) -> dict[str, int]:
    cached = _NUMBERS.get(id(form))
    if cached is not None and cached[0] is form:
        return cached[1]
    numbers = {q.id: i for i, q in enumerate(form.all_questions())}
    _NUMBERS[id(form)] = (form, numbers)
    return numbers


def render(view: View, screen: Screen) -> list[Reply]:
    if isinstance(screen, ReviewScreen):
        return render_review(view, screen)
    return render_question(view, screen)


# --- a question ---------------------------------------------------------------------------


def render_question(view: View, screen: QuestionScreen) -> list[Reply]:
    rows = [*_answer_rows(view, screen), _navigation(view, screen)]
    markup = InlineKeyboardMarkup(inline_keyboard=[row for row in rows if row])
    replies = [Reply(question_text(view, screen), markup)]
    if isinstance(screen.question, PhoneQuestion):
        replies.append(Reply(view.t("dialog-phone-keyboard"), _share_phone(view.t)))
    return replies


def question_text(view: View, screen: QuestionScreen) -> str:
    t, question = view.t, screen.question
    lines = []
    if screen.section is not None:
        lines.append(t("dialog-section", title=quote(screen.section.title)))
    if screen.number is not None:
        lines.append(t("form-progress", number=screen.number, total=screen.total))
    lines.append(f"<b>{quote(question.label)}</b>")
    lines.extend(_explanations(view, screen))
    return "\n".join(lines)


def _explanations(view: View, screen: QuestionScreen) -> list[str]:
    t, question = view.t, screen.question
    lines = []
    if question.hint:
        lines.append(f"<i>{quote(question.hint)}</i>")
    if isinstance(question, RatingQuestion) and question.min_label and question.max_label:
        lines.append(
            t(
                "dialog-rating-scale",
                min=question.min,
                max=question.max,
                min_label=quote(question.min_label),
                max_label=quote(question.max_label),
            )
        )
    if isinstance(question, DateQuestion):
        lines.append(t("dialog-calendar-hint"))
    if isinstance(question, SchoolQuestion):
        lines.append(school_prompt(view))
    if screen.current_value is not None:
        answer = format_answer(question, screen.current_value, t)
        lines.append(t("dialog-current-answer", answer=quote(answer)))
    return lines


def _answer_rows(view: View, screen: QuestionScreen) -> list[list[InlineKeyboardButton]]:
    build = _ROWS.get(type(screen.question))
    return [] if build is None else build(view, screen)


def _yes_no_rows(view: View, screen: QuestionScreen) -> list[list[InlineKeyboardButton]]:
    question = screen.question
    yes = view.button(view.t("answer-yes"), Act.pick, question, "yes")
    return [[yes, view.button(view.t("answer-no"), Act.pick, question, "no")]]


def _one_button(act: Act, label: str) -> RowsBuilder:
    def rows(view: View, screen: QuestionScreen) -> list[list[InlineKeyboardButton]]:
        return [[view.button(view.t(label), act, screen.question)]]

    return rows


def _single_choice_rows(view: View, screen: QuestionScreen) -> list[list[InlineKeyboardButton]]:
    question = screen.question
    rows = [[view.button(o.label, Act.pick, question, o.value)] for o in screen.options]
    if isinstance(question, SingleChoiceQuestion) and question.other:
        rows.append([view.button(view.t("answer-other-button"), Act.pick, question, OTHER)])
    return rows


def current_selection(data: DialogData, screen: QuestionScreen) -> Selection:
    """The ticks in progress, or, before the first tick, those of the saved answer."""
    pending = data.of(screen.question.id)
    if pending.pending_for is None and screen.current_value is not None:
        return Selection.from_answer(screen.current_value)
    return Selection(pending.selection, pending.other)


def _multiple_choice_rows(view: View, screen: QuestionScreen) -> list[list[InlineKeyboardButton]]:
    question = screen.question
    ticked = set(current_selection(view.data, screen).values)

    def label(text: str, value: str) -> str:
        return f"✓ {text}" if value in ticked else text

    rows = [
        [view.button(label(o.label, o.value), Act.toggle, question, o.value)]
        for o in screen.options
    ]
    if isinstance(question, MultipleChoiceQuestion) and question.other:
        other = label(view.t("answer-other-button"), OTHER)
        rows.append([view.button(other, Act.toggle, question, OTHER)])
    rows.append([view.button(view.t("form-button-done"), Act.done, question)])
    return rows


def _rating_rows(view: View, screen: QuestionScreen) -> list[list[InlineKeyboardButton]]:
    question = screen.question
    assert isinstance(question, RatingQuestion)
    buttons = [
        view.button(str(n), Act.pick, question, str(n))
        for n in range(question.min, question.max + 1)
    ]
    return [buttons[i : i + 6] for i in range(0, len(buttons), 6)]


def _school_rows(view: View, screen: QuestionScreen) -> list[list[InlineKeyboardButton]]:
    question = screen.question
    directory = view.directory
    if directory.municipality is None:
        return [
            [view.button(m.name, Act.municipality, question, str(m.id))]
            for m in directory.municipalities
        ]
    page = view.data.of(question.id).page
    start = page * SCHOOLS_PER_PAGE
    shown = directory.schools[start : start + SCHOOLS_PER_PAGE]
    rows = [[view.button(s.short_name, Act.school, question, str(s.id))] for s in shown]
    paging = []
    if page > 0:
        paging.append(
            view.button(view.t("dialog-button-page-back"), Act.page, question, str(page - 1))
        )
    if start + SCHOOLS_PER_PAGE < len(directory.schools):
        paging.append(
            view.button(view.t("dialog-button-page-next"), Act.page, question, str(page + 1))
        )
    back = view.button(view.t("dialog-button-municipalities"), Act.municipalities, question)
    return [*rows, paging, [back]]


def _calendar_rows(view: View, screen: QuestionScreen) -> list[list[InlineKeyboardButton]]:
    assert isinstance(screen.question, DateQuestion)
    return calendar_rows(view, screen.question)


RowsBuilder = Callable[[View, QuestionScreen], list[list[InlineKeyboardButton]]]
_ROWS: dict[type[Question], RowsBuilder] = {
    SingleChoiceQuestion: _single_choice_rows,
    MultipleChoiceQuestion: _multiple_choice_rows,
    YesNoQuestion: _yes_no_rows,
    RatingQuestion: _rating_rows,
    DateQuestion: _calendar_rows,
    SchoolQuestion: _school_rows,
    FileQuestion: _one_button(Act.done, "form-button-done"),
    NoteQuestion: _one_button(Act.next, "form-button-next"),
}


def school_prompt(view: View) -> str:
    directory = view.directory
    if directory.municipality is not None:
        return view.t("dialog-school-pick", municipality=quote(directory.municipality.name))
    if not directory.municipalities:
        return view.t("dialog-school-empty")
    return view.t("dialog-school-municipality")


def _navigation(view: View, screen: QuestionScreen) -> list[InlineKeyboardButton]:
    t, question = view.t, screen.question
    row = []
    if not screen.is_first:
        row.append(view.button(t("form-button-back"), Act.back, question))
    if question.answerable and not question.required:
        row.append(view.button(t("form-button-skip"), Act.skip, question))
    answered = {question.id: screen.current_value}
    if question.answerable and screen.current_value is not None and is_answered(question, answered):
        row.append(view.button(t("dialog-button-keep"), Act.keep, question))
    row.append(view.button(t("dialog-button-leave"), Act.leave, question))
    return row


def _share_phone(t: Translator) -> ReplyKeyboardMarkup:
    button = KeyboardButton(text=t("dialog-button-share-phone"), request_contact=True)
    return ReplyKeyboardMarkup(keyboard=[[button]], resize_keyboard=True, one_time_keyboard=True)


# --- the review ---------------------------------------------------------------------------


def review_lines(view: View, screen: ReviewScreen) -> list[str]:
    lines = []
    for number, item in enumerate(screen.items, start=1):
        answer = shorten(format_answer(item.question, item.value, view.t), view.t)
        lines.append(
            view.t(
                "dialog-review-line",
                number=number,
                label=quote(item.question.label),
                answer=quote(answer),
            )
        )
    return lines


def render_review(view: View, screen: ReviewScreen) -> list[Reply]:
    t = view.t
    head = t("dialog-review-title", title=quote(view.form.title))
    body = [head, *review_lines(view, screen), t("dialog-review-hint")]
    edits = [
        view.button(t("dialog-button-edit", number=n), Act.edit, item.question)
        for n, item in enumerate(screen.items, start=1)
    ]
    rows = [edits[i : i + 5] for i in range(0, len(edits), 5)]
    rows.append(
        [
            view.button(t("dialog-button-submit"), Act.submit),
            view.button(t("dialog-button-leave"), Act.leave),
        ]
    )
    texts = split_text(body)
    markup = InlineKeyboardMarkup(inline_keyboard=rows)
    return [Reply(text) for text in texts[:-1]] + [Reply(texts[-1], markup)]


def shorten(text: str, t: Translator, limit: int = REVIEW_ANSWER_LIMIT) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + t("dialog-truncated")


def split_text(lines: list[str], limit: int = TEXT_LIMIT) -> list[str]:
    """Lines joined into as few messages as Telegram's length limit allows."""
    messages: list[str] = []
    current = ""
    for line in lines:
        joined = f"{current}\n\n{line}" if current else line
        if len(joined) > limit and current:
            messages.append(current)
            joined = line
        current = joined
    messages.append(current)
    return messages


def answer_summary(t: Translator, question: Question, value: Any) -> str:
    return t("dialog-your-answer", answer=quote(shorten(format_answer(question, value, t), t)))
