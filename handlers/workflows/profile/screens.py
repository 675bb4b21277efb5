"""Buttons and texts of heads' claims."""

from __future__ import annotations

from enum import StrEnum

from forms.i18n import Translator
from handlers.ui import Button, Callback, Keyboard, quote
from storage.dto import SchoolDTO, UserDTO


class HeadAct(StrEnum):
    confirm = "y"
    decline = "n"


class HeadCallback(Callback, prefix="hd"):
    """A coordinator's answer to a head's claim ``s`` (the profile response's number)."""

    s: int
    a: HeadAct


def claim_buttons(t: Translator, number: int) -> Keyboard:
    return Keyboard.of(
        [
            Button(t("head-button-confirm"), HeadCallback(s=number, a=HeadAct.confirm).pack()),
            Button(t("head-button-decline"), HeadCallback(s=number, a=HeadAct.decline).pack()),
        ]
    )


def person_name(user: UserDTO | None) -> str:
    """A person's name from Telegram, escaped for the HTML of a message."""
    if user is None:
        return "—"
    name = " ".join(part for part in (user.first_name, user.last_name) if part)
    return quote(f"{name} (@{user.username})" if user.username else name)


def claim_text(t: Translator, user: UserDTO | None, school: SchoolDTO) -> str:
    return t(
        "head-claim-new",
        person=person_name(user),
        school=quote(school.short_name),
        municipality=quote(school.municipality_name),
    )
