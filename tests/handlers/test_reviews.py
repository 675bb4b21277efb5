"""/review through a real Dispatcher: a coordinator finds a response and asks a question, the
teacher presses «Исправить» and corrects it in the ordinary dialog (one row in the register,
the change in the history); a municipal coordinator of another municipality is refused; a
double tap, a stale button, a forged one, an overlong comment; a school's response corrected
by another head of the school after its stage closed."""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from aiogram import Dispatcher
from aiogram.methods import SendMessage
from openpyxl import load_workbook
from sqlalchemy import select

from bot.factory import create_dispatcher
from bot.settings import Settings
from forms.directory import SAMPLE, read_directory
from forms.i18n import translator
from forms.vocabulary import ReviewStatus, Role, SubmissionStatus
from handlers.access import Scope
from handlers.exporting.registers import Order, Requester
from handlers.workflows.corrections import FixCallback, ReviewAct, ReviewCallback
from storage.database import Database
from storage.directory import save_directory
from storage.models import AuditEntry, Submission
from storage.repositories.submissions import school_key
from storage.repositories.users import TelegramProfile
from tests import updates
from tests.conftest import MACHINE_SPEED
from tests.handlers.conversation import person
from tests.handlers.export_data import send
from tests.handlers.test_access import give_role
from tests.handlers.test_schools import head_of
from tests.mocked_bot import TOKEN, MockedBot

t = translator()
ADMIN, COORDINATOR, ENSK, ZARECHNY, CONSULTANT = 1, 501, 601, 602, 603
TEACHER, STRANGER, HEAD, DEPUTY = 1001, 1002, 1101, 1102
FORM = """
id: teacher_check
title: Анкета педагога
questions:
  - type: school
    id: school
    label: Ваша школа
  - type: integer
    id: years
    label: Стаж, лет
  - type: text
    id: call
    label: Как к вам обращаться?
"""
SCHOOL_FORM = """
id: school_staff
title: Отчёт школы о кадрах
respondent: school
responses: per_period
questions:
  - type: integer
    id: teachers
    label: Сколько педагогов работает в школе?
"""
COMMENT = "Уточните, пожалуйста, стаж: в анкете школы указано 7 лет."
SCHOOL_7 = {"code": "OO-0102", "name": "МБОУ СОШ № 7", "municipality": "Городской округ Энск"}


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    (tmp_path / "forms").mkdir()
    (tmp_path / "forms" / "teacher_check.yaml").write_text(FORM, encoding="utf-8")
    (tmp_path / "forms" / "school_staff.yaml").write_text(SCHOOL_FORM, encoding="utf-8")
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        bot_token=TOKEN,
        forms_dir=tmp_path / "forms",
        throttle_burst=MACHINE_SPEED,
        admin_ids=frozenset({ADMIN}),
        export_writer="thread",
    )


@pytest.fixture
async def dispatcher(settings: Settings, sqlite_db: Database, bot: MockedBot) -> Dispatcher:
    async with sqlite_db.transaction() as uow:
        await save_directory(uow, read_directory(SAMPLE))
    dispatcher = create_dispatcher(settings, sqlite_db)
    await dispatcher.emit_startup(bot=bot, **dispatcher.workflow_data)
    ensk, zarechny = await _municipalities(sqlite_db)
    await give_role(sqlite_db, COORDINATOR, Role.coordinator)
    await give_role(sqlite_db, ENSK, Role.municipal, ensk)
    await give_role(sqlite_db, ZARECHNY, Role.municipal, zarechny)
    await give_role(sqlite_db, CONSULTANT, Role.consultant, ensk)
    return dispatcher


async def _municipalities(database: Database) -> tuple[int, int]:
    async with database.read() as uow:
        found = {m.code: m.id for m in await uow.schools.municipalities()}
    return found["MO-01"], found["MO-02"]


async def teacher_answered(dispatcher: Dispatcher, database: Database) -> int:
    """The teacher's response, sent earlier (school № 7 of Энск, 5 years)."""
    catalog = dispatcher["services"].catalog
    entry = catalog.current("teacher_check")
    async with database.transaction() as uow:
        school = await uow.schools.school_by_code("OO-0102")
        assert school is not None
        await uow.users.save_profile(TelegramProfile(TEACHER, "Анна", "Учителева"))
        answers = {"school": SCHOOL_7, "years": 5, "call": "Анна Сергеевна"}
        return await send(
            uow, entry.version_id, TEACHER, answers, (school.id, school.municipality_id)
        )


async def statuses(database: Database, number: int) -> tuple[ReviewStatus | None, int]:
    async with database.read() as uow:
        review = await uow.reviews.get(number)
    return (None, 0) if review is None else (review.status, review.turn)


async def audit(database: Database, prefix: str) -> list[str]:
    async with database.read() as uow:
        rows = await uow.connection.execute(select(AuditEntry.action))
    return [action for (action,) in rows if action.startswith(prefix)]


async def test_a_question_the_teacher_corrects_gives_one_row_with_its_history(
    dispatcher: Dispatcher, bot: MockedBot, sqlite_db: Database
) -> None:
    number = await teacher_answered(dispatcher, sqlite_db)
    coordinator, teacher = person(dispatcher, bot, COORDINATOR), person(dispatcher, bot, TEACHER)

    await coordinator.send("/review")
    assert coordinator.last().text == t("review-choose-form")
    await coordinator.press("Анкета педагога")
    listing = coordinator.last()
    assert "не проверено: 1" in listing.text
    item = f"№ {number} · 02.03.2026 · Не проверен"
    assert item in listing.buttons
    await coordinator.press(item)
    screen = coordinator.last()
    assert f"Ответ № {number}" in screen.text
    assert "Стаж, лет — 5" in screen.text
    assert "Кто ответил: Анна Учителева" in screen.text  # the regional one sees names
    assert "Статус проверки:</b> Не проверен" in screen.text
    assert screen.buttons == [
        "✅ Принять",
        "❓ Есть вопросы",
        "Отклонить",
        "К списку ответов",
    ]

    await coordinator.press("❓ Есть вопросы")
    assert "что уточнить в ответе" in coordinator.last().text
    await coordinator.send(COMMENT)
    assert coordinator.texts()[-2] == f"Ответ № {number}: статус «Есть вопросы»."
    assert await statuses(sqlite_db, number) == (ReviewStatus.has_issues, 1)

    notice = teacher.last_with("✏️ Исправить")
    assert "есть вопросы" in notice.text
    assert "указано 7 лет" in notice.text
    await teacher.press("✏️ Исправить", notice)
    await teacher.press("✏️ Исправить", notice)  # a double tap opens the same correction
    assert teacher.texts()[-2].startswith(f"Исправление ответа № {number}")
    async with sqlite_db.read() as uow:
        assert len(await uow.submissions.drafts(TEACHER)) == 1
    review = teacher.last()
    assert "Стаж, лет" in review.text
    await teacher.press("✏️ 2", review)
    await teacher.send("7")
    await teacher.press("✅ Отправить")
    assert t("review-fix-sent") in teacher.texts()

    async with sqlite_db.read() as uow:
        rows = await uow.connection.execute(
            select(Submission.id, Submission.status).order_by(Submission.id)
        )
        found = {row.id: row.status for row in rows}
    correction = max(found)
    assert found == {number: SubmissionStatus.replaced, correction: SubmissionStatus.submitted}
    assert await statuses(sqlite_db, correction) == (ReviewStatus.corrected, 2)
    told = coordinator.last_with(f"Открыть ответ № {correction}")
    assert f"Ответ № {number} на анкету «Анкета педагога» исправлен" in told.text
    assert "Изменён 1 вопрос" in told.text
    await coordinator.press(f"Открыть ответ № {correction}", told)
    screen = coordinator.last()
    assert "Исправлено, ждёт проверки" in screen.text
    assert "«Стаж, лет»: было «5», стало «7»" in screen.text
    assert await audit(sqlite_db, "review_") == [
        "review_has_issues",
        "review_fix_opened",
        "review_corrected",
    ]

    await coordinator.press("✅ Принять", screen)
    assert await statuses(sqlite_db, correction) == (ReviewStatus.approved, 3)
    assert "принят" in teacher.last().text

    exporter = dispatcher["services"].exports.exporter
    out = io.BytesIO()
    scope = Scope(COORDINATOR, Role.coordinator)
    await exporter.register(Order("teacher_check"), Requester(scope, "Регина"), out)
    book = load_workbook(io.BytesIO(out.getvalue()))
    main = list(book["Реестр"].iter_rows(values_only=True))
    header = list(main[0])
    assert len(main) == 2  # one row: the correction
    row = dict(zip(header, main[1], strict=True))
    assert row["№"] == correction
    assert row["Стаж, лет"] == 7
    assert row["Статус проверки"] == "Принято"
    assert row["Комментарий проверки"] == COMMENT  # the last one: «Принять» asks for none
    history = list(book["История проверки"].iter_rows(values_only=True))
    assert history[0] == (
        "№ ответа",
        "Когда",
        "Кто",
        "Статус",
        "Комментарий",
        "Вопрос",
        "Было",
        "Стало",
    )
    assert [(r[0], r[2], r[3], r[5], r[6], r[7]) for r in history[1:]] == [
        (correction, "Пользователь 501", "Есть вопросы", None, None, None),
        (correction, "Анна Учителева", "Исправлено, ждёт проверки", "Стаж, лет", "5", "7"),
        (correction, "Пользователь 501", "Принято", None, None, None),
    ]


async def test_out_of_scope_stale_forged_and_double_presses_change_nothing(
    dispatcher: Dispatcher, bot: MockedBot, sqlite_db: Database
) -> None:
    number = await teacher_answered(dispatcher, sqlite_db)
    zarechny, ensk = person(dispatcher, bot, ZARECHNY), person(dispatcher, bot, ENSK)
    stranger = person(dispatcher, bot, STRANGER)

    # Another municipality's coordinator: the response is not theirs to review.
    await zarechny.send(f"/review {number}")
    assert zarechny.last().text == t("review-gone")
    approve = ReviewCallback(a=ReviewAct.approve, s=number, n=0).pack()
    await zarechny.press_data(approve, 1)
    assert zarechny.callback_answer() == t("review-gone")
    # A respondent has no /review at all, and its buttons are refused.
    await stranger.send("/review")
    assert stranger.last().text == t("access-denied")
    await stranger.press_data(approve, 1)
    assert stranger.callback_answer() == t("access-denied")
    assert await statuses(sqlite_db, number) == (None, 0)

    # The coordinator of Энск sees it anonymised, and a double tap approves once.
    await ensk.send(f"/review {number}")
    screen = ensk.last()
    assert "Кто ответил" not in screen.text
    assert "Как к вам обращаться? — скрыто" in screen.text
    await ensk.press("✅ Принять", screen)
    await ensk.press("✅ Принять", screen)
    assert ensk.callback_answer() == t("review-same-status")
    assert await statuses(sqlite_db, number) == (ReviewStatus.approved, 1)
    # The old screen's «Отклонить» is stale: the status changed since it was shown.
    await ensk.press("Отклонить", screen)
    assert ensk.callback_answer() == t("review-changed")
    assert await statuses(sqlite_db, number) == (ReviewStatus.approved, 1)
    # Forged: an unknown response, and a draft.
    await ensk.press_data(ReviewCallback(a=ReviewAct.open, s=99_999).pack(), 1)
    assert ensk.callback_answer() == t("review-gone")
    # A reason too long is answered politely and nothing is written; «Отмена» leaves it.
    await ensk.press("Отклонить", ensk.last())
    await ensk.feed(updates.sticker(sender=ensk.user))
    assert ensk.last().text == t("review-type-text")
    await ensk.send("а" * 1001)
    assert "длиннее 1\xa0000 знаков: в нём 1\xa0001" in ensk.last().text
    await ensk.press("Отмена")
    assert await statuses(sqlite_db, number) == (ReviewStatus.approved, 1)
    await ensk.send("причина после отмены")
    assert ensk.last().text == t("unknown-message")
    # «Исправить» is not asked for an approved response, nor is it anyone else's button.
    teacher = person(dispatcher, bot, TEACHER)
    fix = FixCallback(s=number).pack()
    await teacher.press_data(fix, 1)
    assert teacher.callback_answer() == t("review-fix-not-asked", number=number)
    await stranger.press_data(fix, 1)
    assert stranger.callback_answer() == t("review-fix-not-yours")
    assert len(await audit(sqlite_db, "review_")) == 1


async def test_two_reviewers_at_the_same_turn_one_wins_and_the_other_is_told(
    dispatcher: Dispatcher, bot: MockedBot, sqlite_db: Database
) -> None:
    number = await teacher_answered(dispatcher, sqlite_db)
    regional, ensk = person(dispatcher, bot, COORDINATOR), person(dispatcher, bot, ENSK)
    await regional.send(f"/review {number}")
    await ensk.send(f"/review {number}")
    await ensk.press("❓ Есть вопросы", ensk.last())  # asks for the comment
    await regional.press("Отклонить", regional.last())
    await regional.send("Анкета заполнена не про эту школу.")
    await ensk.send("Уточните стаж.")
    assert t("review-changed") in ensk.texts()
    assert await statuses(sqlite_db, number) == (ReviewStatus.rejected, 1)
    teacher = person(dispatcher, bot, TEACHER)
    assert "отклонён. Причина: «Анкета заполнена не про эту школу.»" in teacher.last().text


async def test_a_school_response_is_corrected_by_another_head_after_its_stage(
    dispatcher: Dispatcher, bot: MockedBot, sqlite_db: Database
) -> None:
    await head_of(sqlite_db, HEAD, "OO-0102")
    await head_of(sqlite_db, DEPUTY, "OO-0102")
    catalog = dispatcher["services"].catalog
    entry = catalog.current("school_staff")
    today = date.today()
    async with sqlite_db.transaction() as uow:
        wave = await uow.waves.open(
            "school_staff",
            kind="entry",
            title="Входной мониторинг",
            opens_on=today - timedelta(days=10),
            closes_on=today,
            created_by=1,
        )
        assert wave is not None
        school = await uow.schools.school_by_code("OO-0102")
        assert school is not None
        key = school_key("school_staff", school.id, wave.id)
        place = (school.id, school.municipality_id)
        draft, _ = await uow.submissions.open_school_draft(
            entry.version_id, HEAD, key, place, wave.id
        )
        await uow.submissions.save_answer(draft.id, "teachers", 30, exists=False)
        assert await uow.submissions.submit(draft.id, by=HEAD)
        await uow.waves.close(wave.id)
    number = draft.id
    coordinator = person(dispatcher, bot, ENSK)
    await coordinator.send(f"/review {number}")
    assert "Школа: СОШ № 7" in coordinator.last().text
    await coordinator.press("❓ Есть вопросы", coordinator.last())
    await coordinator.send("В школе 32 педагога по штатному расписанию?")
    head, deputy = person(dispatcher, bot, HEAD), person(dispatcher, bot, DEPUTY)
    assert "32 педагога" in head.last().text
    await deputy.press("✏️ Исправить", deputy.last_with("✏️ Исправить"))
    await deputy.press("✏️ 1")
    await deputy.send("32")
    await deputy.press("✅ Отправить")  # the stage is closed: the review asked for it
    async with sqlite_db.read() as uow:
        sent = await uow.submissions.school_sent(key)
        old = await uow.submissions.get(number)
    assert sent is not None
    assert sent.id != number
    assert sent.respondent_id == DEPUTY
    assert old is not None
    assert old.status is SubmissionStatus.replaced
    assert await statuses(sqlite_db, sent.id) == (ReviewStatus.corrected, 2)
    assert (
        f"теперь это ответ № {sent.id}" in coordinator.last_with(f"Открыть ответ № {sent.id}").text
    )
    sent_to_head = [m for m in bot.session.of_type(SendMessage) if m.chat_id == HEAD]
    assert sent_to_head  # both heads were told of the question


async def test_the_anonymised_history_hides_the_respondent_and_personal_values(
    dispatcher: Dispatcher, bot: MockedBot, sqlite_db: Database
) -> None:
    number = await teacher_answered(dispatcher, sqlite_db)
    coordinator, teacher = person(dispatcher, bot, ENSK), person(dispatcher, bot, TEACHER)
    await coordinator.send(f"/review {number}")
    await coordinator.press("❓ Есть вопросы", coordinator.last())
    await coordinator.send("Как к вам обращаться по имени и отчеству?")
    await teacher.press("✏️ Исправить", teacher.last_with("✏️ Исправить"))
    await teacher.press("✏️ 3")
    await teacher.send("Анна Сергеевна Учителева")
    await teacher.press("✅ Отправить")
    exporter = dispatcher["services"].exports.exporter
    ensk, _zarechny = await _municipalities(sqlite_db)
    books = {}
    for scope in (Scope(ENSK, Role.municipal, frozenset({ensk})), Scope(ADMIN, Role.admin)):
        out = io.BytesIO()
        await exporter.register(Order("teacher_check"), Requester(scope, "Кто-то"), out)
        books[scope.role] = load_workbook(io.BytesIO(out.getvalue()))
    anonymised = list(books[Role.municipal]["История проверки"].iter_rows(values_only=True))
    full = list(books[Role.admin]["История проверки"].iter_rows(values_only=True))
    changed = [row for row in anonymised if row[5] == "Как к вам обращаться?"]
    assert [(row[2], row[6], row[7]) for row in changed] == [(changed[0][2], "скрыто", "скрыто")]
    assert changed[0][2] not in (None, "Анна Учителева")  # the respondent's code
    assert anonymised[1][2] == "Пользователь 601"  # reviewers are named
    assert [(row[2], row[6], row[7]) for row in full[1:] if row[5]] == [
        ("Анна Учителева", "Анна Сергеевна", "Анна Сергеевна Учителева")
    ]
    cells = [c for row in anonymised for c in row if isinstance(c, str)]
    assert not any("Учителева" in cell for cell in cells)


async def test_a_response_with_a_case_is_accepted_or_rejected_never_asked_about(
    dispatcher: Dispatcher, bot: MockedBot, sqlite_db: Database
) -> None:
    entry = dispatcher["services"].catalog.current("parent_consultation")
    async with sqlite_db.transaction() as uow:
        await uow.users.save_profile(TelegramProfile(TEACHER, "Мария"))
        number = await send(uow, entry.version_id, TEACHER, {"grade": 5}, None)
    coordinator = person(dispatcher, bot, COORDINATOR)
    await coordinator.send(f"/review {number}")
    assert coordinator.last().buttons == ["✅ Принять", "Отклонить", "К списку ответов"]
    forged = ReviewCallback(a=ReviewAct.issues, s=number, n=0).pack()
    await coordinator.press_data(forged, coordinator.last().message_id)
    assert coordinator.callback_answer() == t("review-no-questions")
    assert await statuses(sqlite_db, number) == (None, 0)


async def test_who_may_review_is_who_may_read_the_register(
    dispatcher: Dispatcher, bot: MockedBot, sqlite_db: Database
) -> None:
    services = dispatcher["services"]
    exporter, catalog = services.exports.exporter, services.catalog
    for user_id in (ADMIN, COORDINATOR, ENSK, CONSULTANT):
        scope = await services.access.scope(user_id)
        chat = person(dispatcher, bot, user_id)
        await chat.send("/review")
        readable = [e.form.title for e in catalog.all() if exporter.may_export(scope, e.form)]
        assert chat.last().buttons == readable
    consultant = person(dispatcher, bot, CONSULTANT)
    assert consultant.last().buttons == [catalog.current("parent_consultation").form.title]
    number = await teacher_answered(dispatcher, sqlite_db)
    await consultant.send(f"/review {number}")  # not a consultation request: not theirs
    assert consultant.last().text == t("review-gone")
    await consultant.send("/review двенадцать")
    assert consultant.last().text == t("review-how")
