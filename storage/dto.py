"""Plain objects the repositories return. Frozen, detached from any session."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from forms.vocabulary import CaseStatus, Delivery, Role, SubmissionStatus


@dataclass(frozen=True, slots=True)
class UserDTO:
    id: int
    first_name: str
    last_name: str | None
    username: str | None
    language: str | None
    role: Role
    created_at: datetime
    consent_version: str | None = None
    consent_at: datetime | None = None
    erased_at: datetime | None = None
    blocked_at: datetime | None = None
    kind: str | None = None
    school_id: int | None = None
    muted_at: datetime | None = None
    reminded_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class FormVersionDTO:
    id: int
    form_id: str
    version: int
    fingerprint: str
    title: str
    definition: dict[str, Any]
    created_at: datetime
    author_id: int | None = None
    file_name: str | None = None


@dataclass(frozen=True, slots=True)
class PublicationDTO:
    form_id: str
    state: str
    version_id: int | None
    draft_id: int | None
    uploaded: bool
    changed_by: int | None
    changed_at: datetime


@dataclass(frozen=True, slots=True)
class SubmissionDTO:
    id: int
    form_version_id: int
    respondent_id: int
    status: SubmissionStatus
    wave_id: int | None
    parent_id: int | None
    school_id: int | None
    municipality_id: int | None
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None
    personal_erased_at: datetime | None = None
    school_key: str | None = None  # set for a school's form: shared by the school's heads
    test: bool = False  # a coordinator's trial of a form before publishing it


@dataclass(frozen=True, slots=True)
class TypedAnswer:
    """The latest answer that came as a message: which question, which message, when saved."""

    question_id: str
    message_id: int
    sent_at: datetime  # when the person sent the message (Telegram's date)


@dataclass(frozen=True, slots=True)
class LoadedSubmission:
    submission: SubmissionDTO
    answers: dict[str, Any]
    last_typed: TypedAnswer | None = None


@dataclass(frozen=True, slots=True)
class DraftDTO:
    """An unfinished questionnaire, for «Продолжить»."""

    submission_id: int
    form_id: str
    form_version_id: int
    title: str
    answered: int
    created_at: datetime


@dataclass(frozen=True, slots=True)
class MunicipalityDTO:
    id: int
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class SchoolDTO:
    id: int
    code: str
    name: str
    short_name: str
    municipality_id: int
    municipality_name: str
    low_results: bool
    difficult_conditions: bool
    partner: bool
    teachers: int | None = None


@dataclass(frozen=True, slots=True)
class StaffDTO:
    id: int
    first_name: str
    last_name: str | None
    role: Role
    municipalities: tuple[str, ...]
    municipality_ids: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class InvitationDTO:
    code: str
    role: Role
    municipality_id: int | None
    created_by: int
    created_at: datetime
    expires_at: datetime
    used_by: int | None
    used_at: datetime | None
    school_id: int | None = None  # an invitation of a school's head


@dataclass(frozen=True, slots=True)
class AuditDTO:
    id: int
    at: datetime
    actor_id: int | None
    action: str
    details: dict[str, Any]


@dataclass(frozen=True, slots=True)
class WaveDTO:
    id: int
    form_id: str
    kind: str
    title: str
    opens_on: date
    closes_on: date
    closed_at: datetime | None
    created_by: int
    created_at: datetime

    def is_open(self, today: date) -> bool:
        return self.closed_at is None and self.opens_on <= today <= self.closes_on


@dataclass(frozen=True, slots=True)
class CaseDTO:
    """A workflow's state with what it needs of its submission."""

    submission_id: int
    kind: str
    status: CaseStatus
    assignee_id: int | None
    code: str | None
    subject: str | None
    reason: str | None
    updated_at: datetime
    closed_at: datetime | None
    respondent_id: int
    form_version_id: int
    municipality_id: int | None
    submitted_at: datetime | None
    school_id: int | None = None


@dataclass(frozen=True, slots=True)
class SlotDTO:
    id: int
    consultant_id: int
    starts_at: datetime
    submission_id: int | None
    reminded_at: datetime | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A message to queue: ``buttons`` are rows of ``{"text", "data"|"url"}``."""

    chat_id: int
    text: str
    buttons: list[list[dict[str, str]]] | None = None
    purpose: str = "notice"
    priority: int = 0
    campaign_id: int | None = None


@dataclass(frozen=True, slots=True)
class OutboxDTO:
    id: int
    chat_id: int
    text: str
    buttons: list[list[dict[str, str]]] | None
    purpose: str
    priority: int
    campaign_id: int | None
    status: Delivery
    not_before: datetime
    attempts: int
    claim: str | None
    claimed_at: datetime | None
    sent_at: datetime | None
    message_id: int | None
    error: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class CampaignDTO:
    id: int
    form_id: str
    wave_id: int | None
    kind: str
    schools: str
    municipality_ids: list[int] | None
    deadline: date | None
    text: str | None
    state: str
    reminder_days: list[int]
    reminded_days: list[int]
    created_by: int
    created_at: datetime
    sent_at: datetime | None
    closed_at: datetime | None
    progress_chat_id: int | None
    progress_message_id: int | None


@dataclass(frozen=True, slots=True)
class Coverage:
    """One school of a campaign: who is expected and who answered."""

    school_id: int
    school: str
    municipality_id: int
    municipality: str
    registered: int  # people of the audience's kind with this school in their profile
    answered: int
    teachers: int | None  # the directory's «Педагогов»


@dataclass(frozen=True, slots=True)
class Recipient:
    user_id: int
    answered: bool
    has_draft: bool
    muted: bool
    reminded_at: datetime | None
