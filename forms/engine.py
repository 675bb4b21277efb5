"""Walking a form: which questions are shown, where the person is, what comes next.

Everything here is a pure function of the form, the answers and a ``Cursor``.

Position is derived from the answers: the current question is the first visible one
that is not answered yet. ``Cursor`` only adds a UI override: ``focus`` names a question
the person went back to (or chose to edit on the review screen), and ``from_review``
says that after the change the person returns to the review screen. A focus that no
longer names a visible question is ignored, so a stale cursor cannot show a wrong screen.

An answer counts as given when its id is in ``answers``; a skipped optional question and
a note are stored as ``None``. A required question stored as ``None`` is not answered.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from forms.questions import ChoiceQuestion, Option, Question
from forms.schema import Form, Section
from forms.validation import options_for

Answers = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Cursor:
    """The UI override of the derived position (see the module docstring)."""

    focus: str | None = None
    from_review: bool = False


@dataclass(frozen=True, slots=True)
class QuestionScreen:
    """Ask ``question``. ``number`` is «Вопрос 3 из 12» (None for a note)."""

    question: Question
    number: int | None
    total: int
    current_value: Any
    section: Section | None = None
    options: tuple[Option, ...] = ()
    is_first: bool = False


@dataclass(frozen=True, slots=True)
class ReviewItem:
    question: Question
    value: Any


@dataclass(frozen=True, slots=True)
class ReviewScreen:
    """Every answer, before sending; shown only when the form is complete."""

    items: tuple[ReviewItem, ...]


Screen = QuestionScreen | ReviewScreen


# --- visibility ---------------------------------------------------------------------------


def _visible(form: Form, answers: Answers) -> list[tuple[Question, Section | None]]:
    """Visible questions in order. Conditions see only the answers of visible questions."""
    seen: dict[str, Any] = {}
    shown: list[tuple[Question, Section | None]] = []
    open_sections: dict[int, bool] = {}
    for question, section in form.walk():
        if section is not None and id(section) not in open_sections:
            open_sections[id(section)] = section.show_if is None or section.show_if.evaluate(seen)
        if section is not None and not open_sections[id(section)]:
            continue
        if question.show_if is None or question.show_if.evaluate(seen):
            shown.append((question, section))
            if question.id in answers:
                seen[question.id] = answers[question.id]
    return shown


def visible_questions(form: Form, answers: Answers) -> list[Question]:
    """The questions shown for these answers, in order (notes included)."""
    return [question for question, _section in _visible(form, answers)]


def is_answered(question: Question, answers: Answers) -> bool:
    """Given an answer, skipped (optional), or read (a note)."""
    if question.id not in answers:
        return False
    return answers[question.id] is not None or not question.required or not question.answerable


def first_unanswered(form: Form, answers: Answers) -> Question | None:
    return next((q for q in visible_questions(form, answers) if not is_answered(q, answers)), None)


def is_complete(form: Form, answers: Answers) -> bool:
    """Every visible question is answered (or skipped, or read)."""
    return first_unanswered(form, answers) is None


def effective_answers(form: Form, answers: Answers) -> dict[str, Any]:
    """Only the answers of visible questions: a branch left behind is dropped."""
    return {q.id: answers[q.id] for q in visible_questions(form, answers) if q.id in answers}


# --- position and screens -----------------------------------------------------------------


def current_question(form: Form, answers: Answers, cursor: Cursor) -> Question | None:
    """The question to show, or None when it is time for the review screen."""
    visible = visible_questions(form, answers)
    focused = next((q for q in visible if q.id == cursor.focus), None)
    if focused is not None:
        return focused
    return next((q for q in visible if not is_answered(q, answers)), None)


def screen(form: Form, answers: Answers, cursor: Cursor) -> Screen:
    """What to show now."""
    question = current_question(form, answers, cursor)
    if question is None:
        return _review(form, answers)
    return _question_screen(form, answers, question)


def _review(form: Form, answers: Answers) -> ReviewScreen:
    items = [
        ReviewItem(question, answers.get(question.id))
        for question in visible_questions(form, answers)
        if question.answerable
    ]
    return ReviewScreen(tuple(items))


def _question_screen(form: Form, answers: Answers, question: Question) -> QuestionScreen:
    visible = _visible(form, answers)
    countable = [q.id for q, _section in visible if q.answerable]
    section = next(section for q, section in visible if q.id == question.id)
    number = countable.index(question.id) + 1 if question.answerable else None
    return QuestionScreen(
        question=question,
        number=number,
        total=len(countable),
        current_value=answers.get(question.id),
        section=section,
        options=_options(question, effective_answers(form, answers)),
        is_first=visible[0][0].id == question.id,
    )


def _options(question: Question, answers: Answers) -> tuple[Option, ...]:
    return tuple(options_for(question, answers)) if isinstance(question, ChoiceQuestion) else ()


# --- transitions --------------------------------------------------------------------------


def after_answer(form: Form, answers: Answers, cursor: Cursor, question_id: str) -> Cursor:
    """Where to go once ``question_id`` is answered (``answers`` already hold the answer).

    Editing from review returns to review once the form is complete. After «Назад»,
    walking forward shows the next visible question with its current answer, until
    the first unanswered one.
    """
    if cursor.from_review:
        return Cursor() if is_complete(form, answers) else Cursor(from_review=True)
    if cursor.focus is None:
        return Cursor()
    following = _next_visible(form, answers, question_id)
    if following is not None and is_answered(following, answers):
        return Cursor(focus=following.id)
    return Cursor()


def _next_visible(form: Form, answers: Answers, question_id: str) -> Question | None:
    visible = visible_questions(form, answers)
    ids = [q.id for q in visible]
    if question_id not in ids:
        return None
    index = ids.index(question_id) + 1
    return visible[index] if index < len(visible) else None


def back(form: Form, answers: Answers, cursor: Cursor) -> Cursor:
    """«Назад»: the previous visible question; on the first one, stay; from review, the last."""
    visible = visible_questions(form, answers)
    if not visible:
        return Cursor()
    current = current_question(form, answers, cursor)
    if current is None:
        target = visible[-1]
    else:
        index = [q.id for q in visible].index(current.id)
        target = visible[max(index - 1, 0)]
    return Cursor(focus=target.id, from_review=cursor.from_review)


def edit(form: Form, answers: Answers, question_id: str) -> Cursor | None:
    """«Изменить» on the review screen; None for an unknown, hidden or note question."""
    for question in visible_questions(form, answers):
        if question.id == question_id and question.answerable:
            return Cursor(focus=question_id, from_review=True)
    return None
