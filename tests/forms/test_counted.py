"""A form's ``counted:`` (which responses its targets count) is checked when it loads."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from forms.schema import Form

BASE = {
    "id": "survey",
    "title": "Анкета",
    "questions": [{"type": "integer", "id": "n", "label": "N"}],
}


def test_every_sent_response_counts_unless_the_form_says_otherwise() -> None:
    plain = Form.model_validate(BASE)
    assert plain.counted == "sent"
    assert "counted" not in plain.model_dump(exclude_defaults=True)  # shipped versions stay
    assert Form.model_validate({**BASE, "counted": "accepted"}).counted == "accepted"
    assert Form.model_validate({**BASE, "counted": "not_rejected"}).counted == "not_rejected"
    assert plain.fingerprint() == Form.model_validate({**BASE, "counted": "sent"}).fingerprint()


def test_an_unknown_value_is_refused() -> None:
    with pytest.raises(ValidationError):
        Form.model_validate({**BASE, "counted": "approved"})
