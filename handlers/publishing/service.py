"""Forms published from the bot: an uploaded file checked, tried, published, withdrawn.

An admin or a regional coordinator sends an ``.xlsx`` (XLSForm) or ``.yaml`` file. The
check's report names every problem's sheet, row and column; a form that passes becomes a
version waiting in ``form_publications`` (``draft_id``), with its summary and buttons:
«Пройти как респондент» (a trial through the ordinary dialog, kept as a test that nothing
counts), «Опубликовать» (live at once in every bot process) and «Не публиковать». /forms
lists every form with its state, version, author and responses; a form's card withdraws
it or opens it again. Each step is one conditional write, audited; a second tap is told so.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from forms.i18n import Translator
from forms.loading import FORM_SUFFIXES, load_form
from forms.problems import FormError, Problem, problem_text
from forms.schema import Form, WorkflowNeeds
from handlers.clock import Clock
from handlers.publishing.screens import (
    FormAct,
    Listed,
    card_text,
    draft_buttons,
    form_buttons,
    listing,
    summary_lines,
)
from handlers.ui import Reply, quote, split_text
from storage.catalog import FormCatalog
from storage.database import Database
from storage.repositories import UnitOfWork
from storage.repositories.forms import PUBLISHED, WITHDRAWN
from storage.repositories.users import TelegramProfile

PROBLEMS_SHOWN = 40
"""Problems listed in a check's report; the rest are counted («и ещё N»)."""
Changed = Callable[[], Awaitable[object]]


@dataclass(frozen=True, slots=True)
class Trial:
    """A trial to enter (its draft and introduction), or why not."""

    alert: str | None = None
    submission_id: int | None = None
    intro: str = ""


@dataclass(frozen=True, slots=True)
class Done:
    """What a press came to: an alert, the pressed message's new text, new messages."""

    alert: str | None = None
    edit: Reply | None = None
    replies: tuple[Reply, ...] = ()


@dataclass
class Publishing:
    db: Database
    catalog: FormCatalog
    t: Translator
    clock: Clock
    needs: Callable[[], WorkflowNeeds]
    max_bytes: int
    changed: list[Changed] = field(default_factory=list)
    """Called after a publication changed, once committed: this process's catalog is read
    again first, then other processes are told (Redis)."""

    # --- an uploaded file -------------------------------------------------------------------

    def refusal(self, name: str, size: int) -> str | None:
        """Why the file cannot be checked at all (its kind, its size), before downloading."""
        if Path(name).suffix.lower() not in FORM_SUFFIXES:
            return self.t("publish-wrong-file", name=quote(name))
        if size > self.max_bytes:
            return self.t("publish-too-big", name=quote(name), limit=self.max_bytes // 1024)
        return None

    async def upload(self, actor: int, name: str, content: bytes) -> list[Reply]:
        """The check's report, or the form's summary with what to do next."""
        try:
            form = await asyncio.to_thread(read_upload, name, content, self.needs())
        except FormError as error:
            return self._report(name, error.problems)
        async with self.db.transaction() as uow:
            version = await self.catalog.add_version(uow, form, actor, name)
            known = await uow.forms.publication(form.id)
            if known is not None and known.version_id == version.id:
                same = "publish-same-as-live" if known.state == PUBLISHED else "publish-same-as-off"
                return [Reply(self.t(same, title=quote(form.title)))]
            await uow.forms.upload(form.id, version.id, actor)
            await uow.audit.record(
                actor, "form_uploaded", form=form.id, version=version.version, file=name
            )
        head = self.t(
            "publish-checked",
            title=quote(form.title),
            id=form.id,
            version=version.version,
            new=0 if known is None or known.version_id is None else 1,
        )
        text = "\n".join([head, *summary_lines(self.t, form)])
        return [Reply(text, draft_buttons(self.t, form.id, version.id))]

    def _report(self, name: str, problems: list[Problem]) -> list[Reply]:
        # Escaped: a problem quotes the file's cells and says «< <= >» of expressions.
        shown = [f"• {quote(problem_text(p, self.t))}" for p in problems[:PROBLEMS_SHOWN]]
        more = len(problems) - len(shown)
        if more > 0:
            shown.append(self.t("publish-problems-more", count=more))
        head = self.t("publish-problems", name=quote(name), count=len(problems))
        return [Reply(text) for text in split_text([head, *shown, self.t("publish-fix-and-send")])]

    # --- /forms and a form's card -----------------------------------------------------------

    async def overview(self) -> Reply:
        async with self.db.read() as uow:
            listed = await self._listed(uow)
        return listing(self.t, listed)

    async def _listed(self, uow: UnitOfWork) -> list[Listed]:
        counts = await uow.forms.responses()
        found: list[Listed] = []
        for publication in await uow.forms.publications():
            shown = publication.version_id or publication.draft_id
            row = await uow.forms.get(shown) if shown is not None else None
            if row is None:
                continue
            author = await uow.users.get(row.author_id) if row.author_id is not None else None
            offered = self.catalog.current(publication.form_id)
            state = publication.state
            if state == PUBLISHED and offered is None:
                state = "off"  # a form file no longer read by this process
            found.append(Listed(publication, row, author, counts.get(row.form_id, 0), state))
        return sorted(found, key=lambda item: item.version.title.lower())

    async def card(self, form_id: str) -> Done:
        async with self.db.read() as uow:
            found = await self._listed(uow)
            listed = next((i for i in found if i.version.form_id == form_id), None)
            draft = None
            if listed is not None and listed.publication.draft_id is not None:
                draft = await uow.forms.get(listed.publication.draft_id)
        if listed is None:
            return Done(alert=self.t("stale-button"))
        text = card_text(self.t, listed, draft, self.clock.zone)
        return Done(replies=(Reply(text, form_buttons(self.t, listed, draft)),))

    # --- publishing ---------------------------------------------------------------------------

    async def press(self, actor: int, act: FormAct, form_id: str, version_id: int) -> Done:
        if act is FormAct.publish:
            return await self._publish(actor, form_id, version_id)
        if act is FormAct.discard:
            return await self._discard(actor, form_id, version_id)
        if act in (FormAct.withdraw, FormAct.reopen):
            return await self._switch(actor, act, form_id)
        return await self.card(form_id)

    async def _publish(self, actor: int, form_id: str, draft_id: int) -> Done:
        async with self.db.transaction() as uow:
            row = await uow.forms.get(draft_id)
            if row is None or not await uow.forms.publish(form_id, draft_id, actor):
                return Done(alert=self.t("publish-not-waiting"))
            await uow.audit.record(actor, "form_published", form=form_id, version=row.version)
        await self._changed()
        text = self.t("publish-done", title=quote(row.title), version=row.version)
        return Done(edit=Reply(text), replies=())

    async def _discard(self, actor: int, form_id: str, draft_id: int) -> Done:
        async with self.db.transaction() as uow:
            row = await uow.forms.get(draft_id)
            if row is None or not await uow.forms.discard_draft(form_id, draft_id):
                return Done(alert=self.t("publish-not-waiting"))
            await uow.audit.record(actor, "form_discarded", form=form_id, version=row.version)
        return Done(edit=Reply(self.t("publish-discarded", title=quote(row.title))))

    async def _switch(self, actor: int, act: FormAct, form_id: str) -> Done:
        old, new = (PUBLISHED, WITHDRAWN) if act is FormAct.withdraw else (WITHDRAWN, PUBLISHED)
        action = "form_withdrawn" if act is FormAct.withdraw else "form_reopened"
        async with self.db.transaction() as uow:
            if not await uow.forms.set_state(form_id, old, new, actor):
                return Done(alert=self.t("publish-state-changed"))
            await uow.audit.record(actor, action, form=form_id)
        await self._changed()
        done = await self.card(form_id)
        message = "publish-withdrawn" if act is FormAct.withdraw else "publish-reopened"
        return replace(done, alert=self.t(message), edit=done.replies[0], replies=())

    async def _changed(self) -> None:
        for hook in self.changed:
            await hook()

    # --- a trial ------------------------------------------------------------------------------

    async def trial(self, profile: TelegramProfile, form_id: str, draft_id: int) -> Trial:
        """The coordinator's trial draft of the waiting version (continued if they began
        one): the ordinary dialog runs it; sent, it is kept as ``tested``."""
        async with self.db.transaction() as uow:
            known = await uow.forms.publication(form_id)
            form = await self.catalog.version(draft_id, uow)
            if known is None or known.draft_id != draft_id or form is None:
                return Trial(alert=self.t("publish-not-waiting"))
            user = await uow.users.save_profile(profile)
            draft = await uow.submissions.open_draft(draft_id, user.id, test=True)
        intro = self.t("publish-trial-intro", title=quote(form.title))
        return Trial(submission_id=draft.id, intro=intro)


def read_upload(name: str, content: bytes, needs: WorkflowNeeds) -> Form:
    """The form in an uploaded file, checked as ``forms check`` checks a file; problems
    name the file as the coordinator called it."""
    shown = Path(name).name or "form"
    with tempfile.TemporaryDirectory(prefix="upload-") as folder:
        path = Path(folder) / ("form" + Path(shown).suffix.lower())
        path.write_bytes(content)
        try:
            return load_form(path, needs)
        except FormError as error:
            named = [_named(problem, str(path), shown) for problem in error.problems]
            raise FormError(named) from None


def _named(problem: Problem, path: str, shown: str) -> Problem:
    place = problem.place
    if place is None or place.file != path:
        return problem
    return replace(problem, place=replace(place, file=shown))
