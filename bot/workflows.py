"""The workflows a form may name, registered here once (no aiogram: the command line reads
their declarations to check forms and to write registers)."""

from __future__ import annotations

from handlers.workflows import (
    Workflows,
    WorkflowSpec,
    consultation,
    event,
    mentoring,
    profile,
    request,
)

WORKFLOWS: tuple[WorkflowSpec, ...] = (
    consultation.SPEC,
    mentoring.SPEC,
    event.SPEC,
    profile.SPEC,
    request.SPEC,
)


def declared() -> Workflows:
    """The declarations alone, for what sends nothing (checks, the command line's export)."""
    return Workflows.declared(WORKFLOWS)
