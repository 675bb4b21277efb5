"""What in an answer is personal, and how it is erased.

Names, phones, e-mails, files and anything a person wrote in their own words are personal;
options, numbers, ratings, dates and schools are not, and they stay so that anonymous
figures remain correct after an erasure.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from forms.questions import (
    EmailQuestion,
    FileQuestion,
    MultipleChoiceQuestion,
    PhoneQuestion,
    Question,
    SingleChoiceQuestion,
    TextQuestion,
)

PERSONAL_TYPES = (TextQuestion, PhoneQuestion, EmailQuestion, FileQuestion)


def is_personal(question: Question) -> bool:
    return isinstance(question, PERSONAL_TYPES)


def scrub(question: Question, value: Any, marker: str) -> Any:
    """The value with everything personal replaced by ``marker``; None stays None."""
    if value is None:
        return None
    if is_personal(question):
        return marker
    if (
        isinstance(question, SingleChoiceQuestion | MultipleChoiceQuestion)
        and isinstance(value, dict)
        and value.get("other")
    ):
        return {**value, "other": marker}
    return value


def pseudonym_code(user_id: int, key: bytes) -> str:
    """A stable code for a person that cannot be turned back into their Telegram id without
    the key (an HMAC, so trying every possible id does not reveal it)."""
    digest = hmac.new(key, str(user_id).encode(), hashlib.sha256).hexdigest()
    return digest[:8].upper()
