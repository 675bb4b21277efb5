"""Erasing personal answers reaches a repeat's entries."""

from __future__ import annotations

from forms.schema import Form
from storage.database import Database
from storage.erasure import scrub_submission
from storage.repositories.users import TelegramProfile

MARKER = "[удалено]"


def team_form() -> Form:
    member = {"type": "text", "id": "member", "label": "Имя"}
    age = {"type": "integer", "id": "age", "label": "Возраст"}
    repeat = {"type": "repeat", "id": "members", "title": "Участник", "questions": [member, age]}
    return Form.model_validate({"id": "team", "title": "Команда", "questions": [repeat]})


async def test_scrub_reaches_the_entries_of_a_repeat(sqlite_db: Database) -> None:
    answers = {"member[1]": "Иван", "age[1]": 12, "members[1]": True, "member[2]": "Олег"}
    async with sqlite_db.transaction() as uow:
        await uow.users.save_profile(TelegramProfile(501, "Галина"))
        version = await uow.forms.register("team", "e" * 64, "Команда", {})
        draft = await uow.submissions.open_draft(version.id, 501)
        for question_id, value in answers.items():
            await uow.submissions.save_answer(draft.id, question_id, value, exists=False)
        changed = await scrub_submission(uow, team_form(), draft.id, MARKER)
        assert changed == 2
        assert await uow.submissions.answers(draft.id) == {
            "member[1]": MARKER,
            "age[1]": 12,
            "members[1]": True,
            "member[2]": MARKER,
        }
