"""A Bot whose session records every request and answers like Telegram would.

The pattern of aiogram's own ``tests/mocked_bot.py``, made to produce plausible results by
itself (a sent message comes back as a Message), so handler tests only state what matters.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import UTC, datetime
from typing import Any, TypeVar

from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.base import BaseSession
from aiogram.enums import ParseMode
from aiogram.methods import (
    EditMessageReplyMarkup,
    EditMessageText,
    GetFile,
    GetMe,
    SendDocument,
    SendMessage,
    TelegramMethod,
)
from aiogram.methods.base import TelegramType
from aiogram.types import Chat, Document, File, InlineKeyboardMarkup, Message, User

from tests import updates

TOKEN = "42:TESTtokenTESTtokenTESTtokenTESTtoken00"
BOT_USER = User(id=42, is_bot=True, first_name="Бот анкет", username="school_test_bot")
M = TypeVar("M", bound=TelegramMethod[Any])


class RecordingSession(BaseSession):
    def __init__(self) -> None:
        super().__init__()
        self.requests: list[TelegramMethod[Any]] = []
        self.results: list[tuple[TelegramMethod[Any], Any]] = []
        self._failures: list[tuple[type[TelegramMethod[Any]], Exception]] = []
        self.files: dict[str, bytes] = {}  # what getFile and a download give, by file id

    def fail_next(self, method: type[TelegramMethod[Any]], error: Exception) -> None:
        """The next call of ``method`` raises ``error`` instead of succeeding."""
        self._failures.append((method, error))

    def clear_failures(self) -> None:
        self._failures.clear()

    async def make_request(
        self, bot: Bot, method: TelegramMethod[TelegramType], timeout: int | None = None
    ) -> TelegramType:
        self.requests.append(method)
        for index, (kind, error) in enumerate(self._failures):
            if isinstance(method, kind):
                del self._failures[index]
                raise error
        result = self._result(method)
        self.results.append((method, result))
        return result  # type: ignore[no-any-return]

    def _result(self, method: TelegramMethod[Any]) -> Any:
        if isinstance(method, GetMe):
            return BOT_USER
        if isinstance(method, GetFile):
            content = self.files.get(method.file_id, b"")
            return File(
                file_id=method.file_id,
                file_unique_id=f"u-{method.file_id}",
                file_size=len(content),
                file_path=f"documents/{method.file_id}",
            )
        if isinstance(method, SendMessage):
            markup = method.reply_markup
            inline = markup if isinstance(markup, InlineKeyboardMarkup) else None
            return self._message(method.chat_id, text=method.text, reply_markup=inline)
        if isinstance(method, SendDocument):
            document = Document(file_id="doc-1", file_unique_id="doc-u1", file_name="file")
            return self._message(method.chat_id, document=document, caption=method.caption)
        if isinstance(method, EditMessageText | EditMessageReplyMarkup):
            return True
        return True

    def _message(self, chat_id: int | str, **fields: Any) -> Message:
        chat = Chat(id=int(chat_id), type="private" if int(chat_id) > 0 else "group")
        return Message(
            message_id=updates.next_message_id(),
            date=datetime.now(UTC),
            chat=chat,
            from_user=BOT_USER,
            **fields,
        )

    async def close(self) -> None:
        pass

    async def stream_content(
        self,
        url: str,
        headers: dict[str, Any] | None = None,
        timeout: int = 30,
        chunk_size: int = 65536,
        raise_for_status: bool = True,
    ) -> AsyncGenerator[bytes, None]:
        """A download: the bytes put in ``files`` under the id the path ends with."""
        yield self.files.get(url.rsplit("/", 1)[-1], b"")

    # Reading what the bot did -------------------------------------------------
    def of_type(self, method: type[M]) -> list[M]:
        return [r for r in self.requests if isinstance(r, method)]

    def texts(self) -> list[str]:
        sent = [r.text for r in self.of_type(SendMessage)]
        edited = [r.text for r in self.of_type(EditMessageText)]
        return sent + edited

    def last_text(self) -> str:
        texts = [r.text for r in self.requests if isinstance(r, SendMessage | EditMessageText)]
        assert texts, "the bot sent nothing"
        return texts[-1]

    def clear(self) -> None:
        self.requests.clear()
        self.results.clear()


class MockedBot(Bot):
    session: RecordingSession

    def __init__(self) -> None:
        super().__init__(
            TOKEN,
            session=RecordingSession(),
            default=DefaultBotProperties(parse_mode=ParseMode.HTML),
        )
        self._me = BOT_USER
