"""Telegram's user object turned into what storage keeps."""

from __future__ import annotations

from aiogram.types import User

from storage.repositories.users import TelegramProfile


def profile_of(user: User) -> TelegramProfile:
    return TelegramProfile(
        id=user.id,
        first_name=user.first_name,
        last_name=user.last_name,
        username=user.username,
        language=user.language_code,
    )
