"""The dialog's FSM state and data. The data is validated through a pydantic model and
holds only UI state: which submission, the cursor override, and input in progress."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from forms.engine import Cursor


class DialogData(BaseModel):
    model_config = ConfigDict(frozen=True)

    submission: int
    focus: str | None = None
    from_review: bool = False
    # Input in progress for question ``pending_for`` (ticks, files, the chosen municipality).
    pending_for: str | None = None
    selection: tuple[str, ...] = ()
    other: str | None = None
    files: tuple[dict[str, Any], ...] = ()
    municipality: int | None = None
    contact: str | None = None  # another person's phone, until the person says it is theirs
    page: int = 0
    month: str | None = None

    @property
    def cursor(self) -> Cursor:
        return Cursor(focus=self.focus, from_review=self.from_review)

    def moved(self, cursor: Cursor) -> DialogData:
        """At a new position; input in progress is dropped."""
        return DialogData(
            submission=self.submission, focus=cursor.focus, from_review=cursor.from_review
        )

    def pending(self, question_id: str, **changes: Any) -> DialogData:
        """Input in progress for ``question_id`` (starting afresh if it was for another one)."""
        base = self if self.pending_for == question_id else self.moved(self.cursor)
        return base.model_copy(update={"pending_for": question_id, **changes})

    def of(self, question_id: str) -> DialogData:
        """This data if it holds input for ``question_id``, else a clean one at the same place."""
        return self if self.pending_for == question_id else self.moved(self.cursor)
