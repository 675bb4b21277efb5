"""Reviews on both databases: one conditional write decides each status change, a correction
moves the review and its history with what it changed, the list puts the unreviewed first,
the targets count what the form's ``counted:`` says, and erasure reaches the history."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from forms.schema import Form
from forms.targets import Responses, period_of
from forms.vocabulary import ReviewStatus, SubmissionStatus
from storage.catalog import FormCatalog
from storage.database import Database
from storage.erasure import erase_person
from storage.repositories import UnitOfWork
from storage.repositories.reviews import Change, changes
from storage.repositories.users import TelegramProfile

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
ZONE = ZoneInfo("Europe/Moscow")
COORDINATOR, OTHER, TEACHER = 501, 502, 1001


def form(counted: str = "sent") -> Form:
    return Form.model_validate(
        {
            "id": "survey",
            "title": "Анкета учителя",
            "counted": counted,
            "questions": [
                {"type": "integer", "id": "years", "label": "Стаж, лет"},
                {"type": "text", "id": "name", "label": "Как к вам обращаться?"},
            ],
        }
    )


async def _version(uow: UnitOfWork, definition: Form) -> int:
    version = await uow.forms.register(
        definition.id,
        definition.fingerprint(),
        definition.title,
        definition.model_dump(mode="json"),
    )
    return version.id


async def _send(uow: UnitOfWork, version_id: int, person: int, answers: dict[str, Any]) -> int:
    await uow.users.save_profile(TelegramProfile(person, f"Учитель {person}"))
    draft = await uow.submissions.open_draft(version_id, person)
    for question_id, value in answers.items():
        await uow.submissions.save_answer(draft.id, question_id, value, exists=False)
    assert await uow.submissions.submit(draft.id)
    return draft.id


async def _responses(database: Database, count: int, counted: str = "sent") -> list[int]:
    async with database.transaction() as uow:
        version = await _version(uow, form(counted))
        for person in (COORDINATOR, OTHER):
            await uow.users.save_profile(TelegramProfile(person, "Координатор"))
        return [
            await _send(uow, version, TEACHER + n, {"years": 5 + n, "name": "Анна"})
            for n in range(count)
        ]


async def _set(
    database: Database, number: int, seen: int, status: ReviewStatus, by: int = COORDINATOR
) -> bool:
    async with database.transaction() as uow:
        return await uow.reviews.set_status(
            number, seen, status, actor_id=by, now=NOW, comment=f"от {by}"
        )


async def test_a_status_is_set_from_the_turn_seen_and_recorded(database: Database) -> None:
    [number] = await _responses(database, 1)
    assert await _set(database, number, 0, ReviewStatus.has_issues)
    assert not await _set(database, number, 0, ReviewStatus.approved)  # a stale screen
    assert await _set(database, number, 1, ReviewStatus.approved)
    async with database.read() as uow:
        review = await uow.reviews.get(number)
        history = await uow.reviews.history(number)
    assert review is not None
    assert (review.status, review.turn, review.reviewer_id) == (ReviewStatus.approved, 2, 501)
    assert [(event.status, event.comment) for event in history] == [
        (ReviewStatus.has_issues, "от 501"),
        (ReviewStatus.approved, "от 501"),
    ]


async def test_two_reviewers_at_once_end_with_one_result(database: Database) -> None:
    first, second = await _responses(database, 2)
    # Never reviewed (an INSERT each) and reviewed once (an UPDATE each).
    assert await _set(database, second, 0, ReviewStatus.has_issues)
    for number, seen in ((first, 0), (second, 1)):
        results = await asyncio.gather(
            _set(database, number, seen, ReviewStatus.approved, COORDINATOR),
            _set(database, number, seen, ReviewStatus.rejected, OTHER),
        )
        assert sorted(results) == [False, True]
        async with database.read() as uow:
            review = await uow.reviews.get(number)
            history = await uow.reviews.history(number)
        assert review is not None
        assert review.turn == seen + 1
        assert len(history) == seen + 1  # the loser wrote nothing
        winner = COORDINATOR if results[0] else OTHER
        assert review.reviewer_id == winner == history[-1].actor_id


async def test_a_correction_moves_the_review_with_its_changes(database: Database) -> None:
    [number] = await _responses(database, 1)
    assert await _set(database, number, 0, ReviewStatus.has_issues)
    async with database.transaction() as uow:
        sent = await uow.submissions.get(number)
        assert sent is not None
        draft = await uow.submissions.open_draft(sent.form_version_id, TEACHER)
        await uow.submissions.copy_answers(number, draft.id)
        assert await uow.reviews.link_correction(number, draft.id)
        assert not await uow.reviews.link_correction(number, draft.id + 100)  # one draft
        await uow.submissions.save_answer(draft.id, "years", 7)
        assert await uow.submissions.submit(draft.id)
        linked = await uow.reviews.corrected_by(draft.id)
        assert linked is not None
        assert linked.submission_id == number
        found = changes(await uow.submissions.answers(number), {"years": 7, "name": "Анна"}, [])
        assert found == [Change("years", 5, 7)]
        assert await uow.reviews.replace(number, draft.id, actor_id=TEACHER, changes=found, now=NOW)
    async with database.read() as uow:
        old, new = await uow.submissions.get(number), await uow.reviews.get(draft.id)
        history = await uow.reviews.history(draft.id)
        assert await uow.reviews.get(number) is None
    assert old is not None
    assert old.status is SubmissionStatus.replaced
    assert new is not None
    assert (new.status, new.turn, new.correction_id) == (ReviewStatus.corrected, 2, None)
    assert new.comment == "от 501"  # the question asked stays the last comment
    assert [(e.status, e.about_id, e.question_id, e.old, e.new) for e in history] == [
        (ReviewStatus.has_issues, number, None, None, None),
        (ReviewStatus.corrected, draft.id, "years", 5, 7),
    ]
    # The old response's buttons change nothing now.
    assert not await _set(database, number, 1, ReviewStatus.approved)


async def test_a_discarded_correction_unlinks_itself(database: Database) -> None:
    [number] = await _responses(database, 1)
    assert await _set(database, number, 0, ReviewStatus.has_issues)
    async with database.transaction() as uow:
        sent = await uow.submissions.get(number)
        assert sent is not None
        draft = await uow.submissions.open_draft(sent.form_version_id, TEACHER)
        assert await uow.reviews.link_correction(number, draft.id)
        assert await uow.submissions.discard(draft.id)
    async with database.read() as uow:
        review = await uow.reviews.get(number)
    assert review is not None
    assert review.correction_id is None


async def test_the_list_puts_what_awaits_review_first(database: Database) -> None:
    numbers = await _responses(database, 4)
    assert await _set(database, numbers[3], 0, ReviewStatus.approved)
    assert await _set(database, numbers[1], 0, ReviewStatus.rejected)
    async with database.read() as uow:
        listed = await uow.reviews.listed("survey", None, 0, 10)
        page = await uow.reviews.listed("survey", None, 2, 1)
        counted = await uow.reviews.counted("survey", None)
        nowhere = await uow.reviews.counted("survey", [999])
    assert [(row.submission_id, row.status) for row in listed] == [
        (numbers[2], ReviewStatus.received),
        (numbers[0], ReviewStatus.received),
        (numbers[3], ReviewStatus.approved),
        (numbers[1], ReviewStatus.rejected),
    ]
    assert [row.submission_id for row in page] == [numbers[3]]
    assert counted == (4, 2)
    assert nowhere == (0, 0)


async def test_targets_count_what_the_form_says(database: Database) -> None:
    numbers = await _responses(database, 3, counted="accepted")
    measure = Responses.model_validate({"form": "survey"})
    period = period_of("school_year", NOW.date())

    async def figure() -> Any:
        async with database.read() as uow:
            return await uow.progress.figure(measure, period, ZONE)

    assert await figure() == 0
    assert await _set(database, numbers[0], 0, ReviewStatus.approved)
    assert await _set(database, numbers[1], 0, ReviewStatus.rejected)
    assert await figure() == 1
    async with database.transaction() as uow:  # the form now counts all but the rejected
        await _version(uow, form("not_rejected"))
    assert await figure() == 2
    async with database.transaction() as uow:  # and, as shipped forms do, every response
        await _version(uow, form("sent"))
    assert await figure() == 3


async def test_erasure_scrubs_the_values_a_correction_changed(database: Database) -> None:
    [number] = await _responses(database, 1)
    assert await _set(database, number, 0, ReviewStatus.has_issues)
    async with database.transaction() as uow:
        sent = await uow.submissions.get(number)
        assert sent is not None
        draft = await uow.submissions.open_draft(sent.form_version_id, TEACHER)
        await uow.submissions.copy_answers(number, draft.id)
        await uow.submissions.save_answer(draft.id, "name", "Анна Петровна")
        assert await uow.submissions.submit(draft.id)
        found = changes({"years": 5, "name": "Анна"}, {"years": 6, "name": "Анна Петровна"}, [])
        await uow.reviews.replace(number, draft.id, actor_id=TEACHER, changes=found, now=NOW)
    catalog = FormCatalog(database)
    async with database.transaction() as uow:
        await erase_person(uow, catalog, TEACHER, pseudonym="Участник X", marker="(удалено)")
    async with database.read() as uow:
        history = await uow.reviews.history(draft.id)
    values = {event.question_id: (event.old, event.new) for event in history}
    assert values["name"] == ("(удалено)", "(удалено)")
    assert values["years"] == (5, 6)  # numbers stay for the statistics
    assert history[0].comment == "от 501"  # the reviewer's own words stay
