"""Schools report through a real Dispatcher: a head claims a school in «О себе» and the
municipal coordinator confirms; a head joins by a school invitation; two heads of one school
share one response and a head of another school has their own; a school's request goes
new → accepted → done (or declined with a reason) and the school's heads are told."""

from __future__ import annotations

import io
import itertools
import re
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from aiogram import Dispatcher
from aiogram.methods import SendDocument
from openpyxl import load_workbook
from sqlalchemy import select

from bot.factory import create_dispatcher
from bot.settings import Settings
from forms.directory import SAMPLE, read_directory, school_year_of
from forms.i18n import translator
from forms.inputs import TextInput
from forms.loading import load_form
from forms.vocabulary import CaseStatus, PersonKind, Role, SubmissionStatus
from handlers.access import Scope
from handlers.dialog.data import DialogData
from handlers.dialog.flow import Prompts, Typed
from handlers.exporting.registers import Order, Requester
from storage.database import Database
from storage.directory import save_directory
from storage.models import Case, Submission
from storage.repositories.submissions import school_key
from storage.repositories.users import TelegramProfile
from tests.conftest import MACHINE_SPEED
from tests.handlers.conversation import Conversation, person
from tests.handlers.export_data import LIBRARY, send, store
from tests.handlers.test_access import give_role
from tests.mocked_bot import TOKEN, MockedBot

t = translator()
ADMIN, COORDINATOR, ENSK, ZARECHNY = 1, 501, 601, 602
ALICE, BORIS, VERA = 1001, 1002, 1003
TITLE = "Отчёт школы о кадрах"
FORM = f"""
id: school_staff
title: {TITLE}
respondent: school
questions:
  - type: integer
    id: teachers
    label: Сколько педагогов работает в школе?
  - type: integer
    id: vacancies
    label: Сколько вакансий учителей?
  - type: yes_no
    id: mentors
    label: Есть ли в школе наставники?
"""


SELF_CHECK = """
id: self_check
title: Самодиагностика
feedback_from: 4
questions:
  - type: rating
    id: assessment
    label: Насколько вам трудно оценивать работы?
    feedback: "Оценивание: семинары по формирующему оцениванию <для всех>."
  - type: rating
    id: parents
    label: Насколько вам трудно работать с родителями?
    feedback: "Работа с родителями: консультации кабинета «Консультант-прогноз»."
"""


LONG = "id: long_school\ntitle: Длинная\nrespondent: school\nquestions:\n" + "".join(
    f"  - {{type: integer, id: q{n}, label: Вопрос {n}}}\n" for n in range(1, 9)
)


TEXTS = "id: texts\ntitle: Три вопроса\nquestions:\n" + "".join(
    f"  - {{type: text, id: t{n}, label: Пункт {n}}}\n" for n in range(1, 4)
)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    (tmp_path / "forms").mkdir()
    (tmp_path / "forms" / "school_staff.yaml").write_text(FORM, encoding="utf-8")
    (tmp_path / "forms" / "self_check.yaml").write_text(SELF_CHECK, encoding="utf-8")
    (tmp_path / "forms" / "long_school.yaml").write_text(LONG, encoding="utf-8")
    (tmp_path / "forms" / "texts.yaml").write_text(TEXTS, encoding="utf-8")
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        bot_token=TOKEN,
        forms_dir=tmp_path / "forms",
        throttle_burst=MACHINE_SPEED,
        admin_ids=frozenset({ADMIN}),
    )


@pytest.fixture
async def dispatcher(settings: Settings, sqlite_db: Database, bot: MockedBot) -> Dispatcher:
    async with sqlite_db.transaction() as uow:
        await save_directory(uow, read_directory(SAMPLE))
    dispatcher = create_dispatcher(settings, sqlite_db)
    await dispatcher.emit_startup(bot=bot, **dispatcher.workflow_data)
    return dispatcher


async def municipality_id(database: Database, code: str) -> int:
    async with database.read() as uow:
        found = [m for m in await uow.schools.municipalities() if m.code == code]
    return found[0].id


async def coordinators(database: Database) -> None:
    """A regional coordinator, and municipal ones of Энск and Заречный."""
    await give_role(database, COORDINATOR, Role.coordinator)
    await give_role(database, ENSK, Role.municipal, await municipality_id(database, "MO-01"))
    await give_role(database, ZARECHNY, Role.municipal, await municipality_id(database, "MO-02"))


async def head_of(database: Database, user_id: int, school_code: str) -> None:
    """A confirmed head (set directly: the claim itself is tested below)."""
    async with database.transaction() as uow:
        await uow.users.save_profile(TelegramProfile(user_id, f"Пользователь {user_id}"))
        school = await uow.schools.school_by_code(school_code)
        assert school is not None
        await uow.users.set_profile(user_id, PersonKind.head, school.id)
        await uow.roles.grant(user_id, Role.school_head)


async def school_draft_of(database: Database, school_code: str) -> int:
    async with database.read() as uow:
        school = await uow.schools.school_by_code(school_code)
        assert school is not None
        draft = await uow.submissions.school_draft(school_key("school_staff", school.id, None))
    assert draft is not None
    return draft.id


async def form_buttons(chat: Conversation) -> list[str]:
    await chat.send("/start")
    await chat.press(t("menu-button-forms"))
    return chat.last().buttons


async def open_form(chat: Conversation, title: str) -> None:
    await chat.send("/start")
    await chat.press(t("menu-button-forms"))
    await chat.press(title)


async def role_of(database: Database, user_id: int) -> Role:
    async with database.read() as uow:
        user = await uow.users.get(user_id)
    assert user is not None
    return user.role


# --- heads -----------------------------------------------------------------------------------


async def test_a_head_claims_a_school_and_its_municipal_coordinator_confirms(
    dispatcher: Dispatcher, bot: MockedBot, sqlite_db: Database
) -> None:
    await coordinators(sqlite_db)
    alice = person(dispatcher, bot, ALICE)
    ensk, zarechny = person(dispatcher, bot, ENSK), person(dispatcher, bot, ZARECHNY)
    regional = person(dispatcher, bot, COORDINATOR)
    assert TITLE not in await form_buttons(alice)
    await open_form(alice, "О себе")
    await alice.press("Руководитель школы или заместитель")
    await alice.press("Городской округ Энск")
    await alice.press("СОШ № 7")
    await alice.press(t("dialog-button-submit"))
    assert t("head-claim-sent", school="СОШ № 7") in alice.texts()
    assert await role_of(sqlite_db, ALICE) is Role.respondent

    # Only the municipal coordinator of Энск is asked; the region has one there.
    claim = ensk.last()
    assert "«СОШ № 7»" in claim.text
    assert claim.buttons == [t("head-button-confirm"), t("head-button-decline")]
    assert not any("СОШ № 7" in text for text in zarechny.texts() + regional.texts())
    # Before the confirmation the school's form is refused, also from a forged button.
    await alice.press_data("fs:school_staff", alice.last().message_id)
    assert alice.callback_answer() == t("form-for-school-heads", title=TITLE)

    await ensk.press(t("head-button-confirm"), claim)
    assert ensk.last().text.startswith("Подтверждено:")
    assert await role_of(sqlite_db, ALICE) is Role.school_head
    assert alice.last().text == t("head-claim-confirmed-you", school="СОШ № 7")
    assert TITLE in await form_buttons(alice)
    # A second press (a double tap, or the other coordinator) changes nothing.
    await ensk.press_data(claim.data(t("head-button-confirm")), claim.message_id)
    assert ensk.callback_answer() == t("head-claim-decided")
    # The coordinator of another municipality cannot decide it.
    await zarechny.press_data(claim.data(t("head-button-decline")), claim.message_id)
    assert zarechny.callback_answer() == t("head-claim-gone")

    # Saying in «О себе» that she now teaches ends the role.
    await open_form(alice, "О себе")
    await alice.press("Педагог")
    await alice.press("Городской округ Энск")
    await alice.press("СОШ № 7")
    await alice.press(t("dialog-button-submit"))
    assert t("head-role-ended") in alice.texts()
    assert await role_of(sqlite_db, ALICE) is Role.respondent


async def test_a_declined_claim_gives_no_role_and_the_region_decides_where_nobody_local(
    dispatcher: Dispatcher, bot: MockedBot, sqlite_db: Database
) -> None:
    await give_role(sqlite_db, COORDINATOR, Role.coordinator)
    boris, regional = person(dispatcher, bot, BORIS), person(dispatcher, bot, COORDINATOR)
    await open_form(boris, "О себе")
    await boris.press("Руководитель школы или заместитель")
    await boris.press("Заречный муниципальный район")
    await boris.press("Луговская ООШ")
    await boris.press(t("dialog-button-submit"))
    await regional.send("/heads")
    assert regional.texts()[-2] == t("head-claims-title", count=1)
    await regional.press(t("head-button-decline"))
    assert await role_of(sqlite_db, BORIS) is Role.respondent
    assert boris.last().text == t("head-claim-declined-you", school="Луговская ООШ")
    await regional.send("/heads")
    assert regional.last().text == t("head-claims-none")
    await boris.send("/heads")
    assert boris.last().text == t("access-denied")


async def test_a_head_joins_by_a_school_invitation(
    dispatcher: Dispatcher, bot: MockedBot, sqlite_db: Database
) -> None:
    await give_role(sqlite_db, ENSK, Role.municipal, await municipality_id(sqlite_db, "MO-01"))
    coordinator, vera = person(dispatcher, bot, ENSK), person(dispatcher, bot, VERA)
    await coordinator.send("/invite")
    await coordinator.press("Руководитель школы")
    assert coordinator.last().buttons == ["Городской округ Энск"]
    await coordinator.press("Городской округ Энск")
    assert sorted(coordinator.last().buttons) == ["Гимназия № 2", "ООШ № 12", "СОШ № 1", "СОШ № 7"]
    await coordinator.press("Гимназия № 2")
    found = re.search(r"start=(inv_[\w-]+)", coordinator.last().text)
    assert found, coordinator.last().text
    assert "школа «Гимназия № 2»" in coordinator.last().text
    await vera.send(f"/start {found.group(1)}")
    assert "руководитель школы" in vera.last().text
    async with sqlite_db.read() as uow:
        user = await uow.users.get(VERA)
        school = await uow.schools.school_by_code("OO-0103")
    assert user is not None
    assert school is not None
    assert (user.role, user.kind, user.school_id) == (Role.school_head, "head", school.id)
    # A school outside the coordinator's municipality cannot be forged into the button.
    await coordinator.send("/invite")
    await coordinator.press("Руководитель школы")
    button = coordinator.last().data("Городской округ Энск")
    forged = button.replace(str(await municipality_id(sqlite_db, "MO-01")), "999")
    await coordinator.press_data(forged, coordinator.last().message_id)
    assert coordinator.callback_answer() == t("access-denied")


# --- one response per school -----------------------------------------------------------------


async def test_two_heads_of_a_school_continue_one_draft_and_send_one_response(
    dispatcher: Dispatcher, bot: MockedBot, sqlite_db: Database
) -> None:
    await head_of(sqlite_db, ALICE, "OO-0102")
    await head_of(sqlite_db, BORIS, "OO-0102")
    await head_of(sqlite_db, VERA, "OO-0201")
    alice, boris = person(dispatcher, bot, ALICE), person(dispatcher, bot, BORIS)
    vera = person(dispatcher, bot, VERA)
    await open_form(alice, TITLE)
    await alice.send("25")
    assert "Сколько вакансий учителей?" in alice.last().text
    alices_draft = await school_draft_of(sqlite_db, "OO-0102")

    # Boris sees the school's draft in his menu, and opening the form continues it.
    await boris.send("/start")
    assert t("menu-button-continue", title=TITLE) in boris.last().buttons
    await open_form(boris, TITLE)
    assert "Сколько вакансий учителей?" in boris.last().text
    await boris.send("2")
    await boris.press(t("answer-yes"))
    await boris.press(t("dialog-button-submit"))
    thanks = t("dialog-submitted", title=TITLE, number=0).split("0")[0]
    assert boris.last().text.startswith(thanks)

    # Alice's screen is stale now; opening again says the school has reported.
    await alice.send("3")
    assert alice.last().text == t("dialog-already-submitted")
    await open_form(alice, TITLE)
    assert alice.callback_answer() == t("form-school-done", title=TITLE, school="СОШ № 7")

    # Vera's school has its own response.
    await open_form(vera, TITLE)
    mine = await school_draft_of(sqlite_db, "OO-0201")
    # A forged «Продолжить» naming another school's draft is refused, and so is a dialog
    # pointed at it: she is no head of that school.
    await vera.press_data(f"dr:{alices_draft}:r", vera.last().message_id)
    assert vera.callback_answer() == t("stale-button")
    dialog = dispatcher["services"].dialogs.of(VERA)
    refused = await dialog.show(DialogData(submission=alices_draft))
    assert [reply.text for reply in refused.replies] == [t("dialog-gone")]
    assert mine != alices_draft
    assert "Сколько педагогов работает в школе?" in vera.last().text
    await vera.send("12")
    await vera.send("0")
    await vera.press(t("answer-no"))
    await vera.press(t("dialog-button-submit"))

    async with sqlite_db.read() as uow:
        rows = (
            await uow.connection.execute(
                select(Submission.respondent_id, Submission.status, Submission.school_key)
            )
        ).all()
    sent = [row for row in rows if row.status is SubmissionStatus.submitted]
    assert sorted(row.respondent_id for row in sent) == [BORIS, VERA]
    assert all(row.school_key is not None for row in sent)

    services = dispatcher["services"]
    register = io.BytesIO()
    requester = Requester(Scope(COORDINATOR, Role.coordinator), "Тест")
    await services.exports.exporter.register(Order("school_staff"), requester, register)
    sheet = load_workbook(io.BytesIO(register.getvalue())).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    school_column = header.index(t("register-column-answering-school"))
    teachers_column = header.index("Сколько педагогов работает в школе?")
    values = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    by_school = {row[school_column]: row[teachers_column] for row in values if row[0]}
    assert by_school == {"СОШ № 7": 25, "Заречная СОШ": 12}


# --- requests ----------------------------------------------------------------------------------


async def send_request(chat: Conversation, support: str, topic: str) -> None:
    await open_form(chat, "Заявка школы на поддержку")
    await chat.press(support)
    if support == "Экспертиза образовательного продукта школы":
        await chat.send("Программа повышения качества образования")
    await chat.send(topic)
    await chat.send("Нужна внешняя оценка программы перед утверждением.")
    if support != "Экспертиза образовательного продукта школы":
        await chat.send("6")
    await chat.press(t("form-button-skip"))
    await chat.press(t("dialog-button-submit"))


async def test_a_school_request_is_accepted_then_done_and_the_heads_are_told(
    dispatcher: Dispatcher, bot: MockedBot, sqlite_db: Database
) -> None:
    await coordinators(sqlite_db)
    await head_of(sqlite_db, ALICE, "OO-0102")
    await head_of(sqlite_db, BORIS, "OO-0102")
    alice, boris = person(dispatcher, bot, ALICE), person(dispatcher, bot, BORIS)
    ensk, zarechny = person(dispatcher, bot, ENSK), person(dispatcher, bot, ZARECHNY)
    await send_request(alice, "Экспертиза образовательного продукта школы", "Экспертиза ШППКО")
    async with sqlite_db.read() as uow:
        [case] = (await uow.connection.execute(select(Case))).all()
    number = case.submission_id
    assert t("request-sent", number=number) in alice.texts()
    card = ensk.last()
    assert card.text.startswith(t("request-new", card="").strip()[:15])
    assert "Экспертиза ШППКО" in card.text
    assert card.buttons == [t("request-button-accept"), t("request-button-decline")]
    assert not any("Экспертиза ШППКО" in text for text in zarechny.texts())

    await ensk.press(t("request-button-accept"), card)
    assert t("request-status-accepted") in ensk.last().text
    assert ensk.last().buttons == [t("request-button-done"), t("request-button-decline")]
    told = t("request-accepted-school", number=number, person=f"Пользователь {ENSK}")
    assert alice.last().text == told
    assert boris.last().text == told
    # The same button again, as a double tap: nothing moves twice.
    await ensk.press_data(card.data(t("request-button-accept")), card.message_id)
    assert ensk.callback_answer() == t("request-moved-on")

    await ensk.press(t("request-button-done"))
    assert t("request-status-done") in ensk.last().text
    assert ensk.last().buttons == []
    assert alice.last().text == t("request-done-school", number=number)
    async with sqlite_db.read() as uow:
        done = await uow.cases.get(number)
    assert done is not None
    assert (done.status, done.assignee_id) == (CaseStatus.done, ENSK)

    # The roadmap's target counts the expert review done, in Энск and not in Заречный.
    await ensk.send("/progress")
    progress = "\n".join(ensk.texts()[-3:])
    assert "<b>Экспертизы образовательных продуктов по заявкам школ</b>" in progress
    line = progress.split("<b>Экспертизы образовательных продуктов по заявкам школ</b>")[1]
    assert "Сейчас 1 из 10" in line.split("<b>")[0]
    await zarechny.send("/progress")
    progress = "\n".join(zarechny.texts()[-3:])
    line = progress.split("<b>Экспертизы образовательных продуктов по заявкам школ</b>")[1]
    assert "Сейчас 0 из 10" in line.split("<b>")[0]

    # The coordinator of another municipality can neither see nor press it.
    await zarechny.send("/support")
    assert zarechny.last().text == t("request-none-open")
    await zarechny.press_data(card.data(t("request-button-decline")), card.message_id)
    assert zarechny.callback_answer() == t("request-gone")


async def test_a_school_request_is_declined_with_a_reason(
    dispatcher: Dispatcher, bot: MockedBot, sqlite_db: Database
) -> None:
    await coordinators(sqlite_db)
    await head_of(sqlite_db, ALICE, "OO-0102")
    alice, ensk = person(dispatcher, bot, ALICE), person(dispatcher, bot, ENSK)
    await send_request(alice, "Методический десант в школу", "Формирующее оценивание")
    await ensk.send("/support")
    assert ensk.texts()[-2] == t("request-open-title", count=1)
    await ensk.press(t("request-button-decline"))
    assert ensk.last().buttons[-1] == t("request-button-back")
    await ensk.press(t("request-button-back"))
    assert ensk.last().buttons == [t("request-button-accept"), t("request-button-decline")]
    await ensk.press(t("request-button-decline"))
    await ensk.press(t("request-reason-no_capacity"))
    assert t("request-status-declined") in ensk.last().text
    reason = t("request-reason-no_capacity")
    async with sqlite_db.read() as uow:
        [case] = (await uow.connection.execute(select(Case))).all()
    assert case.reason == "no_capacity"
    expected = t("request-declined-school", number=case.submission_id, reason=reason)
    assert alice.last().text == expected
    # A forged reason is refused.
    forged = f"rq:{case.submission_id}:r:made_up"
    await ensk.press_data(forged, ensk.last().message_id)
    assert ensk.callback_answer() in (t("request-gone"), t("request-moved-on"))


async def test_a_school_form_cannot_be_anonymous() -> None:
    from forms.loading import load_yaml_text
    from forms.problems import FormError

    text = "id: x\ntitle: X\nrespondent: school\nanonymous: true\nquestions:\n"
    text += "  - {id: a, type: text, label: A}\n"
    with pytest.raises(FormError) as refused:
        load_yaml_text(text)
    [problem] = refused.value.problems
    assert problem.message_id == "form-error-school-anonymous"


# --- campaigns of a school's form ----------------------------------------------------------------


async def test_a_campaign_of_a_schools_form_reaches_the_heads_and_counts_schools(
    dispatcher: Dispatcher, bot: MockedBot, sqlite_db: Database
) -> None:
    await give_role(sqlite_db, COORDINATOR, Role.coordinator)
    await head_of(sqlite_db, ALICE, "OO-0102")  # СОШ № 7, ШНОР
    await head_of(sqlite_db, BORIS, "OO-0102")
    await head_of(sqlite_db, VERA, "OO-0104")  # ООШ № 12, ШНОР
    async with sqlite_db.transaction() as uow:  # a teacher of a ШНОР is not a school's head
        await uow.users.save_profile(TelegramProfile(2001, "Учитель"))
        teacher_school = await uow.schools.school_by_code("OO-0104")
        assert teacher_school is not None
        await uow.users.set_profile(2001, PersonKind.teacher, teacher_school.id)
    coordinator = person(dispatcher, bot, COORDINATOR)
    alice, vera = person(dispatcher, bot, ALICE), person(dispatcher, bot, VERA)
    await coordinator.send("/campaigns")
    await coordinator.press(t("campaigns-button-new"))
    await coordinator.press(TITLE)
    card = coordinator.last()
    assert t("person-kind-school") in card.text
    await coordinator.press(t("campaign-button-kind"))
    assert coordinator.callback_answer() == t("campaign-kind-schools-only")
    await coordinator.press(t("campaign-button-schools"))  # ШНОР only
    await coordinator.press(t("campaign-button-send", count=3))
    assert any(TITLE in text for text in alice.texts())
    assert any(TITLE in text for text in vera.texts())
    assert person(dispatcher, bot, 2001).texts() == []

    await alice.press(t("campaign-button-fill"))
    await alice.send("30")
    await alice.send("1")
    await alice.press(t("answer-yes"))
    await alice.press(t("dialog-button-submit"))
    await coordinator.send("/campaigns")
    await coordinator.press(t("campaigns-button-open", number=1))
    board = coordinator.last().text
    # Five ШНОР in the directory; one of them (СОШ № 7) has answered, whoever of its heads.
    share = t("campaign-share", answered=1, expected=5, percent=20, base="directory")
    assert t("campaign-board-total", share=share) in board


# --- /myschool -----------------------------------------------------------------------------------

TEACHER_IDS = itertools.count(3000)


async def teachers_answered(database: Database, school_code: str, ratings: list[int]) -> None:
    """Teachers of a school sent the self-diagnosis: a rating of «literacy» each; those who
    rated it 4 or 5 want courses, the others a seminar."""
    async with database.transaction() as uow:
        school = await uow.schools.school_by_code(school_code)
        assert school is not None
        version = await store(uow, load_form(LIBRARY / "teacher_difficulties.yaml"))
        for rating in ratings:
            teacher = next(TEACHER_IDS)
            await uow.users.save_profile(TelegramProfile(teacher, "Учитель"))
            answers = {"literacy": rating, "support": ["courses" if rating >= 4 else "seminar"]}
            await send(uow, version, teacher, answers, (school.id, school.municipality_id))


async def test_myschool_shows_the_school_next_to_its_municipality_above_the_threshold(
    dispatcher: Dispatcher, bot: MockedBot, sqlite_db: Database
) -> None:
    await head_of(sqlite_db, ALICE, "OO-0102")  # СОШ № 7, Энск
    await head_of(sqlite_db, BORIS, "OO-0103")  # Гимназия № 2, Энск
    await teachers_answered(sqlite_db, "OO-0102", [5, 4, 4, 3, 4])  # five: shown
    await teachers_answered(sqlite_db, "OO-0103", [1, 2, 1])  # three: too few
    await teachers_answered(sqlite_db, "OO-0201", [5, 5, 5, 5, 5])  # another municipality
    async with sqlite_db.transaction() as uow:  # one teacher in Энск rates «exams», skips support
        school = await uow.schools.school_by_code("OO-0101")
        assert school is not None
        version = await store(uow, load_form(LIBRARY / "teacher_difficulties.yaml"))
        await uow.users.save_profile(TelegramProfile(2999, "Учитель"))
        place = (school.id, school.municipality_id)
        await send(uow, version, 2999, {"literacy": 3, "exams": 2}, place)
    this_year = school_year_of(date.today())
    async with sqlite_db.transaction() as uow:  # the directory of last year and of this one
        await save_directory(uow, read_directory(SAMPLE), this_year - 1)
        await save_directory(uow, read_directory(SAMPLE), this_year)
    alice, boris = person(dispatcher, bot, ALICE), person(dispatcher, bot, BORIS)
    literacy = "Насколько вам трудно формировать функциональную грамотность обучающихся?"
    courses = "Курсы повышения квалификации"

    await alice.send("/myschool")
    text = alice.texts()[-1]
    assert text.startswith(t("picture-title", school="СОШ № 7"))
    # СОШ № 7 is ШНОР and ШНСУ in both years' directories; Гимназия № 2 in neither.
    assert t("picture-status", status="ШНОР", years=2) in text
    # СОШ № 7: mean 4; Энск (nine teachers of three schools): 27 / 9 = 3; courses: 4 of the
    # 8 who answered that question.
    assert t("picture-line", label=literacy, school="4", municipality="3") in text
    assert t("picture-line", label=courses, school="80 %", municipality="50 %") in text
    assert t("picture-answered", answered=5) in text
    document = bot.session.of_type(SendDocument)[-1]
    assert document.chat_id == ALICE
    content = document.document.data  # type: ignore[union-attr]
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    cells = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert [literacy, 4, 3] in cells

    # Гимназия № 2 has three answers: its own figures are not shown, Энск's are.
    await boris.send("/myschool")
    text = boris.texts()[-1]
    too_few = t("picture-too-few")
    assert t("picture-line", label=literacy, school=too_few, municipality="3") in text
    assert "1,3" not in text
    assert "В статусе" not in text
    # «exams» was rated by one teacher only: not a figure anywhere, though Энск has nine.
    exams = "Насколько вам трудно готовить обучающихся к ВПР, ОГЭ и ЕГЭ?"
    assert t("picture-line", label=exams, school=too_few, municipality=too_few) in text


async def test_myschool_is_for_heads_only_and_a_municipality_below_the_threshold_is_hidden(
    dispatcher: Dispatcher, bot: MockedBot, sqlite_db: Database
) -> None:
    await head_of(sqlite_db, VERA, "OO-0301")  # Лицей № 3, Приморский
    await teachers_answered(sqlite_db, "OO-0301", [2, 3])
    vera, boris = person(dispatcher, bot, VERA), person(dispatcher, bot, BORIS)
    await vera.send("/myschool")
    text = vera.texts()[-1]
    literacy = "Насколько вам трудно формировать функциональную грамотность обучающихся?"
    too_few = t("picture-too-few")
    assert t("picture-line", label=literacy, school=too_few, municipality=too_few) in text
    assert t("picture-no-requests") in text
    await boris.send("/myschool")
    assert boris.last().text == t("picture-not-head")


async def test_a_teacher_gets_their_own_areas_with_the_support_on_offer(
    dispatcher: Dispatcher, bot: MockedBot
) -> None:
    anna = person(dispatcher, bot, 4001)
    await open_form(anna, "Самодиагностика")
    await anna.press("5")
    await anna.press("2")
    await anna.press(t("dialog-button-submit"))
    items = "• Оценивание: семинары по формирующему оцениванию &lt;для всех&gt;."
    assert anna.last().text == t("dialog-feedback", items=items)
    assert "Консультант-прогноз" not in anna.last().text  # rated 2: not an area of hers

    boris = person(dispatcher, bot, 4002)
    await open_form(boris, "Самодиагностика")
    await boris.press("1")
    await boris.press("3")
    await boris.press(t("dialog-button-submit"))
    assert boris.last().text == t("dialog-feedback-none")


async def test_a_school_link_does_not_move_a_head_to_another_school(
    dispatcher: Dispatcher, bot: MockedBot, sqlite_db: Database
) -> None:
    await give_role(sqlite_db, COORDINATOR, Role.coordinator)
    await head_of(sqlite_db, ALICE, "OO-0102")
    coordinator, alice = person(dispatcher, bot, COORDINATOR), person(dispatcher, bot, ALICE)
    await coordinator.send("/link OO-0201")
    found = re.search(r"start=(sch_[\w-]+)", coordinator.last().text)
    assert found, coordinator.last().text
    await alice.send(f"/start {found.group(1)}")
    assert alice.last().text == t("school-link-head", school="Заречная СОШ")
    async with sqlite_db.read() as uow:
        user = await uow.users.get(ALICE)
        school = await uow.schools.school_by_code("OO-0102")
    assert user is not None
    assert school is not None
    assert (user.role, user.school_id) == (Role.school_head, school.id)


@pytest.mark.parametrize("alice_first_id", [5000, 3])  # her chat's numbers above or below his
async def test_a_heads_answer_is_not_judged_by_the_screens_of_another_heads_chat(
    dispatcher: Dispatcher, sqlite_db: Database, alice_first_id: int
) -> None:
    """Message ids are counted per chat: Alice's screens in her chat say nothing of what Boris
    saw in his (found by review: they decided what his message answered)."""
    services = dispatcher["services"]
    await head_of(sqlite_db, ALICE, "OO-0102")
    await head_of(sqlite_db, BORIS, "OO-0102")
    opened = await services.opening.open(TelegramProfile(BORIS, "Борис"), "long_school")
    assert opened.submission_id is not None
    dialogs, sid = services.dialogs, opened.submission_id
    start = datetime.now(UTC).replace(microsecond=0)

    async def typed(user: int, data: DialogData, text: str, at: tuple[int, int], shown: int):
        message_id, seconds = at
        moment = start + timedelta(seconds=seconds)
        out = await dialogs.of(user).typed(data, TextInput(text), Typed(message_id, moment))
        if out.screen is not None:
            dialogs.prompts.shown((out.screen[0], user), shown, out.screen[1])
        return out.data or data

    boris = DialogData(submission=sid)
    dialogs.prompts.shown((sid, BORIS), 100, "q1")
    boris = await typed(BORIS, boris, "1", (101, 0), 102)
    alice = DialogData(submission=sid)
    dialogs.prompts.shown((sid, ALICE), alice_first_id, "q2")
    for n in range(4):
        first = alice_first_id + 1 + 2 * n
        alice = await typed(ALICE, alice, str(10 + n), (first, 10 + 10 * n), first + 1)
    # Boris, still looking at question 2 in his chat, types 77 for it: Alice answered it
    # meanwhile, so he is told so and shown where the school's answer stands now.
    out = await dialogs.of(BORIS).typed(
        boris, TextInput("77"), Typed(103, start + timedelta(seconds=120))
    )
    said = t("dialog-answer-was-saved", label="Вопрос 2", answer="10")
    assert out.replies[0].text == said
    assert out.screen == (sid, "q6")
    dialogs.prompts.shown((sid, BORIS), 104, "q6")
    await typed(BORIS, boris, "78", (105, 130), 106)
    async with sqlite_db.read() as uow:
        answers = await uow.submissions.answers(sid)
    assert (answers["q2"], answers["q6"]) == (10, 78)


async def test_a_municipal_coordinator_revokes_a_head_of_their_municipality(
    dispatcher: Dispatcher, bot: MockedBot, sqlite_db: Database
) -> None:
    await coordinators(sqlite_db)
    await head_of(sqlite_db, ALICE, "OO-0102")  # Энск
    await head_of(sqlite_db, VERA, "OO-0201")  # Заречный
    ensk = person(dispatcher, bot, ENSK)
    await ensk.send("/roles")
    listed = "\n".join(ensk.texts()[-3:])
    assert f"Пользователь {ALICE}" in listed
    assert f"Пользователь {VERA}" not in listed
    await ensk.press(t("roles-button-revoke", number=1))
    await ensk.press(t("roles-button-yes"))
    assert await role_of(sqlite_db, ALICE) is Role.respondent
    assert await role_of(sqlite_db, VERA) is Role.school_head


async def test_a_claim_of_a_school_left_meanwhile_is_not_confirmed(
    dispatcher: Dispatcher, bot: MockedBot, sqlite_db: Database
) -> None:
    await coordinators(sqlite_db)
    alice, ensk = person(dispatcher, bot, ALICE), person(dispatcher, bot, ENSK)
    await open_form(alice, "О себе")
    await alice.press("Руководитель школы или заместитель")
    await alice.press("Городской округ Энск")
    await alice.press("СОШ № 7")
    await alice.press(t("dialog-button-submit"))
    claim = ensk.last()
    # She opens another school's link before the coordinator decides: the claim is void.
    await give_role(sqlite_db, COORDINATOR, Role.coordinator)
    regional = person(dispatcher, bot, COORDINATOR)
    await regional.send("/link OO-0103")
    found = re.search(r"start=(sch_[\w-]+)", regional.last().text)
    assert found, regional.last().text
    await alice.send(f"/start {found.group(1)}")
    await ensk.press(t("head-button-confirm"), claim)
    assert ensk.callback_answer() == t("head-claim-decided")
    assert await role_of(sqlite_db, ALICE) is Role.respondent
    await ensk.send("/heads")
    assert ensk.last().text == t("head-claims-none")


async def test_after_a_restart_the_same_words_are_the_answer_typed_again(
    dispatcher: Dispatcher, sqlite_db: Database
) -> None:
    """The kill drill: «ответ 2» saved, the reply lost to a kill, typed again three times
    (handled by the dead process, nothing saved), then once more to the new process, which
    remembers no screen: it is question 2's answer again, not question 3's."""
    services = dispatcher["services"]
    opened = await services.opening.open(TelegramProfile(4100, "Учитель"), "texts")
    assert opened.submission_id is not None
    data, start = DialogData(submission=opened.submission_id), datetime.now(UTC)
    for text, message_id, seconds in (("ответ 1", 10, 0), ("ответ 2", 12, 5)):
        out = await services.dialogs.of(4100).typed(
            data, TextInput(text), Typed(message_id, start + timedelta(seconds=seconds))
        )
        data = out.data or data
    services.dialogs.prompts._shown.clear()  # a new process: nothing remembered
    out = await services.dialogs.of(4100).typed(
        data, TextInput("ответ 2"), Typed(16, start + timedelta(seconds=25))
    )
    assert out.replies[0].text == t("dialog-answer-was-saved", label="Пункт 2", answer="ответ 2")
    other = await services.dialogs.of(4100).typed(
        data, TextInput("ответ 3"), Typed(17, start + timedelta(seconds=26))
    )
    assert other.screen is not None
    async with sqlite_db.read() as uow:
        answers = await uow.submissions.answers(opened.submission_id)
    assert answers == {"t1": "ответ 1", "t2": "ответ 2", "t3": "ответ 3"}


async def test_with_the_memory_off_the_same_words_for_two_questions_are_kept(
    dispatcher: Dispatcher, sqlite_db: Database
) -> None:
    """Several processes remember no screen: «нет» for two questions in a row, seconds
    apart, answers both (the restart rule would re-ask the second for ever)."""
    services = dispatcher["services"]
    dialogs = replace(services.dialogs, prompts=Prompts(size=0))
    opened = await services.opening.open(TelegramProfile(4200, "Учитель"), "texts")
    assert opened.submission_id is not None
    data, start = DialogData(submission=opened.submission_id), datetime.now(UTC)
    for message_id, seconds in ((10, 0), (12, 10)):
        out = await dialogs.of(4200).typed(
            data, TextInput("нет"), Typed(message_id, start + timedelta(seconds=seconds))
        )
        data = out.data or data
    async with sqlite_db.read() as uow:
        answers = await uow.submissions.answers(opened.submission_id)
    assert answers == {"t1": "нет", "t2": "нет"}
