"""Form versions (one row per distinct definition of a form) and their publication."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from forms.vocabulary import SubmissionStatus
from storage.dto import FormVersionDTO, PublicationDTO
from storage.models import FormPublication, FormVersion, Submission
from storage.types import utcnow

_COLUMNS = select(FormVersion.__table__)
_PUBLICATIONS = select(FormPublication.__table__)
DRAFT, PUBLISHED, WITHDRAWN = "draft", "published", "withdrawn"


class FormRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def register(
        self,
        form_id: str,
        fingerprint: str,
        title: str,
        definition: dict[str, Any],
        *,
        author_id: int | None = None,
        file_name: str | None = None,
    ) -> FormVersionDTO:
        """The version of this exact definition, created (as the next number) if it is new;
        ``author_id`` and ``file_name`` for one uploaded in the bot."""
        known = await self._one(
            _COLUMNS.where(FormVersion.form_id == form_id, FormVersion.fingerprint == fingerprint)
        )
        if known is not None:
            return known
        latest = select(func.coalesce(func.max(FormVersion.version), 0)).where(
            FormVersion.form_id == form_id
        )
        number = int((await self._connection.execute(latest)).scalar_one()) + 1
        await self._connection.execute(
            insert(FormVersion).values(
                form_id=form_id,
                version=number,
                fingerprint=fingerprint,
                title=title,
                definition=definition,
                created_at=utcnow(),
                author_id=author_id,
                file_name=file_name,
            )
        )
        created = await self.get_by_number(form_id, number)
        assert created is not None
        return created

    async def get(self, version_id: int) -> FormVersionDTO | None:
        return await self._one(_COLUMNS.where(FormVersion.id == version_id))

    async def get_by_number(self, form_id: str, number: int) -> FormVersionDTO | None:
        return await self._one(
            _COLUMNS.where(FormVersion.form_id == form_id, FormVersion.version == number)
        )

    async def versions(self, form_id: str) -> list[FormVersionDTO]:
        query = _COLUMNS.where(FormVersion.form_id == form_id).order_by(FormVersion.version)
        rows = await self._connection.execute(query)
        return [FormVersionDTO(**row._mapping) for row in rows]

    async def _one(self, query: Any) -> FormVersionDTO | None:
        row = (await self._connection.execute(query)).first()
        return None if row is None else FormVersionDTO(**row._mapping)

    # --- publication ----------------------------------------------------------------------

    async def publications(self) -> list[PublicationDTO]:
        rows = await self._connection.execute(_PUBLICATIONS.order_by(FormPublication.form_id))
        return [PublicationDTO(**row._mapping) for row in rows]

    async def offered(self) -> list[tuple[PublicationDTO, int]]:
        """Each publication with a version (live or withdrawn) and that version's number, in
        one query that leaves the definitions out (the catalog keeps those it has read)."""
        query = select(FormPublication.__table__, FormVersion.version.label("_number")).join(
            FormVersion, FormVersion.id == FormPublication.version_id
        )
        rows = await self._connection.execute(query)
        found = []
        for row in rows:
            fields = {k: v for k, v in row._mapping.items() if k != "_number"}
            found.append((PublicationDTO(**fields), int(row._number)))
        return found

    async def publication(self, form_id: str) -> PublicationDTO | None:
        query = _PUBLICATIONS.where(FormPublication.form_id == form_id)
        row = (await self._connection.execute(query)).first()
        return None if row is None else PublicationDTO(**row._mapping)

    async def read_file(self, form_id: str, version_id: int) -> bool:
        """A form file was read at start-up: its version goes live, unless the form was
        published from the bot (then the bot's version stays) or taken off. False when the
        file's version is not the one offered."""
        known = await self.publication(form_id)
        if known is None:
            await self._connection.execute(
                insert(FormPublication).values(
                    form_id=form_id, state=PUBLISHED, version_id=version_id, uploaded=False
                )
            )
            return True
        if known.uploaded and known.version_id is not None:
            return known.version_id == version_id
        await self._connection.execute(
            update(FormPublication)
            .where(FormPublication.form_id == form_id)
            .values(
                version_id=version_id,
                state=WITHDRAWN if known.state == WITHDRAWN else PUBLISHED,
            )
        )
        return known.state != WITHDRAWN

    async def upload(self, form_id: str, version_id: int, actor: int) -> None:
        """An uploaded version waits to be published (the previous waiting one is dropped,
        with its trial responses' drafts)."""
        known = await self.publication(form_id)
        if known is None:
            await self._connection.execute(
                insert(FormPublication).values(
                    form_id=form_id,
                    state=DRAFT,
                    draft_id=version_id,
                    uploaded=True,
                    changed_by=actor,
                    changed_at=utcnow(),
                )
            )
            return
        if known.draft_id is not None and known.draft_id != version_id:
            await self.drop_trials(known.draft_id)
        await self._connection.execute(
            update(FormPublication)
            .where(FormPublication.form_id == form_id)
            .values(draft_id=version_id, changed_by=actor, changed_at=utcnow())
        )

    async def publish(self, form_id: str, draft_id: int, actor: int) -> bool:
        """The waiting version goes live, in one conditional write: False when it is no
        longer the one waiting (a second tap, or another upload since)."""
        result = await self._connection.execute(
            update(FormPublication)
            .where(FormPublication.form_id == form_id, FormPublication.draft_id == draft_id)
            .values(
                state=PUBLISHED,
                version_id=draft_id,
                draft_id=None,
                uploaded=True,
                changed_by=actor,
                changed_at=utcnow(),
            )
        )
        if not result.rowcount:
            return False
        await self.drop_trials(draft_id)
        return True

    async def set_state(self, form_id: str, old: str, new: str, actor: int) -> bool:
        """Withdraw a published form or open a withdrawn one again; False when it was not
        in ``old`` (a second tap)."""
        result = await self._connection.execute(
            update(FormPublication)
            .where(
                FormPublication.form_id == form_id,
                FormPublication.state == old,
                FormPublication.version_id.is_not(None),
            )
            .values(state=new, changed_by=actor, changed_at=utcnow())
        )
        return bool(result.rowcount)

    async def discard_draft(self, form_id: str, draft_id: int) -> bool:
        """Drop the waiting version (the form stays as it is); a form never published goes."""
        known = await self.publication(form_id)
        if known is None or known.draft_id != draft_id:
            return False
        await self.drop_trials(draft_id)
        if known.version_id is None:
            await self._connection.execute(
                delete(FormPublication).where(FormPublication.form_id == form_id)
            )
        else:
            await self._connection.execute(
                update(FormPublication)
                .where(FormPublication.form_id == form_id)
                .values(draft_id=None)
            )
        return True

    async def drop_trials(self, version_id: int) -> None:
        """Trial drafts of a version end (a sent trial stays, marked ``tested``)."""
        await self._connection.execute(
            delete(Submission).where(
                Submission.form_version_id == version_id,
                Submission.test.is_(True),
                Submission.status == SubmissionStatus.draft,
            )
        )

    async def responses(self) -> dict[str, int]:
        """Sent responses that count, per form id (every version)."""
        query = (
            select(FormVersion.form_id, func.count(Submission.id))
            .join(Submission, Submission.form_version_id == FormVersion.id)
            .where(Submission.status == SubmissionStatus.submitted)
            .group_by(FormVersion.form_id)
        )
        rows = await self._connection.execute(query)
        return {form_id: int(count) for form_id, count in rows}
