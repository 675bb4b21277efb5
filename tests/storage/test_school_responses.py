"""A school's form: one shared draft and one sent response per school and wave, kept by
unique indexes, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from forms.directory import SAMPLE, read_directory
from forms.vocabulary import SubmissionStatus
from storage.catalog import FormCatalog
from storage.database import Database
from storage.directory import save_directory
from storage.erasure import erase_person
from storage.models import Submission
from storage.repositories.submissions import school_key
from storage.repositories.users import TelegramProfile
from storage.types import utcnow

ALICE, BORIS = 1, 2


async def _setup(database: Database) -> tuple[int, tuple[int, int]]:
    async with database.transaction() as uow:
        for user_id in (ALICE, BORIS):
            await uow.users.save_profile(TelegramProfile(user_id, "Руководитель"))
        await save_directory(uow, read_directory(SAMPLE))
        school = await uow.schools.school_by_code("OO-0102")
        assert school is not None
        version = await uow.forms.register("school_staff", "fp", "Отчёт", {})
    return version.id, (school.id, school.municipality_id)


async def test_two_heads_opening_at_the_same_moment_share_one_draft(database: Database) -> None:
    version, place = await _setup(database)
    key = school_key("school_staff", place[0], None)

    async def boris_opens() -> tuple[int, bool]:
        async with database.transaction() as uow:
            draft, created = await uow.submissions.open_school_draft(version, BORIS, key, place)
        return draft.id, created

    async with database.transaction() as uow:
        alice, created = await uow.submissions.open_school_draft(version, ALICE, key, place)
        # Boris's transaction starts before Alice's commits: on PostgreSQL it cannot see her
        # draft, inserts its own and waits on the unique index; on SQLite it waits its turn.
        boris = asyncio.create_task(boris_opens())
        await asyncio.sleep(0.3)
    assert await boris == (alice.id, False)
    assert created
    async with database.read() as uow:
        drafts = await uow.submissions.drafts(BORIS, place[0])
        own = await uow.submissions.drafts(BORIS)
    assert [d.submission_id for d in drafts] == [alice.id]
    assert own == []  # without the school, a school's draft is nobody's own


async def test_a_school_has_one_sent_response_and_a_correction_replaces_it(
    database: Database,
) -> None:
    version, place = await _setup(database)
    key = school_key("school_staff", place[0], None)
    async with database.transaction() as uow:
        first, _ = await uow.submissions.open_school_draft(version, ALICE, key, place)
        assert await uow.submissions.submit(first.id, by=ALICE)
    async with database.transaction() as uow:
        correction, created = await uow.submissions.open_school_draft(version, BORIS, key, place)
        assert created
        assert await uow.submissions.replace_school_response(correction) == 1
        assert await uow.submissions.submit(correction.id, by=BORIS)
    async with database.read() as uow:
        sent = await uow.submissions.school_sent(key)
        earlier = await uow.submissions.get(first.id)
    assert sent is not None
    assert (sent.id, sent.respondent_id) == (correction.id, BORIS)
    assert earlier is not None
    assert earlier.status is SubmissionStatus.replaced

    now = utcnow()
    with pytest.raises(IntegrityError):
        async with database.transaction() as uow:
            await uow.connection.execute(
                insert(Submission).values(
                    form_version_id=version,
                    respondent_id=ALICE,
                    status=SubmissionStatus.submitted,
                    school_key=key,
                    created_at=now,
                    updated_at=now,
                )
            )


async def test_many_responses_of_a_school_free_the_key_when_sent(database: Database) -> None:
    version, place = await _setup(database)
    key = school_key("school_request", place[0], None)
    async with database.transaction() as uow:
        first, _ = await uow.submissions.open_school_draft(version, ALICE, key, place)
        assert await uow.submissions.submit(first.id, by=ALICE, many=True)
        second, created = await uow.submissions.open_school_draft(version, ALICE, key, place)
        assert await uow.submissions.submit(second.id, by=ALICE, many=True)
    assert created
    assert second.id != first.id
    async with database.read() as uow:
        sent = [await uow.submissions.get(number) for number in (first.id, second.id)]
        own = await uow.submissions.of_respondent(ALICE)
    # Each sent request keeps a key of its own: still the school's, not Alice's.
    assert [s.school_key for s in sent if s] == [f"{key}:{first.id}", f"{key}:{second.id}"]
    assert own == []


async def test_erasing_a_head_leaves_the_schools_draft_and_responses(database: Database) -> None:
    version, place = await _setup(database)
    key = school_key("school_staff", place[0], None)
    async with database.transaction() as uow:
        draft, _ = await uow.submissions.open_school_draft(version, ALICE, key, place)
        await uow.submissions.save_answer(draft.id, "teachers", 25)
    async with database.transaction() as uow:
        erased = await erase_person(uow, FormCatalog(database), ALICE, pseudonym="P", marker="-")
    assert erased.drafts == 0
    async with database.read() as uow:
        kept = await uow.submissions.school_draft(key)
        answers = await uow.submissions.answers(draft.id)
    assert kept is not None
    assert answers == {"teachers": 25}
