"""Consent before personal answers, /mydata, /delete_me, retention, and clean logs."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiogram import Dispatcher
from aiogram.exceptions import TelegramBadRequest, TelegramNetworkError
from aiogram.methods import EditMessageReplyMarkup, SendDocument, SendMessage
from aiogram.types import Contact
from sqlalchemy import func, select

from bot.factory import create_dispatcher
from bot.logs import quiet_loggers
from bot.settings import Settings
from forms.consent import consent
from forms.i18n import translator
from storage.catalog import FormCatalog
from storage.database import Database
from storage.erasure import erase_expired
from storage.models import Submission
from storage.types import utcnow
from tests import updates
from tests.conftest import MACHINE_SPEED
from tests.handlers.conversation import Conversation
from tests.mocked_bot import TOKEN, MockedBot

t = translator()
FORMS = Path(__file__).parent / "forms"
SURVEY = "Анкета для проверки диалога"
DEMO = "Пробная анкета"
MARK = t("data-erased-marker")


@pytest.fixture
def settings() -> Settings:
    return Settings(_env_file=None, bot_token=TOKEN, forms_dir=FORMS, throttle_burst=MACHINE_SPEED)  # type: ignore[call-arg]


@pytest.fixture
async def dispatcher(settings: Settings, sqlite_db: Database, bot: MockedBot) -> Dispatcher:
    dispatcher = create_dispatcher(settings, sqlite_db)
    await dispatcher.emit_startup(bot=bot, **dispatcher.workflow_data)
    return dispatcher


@pytest.fixture
def chat(dispatcher: Dispatcher, bot: MockedBot) -> Conversation:
    user = updates.user(1001, "Мария", last_name="Иванова", username="ivanova_m")
    return Conversation(dispatcher, bot, user)


async def open_form(chat: Conversation, title: str) -> None:
    await chat.send("/start")
    await chat.press(t("menu-button-forms"))
    await chat.press(title)


async def send_survey_as_parent(chat: Conversation) -> None:
    await open_form(chat, SURVEY)
    await chat.press(t("form-button-next"))
    await chat.press("Я родитель")
    await chat.press(t("answer-no"))
    await chat.press(t("form-button-skip"))  # date
    await chat.send("Меня зовут Мария Иванова, сын в 7 «Б»")
    await chat.send("+7 916 123-45-67")
    await chat.press(t("form-button-done"))  # no files
    await chat.press(t("dialog-button-submit"))


async def test_another_persons_contact_is_kept_only_when_the_person_says_so(
    chat: Conversation, sqlite_db: Database
) -> None:
    await open_form(chat, SURVEY)
    await chat.press(t("form-button-next"))
    await chat.press("Я родитель")
    await chat.press(t("answer-no"))
    await chat.press(t("form-button-skip"))  # date
    await chat.send("Мария Иванова")
    someone = Contact(phone_number="79031112233", first_name="Пётр", user_id=5005)
    await chat.feed(updates.message(None, sender=chat.user, contact=someone))
    asked = chat.last()
    assert asked.text == t("dialog-contact-not-own", phone="+7 903 111-22-33")
    await chat.press(t("dialog-button-contact-no"), asked)
    assert t("dialog-contact-send-own") in chat.texts()
    assert "Телефон для связи" in chat.screen()[-2].text  # asked again
    async with sqlite_db.read() as uow:
        assert "phone" not in await uow.submissions.answers(1)

    card = Contact(phone_number="+79031112233", first_name="Пётр")  # no Telegram account
    await chat.feed(updates.message(None, sender=chat.user, contact=card))
    await chat.press(t("dialog-button-contact-yes"), chat.last())
    async with sqlite_db.read() as uow:
        assert (await uow.submissions.answers(1))["phone"] == "+79031112233"
    assert "Приложите файлы" in chat.last().text  # the next question

    await chat.press(t("dialog-button-contact-yes"), asked)  # the old question: nothing happens
    assert chat.callback_answer() == t("dialog-stale")


async def test_an_answer_typed_again_after_the_bot_stopped_is_not_filed_under_the_next_question(
    chat: Conversation, sqlite_db: Database
) -> None:
    """The bot saved the comment, then stopped before replying (kill -9, a lost connection). The
    person, still looking at the comment question, types it again seconds later."""
    await open_form(chat, SURVEY)
    await chat.press(t("form-button-next"))
    await chat.press("Я родитель")
    await chat.press(t("answer-no"))
    await chat.press(t("form-button-skip"))  # date
    lost = TelegramNetworkError(SendMessage(chat_id=1, text="x"), "connection lost")
    for _ in range(3):  # the next question, the phone keyboard, any apology: none arrives
        chat.bot.session.fail_next(SendMessage, lost)
    await chat.send("Мария Иванова")
    chat.bot.session.clear_failures()
    later = datetime.now(UTC) + timedelta(seconds=5)
    await chat.feed(updates.message("Мария Иванова", sender=chat.user, date=later))
    said, question, _keyboard = chat.screen()[-3:]
    assert said.text == t(
        "dialog-answer-was-saved", label="Ваш комментарий", answer="Мария Иванова"
    )
    assert "Телефон для связи" in question.text
    async with sqlite_db.read() as uow:
        answers = await uow.submissions.answers(1)
    assert answers["comment"] == "Мария Иванова"
    assert "phone" not in answers  # not filed under the next question

    await chat.send("Мария Иванова")  # typed again, but after the bot's reply: a phone answer
    assert chat.last().text == t("answer-phone-invalid")


async def test_answers_typed_again_twice_while_the_bot_was_down_are_not_filed(
    chat: Conversation, sqlite_db: Database
) -> None:
    """Both copies were sent before the bot came back and showed the next question."""
    await open_form(chat, SURVEY)
    await chat.press(t("form-button-next"))
    await chat.press("Я родитель")
    await chat.press(t("answer-no"))
    await chat.press(t("form-button-skip"))  # date
    lost = TelegramNetworkError(SendMessage(chat_id=1, text="x"), "connection lost")
    for _ in range(3):
        chat.bot.session.fail_next(SendMessage, lost)
    await chat.send("Мой комментарий")
    chat.bot.session.clear_failures()
    now = datetime.now(UTC)
    again = [
        updates.message("Мой комментарий", sender=chat.user, date=now + timedelta(seconds=s))
        for s in (5, 10)
    ]
    for update in again:  # both were waiting for the bot when it came back
        await chat.feed(update)
    async with sqlite_db.read() as uow:
        answers = await uow.submissions.answers(1)
    assert answers["comment"] == "Мой комментарий"
    assert "phone" not in answers
    said = t("dialog-answer-was-saved", label="Ваш комментарий", answer="Мой комментарий")
    assert chat.texts().count(said) == 2


async def test_an_answer_handed_again_after_a_restart_is_not_filed_twice(
    chat: Conversation, sqlite_db: Database
) -> None:
    """Telegram hands again the updates it was not told of when the bot was killed."""
    await open_form(chat, SURVEY)
    await chat.press(t("form-button-next"))
    await chat.press("Я родитель")
    await chat.press(t("answer-no"))
    await chat.press(t("form-button-skip"))  # date
    comment = updates.message("Мария Иванова", sender=chat.user)
    await chat.feed(comment)
    await chat.feed(comment)  # the same update again
    async with sqlite_db.read() as uow:
        answers = await uow.submissions.answers(1)
    assert answers["comment"] == "Мария Иванова"
    assert "phone" not in answers
    assert t("dialog-answer-was-saved", label="Ваш комментарий", answer="Мария Иванова") in (
        chat.texts()
    )


async def test_the_same_words_again_right_after_a_restart_are_not_the_next_answer(
    settings: Settings, sqlite_db: Database, bot: MockedBot, chat: Conversation
) -> None:
    """The bot was restarted: the screens before this message were sent by the process that
    died, so this one does not know them. The same words typed again within seconds answer
    the question they answered (an old screen of it was shown), not the next one. Found by
    the kill drill: «ответ 5» filed under question 6."""
    await open_form(chat, SURVEY)
    await chat.press(t("form-button-next"))
    await chat.press("Я родитель")
    await chat.press(t("answer-no"))
    await chat.press(t("form-button-skip"))  # date
    await chat.send("Мой комментарий")
    assert "Телефон для связи" in chat.screen()[-2].text
    restarted = create_dispatcher(settings, sqlite_db)
    await restarted.emit_startup(bot=bot, **restarted.workflow_data)
    soon = datetime.now(UTC) + timedelta(seconds=1)
    again = Conversation(restarted, bot, chat.user)
    await again.feed(updates.message("Мой комментарий", sender=chat.user, date=soon))
    async with sqlite_db.read() as uow:
        answers = await uow.submissions.answers(1)
    assert "phone" not in answers
    said = t("dialog-answer-was-saved", label="Ваш комментарий", answer="Мой комментарий")
    assert said in again.texts()
    await again.send("+7 916 123-45-67")  # other words, at once: the phone question's answer
    async with sqlite_db.read() as uow:
        assert (await uow.submissions.answers(1))["phone"] == "+79161234567"


async def test_two_answers_sent_together_are_both_kept_in_order(
    chat: Conversation, sqlite_db: Database
) -> None:
    """Sent in the same moment (no reply in between): the second answers the next question."""
    await open_form(chat, SURVEY)
    await chat.press(t("form-button-next"))
    await chat.press("Я родитель")
    await chat.press(t("answer-no"))
    await chat.press(t("form-button-skip"))  # date
    first = updates.message("Мария Иванова", sender=chat.user)
    second = updates.message("+7 916 123-45-67", sender=chat.user)
    await chat.feed(first)
    await chat.feed(second)  # its message id comes right after the first's
    async with sqlite_db.read() as uow:
        answers = await uow.submissions.answers(1)
    assert (answers["comment"], answers["phone"]) == ("Мария Иванова", "+79161234567")


async def test_the_same_words_sent_twice_at_once_are_one_answer(
    chat: Conversation, sqlite_db: Database
) -> None:
    """Typed twice before the bot's reply came (the drill of kill -9 showed it after a slow
    restart): the second is the first again, told «уже сохранён», not the next answer."""
    await open_form(chat, SURVEY)
    await chat.press(t("form-button-next"))
    await chat.press("Я родитель")
    await chat.press(t("answer-no"))
    await chat.press(t("form-button-skip"))  # date
    first = updates.message("Мария Иванова", sender=chat.user)
    second = updates.message("Мария Иванова", sender=chat.user)
    await chat.feed(first)
    await chat.feed(second)
    async with sqlite_db.read() as uow:
        answers = await uow.submissions.answers(1)
    assert answers["comment"] == "Мария Иванова"
    assert "phone" not in answers
    said = t("dialog-answer-was-saved", label="Ваш комментарий", answer="Мария Иванова")
    assert said in chat.texts()


async def count_submissions(database: Database) -> int:
    async with database.read() as uow:
        return int(
            (await uow.connection.execute(select(func.count()).select_from(Submission))).scalar()
            or 0
        )


async def test_declining_consent_stores_nothing_and_agreeing_starts_the_form(
    chat: Conversation, sqlite_db: Database
) -> None:
    await open_form(chat, DEMO)
    assert chat.last().text == consent().text
    await chat.press(t("consent-button-no"))
    assert chat.last().text == t("consent-declined", title=DEMO)
    assert await count_submissions(sqlite_db) == 0
    async with sqlite_db.read() as uow:
        user = await uow.users.get(1001)
        assert await uow.audit.entries() == []
    assert user is not None
    assert user.consent_version is None

    await open_form(chat, DEMO)
    await chat.press(t("consent-button-yes"))
    assert "Здравствуйте! Это пробная анкета." in chat.last().text
    async with sqlite_db.read() as uow:
        user = await uow.users.get(1001)
        [entry] = await uow.audit.entries()
    assert user is not None
    assert user.consent_version == consent().version
    assert user.consent_at is not None
    assert (entry.action, entry.details) == ("consent_given", {"version": consent().version})

    await chat.send("/start")
    await chat.press(t("menu-button-continue", title=DEMO))
    assert chat.last().text != consent().text  # asked once per version


async def test_a_double_tap_on_consent_records_it_once_and_says_nothing_went_wrong(
    chat: Conversation, sqlite_db: Database
) -> None:
    await open_form(chat, DEMO)
    consent_message = chat.last_with(t("consent-button-yes"))
    await chat.press(t("consent-button-yes"), consent_message)
    first_question = chat.last().text
    # Telegram refuses to remove buttons that are gone already: "message is not modified".
    refusal = TelegramBadRequest(EditMessageReplyMarkup(), "message is not modified")
    chat.bot.session.fail_next(EditMessageReplyMarkup, refusal)
    answer = await chat.press(t("consent-button-yes"), consent_message)
    assert answer == t("consent-already")
    assert t("error-apology") not in chat.texts()
    assert chat.last().text == first_question  # the form is not opened twice
    async with sqlite_db.read() as uow:
        actions = [entry.action for entry in await uow.audit.entries()]
    assert actions == ["consent_given"]


async def test_mydata_shows_and_sends_what_is_kept(chat: Conversation, sqlite_db: Database) -> None:
    await send_survey_as_parent(chat)
    await chat.send("/mydata")
    summary = chat.last().text
    assert "Имя: Мария Иванова" in summary
    assert "@ivanova_m" in summary
    assert "Роль: участник" in summary
    assert f"1. «{SURVEY}» — отправлена" in summary
    await chat.press(t("mydata-button-file"))
    [sent] = chat.bot.session.of_type(SendDocument)
    data = json.loads(sent.document.data)  # type: ignore[union-attr]
    assert data["profile"]["username"] == "ivanova_m"
    answers = {a["question"]: a["answer"] for a in data["forms"][0]["answers"]}
    assert answers["Телефон для связи"] == "+7 916 123-45-67"
    async with sqlite_db.read() as uow:
        assert [e.action for e in await uow.audit.entries()] == ["data_requested"]


async def test_delete_me_erases_personal_data_and_keeps_the_figures(
    chat: Conversation, sqlite_db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    quiet_loggers("DEBUG")
    with caplog.at_level(logging.DEBUG):
        await send_survey_as_parent(chat)
        await open_form(chat, DEMO)
        await chat.press(t("consent-button-yes"))  # leaves a draft
        await chat.send("/delete_me")
        assert chat.last().text == t("deleteme-confirm")
        await chat.press(t("deleteme-button-yes"))
        assert chat.last().text == t("deleteme-done", answers=2, drafts=1)
        await chat.send("/start")  # the Telegram name comes again: it must not be stored again

    async with sqlite_db.read() as uow:
        answers = await uow.submissions.answers(1)
        user = await uow.users.get(1001)
        drafts = await uow.submissions.drafts(1001)
        actions = [e.action for e in await uow.audit.entries()]
    assert answers["comment"] == MARK
    assert answers["phone"] == MARK
    assert answers["position"] == "parent"  # figures stay correct
    assert answers["wants_mentor"] is False
    assert drafts == []
    assert user is not None
    assert user.first_name.startswith("Участник ")
    assert (user.last_name, user.username) == (None, None)
    assert user.erased_at is not None
    assert actions[-1] == "data_erased"

    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert logged  # the scenario did log (aiogram, storage)
    for secret in ("Иванова", "ivanova_m", "9161234567", "Меня зовут", TOKEN):
        assert secret not in logged


async def test_retention_erases_old_personal_answers_once(
    chat: Conversation, sqlite_db: Database, dispatcher: Dispatcher
) -> None:
    await send_survey_as_parent(chat)
    catalog: FormCatalog = dispatcher["services"].catalog
    async with sqlite_db.transaction() as uow:
        assert await erase_expired(uow, catalog, utcnow(), MARK) == 0  # too recent
        assert await erase_expired(uow, catalog, utcnow() + timedelta(days=31), MARK) == 1
        assert await erase_expired(uow, catalog, utcnow() + timedelta(days=32), MARK) == 0
        answers = await uow.submissions.answers(1)
    assert (answers["comment"], answers["phone"], answers["position"]) == (MARK, MARK, "parent")
