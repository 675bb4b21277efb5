"""/forms through a real Dispatcher: a form file checked, tried, published, withdrawn and
opened again; a new version while people are half-way; the template; refusals."""

from __future__ import annotations

from pathlib import Path

import pytest
from aiogram import Dispatcher
from aiogram.methods import GetFile, SendDocument
from openpyxl import load_workbook
from sqlalchemy import select

from bot.settings import Settings
from forms.i18n import translator
from forms.loading import load_form
from forms.template import help_keys, template_types
from forms.vocabulary import Role
from forms.xlsform import FILE_TYPES, PLAIN_TYPES, SELECT_TYPES
from handlers.publishing.screens import FormAct, FormCallback
from storage.database import Database
from storage.models import AuditEntry, Submission
from tests import updates
from tests.forms.helpers import xlsx_bytes
from tests.handlers.conversation import Conversation, person, started
from tests.handlers.test_access import give_role
from tests.mocked_bot import MockedBot

t = translator()
ADMIN, COORDINATOR, MUNICIPAL, TEACHER, OTHER_TEACHER = 9001, 500, 501, 1001, 1002
TITLE = "Отзыв о вебинаре"
FORM = """\
id: webinar
title: Отзыв о вебинаре
roles: [teacher]
questions:
  - type: yes_no
    id: useful
    label: Был ли вебинар полезен?
  - type: text
    id: better
    label: Что улучшить?
"""
FORM_V2 = FORM + "  - type: text\n    id: next\n    label: Какую тему взять в следующий раз?\n"


@pytest.fixture
async def dispatcher(settings: Settings, sqlite_db: Database, bot: MockedBot) -> Dispatcher:
    return await started(settings, sqlite_db, bot)


async def upload(chat: Conversation, name: str, content: bytes) -> None:
    update = updates.document(name, len(content), sender=chat.user)
    assert update.message is not None
    assert update.message.document is not None
    chat.bot.session.files[update.message.document.file_id] = content
    await chat.feed(update)


def xlsx(survey: list[list[object]]) -> bytes:
    settings = [["form_id", "form_title"], ["broken", "Сломанная анкета"]]
    return xlsx_bytes({"survey": survey, "settings": settings})


async def offered(chat: Conversation) -> list[str]:
    await chat.send("/start")
    await chat.press(t("menu-button-forms"))
    return chat.last().buttons


async def statuses(database: Database) -> list[tuple[str, bool]]:
    async with database.read() as uow:
        rows = await uow.connection.execute(
            select(Submission.status, Submission.test).order_by(Submission.id)
        )
        return [(row.status.value, row.test) for row in rows]


async def audited(database: Database, prefix: str = "form_") -> list[str]:
    async with database.read() as uow:
        rows = await uow.connection.execute(select(AuditEntry.action).order_by(AuditEntry.id))
        return [action for (action,) in rows if action.startswith(prefix)]


async def answer_webinar(chat: Conversation, *more: str) -> None:
    await chat.press(t("answer-yes"))
    await chat.send("Больше практики")
    for text in more:
        await chat.send(text)
    await chat.press(t("dialog-button-submit"))


async def test_a_broken_workbook_is_answered_with_its_cells(
    dispatcher: Dispatcher, bot: MockedBot, sqlite_db: Database
) -> None:
    admin = person(dispatcher, bot, ADMIN)
    survey = [
        ["type", "name", "label", "relevant"],
        ["integer", "age", "Возраст", ""],
        ["select_one nowhere", "pick", "Выбор", ""],
        ["geopoint", "where", "Где вы?", ""],
        ["select_one <b>x</b>", "html", "Разметка", ""],
    ]
    await upload(admin, "Анкета.xlsx", xlsx(survey))
    report = admin.last().text
    assert "«Анкета.xlsx»" in report
    assert "Анкета.xlsx, лист «survey», строка 3" in report  # the list that does not exist
    assert "Анкета.xlsx, лист «survey», строка 4, столбец «type»" in report  # no such type
    assert "найдено 3 ошибки" in report
    assert "«&lt;b&gt;x&lt;/b&gt;»" in report  # the cell as written, not as markup
    assert t("publish-fix-and-send") in report
    async with sqlite_db.read() as uow:
        assert await uow.forms.publication("broken") is None


async def test_an_upload_is_tried_as_a_test_then_published_and_answered(
    dispatcher: Dispatcher, bot: MockedBot, sqlite_db: Database
) -> None:
    admin, teacher = person(dispatcher, bot, ADMIN), person(dispatcher, bot, TEACHER)
    await upload(admin, "webinar.yaml", FORM.encode())
    summary = admin.last()
    assert f"«{TITLE}» (код webinar) проверена" in summary.text
    assert t("forms-summary-size", questions=2, sections=0, repeats=0) in summary.text
    assert t("forms-summary-roles", roles="педагоги") in summary.text
    assert TITLE not in await offered(teacher)  # not published yet

    await admin.press(t("forms-button-trial"), summary)
    assert t("publish-trial-intro", title=TITLE) in admin.texts()
    await answer_webinar(admin)
    assert any(text.startswith("Пробный ответ №") for text in admin.texts())
    assert await statuses(sqlite_db) == [("tested", True)]

    await admin.send("/forms")
    await admin.press(TITLE)
    await admin.press(t("forms-button-publish"))
    assert t("publish-done", title=TITLE, version=1) in admin.texts()

    assert TITLE in await offered(teacher)
    await teacher.press(TITLE)
    await answer_webinar(teacher)
    assert await statuses(sqlite_db) == [("tested", True), ("submitted", False)]
    async with sqlite_db.read() as uow:
        assert (await uow.forms.responses())["webinar"] == 1  # the trial does not count
    assert await audited(sqlite_db) == ["form_uploaded", "form_published"]
    await admin.send("/forms")
    line = t(
        "forms-admin-line",
        title=TITLE,
        state=t("forms-state-published"),
        version=1,
        author="Пользователь 9001",
        responses=1,
    )
    assert line in admin.last().text


async def test_a_second_tap_on_publish_publishes_once(
    dispatcher: Dispatcher, bot: MockedBot, sqlite_db: Database
) -> None:
    admin = person(dispatcher, bot, ADMIN)
    await upload(admin, "webinar.yaml", FORM.encode())
    summary = admin.last()
    await admin.press(t("forms-button-publish"), summary)
    assert await admin.press(t("forms-button-publish"), summary) == t("publish-not-waiting")
    assert await admin.press(t("forms-button-trial"), summary) == t("publish-not-waiting")
    assert await audited(sqlite_db) == ["form_uploaded", "form_published"]


async def test_a_new_version_leaves_drafts_under_their_own(
    dispatcher: Dispatcher, bot: MockedBot, sqlite_db: Database
) -> None:
    admin = person(dispatcher, bot, ADMIN)
    first, second = person(dispatcher, bot, TEACHER), person(dispatcher, bot, OTHER_TEACHER)
    await upload(admin, "webinar.yaml", FORM.encode())
    await admin.press(t("forms-button-publish"))
    await offered(first)
    await first.press(TITLE)
    await first.press(t("answer-yes"))  # half-way through version 1

    await upload(admin, "webinar.yaml", FORM_V2.encode())
    assert "Это будет версия 2 уже опубликованной анкеты" in admin.last().text
    await upload(admin, "webinar.yaml", FORM_V2.encode())  # the same file again: the same version
    assert "версия 2" in admin.last().text
    await admin.press(t("forms-button-publish"))

    await first.send("Больше практики")
    await first.press(t("dialog-button-submit"))  # two questions: version 1 to the end
    await offered(second)
    await second.press(TITLE)
    await answer_webinar(second, "Оценивание")  # three questions: version 2
    async with sqlite_db.read() as uow:
        versions = await uow.connection.execute(
            select(Submission.form_version_id).order_by(Submission.id)
        )
        first_version, second_version = [v for (v,) in versions]
        assert (await uow.forms.get(first_version)).version == 1  # type: ignore[union-attr]
        assert (await uow.forms.get(second_version)).version == 2  # type: ignore[union-attr]


async def test_a_withdrawn_form_takes_no_answers_until_opened_again(
    dispatcher: Dispatcher, bot: MockedBot, sqlite_db: Database
) -> None:
    admin, teacher = person(dispatcher, bot, ADMIN), person(dispatcher, bot, TEACHER)
    await upload(admin, "webinar.yaml", FORM.encode())
    await admin.press(t("forms-button-publish"))
    await offered(teacher)
    await teacher.press(TITLE)
    await teacher.press(t("answer-yes"))

    await admin.send("/forms")
    await admin.press(TITLE)
    assert await admin.press(t("forms-button-withdraw")) == t("publish-withdrawn")
    assert t("forms-card-state", state=t("forms-state-withdrawn")) in admin.last().text
    await teacher.send("Больше практики")
    assert teacher.last().text == t("form-withdrawn", title=TITLE)
    assert TITLE not in await offered(teacher)

    await admin.send("/exports")
    assert TITLE in admin.last().buttons  # its register is still there
    await admin.send("/forms")
    await admin.press(TITLE)
    await upload(admin, "webinar.yaml", FORM.encode())  # the withdrawn version again
    assert admin.last().text == t("publish-same-as-off", title=TITLE)
    await admin.send("/forms")
    await admin.press(TITLE)
    await admin.press(t("forms-button-reopen"))
    assert TITLE in await offered(teacher)
    assert await audited(sqlite_db) == [
        "form_uploaded",
        "form_published",
        "form_withdrawn",
        "form_reopened",
    ]


async def test_a_restarted_process_offers_what_was_published_not_the_file(
    settings: Settings, sqlite_db: Database, bot: MockedBot, tmp_path: Path
) -> None:
    folder = tmp_path / "forms"
    folder.mkdir()
    (folder / "webinar.yaml").write_text(FORM, encoding="utf-8")
    settings = settings.model_copy(update={"forms_dir": folder})
    first = await started(settings, sqlite_db, bot)
    second = await started(settings, sqlite_db, bot)  # another process, already running
    admin = person(first, bot, ADMIN)
    await upload(admin, "webinar.yaml", FORM_V2.encode())
    await admin.press(t("forms-button-publish"))

    assert second["services"].catalog.current("webinar").version == 1
    await second["services"].catalog.refresh()  # what a notice through Redis triggers
    assert second["services"].catalog.current("webinar").version == 2
    restarted = await started(settings, sqlite_db, bot)  # the file still says version 1
    assert restarted["services"].catalog.current("webinar").version == 2


async def test_the_template_loads_and_shows_every_supported_type(
    dispatcher: Dispatcher, bot: MockedBot, tmp_path: Path
) -> None:
    admin = person(dispatcher, bot, ADMIN)
    await admin.send("/forms")
    await admin.press(t("forms-button-template"))
    [sent] = bot.session.of_type(SendDocument)
    path = tmp_path / "template.xlsx"
    path.write_bytes(sent.document.data)  # type: ignore[union-attr]
    form = load_form(path)
    assert form.id == "primer"
    assert sent.document.filename == t("publish-template-file")  # type: ignore[union-attr]
    sheets = load_workbook(path, read_only=True).sheetnames
    assert sheets == ["survey", "choices", "settings", t("template-help-sheet")]
    supported = {*PLAIN_TYPES, *SELECT_TYPES, *FILE_TYPES, "begin group", "begin repeat"}
    assert supported <= template_types()
    explained = {key for key in help_keys() if t.has("template-about-" + key.replace(" ", "-"))}
    assert explained == set(help_keys())
    assert supported - {"end group", "end repeat"} <= explained
    await upload(admin, "шаблон.xlsx", sent.document.data)  # type: ignore[union-attr]
    assert "«Пример анкеты» (код primer) проверена" in admin.last().text


async def test_wrong_files_and_text_while_waiting_for_a_file(
    dispatcher: Dispatcher, bot: MockedBot
) -> None:
    admin = person(dispatcher, bot, ADMIN)
    await admin.send("/forms")
    await admin.press(t("forms-button-upload"))
    await admin.send("вот анкета")
    assert admin.last().text == t("forms-admin-how")
    await upload(admin, "scan.pdf", b"%PDF")
    assert admin.last().text == t("publish-wrong-file", name="scan.pdf")
    big = updates.document("huge.xlsx", 30 * 1024 * 1024, sender=admin.user)
    await admin.feed(big)
    assert admin.last().text == t("publish-too-big", name="huge.xlsx", limit=2048)
    assert not bot.session.of_type(GetFile)  # neither was downloaded
    await upload(admin, "broken.yaml", b"id: [")
    assert "«broken.yaml»" in admin.last().text


async def test_only_admins_and_regional_coordinators_publish(
    dispatcher: Dispatcher, bot: MockedBot, sqlite_db: Database
) -> None:
    await give_role(sqlite_db, COORDINATOR, Role.coordinator)
    async with sqlite_db.transaction() as uow:
        town = await uow.schools.save_municipality("MO-1", "Городской округ Энск")
    await give_role(sqlite_db, MUNICIPAL, Role.municipal, town)
    coordinator = person(dispatcher, bot, COORDINATOR)
    await upload(coordinator, "webinar.yaml", FORM.encode())
    assert "проверена" in coordinator.last().text

    for user_id in (MUNICIPAL, TEACHER):
        chat = person(dispatcher, bot, user_id)
        await chat.send("/forms")
        assert chat.last().text == t("forms-admin-only")
        await upload(chat, "webinar.yaml", FORM_V2.encode())
        assert "проверена" not in chat.last().text
        forged = FormCallback(a=FormAct.publish, f="webinar", v=1).pack()
        await chat.press_data(forged, 1)
        assert chat.callback_answer() == t("forms-admin-only")
    async with sqlite_db.read() as uow:
        publication = await uow.forms.publication("webinar")
    assert publication is not None
    assert publication.state == "draft"
