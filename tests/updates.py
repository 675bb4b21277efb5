"""Builders of incoming updates, shaped as Telegram sends them."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any

from aiogram.types import (
    CallbackQuery,
    Chat,
    Contact,
    Document,
    Message,
    MessageEntity,
    Sticker,
    Update,
    User,
)

from storage.repositories.users import TelegramProfile

_update_ids = itertools.count(1)
_message_ids = itertools.count(1)


def next_message_id() -> int:
    """Message ids in turn, the person's and the bot's alike, as Telegram numbers a chat's
    messages: an answer the bot replied to has a bot message after it."""
    return next(_message_ids)


def user(user_id: int = 1001, first_name: str = "Анна", **fields: Any) -> User:
    return User(
        id=user_id, is_bot=False, first_name=first_name, **{"language_code": "ru", **fields}
    )


def private_chat(user_id: int) -> Chat:
    return Chat(id=user_id, type="private")


def group_chat(chat_id: int = -100500) -> Chat:
    return Chat(id=chat_id, type="group", title="Рабочая группа")


def message(
    text: str | None = None,
    *,
    sender: User | None = None,
    chat: Chat | None = None,
    date: datetime | None = None,
    **fields: Any,
) -> Update:
    sender = sender or user()
    entities = None
    if text and text.startswith("/"):
        entities = [MessageEntity(type="bot_command", offset=0, length=len(text.split()[0]))]
    msg = Message(
        message_id=next(_message_ids),
        date=date or datetime.now(UTC),
        chat=chat or private_chat(sender.id),
        from_user=sender,
        text=text,
        entities=entities,
        **fields,
    )
    return Update(update_id=next(_update_ids), message=msg)


def sticker(sender: User | None = None) -> Update:
    item = Sticker(
        file_id="st1",
        file_unique_id="stu1",
        type="regular",
        width=512,
        height=512,
        is_animated=False,
        is_video=False,
    )
    return message(None, sender=sender, sticker=item)


def contact(phone: str, sender: User | None = None) -> Update:
    sender = sender or user()
    return message(
        None,
        sender=sender,
        contact=Contact(phone_number=phone, first_name=sender.first_name, user_id=sender.id),
    )


def document(name: str, size: int, sender: User | None = None) -> Update:
    item = Document(file_id=f"f-{name}", file_unique_id=f"u-{name}", file_name=name, file_size=size)
    return message(None, sender=sender, document=item)


def callback(
    data: str, *, sender: User | None = None, message_id: int = 1, chat: Chat | None = None
) -> Update:
    sender = sender or user()
    origin = Message(
        message_id=message_id,
        date=datetime.now(UTC),
        chat=chat or private_chat(sender.id),
        text="…",
    )
    query = CallbackQuery(
        id=str(next(_update_ids)), from_user=sender, chat_instance="ci", data=data, message=origin
    )
    return Update(update_id=next(_update_ids), callback_query=query)


def profile(user_id: int, first_name: str = "Имя") -> TelegramProfile:
    """What storage keeps of a person the test did not introduce through an update."""
    return TelegramProfile(id=user_id, first_name=first_name)
