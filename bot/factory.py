"""The composition root: builds the bot, the storage, the services and the dispatcher from
settings. The only place that wires concrete things; each workflow is registered here once."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage, DefaultKeyBuilder
from aiogram.fsm.storage.memory import SimpleEventIsolation
from aiogram.fsm.storage.redis import RedisEventIsolation, RedisStorage
from aiogram.types import BotCommand
from redis.asyncio import BlockingConnectionPool, Redis

from bot.forms_sync import FormsChannel
from bot.jobs import Periodic, retention_job
from bot.middlewares import InFlightTracker, RetryAfterMiddleware
from bot.settings import Settings
from bot.single import SingleProcess
from bot.throttling import ThrottlingMiddleware, install_early
from bot.updates import SkipUnreadable, TolerantSession
from bot.workflows import WORKFLOWS
from forms.i18n import Translator, translator
from forms.problems import problem_text
from handlers.access import Access
from handlers.campaigns.service import CampaignRules, Campaigns
from handlers.clock import Clock
from handlers.container import Services
from handlers.dialog.flow import Dialogs, Prompts
from handlers.dialog.opening import Opening
from handlers.exporting.registers import Exporter
from handlers.exporting.service import Exports
from handlers.exporting.summary import Summarizer
from handlers.home.service import Home
from handlers.outbox.pace import Pace
from handlers.outbox.sender import Sender, SenderSettings
from handlers.privacy.service import Privacy
from handlers.progress.service import Progress
from handlers.publishing.service import Publishing
from handlers.reviews.service import Reviews
from handlers.schools.service import SchoolPictures
from handlers.staff.service import Staff
from handlers.telegram.campaigns import show_progress
from handlers.telegram.downloads import BotDownloader
from handlers.telegram.outbox import BotCourier, PacingMiddleware
from handlers.telegram.routers import setup_routers
from handlers.waves.service import Waves
from handlers.workflows import Workflow, Workflows
from handlers.workflows.consultation.screens import Texts
from handlers.workflows.consultation.service import Consultations, ConsultationWorkflow
from handlers.workflows.corrections import Corrections
from handlers.workflows.event.service import EventWorkflow, FileSaver
from handlers.workflows.mentoring.service import MentoringWorkflow, Pairs
from handlers.workflows.profile.service import HeadClaims, ProfileWorkflow
from handlers.workflows.request.service import Requests, RequestWorkflow
from storage.catalog import FormCatalog
from storage.database import Database
from storage.files import FileStore
from storage.fsm import SQLStorage

logger = logging.getLogger(__name__)
PROMPTS_REMEMBERED = 10_000
FORMS_LISTEN_RETRY_SECONDS = 2.0
"""Pause before listening for publication notices again after Redis dropped the connection."""
"""Responses whose last screens one bot process remembers (see ``Prompts``)."""
COMMANDS = (
    "start",
    "help",
    "cancel",
    "requests",
    "pairs",
    "myschool",
    "mydata",
    "mute",
    "delete_me",
)


@dataclass(frozen=True)
class Application:
    """Everything a runner needs; built once per process (or per test)."""

    settings: Settings
    bot: Bot
    dispatcher: Dispatcher
    database: Database
    services: Services
    tracker: InFlightTracker
    jobs: tuple[Periodic, ...] = ()
    single: SingleProcess | None = None  # the database's one process, without Redis
    forms_channel: FormsChannel | None = None  # with Redis: tells the others of a publication


def create_bot(settings: Settings, pace: Pace | None = None) -> Bot:
    """The bot's session waits out a 429 (``RetryAfterMiddleware``) and, given ``pace``, keeps
    every message in Telegram's limits (the outbox's are paced already)."""
    session = TolerantSession()
    if settings.telegram_api_url is not None:
        base = str(settings.telegram_api_url).rstrip("/")
        session = TolerantSession(api=TelegramAPIServer.from_base(base))
    session.middleware(RetryAfterMiddleware())
    if pace is not None:
        session.middleware(PacingMiddleware(pace))
    return Bot(
        settings.token(),
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML, link_preview_is_disabled=True),
    )


def create_fsm(settings: Settings, database: Database) -> tuple[BaseStorage, BaseEventIsolation]:
    """Redis when configured (several processes share it), else our SQL storage."""
    if settings.redis_url:
        # More commands at once than connections wait for one (redis-py's plain pool raises
        # «Too many connections» at its 100th, and the update is lost).
        pool = BlockingConnectionPool.from_url(
            settings.redis_url, max_connections=settings.redis_max_connections
        )
        storage = RedisStorage(
            Redis(connection_pool=pool), key_builder=DefaultKeyBuilder(with_destiny=True)
        )
        return storage, RedisEventIsolation(redis=storage.redis)
    return SQLStorage(database), SimpleEventIsolation()


def create_sender(settings: Settings, database: Database, clock: Clock) -> Sender:
    pace = Pace(settings.send_rate, settings.send_chat_seconds, settings.send_reserve)
    sending = SenderSettings(
        batch=settings.outbox_batch,
        claim_seconds=settings.outbox_claim_seconds,
        attempts=settings.outbox_attempts,
        concurrency=settings.outbox_concurrency,
    )
    # Without Redis one process owns the database (the lease): claims left are a dead one's.
    return Sender(database, pace, clock, sending, alone=not settings.redis_url)


def create_services(settings: Settings, database: Database, clock: Clock | None = None) -> Services:
    """Every service, each built once; the workflows registered in one ``Workflows``."""
    t, clock = translator(), clock or Clock(settings.zone)
    catalog, access = (
        FormCatalog(database),
        Access(database, settings.admin_ids, settings.invitation_days),
    )
    store = FileStore(settings.files_dir)
    saver = FileSaver(
        database,
        catalog,
        store,
        kinds=frozenset(spec.kind for spec in WORKFLOWS if spec.saves_files),
        attempts=settings.files_attempts,
        retry_after=timedelta(minutes=settings.files_check_minutes),
    )
    asking = ConsultationWorkflow(Texts(t, clock), settings.slots_shown)
    behaviours: list[Workflow] = [
        asking,
        MentoringWorkflow(t),
        EventWorkflow(saver),
        ProfileWorkflow(t),
        RequestWorkflow(t),
    ]
    workflows = Workflows(behaviours, observers=[Corrections(t)])
    exporter = Exporter(
        database,
        t,
        clock.zone,
        settings.pseudonym_secret(),
        workflows,
        now=clock.now_utc,
        writer=settings.export_writer,
    )
    summarizer = Summarizer(
        database,
        t,
        clock.zone,
        settings.targets_file,
        form_files=lambda: {entry.form.id: entry.form for entry in catalog.with_withdrawn()},
        now=clock.now_utc,
    )
    sender = create_sender(settings, database, clock)
    rules = CampaignRules(settings.campaign_days, settings.campaign_reminder_plans)
    campaigns = Campaigns(database, catalog, t, clock, sender, rules)
    sender.skips.append(campaigns.unwanted)
    return Services(
        t=t,
        clock=clock,
        catalog=catalog,
        access=access,
        home=Home(database, access, t),
        opening=Opening(database, catalog, access, t, clock),
        dialogs=Dialogs(
            database,
            catalog,
            t,
            clock,
            workflows,
            access,
            timedelta(seconds=settings.retyped_after_seconds),
            # What one process remembers of the screens it sent says nothing of those another
            # sent: with several processes (Redis) the message numbers and times decide alone.
            Prompts(size=0 if settings.redis_url else PROMPTS_REMEMBERED),
        ),
        consultations=Consultations(database, access, asking),
        pairs=Pairs(database, catalog, t, clock),
        files=saver,
        waves=Waves(database, catalog, t, clock),
        staff=Staff(access, t, clock),
        privacy=Privacy(database, catalog, settings.pseudonym_secret(), t, clock, store),
        progress=Progress(database, catalog, settings.targets_file, t, clock),
        exports=Exports(catalog, exporter, summarizer, t, clock),
        workflows=workflows,
        sender=sender,
        campaigns=campaigns,
        heads=HeadClaims(access, t),
        requests=Requests(database, catalog, t),
        pictures=SchoolPictures(
            database,
            catalog,
            settings.targets_file,
            t,
            clock.zone,
            clock,
            settings.picture_min_responses,
        ),
        publishing=Publishing(
            database,
            catalog,
            t,
            clock,
            needs=workflows.needs,
            max_bytes=settings.form_upload_max_kb * 1024,
            changed=[catalog.refresh],
        ),
        # Who may review a form and who sees names: exactly the register's two rules.
        reviews=Reviews(
            database,
            catalog,
            access,
            t,
            clock,
            may_read=exporter.may_export,
            sees_personal=exporter.sees_personal,
        ),
    )


def create_dispatcher(
    settings: Settings,
    database: Database,
    tracker: InFlightTracker | None = None,
    *,
    clock: Clock | None = None,
) -> Dispatcher:
    storage, isolation = create_fsm(settings, database)
    dispatcher = Dispatcher(storage=storage, events_isolation=isolation)
    services = create_services(settings, database, clock)
    dispatcher["services"] = services
    dispatcher.update.outer_middleware(tracker or InFlightTracker())
    throttling = ThrottlingMiddleware(settings.throttle_rate, settings.throttle_burst, t=services.t)
    # Ahead of the FSM: an unreadable update or a flood costs nothing more.
    install_early(dispatcher, SkipUnreadable(), throttling)
    dispatcher.include_router(setup_routers())

    async def load_forms() -> None:
        await load_form_files(services, settings)
        await warn_without_schools(database)

    dispatcher.startup.register(load_forms)
    return dispatcher


async def load_form_files(services: Services, settings: Settings) -> None:
    """Registers every form file, checked against what the workflows read; a broken one is
    logged with its problems and skipped."""
    needs = services.workflows.needs()
    for error in await services.catalog.load(settings.form_folders(), needs):
        problems = "\n".join(problem_text(problem, services.t) for problem in error.problems)
        logger.error("form file refused:\n%s", problems)


async def warn_without_schools(database: Database) -> None:
    """School questions cannot be answered before the directory is loaded: say so at start."""
    async with database.read() as uow:
        if await uow.schools.municipalities():
            return
    logger.warning(
        "the school directory is empty: school questions cannot be answered until it is "
        "loaded with 'school-bot schools import FILE' (or '--sample' to try the bot)"
    )


def create_application(settings: Settings) -> Application:
    database = Database.from_url(settings.database_url, settings.database_pool_size)
    tracker = InFlightTracker()
    dispatcher = create_dispatcher(settings, database, tracker)
    services: Services = dispatcher["services"]
    sender = services.sender
    bot = create_bot(settings, sender.pace)
    saver, t = services.files, services.t
    retention = retention_job(database, services.catalog, t, saver.store)

    async def remind() -> int:
        queued = await services.consultations.remind(settings.reminder_hours)
        if queued:
            sender.wake()
        return queued

    async def send_queued() -> int:
        return await sender.run(BotCourier(bot))

    async def campaign_reminders() -> int:
        queued = await services.campaigns.scheduled()
        if queued:
            sender.wake()
        return queued

    async def campaign_progress() -> int:
        return await show_progress(bot, services)

    async def save_files() -> int:
        return await saver.run(BotDownloader(bot))

    jobs: tuple[Periodic, ...] = (
        Periodic("retention", settings.retention_check_minutes * 60, retention),
        Periodic("reminders", settings.reminder_check_minutes * 60, remind),
        Periodic("files", settings.files_check_minutes * 60, save_files, saver.requested),
        Periodic("outbox", settings.outbox_poll_seconds, send_queued, sender.requested),
        Periodic("campaign reminders", settings.reminder_check_minutes * 60, campaign_reminders),
        Periodic("campaign progress", settings.campaign_progress_seconds, campaign_progress),
    )
    jobs = (*jobs, Periodic("forms", settings.forms_refresh_seconds, services.catalog.refresh))
    single, channel = None, None
    if not settings.redis_url:  # conversation state in the database: one process only
        single = SingleProcess(database, settings.single_process_lease_seconds)
        jobs = (*jobs, Periodic("lease", single.renew_every, single.renew))
    else:
        channel = FormsChannel(settings.redis_url, services.catalog)
        services.publishing.changed.append(channel.announce)
        jobs = (*jobs, Periodic("forms notices", FORMS_LISTEN_RETRY_SECONDS, channel.listen))
    app = Application(settings, bot, dispatcher, database, services, tracker, jobs, single, channel)

    async def on_startup() -> None:
        await _on_startup(app)

    async def on_shutdown() -> None:
        await _on_shutdown(app)

    dispatcher.startup.register(on_startup)
    dispatcher.shutdown.register(on_shutdown)
    return app


def bot_commands(t: Translator) -> list[BotCommand]:
    return [
        BotCommand(command=name, description=t("command-" + name.replace("_", "-")))
        for name in COMMANDS
    ]


async def _on_startup(app: Application) -> None:
    await app.bot.set_my_commands(bot_commands(app.services.t))
    for job in app.jobs:
        job.start()
    logger.info("bot started; commands menu set")


async def _on_shutdown(app: Application) -> None:
    tracker = app.tracker
    tracker.begin_stop(app.settings.shutdown_timeout)  # kept if the webhook runner began it
    running = tracker.running
    if running:
        logger.info("waiting for %d update(s) in progress", running)
    await app.services.sender.stop(tracker.remaining())  # the requests under way finish
    for job in app.jobs:
        await job.stop()
    if not await tracker.wait_idle(tracker.remaining()):
        logger.warning("shutdown timeout: %d update(s) left unfinished", tracker.running)
    await app.dispatcher.storage.close()
    await app.dispatcher.fsm.events_isolation.close()
    if app.single is not None:
        await app.single.release()
    if app.forms_channel is not None:
        await app.forms_channel.close()
    await app.database.dispose()
    logger.info("database closed")
