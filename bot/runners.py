"""Long polling (default) and webhook mode, each stopping so that updates in progress finish.

On SIGTERM (or Ctrl+C) the bot stops taking updates, lets those in progress finish, stops its
jobs, closes the FSM storage, the database and the Bot API session, and exits — all within
``SHUTDOWN_TIMEOUT`` seconds of the signal (``InFlightTracker`` holds the deadline)."""

from __future__ import annotations

import asyncio
import logging
import signal
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.methods import TelegramMethod
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web

from bot.factory import Application
from bot.sequence import MemorySequencer, RedisSequencer, Sequencer, chat_key
from bot.updates import read_update
from storage.migrate import upgrade

logger = logging.getLogger(__name__)


async def run(app: Application) -> None:
    """Migrate, take the database (one process without Redis), then serve until stopped.
    ``AnotherProcess`` when another process holds the database."""
    await upgrade(app.database)
    if app.single is not None:
        try:
            await app.single.acquire()
        except BaseException:
            await app.database.dispose()
            await app.bot.session.close()
            raise
    if app.settings.uses_webhook:
        await run_webhook(app)
    else:
        await run_polling(app)


async def run_polling(app: Application) -> None:
    await app.bot.delete_webhook(drop_pending_updates=False)
    await app.dispatcher.start_polling(
        app.bot,
        handle_signals=True,
        close_bot_session=True,
        allowed_updates=app.dispatcher.resolve_used_update_types(),
    )


class WebhookHandler(SimpleRequestHandler):
    """aiogram's handler, answering Telegram at once and handling in the background, with:
    an update it cannot read skipped by its id; a chat's updates in their order (``Sequencer``);
    no failure text in the log; and a drain that waits for the updates in progress before the
    Bot API session is closed (aiogram closed it first, so their replies were lost)."""

    def __init__(
        self, dispatcher: Dispatcher, bot: Bot, *, secret_token: str, sequencer: Sequencer
    ) -> None:
        super().__init__(dispatcher, bot, secret_token=secret_token)
        self.sequencer = sequencer

    def register(self, app: web.Application, /, path: str, **kwargs: Any) -> None:
        app.router.add_route("POST", path, self.handle, **kwargs)  # the session closes last

    async def _background_feed_update(self, bot: Bot, update: dict[str, Any]) -> None:
        parsed = read_update(bot, update)
        if parsed is None:
            return
        key = chat_key(bot.id, parsed)
        try:
            if key is None:
                result = await self.dispatcher.feed_update(bot, parsed, **self.data)
            else:
                async with self.sequencer.turn(key, parsed.update_id):
                    result = await self.dispatcher.feed_update(bot, parsed, **self.data)
        except Exception as error:
            # The type only: the exception's text may carry what the person wrote.
            logger.error("update %s failed with %s", parsed.update_id, type(error).__name__)
            return
        if isinstance(result, TelegramMethod):
            await self.dispatcher.silent_call_request(bot=bot, result=result)

    async def drain(self, timeout: float) -> int:
        """Wait for the updates taken so far; returns how many were left unfinished."""
        tasks = set(self._background_feed_update_tasks)
        if not tasks:
            return 0
        logger.info("waiting for %d webhook update(s) in progress", len(tasks))
        _done, pending = await asyncio.wait(tasks, timeout=max(timeout, 0))
        for task in pending:
            task.cancel()
        return len(pending)


def sequencer_for(app: Application) -> Sequencer:
    window = app.settings.webhook_order_ms / 1000
    storage = app.dispatcher.storage
    redis = getattr(storage, "redis", None)
    return RedisSequencer(redis, window) if redis is not None else MemorySequencer(window)


async def run_webhook(app: Application) -> None:
    settings, dispatcher, bot = app.settings, app.dispatcher, app.bot
    handler = WebhookHandler(
        dispatcher, bot, secret_token=settings.secret_token(), sequencer=sequencer_for(app)
    )
    web_app = web.Application()
    handler.register(web_app, path=settings.webhook_path)
    workflow_data = {"app": web_app, "dispatcher": dispatcher, **dispatcher.workflow_data}
    await dispatcher.emit_startup(bot=bot, **workflow_data)
    runner = web.AppRunner(web_app, shutdown_timeout=0.5)
    await runner.setup()
    site = web.TCPSite(runner, settings.webhook_host, settings.webhook_port)
    await site.start()
    logger.info("webhook server on %s:%s", settings.webhook_host, settings.webhook_port)
    try:
        await _set_webhook(app)
        await _until_stopped()
    finally:
        app.tracker.begin_stop(settings.shutdown_timeout)
        await site.stop()  # no new updates
        left = await handler.drain(app.tracker.remaining())
        if left:
            logger.warning("shutdown timeout: %d webhook update(s) left unfinished", left)
        await dispatcher.emit_shutdown(bot=bot, **workflow_data)
        await runner.cleanup()
        await bot.session.close()


async def _set_webhook(app: Application) -> None:
    settings = app.settings
    await app.bot.set_webhook(
        settings.webhook_endpoint(),
        secret_token=settings.secret_token(),
        allowed_updates=app.dispatcher.resolve_used_update_types(),
    )


async def _until_stopped() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    logger.info("stop signal received")
