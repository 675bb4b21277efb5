"""Files downloaded through the Bot API for the file saver, its errors sorted: Telegram's
refusal of a file counts as an attempt; flood control, network and server errors do not."""

from __future__ import annotations

from http import HTTPStatus
from pathlib import Path

from aiogram import Bot
from aiogram.exceptions import (
    AiogramError,
    TelegramAPIError,
    TelegramEntityTooLarge,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiohttp import ClientError, ClientResponseError

from handlers.workflows.event.service import DownloadFailed

DOWNLOAD_ERRORS = (AiogramError, ClientError, TimeoutError)


class BotDownloader:
    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def download(self, file_id: str, destination: Path) -> None:
        try:
            await self.bot.download(file_id, destination=destination)
        except DOWNLOAD_ERRORS as error:
            raise DownloadFailed(type(error).__name__, refused=refused(error)) from None


def refused(error: BaseException) -> bool:
    """Telegram said no to this very file (too big, gone, a bad id); flood control, network
    and server errors say nothing about the file."""
    if isinstance(error, TelegramEntityTooLarge):
        return True
    if isinstance(error, TelegramRetryAfter | TelegramServerError | TelegramNetworkError):
        return False
    if isinstance(error, ClientResponseError):  # the download itself, after getFile
        client_error = HTTPStatus.BAD_REQUEST <= error.status < HTTPStatus.INTERNAL_SERVER_ERROR
        return client_error and error.status != HTTPStatus.TOO_MANY_REQUESTS
    return isinstance(error, TelegramAPIError)
