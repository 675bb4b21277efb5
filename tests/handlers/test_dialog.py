"""The questionnaire dialog through a real Dispatcher: every question type, skip logic,
going back, editing from the review, bad input, stale buttons, a restart, double taps."""

from __future__ import annotations

import logging
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiogram import Dispatcher
from aiogram.methods import SendMessage
from aiogram.types import ReplyKeyboardMarkup, ReplyKeyboardRemove
from sqlalchemy import select

from bot.settings import Settings
from forms.i18n import translator
from handlers.clock import Clock
from storage.database import Database
from storage.models import Submission
from tests import updates
from tests.conftest import MACHINE_SPEED
from tests.handlers.conversation import Conversation, started
from tests.mocked_bot import MockedBot

t = translator()
FORMS = Path(__file__).parent / "forms"
TITLE = "Анкета для проверки диалога"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    from tests.mocked_bot import TOKEN

    return Settings(_env_file=None, bot_token=TOKEN, forms_dir=FORMS, throttle_burst=MACHINE_SPEED)  # type: ignore[call-arg]


@pytest.fixture
async def dispatcher(settings: Settings, sqlite_db: Database, bot: MockedBot) -> Dispatcher:
    return await started(settings, sqlite_db, bot)


@pytest.fixture
async def directory(sqlite_db: Database) -> None:
    async with sqlite_db.transaction() as uow:
        town = await uow.schools.save_municipality("MO-1", "Городской округ Энск")
        await uow.schools.save_municipality("MO-2", "Заречный район")
        for n in range(1, 11):
            await uow.schools.save_school(
                f"OO-{n:02d}", town, name=f"МБОУ «Школа № {n:02d}»", short_name=f"Школа № {n:02d}"
            )


@pytest.fixture
def chat(dispatcher: Dispatcher, bot: MockedBot) -> Conversation:
    return Conversation(dispatcher, bot, updates.user(1001, "Анна"))


async def begin(chat: Conversation) -> None:
    await chat.send("/start")
    await chat.press(t("menu-button-forms"))
    await chat.press(TITLE)


async def submissions(database: Database) -> list[tuple[int, str]]:
    async with database.read() as uow:
        rows = await uow.connection.execute(select(Submission.id, Submission.status))
        return [(row.id, row.status.value) for row in rows]


async def answers_of(database: Database, submission_id: int) -> dict[str, Any]:
    async with database.read() as uow:
        return await uow.submissions.answers(submission_id)


def local_today() -> date:
    return Clock(ZoneInfo("Europe/Moscow")).today()


async def test_a_teacher_fills_every_kind_of_question_and_sends(
    chat: Conversation, sqlite_db: Database, directory: None
) -> None:
    await begin(chat)
    intro, note = chat.screen()[-2:]
    assert intro.text.startswith(f"<b>{TITLE}</b>")
    assert "Здравствуйте! Ответьте" in note.text
    await chat.press(t("form-button-next"))

    assert t("form-progress", number=1, total=7) in chat.last().text  # before the branch opens
    await chat.press("Учитель")
    assert "Ваш ответ: <b>Учитель</b>" in chat.screen()[-2].text  # the pressed question shows it

    # School: a municipality first, then a page of its schools.
    assert chat.last().buttons[:2] == ["Городской округ Энск", "Заречный район"]
    await chat.press("Городской округ Энск")
    assert "Школа № 08" in chat.last().buttons
    assert "Школа № 09" not in chat.last().buttons
    await chat.press(t("dialog-button-page-next"))
    await chat.press("Школа № 09")

    # Multiple choice: ticks, a limit, «Готово».
    assert "<i>О работе</i>" in chat.last().text
    await chat.press("Русский язык")
    await chat.press("Математика")
    assert "✓ Русский язык" in chat.last().buttons
    assert await chat.press("Физика") == t("answer-choice-too-many", max=2)
    await chat.press(t("form-button-done"))

    await chat.send("сорок")
    assert chat.last().text == t("answer-expected-integer")
    await chat.send("70")
    assert "60" in chat.last().text
    await chat.send("12")
    await chat.send("7,5")
    assert "Легко" in chat.last().text
    await chat.press("4")
    await chat.send("да")

    # Date: a wrong date, a past one, then a day picked in next month's calendar.
    await chat.send("31.02.2026")
    assert chat.last().text == t("answer-date-invalid")
    await chat.send((local_today() - timedelta(days=1)).strftime("%d.%m.%Y"))
    assert "раньше" in chat.last().text or "не раньше" in chat.last().text
    await chat.press(t("dialog-button-month-next"))
    await chat.press("15")

    await chat.send("я" * 5000)
    assert "500" in chat.last().text
    await chat.send("Хочу обсудить проект")

    phone_question, keyboard = chat.screen()[-2:]
    assert "Телефон для связи" in phone_question.text
    assert isinstance(keyboard.markup, ReplyKeyboardMarkup)
    assert keyboard.markup.keyboard[0][0].request_contact
    await chat.send("8 (916) 123-45-67")
    closed = [
        m
        for m in chat.bot.session.of_type(SendMessage)
        if isinstance(m.reply_markup, ReplyKeyboardRemove)
    ]
    assert len(closed) == 1

    # Files: the e-mail question was skipped because a phone was given.
    assert "Приложите файлы" in chat.last().text
    await chat.feed(updates.sticker(sender=chat.user))
    assert chat.last().text.startswith("Отправьте файл или фотографию.")
    await chat.feed(updates.document("plan.pdf", 2048, sender=chat.user))
    assert chat.last().text.startswith("Получен 1 файл.")
    await chat.press(t("form-button-done"))

    review = chat.last()
    assert review.text.startswith(t("dialog-review-title", title=TITLE))
    assert "Русский язык; Математика" in review.text
    assert "+7 916 123-45-67" in review.text
    assert t("dialog-button-submit") in review.buttons

    await chat.press(t("dialog-button-edit", number=4))  # years
    assert "Сейчас: <b>12</b>" in chat.last().text
    await chat.send("13")
    review = chat.last()
    assert review.text.startswith(t("dialog-review-title", title=TITLE))
    assert "— <b>13</b>" in review.text

    await chat.press(t("dialog-button-submit"))
    [(submission_id, status)] = await submissions(sqlite_db)
    assert status == "submitted"
    thanks = chat.last().text
    assert thanks.startswith(t("dialog-submitted", title=TITLE, number=submission_id))
    assert "Хочу обсудить проект" in thanks  # with a short summary
    assert chat.screen()[-2].text == review.text  # the review stays, without its buttons
    assert chat.screen()[-2].buttons == []

    answers = await answers_of(sqlite_db, submission_id)
    meeting = answers.pop("meeting")
    assert date.fromisoformat(meeting).day == 15
    assert answers == {
        "hello": None,
        "position": "teacher",
        "school": {
            "code": "OO-09",
            "name": "МБОУ «Школа № 09»",
            "municipality": "Городской округ Энск",
        },
        "subjects": ["russian", "math"],
        "years": 13,
        "hours": 7.5,
        "difficulty": 4,
        "wants_mentor": True,
        "comment": "Хочу обсудить проект",
        "phone": "+79161234567",
        "files": [{"file_id": "f-plan.pdf", "name": "plan.pdf", "size": 2048, "kind": "document"}],
    }


async def answer_up_to_years(chat: Conversation) -> None:
    await begin(chat)
    await chat.press(t("form-button-next"))
    await chat.press("Учитель")
    await chat.press("Городской округ Энск")
    await chat.press("Школа № 01")
    await chat.press("Физика")
    await chat.press(t("form-button-done"))


async def test_an_old_or_forged_button_changes_nothing(
    chat: Conversation, sqlite_db: Database, directory: None
) -> None:
    await answer_up_to_years(chat)
    years = chat.last()
    await chat.send("5")  # typed: the question's message keeps its buttons
    before = await answers_of(sqlite_db, 1)
    hours = chat.last()

    assert await chat.press(t("form-button-back"), years) == t("dialog-stale")
    forged = hours.data(t("dialog-button-leave")).replace("fa:1:", "fa:999:")
    await chat.press_data(forged, hours.message_id)  # someone else's submission
    assert chat.callback_answer() == t("dialog-stale")
    await chat.press_data("fa:1:6:z:1", hours.message_id)  # not a known action
    assert chat.callback_answer() == t("stale-button")
    await chat.press_data(
        hours.data(t("form-button-back")).replace(":b:", ":p:") + "x", hours.message_id
    )
    assert chat.callback_answer() == t("answer-expected-decimal")  # a pick on a typed question

    assert await answers_of(sqlite_db, 1) == before
    assert chat.last() == hours  # nothing new was asked


async def test_a_double_tap_on_send_makes_one_submission(
    chat: Conversation, sqlite_db: Database
) -> None:
    await begin(chat)
    await chat.press(t("form-button-next"))
    await chat.press("Я родитель")
    await chat.send("нет")
    for _ in range(3):  # optional: date, comment, phone
        await chat.press(t("form-button-skip"))
    await chat.press(t("form-button-skip"))  # e-mail (no phone given)
    await chat.press(t("form-button-done"))  # no files
    review = chat.last()
    await chat.press(t("dialog-button-submit"), review)
    await chat.press(t("dialog-button-submit"), review)  # the same, still-visible button
    assert chat.callback_answer() == t("stale-button")
    assert await submissions(sqlite_db) == [(1, "submitted")]
    thanks = [text for text in chat.texts() if text.startswith("Спасибо!")]
    assert len(thanks) == 1


async def test_going_back_to_change_the_branch_drops_the_hidden_answers(
    chat: Conversation, sqlite_db: Database, directory: None
) -> None:
    await answer_up_to_years(chat)
    await chat.send("5")
    await chat.press(t("form-button-back"))
    assert "Сейчас: <b>5</b>" in chat.last().text
    for _ in range(3):  # subjects, school, position
        await chat.press(t("form-button-back"))
    assert "Кем вы работаете?" in chat.last().text
    assert "Сейчас: <b>Учитель</b>" in chat.last().text
    await chat.press("Я родитель")
    assert "Нужен ли вам наставник?" in chat.last().text  # the teachers' questions are gone
    await chat.press(t("answer-yes"))
    for _ in range(4):
        await chat.press(t("form-button-skip"))
    await chat.press(t("form-button-done"))
    await chat.press(t("dialog-button-submit"))
    answers = await answers_of(sqlite_db, 1)
    assert answers["position"] == "parent"
    assert not {"school", "subjects", "years"} & set(answers)


async def test_walking_forward_after_back_keeps_answers(
    chat: Conversation, sqlite_db: Database, directory: None
) -> None:
    await answer_up_to_years(chat)
    await chat.press(t("form-button-back"))
    assert "✓ Физика" in chat.last().buttons  # the saved ticks are shown
    await chat.press(t("dialog-button-keep"))
    assert "Сколько лет вы работаете?" in chat.last().text
    assert (await answers_of(sqlite_db, 1))["subjects"] == ["physics"]


async def test_the_conversation_survives_a_restart(
    settings: Settings, sqlite_db: Database, bot: MockedBot, chat: Conversation, directory: None
) -> None:
    await answer_up_to_years(chat)
    restarted = Conversation(await started(settings, sqlite_db, bot), bot, chat.user)
    await restarted.send("9")
    assert "Сколько часов в неделю" in restarted.last().text
    assert (await answers_of(sqlite_db, 1))["years"] == 9


async def test_start_offers_to_continue_and_cancel_keeps_the_answers(
    chat: Conversation, sqlite_db: Database, directory: None
) -> None:
    await answer_up_to_years(chat)
    await chat.send("/cancel")
    assert chat.last().text == t("cancel-done")
    await chat.send("12")  # no longer an answer
    assert chat.last().text == t("unknown-message")
    await chat.send("/start")
    continue_label = t("menu-button-continue", title=TITLE)
    assert continue_label in chat.last().buttons
    await chat.press(continue_label)
    assert "Сколько лет вы работаете?" in chat.last().text
    await chat.send("12")
    assert (await answers_of(sqlite_db, 1))["years"] == 12


async def test_a_draft_can_be_discarded(chat: Conversation, sqlite_db: Database) -> None:
    await begin(chat)
    await chat.press(t("form-button-next"))
    await chat.send("/start")
    await chat.press(t("menu-button-discard"))
    assert chat.last().text == t("draft-discard-confirm", title=TITLE)
    await chat.press(t("draft-button-discard-yes"))
    assert chat.last().text == t("draft-discarded")
    assert await submissions(sqlite_db) == []


async def test_a_form_answered_once_is_not_offered_again(
    chat: Conversation, sqlite_db: Database
) -> None:
    await test_a_double_tap_on_send_makes_one_submission(chat, sqlite_db)
    await chat.send("/start")
    await chat.press(t("menu-button-forms"))
    assert await chat.press(TITLE) == t("form-already-done", title=TITLE)
    assert len(await submissions(sqlite_db)) == 1


async def test_the_other_option_takes_typed_text(chat: Conversation, sqlite_db: Database) -> None:
    await begin(chat)
    await chat.press(t("form-button-next"))
    await chat.press(t("answer-other-button"))
    assert chat.last().text == t("answer-other-prompt")
    await chat.send("Социальный педагог")
    assert (await answers_of(sqlite_db, 1))["position"] == {"other": "Социальный педагог"}


async def test_a_draft_keeps_its_form_version_when_the_file_changes(
    chat: Conversation, dispatcher: Dispatcher, sqlite_db: Database
) -> None:
    await begin(chat)
    await chat.press(t("form-button-next"))
    old_question = chat.last()
    catalog = dispatcher["services"].catalog
    first = catalog.current("survey")
    changed = first.form.model_copy(update={"title": "Анкета, новая редакция"})
    second = await catalog.register(changed)  # as if the file was edited and the bot restarted
    assert second.version == first.version + 1

    await chat.press("Я родитель", old_question)  # a button of the draft's own version
    assert "Нужен ли вам наставник?" in chat.last().text
    async with sqlite_db.read() as uow:
        draft = await uow.submissions.get(1)
    assert draft is not None
    assert draft.form_version_id == first.version_id  # answered under the version it began

    other = Conversation(dispatcher, chat.bot, updates.user(1002, "Олег"))
    await other.send("/start")
    await other.press(t("menu-button-forms"))
    await other.press("Анкета, новая редакция")
    async with sqlite_db.read() as uow:
        fresh = await uow.submissions.get(2)
    assert fresh is not None
    assert fresh.form_version_id == second.version_id


async def test_an_answer_to_a_form_already_sent_elsewhere_is_refused_once(
    chat: Conversation, sqlite_db: Database, dispatcher: Dispatcher
) -> None:
    await begin(chat)
    await chat.press(t("form-button-next"))
    async with sqlite_db.transaction() as uow:
        assert await uow.submissions.submit(1)  # sent meanwhile, e.g. from another device
    before = await answers_of(sqlite_db, 1)
    await chat.send("Учитель")
    assert chat.last().text == t("dialog-already-submitted")
    assert await answers_of(sqlite_db, 1) == before
    await chat.send("Учитель")  # the conversation is over: no longer taken as an answer
    assert chat.last().text == t("unknown-message")


async def test_a_fresh_install_explains_the_empty_directory_and_the_demo_can_be_finished(
    settings: Settings, bot: MockedBot, sqlite_db: Database
) -> None:
    """The README's two commands give an empty school directory: a school question says so
    (an admin is told the command), and the demo form still reaches «Отправить»."""
    with_admin = settings.model_copy(update={"admin_ids": frozenset({9001})})
    dispatcher = await started(with_admin, sqlite_db, bot)
    for person, message_id in (
        (updates.user(1001, "Анна"), "dialog-school-empty"),
        (updates.user(9001, "Админ"), "dialog-school-empty-admin"),
    ):
        chat = Conversation(dispatcher, bot, person)
        await chat.send("/start")
        await chat.press(t("menu-button-forms"))
        await chat.press("Пробная анкета")
        await chat.press(t("consent-button-yes"))
        await chat.press(t("form-button-next"))
        await chat.press("Руководитель или заместитель руководителя школы")
        school = chat.last()
        assert t(message_id) in school.text
        assert school.buttons == [
            t("form-button-back"),
            t("form-button-skip"),
            t("dialog-button-leave"),
        ]
        await chat.send("МБОУ СОШ № 5")
        assert chat.last().text == t(message_id)  # not «выберите кнопками» with no buttons
        await chat.press(t("form-button-skip"), school)
        for _ in range(5):  # date, topics, name, phone, e-mail: all optional
            await chat.press(t("form-button-skip"))
        await chat.press(t("form-button-done"))  # no files
        await chat.press(t("form-button-next"))  # the closing note
        await chat.press(t("dialog-button-submit"))
        assert chat.last().text.startswith(
            t("dialog-submitted", title="Пробная анкета", number=0)[:20]
        )
    assert await submissions(sqlite_db) == [(1, "submitted"), (2, "submitted")]


async def test_start_up_warns_while_the_directory_is_empty(
    settings: Settings, bot: MockedBot, sqlite_db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="bot.factory"):
        await started(settings, sqlite_db, bot)
    assert "school directory is empty" in caplog.text
    caplog.clear()
    async with sqlite_db.transaction() as uow:
        await uow.schools.save_municipality("MO-1", "Городской округ Энск")
    with caplog.at_level(logging.WARNING, logger="bot.factory"):
        await started(settings, sqlite_db, bot)
    assert "school directory" not in caplog.text
