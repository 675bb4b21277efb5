"""Keyboards built from the locale; no text in code."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from forms.i18n import Translator
from handlers.callbacks import MenuAction, MenuCallback


def main_menu(t: Translator) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=t("menu-button-help"), callback_data=MenuCallback(action=MenuAction.help))
    builder.adjust(1)
    return builder.as_markup()
