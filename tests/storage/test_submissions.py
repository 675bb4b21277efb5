"""Form versions, drafts, answers and submission, on SQLite and PostgreSQL."""

from __future__ import annotations

from forms.vocabulary import SubmissionStatus
from storage.database import Database
from storage.repositories.users import TelegramProfile


async def _user(database: Database, user_id: int = 1) -> int:
    async with database.transaction() as uow:
        await uow.users.save_profile(TelegramProfile(id=user_id, first_name="Учитель"))
    return user_id


async def test_a_changed_definition_gets_the_next_version(database: Database) -> None:
    async with database.transaction() as uow:
        first = await uow.forms.register("survey", "aaa", "Анкета", {"v": 1})
        again = await uow.forms.register("survey", "aaa", "Анкета", {"v": 1})
        second = await uow.forms.register("survey", "bbb", "Анкета", {"v": 2})
        other = await uow.forms.register("events", "aaa", "Отчёт", {"v": 1})
        versions = await uow.forms.versions("survey")
    assert (first.version, again.id, second.version, other.version) == (1, first.id, 2, 1)
    assert [v.definition for v in versions] == [{"v": 1}, {"v": 2}]


async def test_a_draft_is_opened_once_and_answers_replace_each_other(database: Database) -> None:
    user_id = await _user(database)
    async with database.transaction() as uow:
        version = await uow.forms.register("survey", "aaa", "Анкета", {})
        draft = await uow.submissions.open_draft(version.id, user_id)
        same = await uow.submissions.open_draft(version.id, user_id)
        await uow.submissions.save_answer(draft.id, "subjects", ["math", "physics"])
        await uow.submissions.save_answer(draft.id, "years", 12)
        await uow.submissions.save_answer(draft.id, "years", 13)
        await uow.submissions.save_answer(draft.id, "note", None)
    async with database.read() as uow:
        answers = await uow.submissions.answers(draft.id)
        drafts = await uow.submissions.drafts(user_id)
    assert same.id == draft.id
    assert answers == {"subjects": ["math", "physics"], "years": 13, "note": None}
    assert [(d.submission_id, d.form_id, d.title, d.answered) for d in drafts] == [
        (draft.id, "survey", "Анкета", 3)
    ]


async def test_submit_is_idempotent_and_frees_the_draft_slot(database: Database) -> None:
    user_id = await _user(database)
    async with database.transaction() as uow:
        version = await uow.forms.register("survey", "aaa", "Анкета", {})
        draft = await uow.submissions.open_draft(version.id, user_id)
    async with database.transaction() as uow:
        first_tap = await uow.submissions.submit(draft.id)
        second_tap = await uow.submissions.submit(draft.id)
        submitted = await uow.submissions.get(draft.id)
        next_draft = await uow.submissions.open_draft(version.id, user_id)
        count = await uow.submissions.count_submitted("survey", user_id)
    assert (first_tap, second_tap) == (True, False)
    assert submitted is not None
    assert submitted.status is SubmissionStatus.submitted
    assert submitted.submitted_at is not None
    assert next_draft.id != draft.id
    assert count == 1


async def test_discard_removes_a_draft_with_its_answers_but_never_a_submission(
    database: Database,
) -> None:
    user_id = await _user(database)
    async with database.transaction() as uow:
        version = await uow.forms.register("survey", "aaa", "Анкета", {})
        draft = await uow.submissions.open_draft(version.id, user_id)
        await uow.submissions.save_answer(draft.id, "q", "a")
        assert await uow.submissions.discard(draft.id)
        kept = await uow.submissions.open_draft(version.id, user_id)
        await uow.submissions.submit(kept.id)
        assert not await uow.submissions.discard(kept.id)
        assert await uow.submissions.answers(draft.id) == {}
        assert await uow.submissions.get(kept.id) is not None


async def test_delete_answers_of_hidden_questions(database: Database) -> None:
    user_id = await _user(database)
    async with database.transaction() as uow:
        version = await uow.forms.register("survey", "aaa", "Анкета", {})
        draft = await uow.submissions.open_draft(version.id, user_id)
        for question in ("a", "b", "c"):
            await uow.submissions.save_answer(draft.id, question, 1)
        await uow.submissions.delete_answers(draft.id, ["a", "c"])
        await uow.submissions.delete_answers(draft.id, [])
        assert await uow.submissions.answers(draft.id) == {"b": 1}


async def test_school_directory_saves_by_code(database: Database) -> None:
    async with database.transaction() as uow:
        town = await uow.schools.save_municipality("MO-01", "Городской округ Энск")
        renamed = await uow.schools.save_municipality("MO-01", "ГО Энск")
        school = await uow.schools.save_school(
            "OO-7", town, name="МБОУ «Средняя школа № 7»", short_name="СШ № 7", low_results=True
        )
        await uow.schools.save_school("OO-7", town, name="МБОУ СШ № 7", short_name="СШ № 7")
        listed = await uow.schools.schools_in(town)
        municipalities = await uow.schools.municipalities()
    assert renamed == town
    assert [m.name for m in municipalities] == ["ГО Энск"]
    assert [(s.id, s.name, s.municipality_name, s.low_results) for s in listed] == [
        (school, "МБОУ СШ № 7", "ГО Энск", True)
    ]
