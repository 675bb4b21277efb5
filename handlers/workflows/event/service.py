"""Files of sent event reports (photos, attendance sheets) saved to disk for the registers.

Answers keep files by Telegram file id (``[{"file_id", "name", "size", "kind"}, ...]``).
After a response of a form whose workflow saves files (``workflow: event``) is sent,
``FileSaver.run`` downloads each file into ``FILES_DIR/<form id>/<submission id>/`` and
writes the relative path into its entry (``"path": "event_report/12/attendance.pdf"``),
with one UPDATE per answer.

Nothing is downloaded inside the transaction that sends a report (that would hold the
SQLite writer during network I/O): the event workflow only wakes the saver once the send
is committed, and a periodic run picks up whatever is left. The answers themselves are
the queue, so a restart loses nothing: an entry without ``"path"`` is still to be saved.
A file Telegram refuses (too big, gone) gets ``"attempts"`` and ``"tried_at"`` in its
entry and is tried again after ``retry_after``, at most ``attempts`` times in all. A failure
that is no fault of the file (flood control, a network or server error) is simply tried at
the next run, and a local disk problem stops the run without touching any entry.

Each run reads the file answers of every sent report that still has its personal data: one
query, a few hundred rows a year for a region.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from forms.questions import FileQuestion
from forms.vocabulary import WorkflowKind
from handlers.workflows import FollowUp, Sent, WorkflowSpec
from handlers.workflows.event import SPEC
from storage.catalog import FormCatalog
from storage.database import Database
from storage.files import FileStore
from storage.repositories import UnitOfWork
from storage.repositories.attachments import FileAnswerDTO
from storage.types import utcnow

logger = logging.getLogger(__name__)


class DownloadFailed(Exception):
    """A file was not downloaded. ``refused``: Telegram said no to this very file (too big,
    gone, a bad id), which counts as an attempt; else (flood control, a network or server
    error) it says nothing about the file and is simply tried at the next run. ``kind``
    names the error for the log (never its text)."""

    def __init__(self, kind: str, *, refused: bool) -> None:
        super().__init__(kind)
        self.kind, self.refused = kind, refused


class Downloader(Protocol):
    """Fetches a file by its Telegram file id (``handlers.telegram.downloads``)."""

    async def download(self, file_id: str, destination: Path) -> None:
        """Write the file to ``destination``, or raise ``DownloadFailed``."""
        ...


@dataclass(frozen=True, slots=True)
class Due:
    """One file of one answer that is to be downloaded now."""

    index: int
    file_id: str
    name: str
    attempts: int


@dataclass(frozen=True, slots=True)
class Done:
    """What became of one file: its path, or None when it failed (``refused``: by Telegram,
    which counts as an attempt)."""

    due: Due
    path: str | None
    refused: bool = False


class FileSaver:
    """Saves the files of sent responses of forms whose workflow saves files (see module doc)."""

    def __init__(
        self,
        db: Database,
        catalog: FormCatalog,
        store: FileStore,
        *,
        kinds: frozenset[WorkflowKind],
        attempts: int,
        retry_after: timedelta,
        now: Callable[[], datetime] = utcnow,
    ) -> None:
        self.db, self.catalog, self.store = db, catalog, store
        self.kinds = kinds  # the workflows whose files are saved (``WorkflowSpec.saves_files``)
        self.attempts, self.retry_after, self.now = attempts, retry_after, now
        self.requested = asyncio.Event()  # set by ``wake``; the periodic job then runs at once

    def wake(self) -> None:
        """Ask for a run now (called after a send is committed)."""
        self.requested.set()

    async def run(self, downloader: Downloader) -> int:
        """Download every file that is due; returns how many were saved."""
        saved = 0
        for answer, due in await self._due():
            done: list[Done] = []
            try:
                for item in due:
                    done.append(await self._download(downloader, answer, item))
            except BaseException:
                self._discard(done)
                raise
            saved += await self._record(answer, done)
        return saved

    # --- finding what to do ---------------------------------------------------------------

    async def _due(self) -> list[tuple[FileAnswerDTO, list[Due]]]:
        entries = self.catalog.all()
        forms = {entry.form.id for entry in entries if entry.form.workflow in self.kinds}
        async with self.db.read() as uow:
            versions = await uow.attachments.sent_versions(forms)
            questions = await self._file_questions(uow, versions)
            answers = await uow.attachments.answers(versions, questions)
        now = self.now()
        found = [(answer, list(self._due_in(answer.value, now))) for answer in answers]
        return [(answer, due) for answer, due in found if due]

    async def _file_questions(self, uow: UnitOfWork, versions: list[int]) -> set[str]:
        questions: set[str] = set()
        for version_id in versions:
            form = await self.catalog.version(version_id, uow)
            if form is not None:
                questions |= {q.id for q in form.all_questions() if isinstance(q, FileQuestion)}
        return questions

    def _due_in(self, value: Any, now: datetime) -> Iterator[Due]:
        if not isinstance(value, list):
            return
        for index, item in enumerate(value):
            if isinstance(item, Mapping) and self._is_due(item, now):
                attempts = int(item.get("attempts", 0))
                yield Due(index, str(item["file_id"]), str(item.get("name") or ""), attempts)

    def _is_due(self, item: Mapping[str, Any], now: datetime) -> bool:
        if not item.get("file_id") or item.get("path"):
            return False
        if int(item.get("attempts", 0)) >= self.attempts:
            return False
        tried = item.get("tried_at")
        return tried is None or datetime.fromisoformat(str(tried)) + self.retry_after <= now

    # --- downloading ------------------------------------------------------------------------

    async def _download(self, downloader: Downloader, answer: FileAnswerDTO, due: Due) -> Done:
        """One file. A local disk error (``OSError``) is raised and held against no file."""
        partial = self.store.partial(answer.form_id, answer.submission_id)
        try:
            await downloader.download(due.file_id, partial)
            return Done(due, self.store.keep(partial, due.name))
        except DownloadFailed as error:
            partial.unlink(missing_ok=True)
            refused = error.refused
            # Ids and the error's type only: file names and Telegram's text stay out of logs.
            where = (due.index + 1, answer.question_id, answer.submission_id)
            if refused:
                logger.warning(
                    "file %d of %s of response %d refused (%s), attempt %d of %d",
                    *where,
                    error.kind,
                    due.attempts + 1,
                    self.attempts,
                )
            else:
                logger.warning(
                    "file %d of %s of response %d not saved (%s), tried again later",
                    *where,
                    error.kind,
                )
            return Done(due, None, refused)
        except FileNotFoundError:
            # The folder went away meanwhile: the response was erased (or it was deleted by hand).
            partial.unlink(missing_ok=True)
            logger.warning(
                "file %d of %s of response %d not saved (its folder was removed), tried later",
                due.index + 1,
                answer.question_id,
                answer.submission_id,
            )
            return Done(due, None)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise

    def _discard(self, done: list[Done], kept: set[str] | None = None) -> None:
        """Delete the downloaded copies that are not in the answer."""
        for result in done:
            if result.path is not None and result.path not in (kept or set()):
                self.store.discard(result.path)

    async def _record(self, answer: FileAnswerDTO, done: list[Done]) -> int:
        """Write the paths (and refusals) into the answer as it is now: a file that was
        erased or saved by someone else meanwhile is not kept twice."""
        kept: set[str] = set()
        try:
            async with self.db.transaction() as uow:
                value = await uow.attachments.locked(answer.submission_id, answer.question_id)
                if isinstance(value, list):  # else erased meanwhile: nothing is kept
                    entries = [dict(item) if isinstance(item, Mapping) else item for item in value]
                    kept = {str(result.path) for result in done if self._apply(entries, result)}
                    if entries != value:
                        await uow.attachments.replace(
                            answer.submission_id, answer.question_id, entries
                        )
        except BaseException:
            kept = set()
            raise
        finally:
            self._discard(done, kept)
        return len(kept)

    def _apply(self, entries: list[Any], result: Done) -> bool:
        """Put one result into the entries; True when its file is kept."""
        index = result.due.index
        entry = entries[index] if index < len(entries) else None
        if not isinstance(entry, dict) or entry.get("file_id") != result.due.file_id:
            return False
        if entry.get("path"):
            return False
        if result.path is None:
            if result.refused:
                entry["attempts"] = result.due.attempts + 1
                entry["tried_at"] = self.now().isoformat()
            return False
        entry["path"] = result.path
        entry.pop("tried_at", None)
        return True


class EventWorkflow:
    """What an event report needs once sent: its files saved, after the commit."""

    spec: WorkflowSpec = SPEC

    def __init__(self, saver: FileSaver) -> None:
        self.saver = saver

    async def submitted(self, uow: UnitOfWork, sent: Sent) -> FollowUp:
        files = any(
            isinstance(question, FileQuestion) and sent.answers.get(question.id)
            for question in sent.form.all_questions()
        )
        return FollowUp(committed=(self.saver.wake,)) if files else FollowUp()
