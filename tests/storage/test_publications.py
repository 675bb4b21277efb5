"""form_publications on SQLite and PostgreSQL: what a form file does at start-up, an upload
waiting, publishing once, withdrawing, and the trial drafts that end with a publication."""

from __future__ import annotations

import asyncio

from storage.database import Database
from storage.repositories.users import TelegramProfile

ADMIN = 9001


async def version(database: Database, form_id: str, fingerprint: str) -> int:
    async with database.transaction() as uow:
        row = await uow.forms.register(form_id, fingerprint, form_id, {}, author_id=ADMIN)
        return row.id


async def test_a_file_goes_live_unless_the_bot_published_or_withdrew_the_form(
    database: Database,
) -> None:
    file_v1 = await version(database, "f", "a")
    async with database.transaction() as uow:
        assert await uow.forms.read_file("f", file_v1)
    uploaded = await version(database, "f", "b")
    async with database.transaction() as uow:
        await uow.forms.upload("f", uploaded, ADMIN)
        assert await uow.forms.publish("f", uploaded, ADMIN)
    file_v3 = await version(database, "f", "c")
    async with database.transaction() as uow:
        assert not await uow.forms.read_file("f", file_v3)  # the bot's version stays
        publication = await uow.forms.publication("f")
        assert publication is not None
        assert publication.version_id == uploaded
        assert await uow.forms.set_state("f", "published", "withdrawn", ADMIN)
        assert not await uow.forms.set_state("f", "published", "withdrawn", ADMIN)


async def test_two_publishers_at_once_publish_once_and_trials_end(database: Database) -> None:
    draft = await version(database, "g", "a")
    async with database.transaction() as uow:
        await uow.forms.upload("g", draft, ADMIN)
        await uow.users.save_profile(TelegramProfile(ADMIN, "Ольга"))
        trial = await uow.submissions.open_draft(draft, ADMIN, test=True)
        assert trial.test

    async def publish() -> bool:
        async with database.transaction() as uow:
            return await uow.forms.publish("g", draft, ADMIN)

    results = await asyncio.gather(publish(), publish())
    assert sorted(results) == [False, True]
    async with database.read() as uow:
        assert await uow.submissions.get(trial.id) is None  # the trial draft ended
        assert await uow.forms.responses() == {}


async def test_a_discarded_upload_of_a_new_form_leaves_nothing(database: Database) -> None:
    draft = await version(database, "h", "a")
    async with database.transaction() as uow:
        await uow.forms.upload("h", draft, ADMIN)
        assert await uow.forms.discard_draft("h", draft)
        assert not await uow.forms.discard_draft("h", draft)
        assert await uow.forms.publication("h") is None
