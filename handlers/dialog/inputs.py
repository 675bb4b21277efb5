"""A Telegram message turned into the engine's raw answer."""

from __future__ import annotations

from aiogram.types import Message

from forms.inputs import ContactInput, FileInput, RawAnswer, TextInput


def raw_answer(message: Message) -> RawAnswer | None:
    """None for content no question takes (a sticker, a voice message, a location…)."""
    if message.text is not None:
        return TextInput(message.text)
    if message.contact is not None:
        own = message.from_user is not None and message.contact.user_id == message.from_user.id
        return ContactInput(message.contact.phone_number, is_own=own)
    if message.document is not None:
        document = message.document
        return FileInput(
            file_id=document.file_id,
            name=document.file_name or "file",
            size=document.file_size or 0,
            mime=document.mime_type or "",
            kind="document",
        )
    if message.photo:
        photo = message.photo[-1]  # the largest size
        name = f"photo-{photo.file_unique_id}.jpg"
        return FileInput(photo.file_id, name, photo.file_size or 0, "image/jpeg", "photo")
    return None
