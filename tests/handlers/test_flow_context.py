"""The dialog's per-update context: its screen is worked out again whenever the answers or
the cursor changed, and only then."""

from __future__ import annotations

from datetime import UTC, datetime

from forms import engine
from forms.engine import QuestionScreen, ReviewScreen
from forms.vocabulary import SubmissionStatus
from handlers.dialog.data import DialogData
from handlers.dialog.flow import Context
from storage.dto import SubmissionDTO
from tests.forms.helpers import choice, make_form, question

NOW = datetime(2026, 12, 3, tzinfo=UTC)


def context() -> Context:
    form = make_form(choice("role", "teacher", "parent"), question("text", "comment"))
    submission = SubmissionDTO(
        1, 1, 1, SubmissionStatus.draft, None, None, None, None, NOW, NOW, None
    )
    return Context(submission, form, {}, DialogData(submission=1))


def question_id(screen: engine.Screen) -> str:
    assert isinstance(screen, QuestionScreen)
    return screen.question.id


def test_the_same_answers_and_cursor_give_the_screen_already_worked_out() -> None:
    ctx = context()
    assert ctx.screen() is ctx.screen()


def test_an_answer_changed_in_place_moves_the_screen() -> None:
    ctx = context()
    assert question_id(ctx.screen()) == "role"
    ctx.answers["role"] = "teacher"
    assert question_id(ctx.screen()) == "comment"
    ctx.answers["comment"] = "Спасибо"
    assert isinstance(ctx.screen(), ReviewScreen)
    ctx.answers.pop("comment")
    assert question_id(ctx.screen()) == "comment"


def test_a_new_cursor_moves_the_screen() -> None:
    ctx = context()
    ctx.answers.update(role="teacher", comment="Спасибо")
    assert isinstance(ctx.screen(), ReviewScreen)
    ctx.data = ctx.data.moved(engine.Cursor(focus="role", from_review=True))
    assert question_id(ctx.screen()) == "role"
