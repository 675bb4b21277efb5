"""Workflows on top of submissions: what follows a sent response of a form that names one.

Each workflow lives in its own folder laid out the same way: ``__init__.py`` declares it (a
``WorkflowSpec``: the questions it reads, its register columns, who acts on it, whether its
files are saved), ``service.py`` holds its use cases and state machine, ``screens.py`` its
texts and buttons, ``router.py`` its Telegram adapter. The composition root registers each
workflow once, in ``Workflows``.

A workflow's ``submitted`` runs inside the transaction that marks the response sent, so its
state is written together with it, and so are its notices to other people (queued in the
outbox); more replies to the person and hooks to run are returned, for after the commit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from exports.rows import ExtraKind
from forms.schema import Form, WorkflowNeeds
from forms.vocabulary import Role, WorkflowKind
from handlers.outbox.queue import queue
from handlers.ui import Links, Notice, Reply
from storage.dto import SubmissionDTO
from storage.registers import Extra
from storage.repositories import UnitOfWork


@dataclass(frozen=True, slots=True)
class WorkflowSpec:
    """A workflow as the rest of the bot needs to know it.

    ``reads``: question ids the form must ask (checked when the form loads); ``columns``: the
    workflow's own register columns, in order; ``staff``: roles besides the regional ones that
    act on its cases, and so export its register in full; ``saves_files``: the files of its
    sent responses are saved to ``FILES_DIR``."""

    kind: WorkflowKind
    reads: tuple[str, ...] = ()
    columns: tuple[tuple[Extra, ExtraKind], ...] = ()
    staff: frozenset[Role] = frozenset()
    saves_files: bool = False


@dataclass(frozen=True, slots=True)
class Sent:
    """A response that has just been sent, with the answers that count."""

    form: Form
    submission: SubmissionDTO
    answers: Mapping[str, Any] = field(default_factory=dict)
    links: Links | None = None  # for deep links (a pair's invitation)


@dataclass(frozen=True, slots=True)
class FollowUp:
    replies: tuple[Reply, ...] = ()
    notices: tuple[Notice, ...] = ()
    committed: tuple[Callable[[], None], ...] = ()  # run once the send is committed (wake a job)


class Workflow(Protocol):
    """A registered workflow: its declaration and what it does once a response is sent."""

    @property
    def spec(self) -> WorkflowSpec: ...

    async def submitted(self, uow: UnitOfWork, sent: Sent) -> FollowUp: ...


class Observer(Protocol):
    """Runs after every send, whatever the form's workflow (a review's correction)."""

    async def sent(self, uow: UnitOfWork, sent: Sent, now: datetime) -> FollowUp: ...


class Workflows:
    """The registered workflows by kind, and the observers of every send. Built once by the
    composition root; the command line, which sends nothing, registers the declarations
    alone (``declared``)."""

    def __init__(
        self, workflows: Iterable[Workflow] = (), observers: Iterable[Observer] = ()
    ) -> None:
        self._workflows = {workflow.spec.kind: workflow for workflow in workflows}
        self._specs = {kind: workflow.spec for kind, workflow in self._workflows.items()}
        self._observers = tuple(observers)

    @classmethod
    def declared(cls, specs: Iterable[WorkflowSpec]) -> Workflows:
        found = cls()
        found._specs = {spec.kind: spec for spec in specs}
        return found

    def spec(self, form: Form) -> WorkflowSpec | None:
        return None if form.workflow is None else self._specs.get(form.workflow)

    def needs(self) -> WorkflowNeeds:
        """The questions each workflow reads, for checking forms as they load."""
        return {kind: spec.reads for kind, spec in self._specs.items()}

    def saves_files(self, form: Form) -> bool:
        spec = self.spec(form)
        return spec is not None and spec.saves_files

    def acts_on(self, role: Role, form: Form) -> bool:
        """A role that works on this form's cases (a consultant on consultation requests)."""
        spec = self.spec(form)
        return spec is not None and role in spec.staff

    async def submitted(self, uow: UnitOfWork, sent: Sent, now: datetime) -> FollowUp:
        """The workflow's follow-up, then the observers'; their notices are queued in this
        transaction."""
        workflow = None if sent.form.workflow is None else self._workflows.get(sent.form.workflow)
        follow = FollowUp() if workflow is None else await workflow.submitted(uow, sent)
        for observer in self._observers:
            more = await observer.sent(uow, sent, now)
            follow = FollowUp(
                (*follow.replies, *more.replies),
                (*follow.notices, *more.notices),
                (*follow.committed, *more.committed),
            )
        await queue(uow, follow.notices, now)
        return follow
