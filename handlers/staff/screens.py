"""Buttons and words of the staff tools."""

from __future__ import annotations

from enum import StrEnum

from forms.i18n import Translator
from forms.vocabulary import Role
from handlers.ui import Callback

INVITE_PREFIX = "inv_"  # t.me/<bot>?start=inv_<code>


class InviteCallback(Callback, prefix="iv"):
    """Creating an invitation: the role, then (for municipal and school roles) the
    municipality, then (for a school's head) the school."""

    role: Role
    m: int = 0
    s: int = 0


class RoleAct(StrEnum):
    ask = "a"
    yes = "y"
    no = "n"


class RoleCallback(Callback, prefix="rl"):
    """Revoking a person's role: ask, then confirm."""

    u: int
    a: RoleAct


def role_name(t: Translator, role: Role) -> str:
    return t(f"role-{role.value}")
