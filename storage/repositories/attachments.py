"""File answers of sent responses, for saving the files to disk (see handlers/files.py)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from forms.vocabulary import SubmissionStatus
from storage.models import Answer, FormVersion, Submission


@dataclass(frozen=True, slots=True)
class FileAnswerDTO:
    submission_id: int
    form_id: str
    question_id: str
    value: Any


class AttachmentRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def sent_versions(self, form_ids: Collection[str]) -> list[int]:
        """The versions of these forms that have sent responses with personal data kept."""
        if not form_ids:
            return []
        query = (
            select(Submission.form_version_id)
            .distinct()
            .join(FormVersion, FormVersion.id == Submission.form_version_id)
            .where(FormVersion.form_id.in_(sorted(form_ids)), *_kept())
            .order_by(Submission.form_version_id)
        )
        return list((await self._connection.execute(query)).scalars())

    async def answers(
        self, version_ids: Collection[int], question_ids: Collection[str]
    ) -> list[FileAnswerDTO]:
        """The answers to these questions of sent responses of these versions, oldest first."""
        if not version_ids or not question_ids:
            return []
        query = (
            select(Submission.id, FormVersion.form_id, Answer.question_id, Answer.value)
            .join(FormVersion, FormVersion.id == Submission.form_version_id)
            .join(Answer, Answer.submission_id == Submission.id)
            .where(
                Submission.form_version_id.in_(sorted(version_ids)),
                Answer.question_id.in_(sorted(question_ids)),
                *_kept(),
            )
            .order_by(Submission.id, Answer.question_id)
        )
        return [FileAnswerDTO(*row) for row in await self._connection.execute(query)]

    async def locked(self, submission_id: int, question_id: str) -> Any:
        """One answer, read for an update (row-locked on PostgreSQL; SQLite has one writer)."""
        query = (
            select(Answer.value)
            .where(Answer.submission_id == submission_id, Answer.question_id == question_id)
            .with_for_update()
        )
        return (await self._connection.execute(query)).scalar_one_or_none()

    async def replace(self, submission_id: int, question_id: str, value: Any) -> None:
        """Write the answer's files back (with their paths); the answer time stays."""
        await self._connection.execute(
            update(Answer)
            .where(Answer.submission_id == submission_id, Answer.question_id == question_id)
            .values(value=value)
        )


def _kept() -> tuple[Any, ...]:
    return (
        Submission.status == SubmissionStatus.submitted,
        Submission.personal_erased_at.is_(None),
    )
