"""Walking a form: which questions are shown, where the person is, what comes next.

Everything here is a pure function of the form, the answers and a ``Cursor``.

Position is derived from the answers: the current question is the first visible one
that is not answered yet. ``Cursor`` only adds a UI override: ``focus`` names a question
the person went back to (or chose to edit on the review screen), and ``from_review``
says that after the change the person returns to the review screen. A focus that no
longer names a visible question is ignored, so a stale cursor cannot show a wrong screen.

An answer counts as given when its id is in ``answers``; a skipped optional question and
a note are stored as ``None``. A required question stored as ``None`` is not answered.

A repeat is expanded here into its entries: each entry's questions are copies renamed to
``entry_id`` ids (``name[2]``), so everything below works on ids as for any question. The
number of entries follows from the answers too: ``count`` (a number, or the answer to an
earlier integer question), or, for an open repeat, the «Добавить ещё» answers stored under
the repeat's own entry ids (``subjects[1]`` true: a second entry follows).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from forms.expr import ENTRY_COUNT, TODAY, Scope
from forms.questions import (
    CalculateQuestion,
    ChoiceFilter,
    ChoiceQuestion,
    Option,
    Question,
    YesNoQuestion,
)
from forms.schema import Form, Repeat, Section, entry_id
from forms.validation import options_for

Answers = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Cursor:
    """The UI override of the derived position (see the module docstring)."""

    focus: str | None = None
    from_review: bool = False


@dataclass(frozen=True, slots=True)
class Entry:
    """One entry of a repeat: its number (from 1) and how many there are (None while an open
    repeat may grow)."""

    repeat: Repeat
    number: int
    total: int | None


@dataclass(frozen=True, slots=True)
class Shown:
    """A visible question, where it is, and whether it asks «Добавить ещё» after an entry."""

    question: Question
    section: Section | None = None
    entry: Entry | None = None
    more: bool = False
    scope: Mapping[str, Any] = field(default_factory=dict)
    """What the question's expressions and ``${…}`` see: the answers before it (inside a
    repeat, this entry's under the plain ids too) and the values calculated so far."""

    @property
    def counted(self) -> bool:
        """Numbered in «Вопрос 3 из 12»: not a note, not «Добавить ещё»."""
        return self.question.answerable and not self.more


@dataclass(frozen=True, slots=True)
class QuestionScreen:
    """Ask ``question``. ``number`` is «Вопрос 3 из 12» (None for a note and «Добавить ещё»)."""

    question: Question
    number: int | None
    total: int
    current_value: Any
    section: Section | None = None
    options: tuple[Option, ...] = ()
    is_first: bool = False
    entry: Entry | None = None
    more: bool = False  # «Добавить ещё» or «Готово» after the entry
    scope: Mapping[str, Any] = field(default_factory=dict)  # see ``Shown.scope``


@dataclass(frozen=True, slots=True)
class ReviewItem:
    question: Question
    value: Any
    entry: Entry | None = None
    scope: Mapping[str, Any] = field(default_factory=dict)  # see ``Shown.scope``


@dataclass(frozen=True, slots=True)
class ReviewScreen:
    """Every answer, before sending; shown only when the form is complete. ``additions`` are
    the «Готово» answers of open repeats that may take another entry: changing one adds it."""

    items: tuple[ReviewItem, ...]
    additions: tuple[Shown, ...] = ()
    removable: tuple[Entry, ...] = ()  # entries of open repeats that have more than one


Screen = QuestionScreen | ReviewScreen


# --- visibility ---------------------------------------------------------------------------


def _visible(form: Form, answers: Answers, seen: dict[str, Any] | None = None) -> list[Shown]:
    """Visible questions in order. Conditions see only the answers of visible questions
    and the calculations worked out before them; ``seen`` ends up holding both."""
    seen = {} if seen is None else seen
    shown: list[Shown] = []
    for item in form.questions:
        if isinstance(item, Repeat):
            shown += _repeat(item, answers, seen)
        elif isinstance(item, Section):
            if _holds(item, seen):
                shown += _asked(item.questions, answers, seen, item)
        else:
            shown += _asked((item,), answers, seen, None)
    return shown


def _holds(item: Question | Section | Repeat, seen: Answers) -> bool:
    return item.show_if is None or item.show_if.evaluate(seen)


def _asked(
    questions: tuple[Question, ...],
    answers: Answers,
    seen: dict[str, Any],
    section: Section | None,
) -> list[Shown]:
    """The questions whose conditions hold; each answer is seen by the next conditions."""
    shown = []
    for question in questions:
        if not _holds(question, seen):
            continue
        if isinstance(question, CalculateQuestion):
            seen[question.id] = calculated(question, seen)
            continue
        shown.append(Shown(question, section, scope=dict(seen)))
        if question.id in answers:
            seen[question.id] = answers[question.id]
    return shown


def calculated(question: CalculateQuestion, seen: Answers) -> Any:
    """A calculation's value in the stored shapes: a number, a text, an ISO date, None for
    empty (and for NaN, what a calculation over a missing answer gives)."""
    today = seen.get(TODAY)
    day = today if isinstance(today, date) else date.today()
    value = question.calculation.value(Scope(seen, day))
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return int(value) if value.is_integer() else value
    return value if value != "" else None


def computed(form: Form, answers: Answers) -> dict[str, Any]:
    """The answers of visible questions and every calculation's value (a repeat's under
    its entry ids): what the review and the registers read."""
    seen: dict[str, Any] = {}
    _visible(form, answers, seen)
    return {key: value for key, value in seen.items() if not key.startswith("#")}


def _repeat(repeat: Repeat, answers: Answers, seen: dict[str, Any]) -> list[Shown]:
    """The entries of a repeat, each followed by «Добавить ещё» when the repeat is open."""
    if not _holds(repeat, seen):
        return []
    total = entry_count(repeat, seen)
    shown: list[Shown] = []
    entries = 0
    for number in range(1, (repeat.max_count if total is None else total) + 1):
        entry = Entry(repeat, number, total)
        shown += _entry(entry, answers, seen)
        entries = number
        if total is not None or number == repeat.max_count:
            continue
        more = more_question(repeat, number)
        shown.append(Shown(more, entry=entry, more=True))
        if answers.get(more.id) is not True:
            break
    for name in (repeat.id, *(question.id for question in repeat.questions)):
        seen[ENTRY_COUNT.format(name)] = entries
    return shown


def entry_count(repeat: Repeat, seen: Answers) -> int | None:
    """How many entries a repeat with ``count`` has (at most ``max_count``); None if open."""
    if repeat.count is None:
        return None
    count = seen.get(repeat.count) if isinstance(repeat.count, str) else repeat.count
    if not isinstance(count, int) or isinstance(count, bool):
        return 0
    return max(0, min(count, repeat.max_count))


def _entry(entry: Entry, answers: Answers, seen: dict[str, Any]) -> list[Shown]:
    """One entry's questions: their conditions see the answers before the repeat and the
    entry's own, under the ids the form file gives them (and under the entry ids). Each
    answer is also kept in ``seen`` under its entry id, for ``sum()`` and ``count()``."""
    scope = dict(seen)
    shown = []
    for question in entry.repeat.questions:
        if not _holds(question, scope):
            continue
        instance = _instance(question, entry)
        if isinstance(question, CalculateQuestion):
            value = calculated(question, scope)
            scope[question.id] = scope[instance.id] = seen[instance.id] = value
            continue
        shown.append(Shown(instance, entry=entry, scope=dict(scope)))
        if instance.id in answers:
            value = answers[instance.id]
            scope[question.id] = scope[instance.id] = seen[instance.id] = value
    return shown


def _instance(question: Question, entry: Entry) -> Question:
    """The question as asked in ``entry``: renamed, its cascade following the same entry."""
    changes: dict[str, Any] = {"id": entry_id(question.id, entry.number)}
    if isinstance(question, ChoiceQuestion) and isinstance(question.choice_filter, ChoiceFilter):
        rule = question.choice_filter
        inner = {q.id for q in entry.repeat.questions}
        if rule.question in inner:
            target = entry_id(rule.question, entry.number)
            changes["choice_filter"] = ChoiceFilter.model_construct(
                column=rule.column, question=target
            )
    return question.model_copy(update=changes)


def more_question(repeat: Repeat, number: int) -> Question:
    """«Добавить ещё» (true) or «Готово» (false) after entry ``number`` of an open repeat."""
    return YesNoQuestion.model_construct(id=entry_id(repeat.id, number), label=repeat.title)


def visible_questions(form: Form, answers: Answers) -> list[Question]:
    """The questions shown for these answers, in order (notes included)."""
    return [shown.question for shown in _visible(form, answers)]


def find_question(form: Form, answers: Answers, question_id: str) -> Question | None:
    """A question by its id as shown (``name[2]`` inside a repeat), visible or not."""
    shown = next((q for q in visible_questions(form, answers) if q.id == question_id), None)
    return shown if shown is not None else form.answer_question(question_id)


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
    place = _current(_visible(form, answers), answers, cursor)
    return None if place is None else place.question


def _current(visible: list[Shown], answers: Answers, cursor: Cursor) -> Shown | None:
    focused = next((s for s in visible if s.question.id == cursor.focus), None)
    if focused is not None:
        return focused
    return next((s for s in visible if not is_answered(s.question, answers)), None)


def screen(form: Form, answers: Answers, cursor: Cursor) -> Screen:
    """What to show now (one pass over the form's conditions)."""
    visible = _visible(form, answers)
    place = _current(visible, answers, cursor)
    if place is None:
        return _review(visible, answers)
    return _question_screen(visible, answers, place)


def _review(visible: list[Shown], answers: Answers) -> ReviewScreen:
    items = [
        ReviewItem(shown.question, answers.get(shown.question.id), shown.entry, shown.scope)
        for shown in visible
        if shown.counted
    ]
    additions = [
        shown for shown in visible if shown.more and answers.get(shown.question.id) is False
    ]
    return ReviewScreen(tuple(items), tuple(additions), tuple(_removable(visible)))


def _removable(visible: list[Shown]) -> list[Entry]:
    """The entries of open repeats with more than one entry, in order."""
    entries: dict[tuple[str, int], Entry] = {}
    for shown in visible:
        if shown.entry is not None and shown.entry.repeat.count is None:
            entries.setdefault((shown.entry.repeat.id, shown.entry.number), shown.entry)
    found = list(entries.values())
    return [e for e in found if sum(o.repeat.id == e.repeat.id for o in found) > 1]


def _question_screen(visible: list[Shown], answers: Answers, place: Shown) -> QuestionScreen:
    question = place.question
    countable = [shown.question.id for shown in visible if shown.counted]
    number = countable.index(question.id) + 1 if place.counted else None
    return QuestionScreen(
        question=question,
        number=number,
        total=len(countable),
        current_value=answers.get(question.id),
        section=place.section,
        options=_options(question, place.scope),
        is_first=visible[0].question.id == question.id,
        entry=place.entry,
        more=place.more,
        scope=place.scope,
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


@dataclass(frozen=True, slots=True)
class Removal:
    """The answers to write and to delete so that an entry is gone and the later ones move
    up: entry N+1's answers become entry N's, the last entry's ids are deleted."""

    saved: dict[str, Any]
    deleted: frozenset[str]


def remove_entry(form: Form, answers: Answers, answer_id: str) -> Removal | None:
    """Remove the entry that ``answer_id`` (the repeat's own entry id, ``members[2]``) names;
    None unless it is an entry of an open repeat on the review with more than one entry."""
    review = screen(form, answers, Cursor())
    if not isinstance(review, ReviewScreen):
        return None
    entry = next(
        (e for e in review.removable if entry_id(e.repeat.id, e.number) == answer_id), None
    )
    if entry is None:
        return None
    last = max(e.number for e in review.removable if e.repeat.id == entry.repeat.id)
    ids = [entry.repeat.id, *(question.id for question in entry.repeat.questions)]
    saved: dict[str, Any] = {}
    deleted = {entry_id(base, last) for base in ids}
    for number in range(entry.number, last):
        for base in ids:
            following = entry_id(base, number + 1)
            if following in answers:
                saved[entry_id(base, number)] = answers[following]
            else:
                deleted.add(entry_id(base, number))
    return Removal(saved, frozenset(deleted - set(saved)))
