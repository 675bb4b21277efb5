"""«О себе»: a sent response of the built-in form ``profile`` becomes the person's profile
(who they are among the respondents, and their school); campaigns read it."""

from forms.vocabulary import WorkflowKind
from handlers.workflows import WorkflowSpec

SPEC = WorkflowSpec(kind=WorkflowKind.profile, reads=("kind",))
