"""Callback data factories: short prefixes, enum fields and ids, never titles (64 bytes)."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData

from forms.vocabulary import Role


class MenuAction(StrEnum):
    help = "h"
    forms = "f"


class MenuCallback(CallbackData, prefix="m1"):
    """A main-menu button. The version in the prefix retires buttons of older releases."""

    action: MenuAction


class InviteCallback(CallbackData, prefix="iv"):
    """Creating an invitation: the role, then (for municipal roles) the municipality."""

    role: Role
    m: int = 0


class RoleAct(StrEnum):
    ask = "a"
    yes = "y"
    no = "n"


class RoleCallback(CallbackData, prefix="rl"):
    """Revoking a person's role: ask, then confirm."""

    u: int
    a: RoleAct


class ConsentCallback(CallbackData, prefix="cs"):
    """The answer to the consent text shown before a form: ``y`` or ``n``."""

    form: str
    a: str


class PrivacyAct(StrEnum):
    file = "f"
    erase = "e"
    keep = "k"


class PrivacyCallback(CallbackData, prefix="pd"):
    a: PrivacyAct
