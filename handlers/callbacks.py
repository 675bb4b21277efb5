"""Callback data factories: short prefixes, enum fields and ids, never titles (64 bytes)."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData


class MenuAction(StrEnum):
    help = "h"
    forms = "f"


class MenuCallback(CallbackData, prefix="m1"):
    """A main-menu button. The version in the prefix retires buttons of older releases."""

    action: MenuAction
