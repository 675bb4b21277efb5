"""«О себе»: a sent response of the built-in form ``profile`` becomes the person's profile
(who they are among the respondents, and their school); campaigns read it.

A person who says they head a school (``kind: head``) claims the school: the claim is a case
(kind ``head``) on that response, pending until a coordinator of the school's municipality
(or of the region, when the municipality has none) confirms it; then the person's role is
``school_head`` and they report for the school. Changing the school or the answer «Кто вы?»
ends the role, and a new claim waits for confirmation again."""

from forms.vocabulary import WorkflowKind
from handlers.workflows import WorkflowSpec

SPEC = WorkflowSpec(kind=WorkflowKind.profile, reads=("kind",))
HEAD_CLAIM = "head"
"""The kind of the case a head's claim is."""
