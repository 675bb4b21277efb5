"""What happens after a response is sent: the workflow a form names takes over from here.

A workflow (``handlers/workflows``) runs inside the transaction that marked the submission
sent, so its state is written together with it; what it wants said is returned, and sent
only after the commit: more replies to the person, and notices to other people."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from aiogram import Bot
from aiogram.types import InlineKeyboardMarkup

from forms.schema import Form
from handlers.dialog.render import Reply
from storage.dto import SubmissionDTO
from storage.repositories import UnitOfWork


@dataclass(frozen=True, slots=True)
class Notice:
    """A message to someone other than the person in the dialog (a consultant, a mentee)."""

    chat_id: int
    text: str
    markup: InlineKeyboardMarkup | None = None


@dataclass(frozen=True, slots=True)
class FollowUp:
    replies: tuple[Reply, ...] = ()
    notices: tuple[Notice, ...] = ()
    committed: tuple[Callable[[], None], ...] = ()  # run once the send is committed (wake a job)


@dataclass(frozen=True, slots=True)
class Sent:
    """A response that has just been sent, with the answers that count."""

    form: Form
    submission: SubmissionDTO
    answers: Mapping[str, Any] = field(default_factory=dict)
    bot: Bot | None = None  # for deep links (the bot's username is cached after the first)


class Workflow(Protocol):
    async def submitted(self, uow: UnitOfWork, sent: Sent) -> FollowUp: ...


class Workflows:
    """The workflows by the name a form gives in ``workflow:``."""

    def __init__(self, workflows: Mapping[str, Workflow] | None = None) -> None:
        self._workflows = dict(workflows or {})

    async def submitted(self, uow: UnitOfWork, sent: Sent) -> FollowUp:
        workflow = self._workflows.get(sent.form.workflow or "")
        return FollowUp() if workflow is None else await workflow.submitted(uow, sent)
