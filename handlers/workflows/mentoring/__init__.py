"""Mentoring pairs: a mentor registers a pair, the mentee confirms it by a one-time link,
either side logs meetings (a form attached to the registration), and the pair is completed
or dissolved with a reason.

Statuses: pending → active → completed or dissolved; a pending pair is dissolved when the
mentee declines or the mentor cancels the invitation. The case's ``assignee_id`` is the
mentee, its ``code`` the invitation's code, its ``subject`` what the mentee rule compares."""

from forms.vocabulary import WorkflowKind
from handlers.workflows import WorkflowSpec
from storage.registers import Extra

SPEC = WorkflowSpec(
    kind=WorkflowKind.mentoring,
    reads=("subject",),
    columns=(
        (Extra.mentee, "text"),
        (Extra.confirmed_at, "datetime"),
        (Extra.closed_at, "datetime"),
        (Extra.meetings, "number"),
        (Extra.reason, "text"),
    ),
)
CARD = (
    "mentor_school",
    "mentee_school",
    "mentoring_form",
    "subject",
    "difficulty",
    "start_date",
    "planned_end",
    "meeting_plan",
)
"""Questions of the registration a pair's card shows when the form asks them (each has its
line ``mentoring-field-<id>`` in the locale); ``subject``, then ``mentoring_form``, name it."""
