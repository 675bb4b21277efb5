"""Keyboards built from the locale; no text in code."""

from __future__ import annotations

from collections.abc import Sequence

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from forms.i18n import Translator
from handlers.callbacks import MenuAction, MenuCallback
from handlers.dialog.callbacks import DraftAct, DraftCallback
from storage.dto import DraftDTO

MENU_DRAFTS = 3


def main_menu(t: Translator, drafts: Sequence[DraftDTO] = ()) -> InlineKeyboardMarkup:
    """Fill a form, continue or discard the latest drafts, help."""
    builder = InlineKeyboardBuilder()
    builder.button(text=t("menu-button-forms"), callback_data=MenuCallback(action=MenuAction.forms))
    for draft in drafts[:MENU_DRAFTS]:
        builder.button(
            text=t("menu-button-continue", title=draft.title),
            callback_data=DraftCallback(s=draft.submission_id, a=DraftAct.resume),
        )
        builder.button(
            text=t("menu-button-discard"),
            callback_data=DraftCallback(s=draft.submission_id, a=DraftAct.discard),
        )
    builder.button(text=t("menu-button-help"), callback_data=MenuCallback(action=MenuAction.help))
    builder.adjust(1, *([2] * len(drafts[:MENU_DRAFTS])), 1)
    return builder.as_markup()
