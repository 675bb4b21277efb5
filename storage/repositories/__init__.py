"""Repositories: Core queries over one connection, returning plain frozen dataclasses."""

from __future__ import annotations

from functools import cached_property

from sqlalchemy.ext.asyncio import AsyncConnection

from storage.repositories.access import AuditRepository, InvitationRepository, RoleRepository
from storage.repositories.attachments import AttachmentRepository
from storage.repositories.campaigns import CampaignRepository
from storage.repositories.cases import CaseRepository
from storage.repositories.forms import FormRepository
from storage.repositories.leases import LeaseRepository
from storage.repositories.outbox import OutboxRepository
from storage.repositories.progress import ProgressRepository
from storage.repositories.reviews import ReviewRepository
from storage.repositories.schools import SchoolRepository
from storage.repositories.slots import SlotRepository
from storage.repositories.submissions import SubmissionRepository
from storage.repositories.users import UserRepository
from storage.repositories.waves import WaveRepository


class UnitOfWork:
    """The repositories of one transaction. Created by ``Database.transaction()``/``read()``."""

    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection

    @cached_property
    def users(self) -> UserRepository:
        return UserRepository(self.connection)

    @cached_property
    def forms(self) -> FormRepository:
        return FormRepository(self.connection)

    @cached_property
    def submissions(self) -> SubmissionRepository:
        return SubmissionRepository(self.connection)

    @cached_property
    def schools(self) -> SchoolRepository:
        return SchoolRepository(self.connection)

    @cached_property
    def roles(self) -> RoleRepository:
        return RoleRepository(self.connection)

    @cached_property
    def invitations(self) -> InvitationRepository:
        return InvitationRepository(self.connection)

    @cached_property
    def audit(self) -> AuditRepository:
        return AuditRepository(self.connection)

    @cached_property
    def cases(self) -> CaseRepository:
        return CaseRepository(self.connection)

    @cached_property
    def slots(self) -> SlotRepository:
        return SlotRepository(self.connection)

    @cached_property
    def waves(self) -> WaveRepository:
        return WaveRepository(self.connection)

    @cached_property
    def progress(self) -> ProgressRepository:
        return ProgressRepository(self.connection)

    @cached_property
    def attachments(self) -> AttachmentRepository:
        return AttachmentRepository(self.connection)

    @cached_property
    def leases(self) -> LeaseRepository:
        return LeaseRepository(self.connection)

    @cached_property
    def campaigns(self) -> CampaignRepository:
        return CampaignRepository(self.connection)

    @cached_property
    def outbox(self) -> OutboxRepository:
        return OutboxRepository(self.connection)

    @cached_property
    def reviews(self) -> ReviewRepository:
        return ReviewRepository(self.connection)


__all__ = [
    "AttachmentRepository",
    "AuditRepository",
    "CampaignRepository",
    "CaseRepository",
    "FormRepository",
    "InvitationRepository",
    "LeaseRepository",
    "OutboxRepository",
    "ProgressRepository",
    "ReviewRepository",
    "RoleRepository",
    "SchoolRepository",
    "SlotRepository",
    "SubmissionRepository",
    "UnitOfWork",
    "UserRepository",
    "WaveRepository",
]
