"""What a person sent for a question (raw input), and what validation made of it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from forms.problems import Problem
from forms.questions import FileKind


@dataclass(frozen=True, slots=True)
class TextInput:
    """A typed message."""

    text: str


@dataclass(frozen=True, slots=True)
class ChoiceInput:
    """A pressed button: an option value, ``yes``/``no``, a rating, ``OTHER`` or «Далее»."""

    value: str


@dataclass(frozen=True, slots=True)
class ContactInput:
    """A shared contact; ``is_own`` when it is the sender's own number."""

    phone: str
    is_own: bool = True


@dataclass(frozen=True, slots=True)
class FileInput:
    """A document or a photo; ``size`` in bytes."""

    file_id: str
    name: str
    size: int
    mime: str = ""
    kind: FileKind = "document"


@dataclass(frozen=True, slots=True)
class SchoolInput:
    """A school picked from the directory (the caller resolves municipality, then school)."""

    code: str
    name: str
    municipality: str


@dataclass(frozen=True, slots=True)
class SkipInput:
    """«Пропустить» on an optional question, or «Далее» on a note."""


RawAnswer = TextInput | ChoiceInput | ContactInput | FileInput | SchoolInput | SkipInput


@dataclass(frozen=True, slots=True)
class Accepted:
    """The answer is good; ``value`` is what to store (JSON-serialisable, None when skipped)."""

    value: Any


@dataclass(frozen=True, slots=True)
class Rejected:
    """The answer is not accepted; tell the person ``problem`` and ask again."""

    problem: Problem


Outcome = Accepted | Rejected
