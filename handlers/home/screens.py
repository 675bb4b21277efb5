"""The main menu's buttons. The version in the prefix retires buttons of older releases."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from forms.i18n import Translator
from handlers.dialog.callbacks import DraftAct, DraftCallback, StartForm
from handlers.ui import Button, Callback, Keyboard
from storage.dto import DraftDTO

MENU_DRAFTS = 3


class MenuAction(StrEnum):
    help = "h"
    forms = "f"


class MenuCallback(Callback, prefix="m1"):
    """A main-menu button."""

    action: MenuAction


def main_menu(t: Translator, drafts: Sequence[DraftDTO] = (), *, about: bool = False) -> Keyboard:
    """Fill a form, continue or discard the latest drafts, help; ``about``: «Рассказать о
    себе» first (the profile is not filled in)."""
    shown = drafts[:MENU_DRAFTS]
    buttons = [Button(t("menu-button-forms"), MenuCallback(action=MenuAction.forms).pack())]
    if about:
        buttons.insert(0, Button(t("profile-button-fill"), StartForm(form="profile").pack()))
    for draft in shown:
        resume = DraftCallback(s=draft.submission_id, a=DraftAct.resume).pack()
        discard = DraftCallback(s=draft.submission_id, a=DraftAct.discard).pack()
        buttons.append(Button(t("menu-button-continue", title=draft.title), resume))
        buttons.append(Button(t("menu-button-discard"), discard))
    buttons.append(Button(t("menu-button-help"), MenuCallback(action=MenuAction.help).pack()))
    return Keyboard.grid(buttons, *([1] * (1 + about)), *([2] * len(shown)), 1)
