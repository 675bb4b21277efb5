"""The forms the bot offers, each pinned to a version row in the database.

Form files are read at start-up; each definition is registered by its fingerprint, so a
changed file becomes the next version while submissions keep the version they were
answered under. Forms uploaded in the bot are versions too. Which version of each form is
live, and whether it is offered at all, is the table ``form_publications``: every bot
process builds its catalog from it (``refresh``), at start-up and whenever a coordinator
publishes or withdraws a form. Older versions are read back from the database when a draft
needs them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from forms.loading import FormError, form_files, load_form
from forms.problems import Problem
from forms.schema import Form, WorkflowNeeds
from storage.database import Database
from storage.dto import FormVersionDTO
from storage.repositories import UnitOfWork
from storage.repositories.forms import PUBLISHED, WITHDRAWN

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class CatalogForm:
    form: Form
    version_id: int
    version: int


class FormCatalog:
    def __init__(self, database: Database) -> None:
        self._database = database
        self._current: dict[str, CatalogForm] = {}
        self._withdrawn: dict[str, CatalogForm] = {}
        self._by_version: dict[int, Form] = {}
        self._files: set[str] = set()  # forms this process read from form files

    async def load(
        self, folders: Iterable[Path], needs: WorkflowNeeds | None = None
    ) -> list[FormError]:
        """Read every form file of the folders; a broken file is reported and skipped.
        ``needs``: the questions each workflow reads, checked in forms that name one."""
        errors: list[FormError] = []
        forms: list[Form] = []
        missing: list[Problem] = []
        for path in form_files(folders, missing):
            try:
                forms.append(load_form(path, needs))
            except FormError as error:
                errors.append(error)
        if missing:
            errors.append(FormError(missing))
        for form in forms:
            await self.register(form)
        await self.refresh()
        return errors

    async def register(self, form: Form) -> CatalogForm:
        """A form read from a file: its version goes live, unless a version published in
        the bot replaces it (or the form was withdrawn there)."""
        async with self._database.transaction() as uow:
            row = await self._version(uow, form)
            live = await uow.forms.read_file(form.id, row.id)
        self._files.add(form.id)
        entry = CatalogForm(form, row.id, row.version)
        if live:
            self._current[form.id] = entry
            logger.info("form %s: version %d", form.id, row.version)
        else:
            logger.info("form %s: the file's version %d is not offered", form.id, row.version)
        return entry

    async def add_version(
        self, uow: UnitOfWork, form: Form, author_id: int, file_name: str
    ) -> FormVersionDTO:
        """A form uploaded in the bot, as a version (the same definition: the same version)."""
        return await self._version(uow, form, author_id, file_name)

    async def _version(
        self,
        uow: UnitOfWork,
        form: Form,
        author_id: int | None = None,
        file_name: str | None = None,
    ) -> FormVersionDTO:
        definition = form.model_dump(mode="json", by_alias=True)
        row = await uow.forms.register(
            form.id,
            form.fingerprint(),
            form.title,
            definition,
            author_id=author_id,
            file_name=file_name,
        )
        self._by_version[row.id] = form
        return row

    async def refresh(self) -> int:
        """The live forms, read again from ``form_publications``; how many there are."""
        found: dict[str, dict[str, CatalogForm]] = {PUBLISHED: {}, WITHDRAWN: {}}
        async with self._database.read() as uow:
            for publication, number in await uow.forms.offered():
                kept, version_id = found.get(publication.state), publication.version_id
                if kept is None or version_id is None:
                    continue
                if not publication.uploaded and publication.form_id not in self._files:
                    continue  # its file is no longer among the form files
                form = await self.version(version_id, uow)  # read once, then kept
                if form is not None:
                    kept[publication.form_id] = CatalogForm(form, version_id, number)
        self._current, self._withdrawn = found[PUBLISHED], found[WITHDRAWN]
        return len(self._current)

    def current(self, form_id: str) -> CatalogForm | None:
        return self._current.get(form_id)

    def known(self, form_id: str) -> CatalogForm | None:
        """The live form, or the one taken off (its responses are still read and reviewed)."""
        return self._current.get(form_id) or self._withdrawn.get(form_id)

    def all(self) -> list[CatalogForm]:
        """The live forms, by title."""
        return sorted(self._current.values(), key=lambda entry: entry.form.title)

    def with_withdrawn(self) -> list[CatalogForm]:
        """The live forms and those taken off (their registers are still read), by title."""
        entries = [*self._current.values(), *self._withdrawn.values()]
        return sorted(entries, key=lambda entry: entry.form.title)

    async def version(self, version_id: int, uow: UnitOfWork) -> Form | None:
        """The definition a submission was answered under (cached once read)."""
        known = self._by_version.get(version_id)
        if known is not None:
            return known
        row = await uow.forms.get(version_id)
        if row is None:
            return None
        form = Form.model_validate(row.definition)
        self._by_version[version_id] = form
        return form
