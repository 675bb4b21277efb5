"""Background jobs of the bot process, started and stopped with it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from contextlib import suppress

from forms.i18n import Translator
from storage.catalog import FormCatalog
from storage.database import Database
from storage.erasure import erase_expired
from storage.files import FileStore
from storage.types import utcnow

logger = logging.getLogger(__name__)


class Periodic:
    """Runs ``job`` now and then every ``interval`` seconds; a failure is logged, not fatal.

    ``trigger``, when given, starts the next run at once when it is set (a send that left
    work behind); a trigger set while the job runs is kept for the run after it."""

    def __init__(
        self,
        name: str,
        interval: float,
        job: Callable[[], Awaitable[object]],
        trigger: asyncio.Event | None = None,
    ) -> None:
        self.name, self.interval, self.job, self.trigger = name, interval, job, trigger
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._loop(), name=self.name)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _loop(self) -> None:
        while True:
            if self.trigger is not None:
                self.trigger.clear()
            try:
                await self.job()
            except Exception as error:
                logger.error("job %s failed with %s", self.name, type(error).__name__)
            await self._pause()

    async def _pause(self) -> None:
        if self.trigger is None:
            await asyncio.sleep(self.interval)
            return
        with suppress(TimeoutError):
            await asyncio.wait_for(self.trigger.wait(), self.interval)


def retention_job(
    database: Database, catalog: FormCatalog, t: Translator, files: FileStore | None = None
) -> Callable[[], Awaitable[int]]:
    async def run() -> int:
        async with database.transaction() as uow:
            marker = t("data-erased-marker")
            return await erase_expired(uow, catalog, utcnow(), marker, files=files)

    return run
