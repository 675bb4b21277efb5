"""Consultation requests: a parent's sent request, the booking of a consultant's free time,
and its statuses new → scheduled → held / cancelled / no-show."""

from forms.vocabulary import Role, WorkflowKind
from handlers.workflows import WorkflowSpec
from storage.registers import Extra

SPEC = WorkflowSpec(
    kind=WorkflowKind.consultation,
    columns=((Extra.slot, "datetime"), (Extra.consultant, "text"), (Extra.closed_at, "datetime")),
    staff=frozenset({Role.consultant}),
)
