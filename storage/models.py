"""Tables. Declared with the ORM for Alembic; queried with Core in the repositories."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    Enum,
    ForeignKey,
    Index,
    MetaData,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from forms.vocabulary import CaseStatus, Delivery, ReviewStatus, Role, SubmissionStatus
from storage.types import BigId, UTCDateTime, utcnow

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
    }


def _enum(cls: type[enum.StrEnum]) -> Enum:
    # Stored as VARCHAR with the values; no native ENUM type, so migrations stay simple.
    return Enum(cls, native_enum=False, length=32, values_callable=lambda e: [m.value for m in e])


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    first_name: Mapped[str] = mapped_column(String(128))
    last_name: Mapped[str | None] = mapped_column(String(128))
    username: Mapped[str | None] = mapped_column(String(64))
    language: Mapped[str | None] = mapped_column(String(16))
    role: Mapped[Role] = mapped_column(_enum(Role), default=Role.respondent)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    consent_version: Mapped[str | None] = mapped_column(String(32))
    consent_at: Mapped[datetime | None]
    erased_at: Mapped[datetime | None]
    # Telegram answered 403 (the person blocked the bot): nothing more is queued for them
    # until they write again.
    blocked_at: Mapped[datetime | None]
    # The profile (the built-in form «profile», or a school link): who they are among the
    # respondents (forms.vocabulary.PersonKind) and their school.
    kind: Mapped[str | None] = mapped_column(String(32))
    school_id: Mapped[int | None] = mapped_column(
        ForeignKey("schools.id", ondelete="SET NULL"), index=True
    )
    muted_at: Mapped[datetime | None]  # /mute: no campaign reminders
    reminded_at: Mapped[datetime | None]  # the last campaign reminder (one a day at most)


class UserMunicipality(Base):
    """The municipalities a municipal coordinator or a consultant works for."""

    __tablename__ = "user_municipalities"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    municipality_id: Mapped[int] = mapped_column(
        ForeignKey("municipalities.id", ondelete="CASCADE"), primary_key=True
    )


class Invitation(Base):
    """A one-time deep link that grants a role (and a municipality) to whoever opens it first."""

    __tablename__ = "invitations"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    role: Mapped[Role] = mapped_column(_enum(Role))
    municipality_id: Mapped[int | None] = mapped_column(
        ForeignKey("municipalities.id", ondelete="CASCADE")
    )
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"))
    created_by: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_by: Mapped[int | None] = mapped_column(BigInteger)
    used_at: Mapped[datetime | None]


class AuditEntry(Base):
    """Who did what to whose data: exports, role changes, invitations used, erasures."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(BigInteger)
    action: Mapped[str] = mapped_column(String(64))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Municipality(Base):
    __tablename__ = "municipalities"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(255))


class School(Base):
    __tablename__ = "schools"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(512))
    short_name: Mapped[str] = mapped_column(String(255))
    municipality_id: Mapped[int] = mapped_column(
        ForeignKey("municipalities.id", ondelete="RESTRICT"), index=True
    )
    low_results: Mapped[bool] = mapped_column(Boolean, default=False)
    difficult_conditions: Mapped[bool] = mapped_column(Boolean, default=False)
    partner: Mapped[bool] = mapped_column(Boolean, default=False)
    teachers: Mapped[int | None]  # «Педагогов» in the directory: a campaign's expected number


class SchoolYear(Base):
    """A school's flags in one school year (``year``: the year it starts, 2026 for 2026/27),
    as the directory imported for that year said; ``schools`` keeps the latest."""

    __tablename__ = "school_years"

    school_id: Mapped[int] = mapped_column(
        ForeignKey("schools.id", ondelete="CASCADE"), primary_key=True
    )
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    low_results: Mapped[bool] = mapped_column(Boolean)
    difficult_conditions: Mapped[bool] = mapped_column(Boolean)
    partner: Mapped[bool] = mapped_column(Boolean)


class FormVersion(Base):
    """One definition of a form; a changed definition (new fingerprint) is a new version."""

    __tablename__ = "form_versions"
    __table_args__ = (
        UniqueConstraint("form_id", "version"),
        UniqueConstraint("form_id", "fingerprint"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    form_id: Mapped[str] = mapped_column(String(64))
    version: Mapped[int]
    fingerprint: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(255))
    definition: Mapped[dict[str, Any]]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Uploaded in the bot (None: read from a form file at start-up), and the file's name.
    author_id: Mapped[int | None] = mapped_column(BigInteger)
    file_name: Mapped[str | None] = mapped_column(String(255))


class FormPublication(Base):
    """Which version of a form the bot offers, and whether it offers it at all.

    ``version_id`` is the live version (None until the first publication), ``draft_id`` an
    uploaded version waiting to be checked and published. ``state``: ``draft`` (never
    published), ``published`` or ``withdrawn``. ``uploaded``: the live version came from the
    bot, and a form file of the same id no longer replaces it at start-up. Every bot
    process builds its catalog from this table."""

    __tablename__ = "form_publications"

    form_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    state: Mapped[str] = mapped_column(String(16))
    version_id: Mapped[int | None] = mapped_column(
        ForeignKey("form_versions.id", ondelete="RESTRICT")
    )
    draft_id: Mapped[int | None] = mapped_column(
        ForeignKey("form_versions.id", ondelete="SET NULL")
    )
    uploaded: Mapped[bool] = mapped_column(default=False)
    changed_by: Mapped[int | None] = mapped_column(BigInteger)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)


class Wave(Base):
    """A monitoring wave of a ``per_period`` form (входной, промежуточный, итоговый): one
    response per person per wave, which they may correct until the wave closes."""

    __tablename__ = "waves"
    __table_args__ = (
        # One stage of a form open at a time: its closing (by hand, or when it ran out and
        # the next one opens) sets closed_at.
        Index(
            "uq_waves_one_open",
            "form_id",
            unique=True,
            sqlite_where=text("closed_at IS NULL"),
            postgresql_where=text("closed_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    form_id: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(255))
    opens_on: Mapped[date] = mapped_column(Date)
    closes_on: Mapped[date] = mapped_column(Date)
    closed_at: Mapped[datetime | None]
    created_by: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Submission(Base):
    __tablename__ = "submissions"
    __table_args__ = (
        # At most one unfinished questionnaire per person and form version.
        Index(
            "uq_submissions_one_draft",
            "form_version_id",
            "respondent_id",
            unique=True,
            sqlite_where=text("status = 'draft' AND school_key IS NULL"),
            postgresql_where=text("status = 'draft' AND school_key IS NULL"),
        ),
        # A school's form: one shared draft, and one sent response, per school (and wave).
        Index(
            "uq_submissions_school_draft",
            "school_key",
            unique=True,
            sqlite_where=text("status = 'draft' AND school_key IS NOT NULL"),
            postgresql_where=text("status = 'draft' AND school_key IS NOT NULL"),
        ),
        Index(
            "uq_submissions_school_sent",
            "school_key",
            unique=True,
            sqlite_where=text("status = 'submitted' AND school_key IS NOT NULL"),
            postgresql_where=text("status = 'submitted' AND school_key IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    form_version_id: Mapped[int] = mapped_column(
        ForeignKey("form_versions.id", ondelete="RESTRICT"), index=True
    )
    respondent_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[SubmissionStatus] = mapped_column(
        _enum(SubmissionStatus), default=SubmissionStatus.draft
    )
    wave_id: Mapped[int | None] = mapped_column(
        ForeignKey("waves.id", ondelete="RESTRICT"), index=True
    )
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), index=True
    )
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id", ondelete="SET NULL"))
    municipality_id: Mapped[int | None] = mapped_column(
        ForeignKey("municipalities.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]
    personal_erased_at: Mapped[datetime | None]
    # A school's form (``respondent: school``): form, school and wave, see SubmissionKeys.
    school_key: Mapped[str | None] = mapped_column(String(96))
    # A coordinator trying a form before publishing it («Пройти как респондент»): sent, it
    # becomes ``tested``, which no register, target or board reads.
    test: Mapped[bool] = mapped_column(default=False)


class Answer(Base):
    __tablename__ = "answers"
    __table_args__ = (UniqueConstraint("submission_id", "question_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(64))
    value: Mapped[Any] = mapped_column(JSON)
    answered_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The Telegram message of a typed answer (None for a button): see the dialog's retyping.
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    message_sent_at: Mapped[datetime | None]
    typed_by: Mapped[int | None] = mapped_column(BigInteger)  # whose chat the message was in


class Case(Base):
    """The workflow state of a submission: a consultation request or a mentoring pair.

    ``assignee_id`` is the consultant who took a request, or the mentee of a pair; ``code``
    is the one-time code of the mentee's confirmation link."""

    __tablename__ = "cases"

    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(32), index=True)
    status: Mapped[CaseStatus] = mapped_column(_enum(CaseStatus), index=True)
    assignee_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    code: Mapped[str | None] = mapped_column(String(40), unique=True)
    subject: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str | None] = mapped_column(String(500))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]


class Review(Base):
    """The staff's review of a sent response (ODK Central's review state). A response
    without a row is «received». ``turn`` counts the changes: every change is one
    conditional write from the turn the reviewer saw, so of two presses one wins.

    When a correction replaces the response, the row moves to the correction
    (``submission_id``); ``correction_id`` is the draft the respondent opened with
    «Исправить», which replaces this response when sent."""

    __tablename__ = "reviews"

    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), primary_key=True
    )
    status: Mapped[ReviewStatus] = mapped_column(_enum(ReviewStatus), index=True)
    comment: Mapped[str | None] = mapped_column(String(1000))
    reviewer_id: Mapped[int | None] = mapped_column(BigInteger)
    turn: Mapped[int] = mapped_column(default=1)
    correction_id: Mapped[int | None] = mapped_column(
        ForeignKey("submissions.id", ondelete="SET NULL"), unique=True
    )
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReviewEvent(Base):
    """The history of a response's review: each status set (who, when, the comment or the
    reason) and, for a correction, each question it changed (``question_id``, ``old``,
    ``new``: stored values). ``submission_id`` follows the response through its
    corrections; ``about_id`` is the response number the event was about at the time."""

    __tablename__ = "review_events"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), index=True
    )
    about_id: Mapped[int] = mapped_column(BigInteger)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(BigInteger)
    status: Mapped[ReviewStatus] = mapped_column(_enum(ReviewStatus))
    comment: Mapped[str | None] = mapped_column(String(1000))
    question_id: Mapped[str | None] = mapped_column(String(64))
    old: Mapped[Any | None] = mapped_column(JSON)
    new: Mapped[Any | None] = mapped_column(JSON)


class Slot(Base):
    """A consultant's free time. ``submission_id`` is set once, by one conditional UPDATE:
    a slot is never booked twice."""

    __tablename__ = "slots"
    __table_args__ = (UniqueConstraint("consultant_id", "starts_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    consultant_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime] = mapped_column(index=True)
    submission_id: Mapped[int | None] = mapped_column(
        ForeignKey("submissions.id", ondelete="SET NULL"), unique=True
    )
    reminded_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class OutboxMessage(Base):
    """A message nobody asked for (a notice, a reminder, an announcement), written in the
    transaction that decided it and sent by the outbox sender (see handlers.outbox).

    ``status``: pending → claimed (a sender took it, ``claim``) → sending (its request is about
    to go out) → sent / failed / blocked / skipped; back to pending with ``not_before`` after a
    429 or a network error. A ``sending`` row whose sender died is ``unknown``: it may or may
    not have reached the person, and it is not sent again."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_queue", "status", "priority", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, index=True)
    text: Mapped[str] = mapped_column(String(4096))
    buttons: Mapped[Any | None] = mapped_column(JSON)
    purpose: Mapped[str] = mapped_column(String(32))
    priority: Mapped[int] = mapped_column(default=0)
    campaign_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    status: Mapped[Delivery] = mapped_column(_enum(Delivery), default=Delivery.pending)
    not_before: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    claim: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    error: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SchoolLink(Base):
    """A reusable deep link (``start=sch_<code>``) a coordinator posts in a school's chat:
    whoever opens it gets that school in their profile, until it is revoked."""

    __tablename__ = "school_links"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    created_by: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]


class Campaign(Base):
    """A survey a coordinator runs: a form (and its stage), an audience, a deadline and the
    announcement; its messages are in the outbox under its id."""

    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    form_id: Mapped[str] = mapped_column(String(64))
    wave_id: Mapped[int | None] = mapped_column(ForeignKey("waves.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(32))  # the respondents: a PersonKind
    schools: Mapped[str] = mapped_column(String(16), default="all")  # a SchoolGroup
    municipality_ids: Mapped[Any | None] = mapped_column(JSON)  # None: all municipalities
    deadline: Mapped[date | None] = mapped_column(Date)
    text: Mapped[str | None] = mapped_column(String(4096))
    state: Mapped[str] = mapped_column(String(16), default="draft")
    reminder_days: Mapped[Any] = mapped_column(JSON, default=list)  # days before the deadline
    reminded_days: Mapped[Any] = mapped_column(JSON, default=list)  # those already run
    created_by: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    progress_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    progress_message_id: Mapped[int | None] = mapped_column(BigInteger)


class Lease(Base):
    """A named lease held by one bot process until it expires (see storage.repositories.leases)."""

    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(128))
    expires_at: Mapped[datetime]


class FSMRecord(Base):
    """aiogram FSM state and data of one conversation key (see storage.fsm)."""

    __tablename__ = "fsm_states"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    state: Mapped[str | None] = mapped_column(String(255))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


__all__ = [
    "Answer",
    "AuditEntry",
    "Base",
    "Campaign",
    "Case",
    "FSMRecord",
    "FormVersion",
    "Invitation",
    "Lease",
    "Municipality",
    "OutboxMessage",
    "Review",
    "ReviewEvent",
    "School",
    "SchoolLink",
    "Slot",
    "Submission",
    "User",
    "UserMunicipality",
    "Wave",
]
