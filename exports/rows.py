"""What a register is made of: plain rows in, a workbook out.

The storage layer reads submissions in batches and turns each into a ``RegisterRow``; the
writers in this package never see a database session or a Bot.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

from exports.coverage import CoverageTable
from forms.schema import Form

ExtraKind = Literal["text", "number", "date", "datetime", "link"]


@dataclass(frozen=True, slots=True)
class ExtraColumn:
    """A column that is not a question: a workflow's state (slot, status, meetings…).

    ``title`` is already in Russian (the caller translates); ``personal`` columns are left
    out of the anonymised variant."""

    id: str
    title: str
    kind: ExtraKind = "text"
    personal: bool = False


@dataclass(frozen=True, slots=True)
class ReviewLine:
    """One entry of a response's review history: a status set (with the comment or the
    reason) or a question a correction changed (stored values). ``at`` is aware UTC; ``who``
    a name, or the respondent's code in the anonymised variant; ``hidden``: the values are
    a personal question's, left out of the anonymised variant."""

    at: datetime
    who: str | None
    status: str
    comment: str | None = None
    question_id: str | None = None
    old: Any = None
    new: Any = None
    hidden: bool = False


@dataclass(frozen=True, slots=True)
class RegisterRow:
    """One submission.

    ``answers`` holds the stored values keyed by question id, exactly as the dialog saved
    them (see ``forms/validation.py``); ``extra`` holds values for the ``ExtraColumn`` ids
    (a datetime there is time-zone-aware UTC, a link is a ``(text, target)`` pair)."""

    number: int
    version: int
    status: str  # a code; shown as the exports.ftl message ``register-status-<code>``
    sent_at: datetime | None
    respondent_id: int | None = None
    respondent_name: str | None = None
    pseudonym: str | None = None
    answers: Mapping[str, Any] = field(default_factory=dict)
    extra: Mapping[str, Any] = field(default_factory=dict)
    school: Mapping[str, str] | None = None  # a school's form: the school that answered
    review_status: str = "received"  # a forms.vocabulary.ReviewStatus value
    review_comment: str | None = None  # the last question asked or reason given
    review: Sequence[ReviewLine] = ()  # the history, oldest first: the sheet «История проверки»


@dataclass(frozen=True, slots=True)
class ExportInfo:
    """What the «О выгрузке» sheet says: who, when, which filters, which versions."""

    exported_at: datetime
    exported_by: str
    filters: Sequence[tuple[str, str]] = ()
    versions: Sequence[int] = ()


@dataclass(frozen=True, slots=True)
class RegisterRequest:
    """A register of one form.

    ``forms`` are the definitions of the versions present, newest first: columns follow the
    newest, and questions that only older versions asked are added after them."""

    forms: Sequence[tuple[int, Form]]
    zone: ZoneInfo
    info: ExportInfo
    anonymous: bool = False
    one_hot: bool = False
    extra_columns: Sequence[ExtraColumn] = ()
    coverage: Sequence[CoverageTable] = ()  # the form's campaigns: the sheet «Охват»
