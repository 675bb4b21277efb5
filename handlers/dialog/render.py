"""Screens of the engine turned into messages and keyboards. No I/O here."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from forms.display import fill, format_answer
from forms.engine import (
    Entry,
    QuestionScreen,
    ReviewScreen,
    Screen,
    is_answered,
    more_question,
)
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
from forms.validation import Selection, default_value
from handlers.dialog.calendar import calendar_rows
from handlers.dialog.callbacks import Act
from handlers.dialog.data import DialogData
from handlers.dialog.view import View
from handlers.ui import Button, Keyboard, Reply, ShareContact, quote, split_text

REVIEW_ANSWER_LIMIT = 300
DEFAULT_LIMIT = 40
"""The longest default shown on its «Оставить: …» button."""
SCHOOLS_PER_PAGE = 8
Rows = list[list[Button]]


def render(view: View, screen: Screen) -> list[Reply]:
    if isinstance(screen, ReviewScreen):
        return render_review(view, screen)
    return render_question(view, screen)


# --- a question ---------------------------------------------------------------------------


def render_question(view: View, screen: QuestionScreen) -> list[Reply]:
    rows = [*_answer_rows(view, screen), _navigation(view, screen)]
    replies = [Reply(question_text(view, screen), Keyboard.of(*rows))]
    if isinstance(screen.question, PhoneQuestion):
        replies.append(Reply(view.t("dialog-phone-keyboard"), _share_phone(view.t)))
    return replies


def question_text(view: View, screen: QuestionScreen) -> str:
    t, question = view.t, screen.question
    lines = []
    if screen.section is not None and screen.section.title:
        lines.append(t("dialog-section", title=quote(screen.section.title)))
    if screen.entry is not None:
        lines.append(entry_heading(t, screen.entry))
    if screen.number is not None:
        lines.append(t("form-progress", number=screen.number, total=screen.total))
    if screen.more and screen.entry is not None:
        title = quote(screen.entry.repeat.title)
        lines.append(t("dialog-repeat-more", title=title, count=screen.entry.number))
        return "\n".join(lines)
    lines.append(f"<b>{quote(_filled(view, screen, question.label))}</b>")
    lines.extend(_explanations(view, screen))
    return "\n".join(lines)


def _filled(view: View, screen: QuestionScreen, text: str) -> str:
    """``${field}`` in a form's text: the answers the question sees."""
    return fill(text, view.form, screen.scope, view.t)


def _default(view: View, screen: QuestionScreen) -> Any:
    """The stored value of the question's default, while it has no answer."""
    if screen.question.default is None or screen.current_value is not None:
        return None
    return default_value(screen.question, view.today, screen.scope)


def entry_heading(t: Translator, entry: Entry) -> str:
    """«Предмет: запись 2 из 3» (an open repeat: «запись 2»)."""
    title = quote(entry.repeat.title)
    return t("dialog-repeat-entry", title=title, number=entry.number, total=entry.total or 0)


def _explanations(view: View, screen: QuestionScreen) -> list[str]:
    t, question = view.t, screen.question
    lines = []
    if question.hint:
        lines.append(f"<i>{quote(_filled(view, screen, question.hint))}</i>")
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
    if question.read_only:
        value = screen.current_value if screen.current_value is not None else _default(view, screen)
        if value is not None:
            lines.append(t("dialog-read-only", answer=quote(format_answer(question, value, t))))
    elif screen.current_value is not None:
        answer = format_answer(question, screen.current_value, t)
        lines.append(t("dialog-current-answer", answer=quote(answer)))
    return lines


def _answer_rows(view: View, screen: QuestionScreen) -> Rows:
    if screen.more:
        return _more_rows(view, screen)
    if screen.question.read_only:
        return [[view.button(view.t("form-button-next"), Act.next, screen.question)]]
    build = _ROWS.get(type(screen.question))
    rows = [] if build is None else build(view, screen)
    value = _default(view, screen)
    if value is not None and not isinstance(screen.question, MultipleChoiceQuestion):
        answer = shorten(format_answer(screen.question, value, view.t), view.t, DEFAULT_LIMIT)
        label = view.t("dialog-button-default", answer=answer)
        rows.insert(0, [view.button(label, Act.default, screen.question)])
    return rows


def _yes_no_rows(view: View, screen: QuestionScreen) -> Rows:
    question = screen.question
    yes = view.button(view.t("answer-yes"), Act.pick, question, "yes")
    return [[yes, view.button(view.t("answer-no"), Act.pick, question, "no")]]


def _more_rows(view: View, screen: QuestionScreen) -> Rows:
    """After an entry of an open repeat: «Добавить ещё» (yes) or «Готово» (no)."""
    question = screen.question
    more = view.button(view.t("dialog-button-add-entry"), Act.pick, question, "yes")
    return [[more], [view.button(view.t("form-button-done"), Act.pick, question, "no")]]


def _one_button(act: Act, label: str) -> RowsBuilder:
    def rows(view: View, screen: QuestionScreen) -> Rows:
        return [[view.button(view.t(label), act, screen.question)]]

    return rows


def _single_choice_rows(view: View, screen: QuestionScreen) -> Rows:
    question = screen.question
    rows = [
        [view.button(_filled(view, screen, o.label), Act.pick, question, o.value)]
        for o in screen.options
    ]
    if isinstance(question, SingleChoiceQuestion) and question.other:
        rows.append([view.button(view.t("answer-other-button"), Act.pick, question, OTHER)])
    return rows


def current_selection(data: DialogData, screen: QuestionScreen, today: date) -> Selection:
    """The ticks in progress, or, before the first tick, those of the saved answer (or of
    the question's default)."""
    pending = data.of(screen.question.id)
    if pending.pending_for is None and screen.current_value is not None:
        return Selection.from_answer(screen.current_value)
    if pending.pending_for is None and screen.question.default is not None:
        return Selection.from_answer(default_value(screen.question, today, screen.scope))
    return Selection(pending.selection, pending.other)


def _multiple_choice_rows(view: View, screen: QuestionScreen) -> Rows:
    question = screen.question
    ticked = set(current_selection(view.data, screen, view.today).values)

    def label(text: str, value: str) -> str:
        text = _filled(view, screen, text)
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


def _rating_rows(view: View, screen: QuestionScreen) -> Rows:
    question = screen.question
    assert isinstance(question, RatingQuestion)
    buttons = [
        view.button(str(n), Act.pick, question, str(n))
        for n in range(question.min, question.max + 1)
    ]
    return [buttons[i : i + 6] for i in range(0, len(buttons), 6)]


def _school_rows(view: View, screen: QuestionScreen) -> Rows:
    question = screen.question
    directory = view.directory
    if directory.municipality is None:
        rows = [
            [view.button(m.name, Act.municipality, question, str(m.id))]
            for m in directory.municipalities
        ]
        mine = directory.mine
        if mine is None:
            return rows
        label = view.t("dialog-button-my-school", school=mine.short_name)
        return [[view.button(label, Act.my_school, question, str(mine.id))], *rows]
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


def _calendar_rows(view: View, screen: QuestionScreen) -> Rows:
    assert isinstance(screen.question, DateQuestion)
    return calendar_rows(view, screen.question)


RowsBuilder = Callable[[View, QuestionScreen], Rows]
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
        return school_empty(view.t, admin=directory.admin)
    return view.t("dialog-school-municipality")


def school_empty(t: Translator, *, admin: bool) -> str:
    """No directory yet: nobody can pick a school. An admin is told how to load it."""
    return t("dialog-school-empty-admin" if admin else "dialog-school-empty")


def _navigation(view: View, screen: QuestionScreen) -> list[Button]:
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


def _share_phone(t: Translator) -> ShareContact:
    return ShareContact(t("dialog-button-share-phone"))


# --- the review ---------------------------------------------------------------------------


def review_lines(view: View, screen: ReviewScreen) -> list[str]:
    """Numbered answers; the answers of each repeat's entry under its heading."""
    lines = []
    entry: Entry | None = None
    for number, item in enumerate(screen.items, start=1):
        if item.entry is not None and item.entry != entry:
            title = quote(item.entry.repeat.title)
            lines.append(view.t("dialog-review-entry", title=title, number=item.entry.number))
        entry = item.entry
        answer = shorten(format_answer(item.question, item.value, view.t), view.t)
        label = fill(item.question.label, view.form, item.scope, view.t)
        lines.append(
            view.t(
                "dialog-review-line",
                number=number,
                label=quote(label),
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
    for shown in screen.additions:
        assert shown.entry is not None
        label = t("dialog-button-add-entry-to", title=shown.entry.repeat.title)
        rows.append([view.button(label, Act.edit, shown.question)])
    removals = [_removal(view, entry) for entry in screen.removable]
    rows += [removals[i : i + 3] for i in range(0, len(removals), 3)]
    rows.append(
        [
            view.button(t("dialog-button-submit"), Act.submit),
            view.button(t("dialog-button-leave"), Act.leave),
        ]
    )
    texts = split_text(body)
    markup = Keyboard.of(*rows)
    return [Reply(text) for text in texts[:-1]] + [Reply(texts[-1], markup)]


def _removal(view: View, entry: Entry) -> Button:
    """«🗑 Участник 2»: the entry is removed, the later ones move up."""
    label = view.t("dialog-button-remove-entry", title=entry.repeat.title, number=entry.number)
    return view.button(label, Act.remove, more_question(entry.repeat, entry.number))


def shorten(text: str, t: Translator, limit: int = REVIEW_ANSWER_LIMIT) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + t("dialog-truncated")


def answer_summary(t: Translator, question: Question, value: Any, *, more: bool = False) -> str:
    """«Ваш ответ: …»; after an entry, the button that was pressed."""
    if more:
        answer = t("dialog-button-add-entry") if value else t("form-button-done")
    else:
        answer = shorten(format_answer(question, value, t), t)
    return t("dialog-your-answer", answer=quote(answer))
