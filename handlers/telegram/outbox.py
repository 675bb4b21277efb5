"""The outbox's Telegram side: the courier that sends one queued message, and the session
middleware that paces every other message the bot sends (replies go first)."""

from __future__ import annotations

from typing import Any

from aiogram import Bot
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import (
    CopyMessage,
    ForwardMessage,
    SendDocument,
    SendMediaGroup,
    SendMessage,
    SendPhoto,
    TelegramMethod,
)
from aiogram.methods.base import TelegramType

from handlers.outbox.pace import PACED, Pace
from handlers.outbox.queue import notice
from handlers.outbox.sender import Blocked, Delivered, Failed, Result, Retry
from handlers.telegram.markup import inline
from storage.dto import OutboxDTO

SENDING = (SendMessage, SendPhoto, SendDocument, SendMediaGroup, CopyMessage, ForwardMessage)


class BotCourier:
    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def send(self, message: OutboxDTO) -> Result:
        queued = notice(message)
        token = PACED.set(True)
        try:
            sent = await self.bot.send_message(
                queued.chat_id, queued.text, reply_markup=inline(queued.markup)
            )
        except TelegramRetryAfter as error:
            return Retry("429", float(error.retry_after))
        except TelegramForbiddenError:
            return Blocked()
        except (TelegramBadRequest, TelegramNotFound) as error:
            return Failed(type(error).__name__)
        except (TelegramNetworkError, TelegramServerError) as error:
            return Retry(type(error).__name__)
        finally:
            PACED.reset(token)
        return Delivered(sent.message_id)


class PacingMiddleware(BaseRequestMiddleware):
    """Every message the bot sends outside the outbox takes its place in the window first."""

    def __init__(self, pace: Pace) -> None:
        self.pace = pace

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Any:
        if isinstance(method, SENDING) and not PACED.get():
            chat = getattr(method, "chat_id", None)
            await self.pace.urgent(chat if isinstance(chat, int) else None)
        return await make_request(bot, method)
