"""The sheet «История проверки» of a register: a row per entry of each response's review
history, written as the response's row passes (the register stays streamed).

The columns: the response's number (the «№» of the main sheet), when (local time), who,
the status, the comment or reason, and for a correction each question it changed with the
value before and after."""

from __future__ import annotations

from typing import Any

from exports.cells import DATETIME, HEADER, PLAIN, WRAPPED, Look
from exports.rows import RegisterRequest, RegisterRow, ReviewLine
from exports.xlsx import StreamedSheet
from forms.display import format_answer
from forms.i18n import Translator
from forms.questions import Question

WIDTHS = (10, 17, 28, 26, 50, 40, 30, 30)
HEADERS = (
    "review-sheet-number",
    "review-sheet-at",
    "review-sheet-who",
    "review-sheet-status",
    "review-sheet-comment",
    "review-sheet-question",
    "review-sheet-old",
    "review-sheet-new",
)
LOOKS: tuple[Look, ...] = (PLAIN, DATETIME, PLAIN, PLAIN, WRAPPED, WRAPPED, WRAPPED, WRAPPED)


def review_status_name(t: Translator, code: str) -> str:
    message_id = f"review-status-{code.replace('_', '-')}"
    return t(message_id) if t.has(message_id) else code


class ReviewSheet:
    """The history sheet being written: its header at once, then each response's lines."""

    def __init__(self, sheet: StreamedSheet, request: RegisterRequest, t: Translator):
        self.sheet, self.request, self.t = sheet, request, t
        self.count = 0
        self._questions: dict[str, Question | None] = {}
        self.headers = [t(header) for header in HEADERS]
        self.styles = sheet.styles(LOOKS)
        sheet.freeze_header()
        sheet.line(list(self.headers), HEADER)

    def write(self, row: RegisterRow) -> None:
        for line in row.review:
            self.sheet.append(self._values(row.number, line), self.styles)
            self.count += 1

    def _values(self, number: int, line: ReviewLine) -> list[Any]:
        t = self.t
        question = self._question(line.question_id)
        label = None
        old = new = None
        if line.question_id is not None:
            label = question.label if question is not None else line.question_id
            if line.hidden:
                old = new = t("review-hidden")
            else:
                old, new = self._shown(question, line.old), self._shown(question, line.new)
        status = review_status_name(t, line.status)
        return [number, line.at, line.who, status, line.comment, label, old, new]

    def _shown(self, question: Question | None, value: Any) -> str | None:
        if value is None:
            return None
        if question is None:
            return str(value)
        return format_answer(question, value, self.t)

    def _question(self, question_id: str | None) -> Question | None:
        """The question of a stored answer id, from the newest version that has it."""
        if question_id is None:
            return None
        if question_id not in self._questions:
            found = None
            for _version, form in self.request.forms:
                found = form.answer_question(question_id)
                if found is not None:
                    break
            self._questions[question_id] = found
        return self._questions[question_id]
