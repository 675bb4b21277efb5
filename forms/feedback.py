"""What a person is told of their own answers after sending a self-diagnosis: the
``feedback`` of each rating they gave at least the form's ``feedback_from``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from forms.questions import RatingQuestion
from forms.schema import Form


def feedback_for(form: Form, answers: Mapping[str, Any]) -> list[str] | None:
    """The feedback texts of the ratings at or above the threshold, in the form's order;
    None when the form gives no feedback."""
    if form.feedback_from is None:
        return None
    return [
        question.feedback
        for question in form.all_questions()
        if isinstance(question, RatingQuestion)
        and question.feedback
        and _rated(answers.get(question.id)) >= form.feedback_from
    ]


def _rated(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else -1
