"""Event reports: once a report is sent, its files (photos, attendance sheets) are saved to
``FILES_DIR`` for the registers."""

from forms.vocabulary import WorkflowKind
from handlers.workflows import WorkflowSpec

SPEC = WorkflowSpec(kind=WorkflowKind.event, saves_files=True)
