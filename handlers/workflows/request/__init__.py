"""A school's request for support (``workflow: request``): «экспертиза образовательных
продуктов», «методический десант», «адресная консультация» for the school's team.

Statuses: new → accepted (the coordinator who took it is the assignee) → done; new or
accepted → declined with a reason. The municipal coordinators of the school's municipality
are told of a new request with its buttons (the regional ones when it has none); the
school's heads are told at each step. The form must ask ``support`` (what kind of help)."""

from forms.vocabulary import WorkflowKind
from handlers.workflows import WorkflowSpec
from storage.registers import Extra

SPEC = WorkflowSpec(
    kind=WorkflowKind.request,
    reads=("support",),
    columns=((Extra.assignee, "text"), (Extra.reason, "text"), (Extra.closed_at, "datetime")),
)
