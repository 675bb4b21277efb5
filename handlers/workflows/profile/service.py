"""The profile kept from the form «О себе»."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from forms.vocabulary import PersonKind
from handlers.workflows import FollowUp, Sent, WorkflowSpec
from handlers.workflows.profile import SPEC
from storage.repositories import UnitOfWork

SCHOOL_QUESTIONS = ("school", "child_school")


class ProfileWorkflow:
    spec: WorkflowSpec = SPEC

    async def submitted(self, uow: UnitOfWork, sent: Sent) -> FollowUp:
        kind = sent.answers.get("kind")
        school_id = await _school_id(uow, sent.answers)
        known = kind if kind in set(PersonKind) else None
        await uow.users.set_profile(sent.submission.respondent_id, known, school_id)
        return FollowUp()


async def _school_id(uow: UnitOfWork, answers: Mapping[str, Any]) -> int | None:
    for question in SCHOOL_QUESTIONS:
        value = answers.get(question)
        if isinstance(value, Mapping) and value.get("code"):
            school = await uow.schools.school_by_code(str(value["code"]))
            if school is not None:
                return school.id
    return None
