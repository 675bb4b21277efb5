"""The product's vocabulary: who people are, where a response and its workflow stand.

Pure enums and the named sets of roles, defined once; the ORM stores them (``storage.models``)
and every other package reads them from here.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """What a person may do in the bot (``users.role``)."""

    admin = "admin"
    coordinator = "coordinator"  # regional: every municipality
    municipal = "municipal"  # municipal coordinator: the municipalities in user_municipalities
    consultant = "consultant"  # a psychologist of the consultation office
    school_head = "school_head"  # руководитель ОО or a deputy: reports for users.school_id
    respondent = "respondent"  # teachers, parents, mentors: their own submissions only


REGIONAL = frozenset({Role.admin, Role.coordinator})
PUBLISHERS = REGIONAL
"""Who may upload, publish and withdraw forms in the bot (/forms)."""
"""Roles that cover every municipality."""
COORDINATORS = frozenset({Role.admin, Role.coordinator, Role.municipal})
"""Those who run the programme: /progress, /exports, the summary, coordinators' forms."""
STAFF = frozenset({Role.admin, Role.coordinator, Role.municipal, Role.consultant})
"""Everyone with a role beyond answering forms."""
GRANTS: dict[Role, tuple[Role, ...]] = {
    Role.admin: (Role.admin, Role.coordinator, Role.municipal, Role.consultant, Role.school_head),
    Role.coordinator: (Role.municipal, Role.consultant, Role.school_head),
    Role.municipal: (Role.consultant, Role.school_head),
}
"""Which roles each role may give (by invitation) and take back."""
MUNICIPAL_ROLES = frozenset({Role.municipal, Role.consultant})
"""Roles given for one municipality."""
SCHOOL_ROLES = frozenset({Role.school_head})
"""Roles given for one school (chosen within a municipality)."""


class SubmissionStatus(StrEnum):
    draft = "draft"
    submitted = "submitted"
    replaced = "replaced"  # corrected: a later response of the same person and wave counts
    tested = "tested"  # a coordinator's trial of an unpublished form: never counted


class WorkflowKind(StrEnum):
    """What follows a sent response (a form's ``workflow:``)."""

    consultation = "consultation"  # a parent's request: booked, held, cancelled
    mentoring = "mentoring"  # a pair: the mentee confirms, meetings, completed or dissolved
    event = "event"  # an event report: its files are saved to disk
    profile = "profile"  # «О себе»: who the person is and their school, kept in their profile
    request = "request"  # a school asks the working group for support: accepted, done, declined


class PersonKind(StrEnum):
    """Who someone is among the respondents (their profile; a campaign's audience)."""

    teacher = "teacher"
    head = "head"  # руководитель школы или заместитель
    parent = "parent"
    other = "other"


SCHOOLS_AUDIENCE = "school"
"""A campaign's audience (``campaigns.kind``) for a school's form: the schools, reached through
their confirmed heads; a school has answered once it has sent its response."""


class SchoolGroup(StrEnum):
    """Which schools a campaign reaches."""

    all = "all"
    low = "low"  # ШНОР
    difficult = "difficult"  # ШНСУ
    both = "both"  # ШНОР и ШНСУ


class CampaignState(StrEnum):
    draft = "draft"
    sending = "sending"
    sent = "sent"
    closed = "closed"


class CaseStatus(StrEnum):
    """Where a workflow on top of a submission stands (``cases.status``)."""

    new = "new"  # a consultation request nobody has acted on yet
    scheduled = "scheduled"  # a consultation with a time
    held = "held"
    cancelled = "cancelled"
    no_show = "no_show"
    pending = "pending"  # a mentoring pair waiting for the mentee's confirmation
    active = "active"
    completed = "completed"
    dissolved = "dissolved"
    accepted = "accepted"  # a school's request someone took on; a head's claim confirmed
    done = "done"  # a school's request carried out
    declined = "declined"  # a school's request or a head's claim turned down, with a reason


CLOSED_CASES = frozenset(
    {
        CaseStatus.held,
        CaseStatus.cancelled,
        CaseStatus.no_show,
        CaseStatus.completed,
        CaseStatus.dissolved,
        CaseStatus.done,
        CaseStatus.declined,
    }
)


class Delivery(StrEnum):
    """Where a message of the outbox is: see ``storage.models.OutboxMessage``."""

    pending = "pending"
    claimed = "claimed"
    sending = "sending"
    sent = "sent"
    failed = "failed"
    blocked = "blocked"
    skipped = "skipped"
    unknown = "unknown"


FINISHED_DELIVERIES = frozenset(
    {Delivery.sent, Delivery.failed, Delivery.blocked, Delivery.skipped, Delivery.unknown}
)


class ReviewStatus(StrEnum):
    """Where the staff's review of a sent response stands (``reviews.status``), after ODK
    Central's review states; a response without a review is ``received``."""

    received = "received"  # nobody has looked at it yet
    approved = "approved"  # «Принято»
    has_issues = "has_issues"  # «Есть вопросы»: the respondent is asked to correct it
    rejected = "rejected"  # «Отклонено», with a reason
    corrected = "corrected"  # a correction replaced it: «Исправлено, ждёт проверки»


AWAITING_REVIEW = frozenset({ReviewStatus.received, ReviewStatus.corrected})
"""Statuses of responses nobody has decided on since they were sent: «Не проверены»."""
