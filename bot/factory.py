"""The composition root: builds the bot, the storage and the dispatcher from settings."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage, DefaultKeyBuilder
from aiogram.fsm.storage.memory import SimpleEventIsolation
from aiogram.fsm.storage.redis import RedisEventIsolation, RedisStorage
from aiogram.types import BotCommand

from bot.jobs import Periodic, retention_job
from bot.middlewares import InFlightTracker, RetryAfterMiddleware
from bot.settings import Settings
from bot.throttling import ThrottlingMiddleware, install_throttling
from forms.i18n import Translator, translator
from forms.problems import problem_text
from handlers import setup_routers
from handlers.access import Access
from handlers.clock import Clock
from handlers.consultations import send_reminders
from handlers.dialog.flow import Dialogs
from handlers.dialog.followup import Workflows
from handlers.exporter import Exporter
from handlers.files import EventWorkflow, FileSaver
from handlers.privacy import Privacy
from handlers.progress import Progress
from handlers.summaries import Summarizer
from handlers.workflows.consultations import ConsultationWorkflow, Texts
from handlers.workflows.mentoring import MentoringWorkflow
from storage.catalog import FormCatalog
from storage.database import Database
from storage.files import FileStore
from storage.fsm import SQLStorage

logger = logging.getLogger(__name__)
COMMANDS = ("start", "help", "cancel", "requests", "pairs", "mydata", "delete_me")


@dataclass(frozen=True)
class Application:
    """Everything a runner needs; built once per process (or per test)."""

    settings: Settings
    bot: Bot
    dispatcher: Dispatcher
    database: Database
    tracker: InFlightTracker
    jobs: tuple[Periodic, ...] = ()


def create_bot(settings: Settings) -> Bot:
    session = AiohttpSession()
    if settings.telegram_api_url is not None:
        base = str(settings.telegram_api_url).rstrip("/")
        session = AiohttpSession(api=TelegramAPIServer.from_base(base))
    session.middleware(RetryAfterMiddleware())
    return Bot(
        settings.bot_token.get_secret_value(),
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML, link_preview_is_disabled=True),
    )


def create_fsm(settings: Settings, database: Database) -> tuple[BaseStorage, BaseEventIsolation]:
    """Redis when configured (several processes share it), else our SQL storage."""
    if settings.redis_url:
        storage = RedisStorage.from_url(
            settings.redis_url, key_builder=DefaultKeyBuilder(with_destiny=True)
        )
        return storage, RedisEventIsolation(redis=storage.redis)
    return SQLStorage(database), SimpleEventIsolation()


def create_dispatcher(
    settings: Settings, database: Database, tracker: InFlightTracker | None = None
) -> Dispatcher:
    storage, isolation = create_fsm(settings, database)
    dispatcher = Dispatcher(storage=storage, events_isolation=isolation)
    t, clock, catalog = translator(), Clock(settings.zone), FormCatalog(database)
    dispatcher["settings"] = settings
    dispatcher["db"] = database
    dispatcher["i18n"] = t
    dispatcher["clock"] = clock
    dispatcher["catalog"] = catalog
    files = FileStore(settings.files_dir)
    saver = FileSaver(
        database,
        catalog,
        files,
        attempts=settings.files_attempts,
        retry_after=timedelta(minutes=settings.files_check_minutes),
    )
    dispatcher["files"] = saver
    consultations = ConsultationWorkflow(Texts(t, clock), settings.slots_shown)
    dispatcher["consultations"] = consultations
    workflows = Workflows(
        {
            "consultation": consultations,
            "mentoring": MentoringWorkflow(t),
            "event": EventWorkflow(saver),
        }
    )
    dispatcher["dialogs"] = Dialogs(database, catalog, t, clock, workflows)
    dispatcher["access"] = Access(database, settings.admin_ids, settings.invitation_days)
    dispatcher["privacy"] = Privacy(database, catalog, settings.pseudonym_secret(), files)
    dispatcher["progress"] = Progress(database, catalog, settings.targets_file)
    dispatcher["exporter"] = Exporter(
        database, t, clock.zone, settings.pseudonym_secret(), now=clock.now_utc
    )
    dispatcher["summarizer"] = Summarizer(
        database, t, clock.zone, settings.targets_file, now=clock.now_utc
    )
    dispatcher.update.outer_middleware(tracker or InFlightTracker())
    throttling = ThrottlingMiddleware(settings.throttle_rate, settings.throttle_burst, i18n=t)
    install_throttling(dispatcher, throttling)  # ahead of the FSM: a flood costs nothing more
    dispatcher.include_router(setup_routers())
    dispatcher.startup.register(load_forms)
    return dispatcher


async def load_forms(catalog: FormCatalog, settings: Settings, i18n: Translator) -> None:
    """Registers every form file; a broken one is logged with its problems and skipped."""
    for error in await catalog.load(settings.form_folders()):
        problems = "\n".join(problem_text(problem, i18n) for problem in error.problems)
        logger.error("form file refused:\n%s", problems)


def create_application(settings: Settings) -> Application:
    database = Database.from_url(settings.database_url)
    tracker = InFlightTracker()
    dispatcher = create_dispatcher(settings, database, tracker)
    bot = create_bot(settings)
    saver: FileSaver = dispatcher["files"]
    retention = retention_job(database, dispatcher["catalog"], dispatcher["i18n"], saver.store)

    async def remind() -> int:
        consultations = dispatcher["consultations"]
        return await send_reminders(bot, database, consultations, settings.reminder_hours)

    async def save_files() -> int:
        return await saver.run(bot)

    jobs = (
        Periodic("retention", settings.retention_check_minutes * 60, retention),
        Periodic("reminders", settings.reminder_check_minutes * 60, remind),
        Periodic("files", settings.files_check_minutes * 60, save_files, saver.requested),
    )
    app = Application(settings, bot, dispatcher, database, tracker, jobs)
    dispatcher.startup.register(_on_startup)
    dispatcher.shutdown.register(_on_shutdown)
    dispatcher["application"] = app
    return app


def bot_commands(t: Translator) -> list[BotCommand]:
    return [
        BotCommand(command=name, description=t("command-" + name.replace("_", "-")))
        for name in COMMANDS
    ]


async def _on_startup(bot: Bot, i18n: Translator, application: Application) -> None:
    await bot.set_my_commands(bot_commands(i18n))
    for job in application.jobs:
        job.start()
    logger.info("bot started; commands menu set")


async def _on_shutdown(application: Application) -> None:
    app = application
    running = app.tracker.running
    if running:
        logger.info("waiting for %d update(s) in progress", running)
    for job in app.jobs:
        await job.stop()
    if not await app.tracker.wait_idle(app.settings.shutdown_timeout):
        logger.warning("shutdown timeout: %d update(s) left unfinished", app.tracker.running)
    await app.dispatcher.storage.close()
    await app.dispatcher.fsm.events_isolation.close()
    await app.database.dispose()
    logger.info("database closed")
