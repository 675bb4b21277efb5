"""What a screen of the dialog is drawn from: the form, the person's dialog data, today, and
the directory on display; and the buttons it draws, each pinned to its submission."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from forms.i18n import Translator
from forms.questions import Question
from forms.schema import Form, entry_id, split_entry_id
from handlers.dialog.callbacks import Act, AnswerCallback
from handlers.dialog.data import DialogData
from handlers.ui import Button
from storage.dto import MunicipalityDTO, SchoolDTO


@dataclass(frozen=True, slots=True)
class Directory:
    """What the school question shows: municipalities, or one municipality's schools."""

    municipalities: Sequence[MunicipalityDTO] = ()
    municipality: MunicipalityDTO | None = None
    schools: Sequence[SchoolDTO] = ()
    admin: bool = False  # the person may load an empty directory: told the command
    mine: SchoolDTO | None = None  # the person's school (their profile): one tap to choose it


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
    ) -> Button:
        # Packed from trusted values, with no model built; still refused over 64 bytes.
        number = -1 if question is None else question_number(self.form, question.id)
        return Button(text, AnswerCallback.pack_values(self.data.submission, number, act, value))


def question_number(form: Form, question_id: str) -> int:
    """What ``q`` in callback data means: the question's place in the form file, counted
    over the form's questions, then its repeats and their questions; a repeat's question in
    entry N adds N times their number (so each entry's buttons are its own)."""
    numbers = _numbers(form)
    found = split_entry_id(question_id)
    if found is None:
        return numbers[question_id]
    base, entry = found
    return numbers[base] + entry * len(numbers)


def question_at(form: Form, number: int) -> str | None:
    """The question id that ``question_number`` gave ``number``; None for no question."""
    ids = list(_numbers(form))
    entry, index = divmod(number, len(ids))
    if number < 0:
        return None
    return ids[index] if entry == 0 else entry_id(ids[index], entry)


# Forms are few and live as long as the catalog; the entry keeps its form, so an id cannot be
# reused by another object while it is cached.
_NUMBERS: dict[int, tuple[Form, dict[str, int]]] = {}


def _numbers(form: Form) -> dict[str, int]:
    cached = _NUMBERS.get(id(form))
    if cached is not None and cached[0] is form:
        return cached[1]
    repeated = [name for r in form.repeats() for name in (r.id, *(q.id for q in r.questions))]
    ids = [*(q.id for q in form.all_questions()), *repeated]
    numbers = {question_id: i for i, question_id in enumerate(ids)}
    _NUMBERS[id(form)] = (form, numbers)
    return numbers
