"""The forms the bot offers, each pinned to a version row in the database.

Form files are read at start-up; each definition is registered by its fingerprint, so a
changed file becomes the next version while submissions keep the version they were
answered under. Older versions are read back from the database when a draft needs them.
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
from storage.repositories import UnitOfWork

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
        self._by_version: dict[int, Form] = {}

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
        return errors

    async def register(self, form: Form) -> CatalogForm:
        async with self._database.transaction() as uow:
            row = await uow.forms.register(
                form.id,
                form.fingerprint(),
                form.title,
                form.model_dump(mode="json", by_alias=True),
            )
        entry = CatalogForm(form, row.id, row.version)
        self._current[form.id] = entry
        self._by_version[row.id] = form
        logger.info("form %s: version %d", form.id, row.version)
        return entry

    def current(self, form_id: str) -> CatalogForm | None:
        return self._current.get(form_id)

    def all(self) -> list[CatalogForm]:
        return sorted(self._current.values(), key=lambda entry: entry.form.title)

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
