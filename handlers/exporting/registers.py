"""Registers as files: who may have which variant, the request, the streamed write, the audit.

The bot and the command line both come here. The order is checked here, in the caller's
process (``prepare``: the scope, the variant, the selection and what is left unread); then
rows are read in batches (``storage.registers``) and written by ``exports.register``:

- ``EXPORT_WRITER=process`` (the default): the whole export runs in a separate process
  (``handlers.exporting.process``) that opens its own connection to the database (from its
  URL) and reads the same ``Selection`` with the same ``Reading`` the parent prepared; the
  bot's loop only waits for it, so building a large file costs the bot's replies nothing but
  a share of the machine's cores;
- ``thread``: in this process, the batches read on the event loop and written by a worker
  thread that pulls the next batch only when it has written the last one (the loop is not
  blocked, but the writer shares the GIL with it). SQLite in memory is always exported so,
  since another process cannot open it.

The process runs the thread's path itself, on its own loop. Either way memory holds a batch
or two, not the file; the audit entry is written here once the file is complete.

Personal data: the full register (names, Telegram ids, phones, texts in people's own words)
goes to administrators and regional coordinators, and to the staff a workflow names for its
own register (consultants for consultation requests); everyone else with export rights
(municipal coordinators) gets the anonymised one.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any, BinaryIO, Literal
from zoneinfo import ZoneInfo

from exports.register import write_register
from exports.rows import ExportInfo, ExtraColumn, RegisterRequest, RegisterRow, ReviewLine
from forms.i18n import Translator, translator
from forms.personal import is_personal
from forms.schema import Form
from forms.values import format_date
from forms.vocabulary import COORDINATORS, STAFF
from handlers.access import Scope
from handlers.campaigns.coverage import coverage_tables
from handlers.exporting.process import run_in_process
from handlers.workflows import Workflows
from storage.database import Database
from storage.registers import (
    BATCH_SIZE,
    PERSONAL_EXTRAS,
    Extra,
    Reading,
    RegisterReader,
    RegisterRecord,
    Selection,
)
from storage.repositories import UnitOfWork

Progress = Callable[[int], None]
Writer = Literal["process", "thread"]
EXPORTERS = STAFF
AUDIT_ACTION = "register_exported"


class ExportRefused(Exception):
    """An export that cannot be made; ``message_id`` says why, in exports.ftl."""

    def __init__(self, message_id: str, **params: Any) -> None:
        super().__init__(message_id)
        self.message_id = message_id
        self.params = params

    def text(self, t: Translator) -> str:
        return t(self.message_id, **self.params)


@dataclass(frozen=True, slots=True)
class Period:
    """Local days from ``first`` to ``last``, both included; None: no bound."""

    first: date | None = None
    last: date | None = None

    def bounds(self, zone: ZoneInfo) -> tuple[datetime | None, datetime | None]:
        """The period as UTC moments: from the start of ``first`` up to the end of ``last``."""
        start = None if self.first is None else _utc_midnight(self.first, zone)
        end = None if self.last is None else _utc_midnight(self.last + timedelta(days=1), zone)
        return start, end


def _utc_midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)


@dataclass(frozen=True, slots=True)
class Order:
    """What was asked for. ``municipalities`` narrows a regional export (a municipal one is
    always narrowed to its own); ``anonymous`` asks for the anonymised variant even when the
    full one is allowed."""

    form_id: str
    period: Period = Period()
    municipalities: frozenset[int] | None = None
    school_id: int | None = None
    wave_id: int | None = None
    status: str | None = None
    versions: frozenset[int] = frozenset()
    anonymous: bool = False
    one_hot: bool = False


@dataclass(frozen=True, slots=True)
class Requester:
    """Who exports: a person with a scope, or the command line (``scope`` None: the server's
    operator, who has the database anyway)."""

    scope: Scope | None
    name: str


@dataclass(frozen=True, slots=True)
class Exported:
    rows: int
    filename: str
    anonymous: bool


@dataclass(frozen=True, slots=True)
class Prepared:
    """An order checked against the requester: the request and the selection to read."""

    request: RegisterRequest
    selection: Selection
    reading: Reading
    audit: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Exporter:
    db: Database
    t: Translator
    zone: ZoneInfo
    pseudonym_key: bytes
    workflows: Workflows
    batch_size: int = BATCH_SIZE
    now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    writer: Writer = "process"

    def may_export(self, scope: Scope, form: Form) -> bool:
        """Coordinators and administrators export every register; the staff a workflow names
        (consultants) the register of its forms."""
        return scope.role in COORDINATORS or self.workflows.acts_on(scope.role, form)

    def sees_personal(self, scope: Scope | None, form: Form) -> bool:
        """The full register: administrators, regional coordinators, the command line, and
        the staff a workflow names, for its own register."""
        if scope is None or scope.regional:
            return True
        return self.workflows.acts_on(scope.role, form)

    async def forms(self, form_id: str) -> list[tuple[int, Form]]:
        """Every stored version of a form, newest first (the register's columns)."""
        async with self.db.read() as uow:
            versions = await uow.forms.versions(form_id)
        return [(row.version, Form.model_validate(row.definition)) for row in reversed(versions)]

    async def register(
        self,
        order: Order,
        requester: Requester,
        out: BinaryIO | Path,
        progress: Progress | None = None,
    ) -> Exported:
        """Write the register to ``out``; audited once written."""
        prepared = await self.prepare(order, requester)
        count = await self.write(prepared, out, progress)
        await self.audit(requester, order.form_id, prepared, count)
        anonymous = prepared.reading.anonymous
        return Exported(count, self.filename(order.form_id, anonymous), anonymous)

    async def count(self, prepared: Prepared) -> int:
        async with self.db.read() as uow:
            return await RegisterReader(uow.connection).count(prepared.selection)

    async def prepare(self, order: Order, requester: Requester) -> Prepared:
        forms = await self.forms(order.form_id)
        if not forms:
            raise ExportRefused("export-unknown-form", form=order.form_id)
        newest = forms[0][1]
        if requester.scope is not None and not self.may_export(requester.scope, newest):
            raise ExportRefused("access-denied")
        anonymous = order.anonymous or not self.sees_personal(requester.scope, newest)
        selection = self._selection(order, requester.scope)
        async with self.db.read() as uow:
            filters = await self._describe(uow, order, selection)
            coverage = await coverage_tables(
                uow, self.t, lambda _form: newest.title, order.form_id, selection.municipalities
            )
        info = ExportInfo(self.now(), requester.name, filters, sorted(order.versions))
        request = RegisterRequest(
            forms=forms,
            zone=self.zone,
            info=info,
            anonymous=anonymous,
            one_hot=order.one_hot,
            extra_columns=self._extra_columns(newest),
            coverage=coverage,
        )
        hidden = _hidden(forms) if anonymous else frozenset()
        in_repeats = _hidden_in_repeats(forms) if anonymous else frozenset()
        reading = Reading(
            self.pseudonym_key, anonymous, hidden, self.batch_size, hidden_in_repeats=in_repeats
        )
        return Prepared(request, selection, reading, _audit_filters(order, selection))

    async def write(
        self, prepared: Prepared, out: BinaryIO | Path, progress: Progress | None
    ) -> int:
        """Read and write in a child process (or here, the writer in a thread)."""
        if self.writer == "process" and self.db.shared:
            job = RegisterJob(self.db.url, prepared, self.t.locale)
            return await run_in_process(export_in_child, job, out, progress)
        return await _read_and_write(self.db, prepared, out, self.t, progress)

    def filename(self, form_id: str, anonymous: bool) -> str:
        today = self.now().astimezone(self.zone).date().isoformat()
        variant = "-anon" if anonymous else ""
        return f"{form_id}-{today}{variant}.xlsx"

    def _selection(self, order: Order, scope: Scope | None) -> Selection:
        start, end = order.period.bounds(self.zone)
        return Selection(
            form_id=order.form_id,
            versions=order.versions,
            sent_from=start,
            sent_before=end,
            municipalities=order.municipalities
            if scope is None
            else scope.within(order.municipalities),
            school_id=order.school_id,
            wave_id=order.wave_id,
            status=order.status,
        )

    def _extra_columns(self, form: Form) -> tuple[ExtraColumn, ...]:
        """The columns the form's workflow declares, titled from the locale."""
        spec = self.workflows.spec(form)
        if spec is None:
            return ()
        return tuple(
            ExtraColumn(
                id=extra.value,
                title=self.t(f"register-extra-{spec.kind}-{extra.value.replace('_', '-')}"),
                kind=kind,
                personal=extra in PERSONAL_EXTRAS,
            )
            for extra, kind in spec.columns
        )

    async def _describe(
        self, uow: UnitOfWork, order: Order, selection: Selection
    ) -> list[tuple[str, str]]:
        """The filters as the «О выгрузке» sheet shows them, in Russian."""
        t, lines = self.t, []
        if order.period.first is not None or order.period.last is not None:
            lines.append((t("export-filter-period"), period_text(order.period, t)))
        if selection.municipalities is not None:
            lines.append(
                (t("export-filter-municipalities"), await _municipalities(uow, selection, t))
            )
        if order.school_id is not None:
            school = await uow.schools.school(order.school_id)
            lines.append(
                (t("export-filter-school"), school.name if school else str(order.school_id))
            )
        if order.wave_id is not None:
            wave = await uow.waves.get(order.wave_id)
            lines.append((t("export-filter-wave"), wave.title if wave else str(order.wave_id)))
        if order.status is not None:
            lines.append((t("export-filter-status"), _status_name(order.status, t)))
        if order.versions:
            versions = ", ".join(str(number) for number in sorted(order.versions))
            lines.append((t("export-filter-versions"), versions))
        return lines

    async def audit(
        self, requester: Requester, form_id: str, prepared: Prepared, rows: int
    ) -> None:
        actor = None if requester.scope is None else requester.scope.user_id
        async with self.db.transaction() as uow:
            await uow.audit.record(
                actor,
                AUDIT_ACTION,
                form=form_id,
                filters=prepared.audit,
                anonymous=prepared.reading.anonymous,
                rows=rows,
            )


def _hidden(forms: list[tuple[int, Form]]) -> frozenset[str]:
    """The personal questions of every version: not even read for an anonymised register."""
    return frozenset(
        question.id
        for _version, form in forms
        for question in form.all_questions()
        if is_personal(question)
    )


def _hidden_in_repeats(forms: list[tuple[int, Form]]) -> frozenset[str]:
    """The personal questions of repeats: their entries are not read either."""
    return frozenset(
        question.id
        for _version, form in forms
        for repeat in form.repeats()
        for question in repeat.questions
        if is_personal(question)
    )


def _audit_filters(order: Order, selection: Selection) -> dict[str, Any]:
    """Ids and dates only, never names."""
    found: dict[str, Any] = {
        "from": order.period.first.isoformat() if order.period.first else None,
        "to": order.period.last.isoformat() if order.period.last else None,
        "municipalities": sorted(selection.municipalities)
        if selection.municipalities is not None
        else None,
        "school": order.school_id,
        "wave": order.wave_id,
        "status": order.status,
        "versions": sorted(order.versions) or None,
    }
    return {key: value for key, value in found.items() if value is not None}


def period_text(period: Period, t: Translator) -> str:
    """«с 01.09.2025 по 31.08.2026», «с 01.09.2025», «по 31.08.2026», «за всё время»."""
    first = None if period.first is None else format_date(period.first)
    last = None if period.last is None else format_date(period.last)
    if first is not None and last is not None:
        return t("export-period-between", first=first, last=last)
    if first is not None:
        return t("export-period-from", first=first)
    if last is not None:
        return t("export-period-to", last=last)
    return t("export-period-all")


async def _municipalities(uow: UnitOfWork, selection: Selection, t: Translator) -> str:
    names = [
        m.name
        for m in await uow.schools.municipalities()
        if m.id in (selection.municipalities or ())
    ]
    return ", ".join(names) or t("export-filter-no-municipality")


def _status_name(code: str, t: Translator) -> str:
    message_id = f"register-status-{code}"
    return t(message_id) if t.has(message_id) else code


# --- reading and writing: here, or in the child process -----------------------------------


@dataclass(frozen=True, slots=True)
class RegisterJob:
    """What the child needs: where the database is, and the order as ``prepare`` checked it
    (the same ``Selection`` and ``Reading``: the same rows, the same personal data left out)."""

    url: str
    prepared: Prepared
    locale: str


def export_in_child(job: RegisterJob, out: Path, progress: Progress | None) -> int:
    """The child process's work: its own database connection and loop, the thread's path."""

    async def run() -> int:
        database = Database.from_url(job.url)
        try:
            return await _read_and_write(
                database, job.prepared, out, translator(job.locale), progress
            )
        finally:
            await database.dispose()

    return asyncio.run(run())


async def _read_and_write(
    db: Database, prepared: Prepared, out: BinaryIO | Path, t: Translator, progress: Progress | None
) -> int:
    """Batches read on this loop, written by a worker thread one batch after another."""
    loop = asyncio.get_running_loop()
    async with db.read() as uow:
        batches = RegisterReader(uow.connection).batches(prepared.selection, prepared.reading)
        rows = _pulled(batches, loop, _Rows(t))
        try:
            return await asyncio.to_thread(write_register, prepared.request, rows, out, t, progress)
        finally:
            await batches.aclose()


class _Rows:
    """Records as ``RegisterRow``s; a reason (a pair's, a school request's) in words."""

    def __init__(self, t: Translator) -> None:
        self.t = t
        self.reasons: dict[str, str] = {}

    def __call__(self, record: RegisterRecord) -> RegisterRow:
        extra = record.extra
        reason = extra.get(Extra.reason)
        if reason is not None:
            extra = {**extra, Extra.reason: self.reason(reason)}
        return RegisterRow(
            number=record.number,
            version=record.version,
            status=record.status,
            sent_at=record.sent_at,
            respondent_id=record.respondent_id,
            respondent_name=record.respondent_name,
            pseudonym=record.pseudonym,
            answers=record.answers,
            extra=extra,
            school=record.school,
            review_status=record.review_status,
            review_comment=record.review_comment,
            review=tuple(
                ReviewLine(
                    at=line.at,
                    who=line.who,
                    status=line.status,
                    comment=line.comment,
                    question_id=line.question_id,
                    old=line.old,
                    new=line.new,
                    hidden=line.hidden,
                )
                for line in record.review
            ),
        )

    def reason(self, code: str) -> str:
        """A pair's or a school request's reason code in words (the code if unknown)."""
        name = self.reasons.get(code)
        if name is None:
            known = (f"{kind}-reason-{code}" for kind in ("mentoring", "request"))
            message_id = next((m for m in known if self.t.has(m)), None)
            name = self.reasons[code] = self.t(message_id) if message_id else code
        return name


def _pulled(
    batches: AsyncIterator[list[RegisterRecord]],
    loop: asyncio.AbstractEventLoop,
    convert: Callable[[RegisterRecord], RegisterRow],
) -> Iterator[RegisterRow]:
    """A plain iterator for the writer's thread: each batch is read on ``loop`` when the
    previous one is written."""

    async def following() -> list[RegisterRecord] | None:
        return await anext(batches, None)

    while True:
        batch = asyncio.run_coroutine_threadsafe(following(), loop).result()
        if batch is None:
            return
        for record in batch:
            yield convert(record)
