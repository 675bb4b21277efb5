"""Long polling (default) and webhook mode."""

from __future__ import annotations

import asyncio
import logging
import signal

from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web

from bot.factory import Application
from storage.migrate import upgrade

logger = logging.getLogger(__name__)


async def run(app: Application) -> None:
    await upgrade(app.database)
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


async def run_webhook(app: Application) -> None:
    settings = app.settings
    web_app = web.Application()
    handler = SimpleRequestHandler(app.dispatcher, app.bot, secret_token=settings.secret_token())
    handler.register(web_app, path=settings.webhook_path)
    setup_application(web_app, app.dispatcher, bot=app.bot)
    web_app.on_startup.append(lambda _: _set_webhook(app))
    runner = web.AppRunner(web_app, shutdown_timeout=settings.shutdown_timeout)
    await runner.setup()
    await web.TCPSite(runner, settings.webhook_host, settings.webhook_port).start()
    logger.info("webhook server on %s:%s", settings.webhook_host, settings.webhook_port)
    await _until_stopped()
    await runner.cleanup()


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
