"""The fake Bot API server, exercised with a real aiogram client (and the bot-process helper)."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

import aiohttp
import pytest
from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramConflictError,
    TelegramForbiddenError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramUnauthorizedError,
)
from aiogram.types import (
    BotCommand,
    BotCommandScopeChat,
    BufferedInputFile,
    InaccessibleMessage,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from tests.bot_process import PROJECT_ROOT, BotProcess, child_environment, start_bot
from tests.fake_bot_api import (
    BOT_FIRST_NAME,
    BOT_ID,
    BOT_USERNAME,
    TOKEN,
    Call,
    CallbackAnswer,
    FakeBotAPI,
    FakeChat,
    FakeUser,
    RecordedError,
)

ALICE = FakeUser(1001, "Алиса", "Иванова", "alice")
BOB = FakeUser(1002, "Борис")
GROUP = FakeChat(-1003, title="Рабочая группа")
YES_NO = InlineKeyboardMarkup(
    inline_keyboard=[
        [
            InlineKeyboardButton(text="Да", callback_data="answer:yes"),
            InlineKeyboardButton(text="Нет", callback_data="answer:no"),
        ],
        [InlineKeyboardButton(text="Сайт", url="https://example.org/")],
    ]
)


T = TypeVar("T")


def present(value: T | None) -> T:
    """The value of an optional field that the test expects to be there."""
    assert value is not None
    return value


def dumped(markup: Any) -> Any:
    """Comparable form of an aiogram object (parsed ones carry a private bot reference)."""
    return None if markup is None else markup.model_dump(exclude_none=True)


def client(fake: FakeBotAPI, token: str = TOKEN) -> Bot:
    return Bot(token, session=AiohttpSession(api=TelegramAPIServer.from_base(fake.url)))


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI() as server:
        yield server


@pytest.fixture
async def bot(fake: FakeBotAPI) -> AsyncIterator[Bot]:
    async with client(fake) as telegram:
        yield telegram


@pytest.fixture
def alice_chat(fake: FakeBotAPI) -> int:
    fake.open_chat(ALICE)
    return ALICE.id


# --------------------------------------------------------------------------- basics


async def test_get_me_describes_the_fake_bot(fake: FakeBotAPI, bot: Bot) -> None:
    me = await bot.get_me()

    assert (me.id, me.username, me.first_name, me.is_bot) == (
        BOT_ID,
        BOT_USERNAME,
        BOT_FIRST_NAME,
        True,
    )
    assert fake.calls == [Call("getMe", {})]
    assert fake.url.startswith("http://127.0.0.1:")


async def test_log_out_and_close_are_accepted(fake: FakeBotAPI, bot: Bot) -> None:
    assert await bot.log_out()
    assert await bot.close()

    assert [call.method for call in fake.calls] == ["logOut", "close"]


async def test_edits_compare_by_content_not_by_message(
    fake: FakeBotAPI, bot: Bot, alice_chat: int
) -> None:
    for _ in range(2):
        sent = await bot.send_message(alice_chat, "было")
        await bot.edit_message_text("стало", chat_id=alice_chat, message_id=sent.message_id)

    (first_edit,), (second_edit,) = (message.edits for message in fake.messages(alice_chat))

    assert first_edit == replace(second_edit, date=first_edit.date)
    assert first_edit.message is not second_edit.message
    assert "BotMessage" not in repr(first_edit)


async def test_wrong_token_is_unauthorized(fake: FakeBotAPI) -> None:
    async with client(fake, "987654321:AAAnotherTokenTheFakeDoesNotKnowAtAll") as stranger:
        with pytest.raises(TelegramUnauthorizedError, match="Unauthorized"):
            await stranger.get_me()

    assert fake.errors == [RecordedError("getMe", "Unauthorized", 401, injected=False)]


@pytest.mark.parametrize("encoding", ["json", "form", "query"])
async def test_any_body_encoding_and_method_case_are_accepted(
    fake: FakeBotAPI, alice_chat: int, encoding: str
) -> None:
    params = {"chat_id": str(alice_chat), "text": "Привет & <добро>"}
    request: dict[str, Any] = {
        {"json": "json", "form": "data", "query": "params"}[encoding]: params
    }

    url = f"{fake.url}/bot{TOKEN}/SENDmessage"
    async with aiohttp.ClientSession() as http, http.post(url, **request) as response:
        body = await response.json()

    assert body["ok"] is True
    assert body["result"]["text"] == "Привет & <добро>"
    assert fake.calls[-1].method == "sendMessage"


async def test_unknown_method_is_404_and_recorded(fake: FakeBotAPI, bot: Bot) -> None:
    with pytest.raises(TelegramNotFound, match="Not Found"):
        await bot.get_chat(ALICE.id)

    assert fake.unexpected_calls == [Call("getChat", {"chat_id": str(ALICE.id)})]
    assert fake.errors[-1] == RecordedError("getChat", "Not Found", 404, injected=False)
    with pytest.raises(AssertionError, match="getChat"):
        fake.assert_no_errors()


async def test_unknown_path_is_404_and_recorded(fake: FakeBotAPI) -> None:
    async with aiohttp.ClientSession() as http, http.get(f"{fake.url}/robots.txt") as response:
        body = await response.json()

    assert response.status == 404
    assert body == {"ok": False, "error_code": 404, "description": "Not Found"}
    assert [call.method for call in fake.unexpected_calls] == ["/robots.txt"]


# --------------------------------------------------------------------------- sending and editing


async def test_send_and_edit_message_with_inline_keyboard(
    fake: FakeBotAPI, bot: Bot, alice_chat: int
) -> None:
    sent = await bot.send_message(
        alice_chat, "<b>Вопрос</b> 1", parse_mode="HTML", reply_markup=YES_NO
    )

    assert sent.text == "Вопрос 1"
    assert [(e.type, e.offset, e.length) for e in sent.entities or []] == [("bold", 0, 6)]
    assert dumped(sent.reply_markup) == dumped(YES_NO)
    recorded = await fake.wait_for_message(alice_chat, timeout=1)
    assert (recorded.message_id, recorded.text, recorded.parse_mode) == (
        sent.message_id,
        "<b>Вопрос</b> 1",
        "HTML",
    )
    assert recorded.buttons == [["Да", "Нет"], ["Сайт"]]
    assert recorded.button_data("Нет") == "answer:no"

    edited = await bot.edit_message_text(
        "Ответ принят", chat_id=alice_chat, message_id=sent.message_id
    )

    assert isinstance(edited, Message)
    assert (edited.text, edited.reply_markup) == ("Ответ принят", None)
    edit = await fake.wait_for_edit(alice_chat, timeout=1)
    assert (edit.message, edit.text, edit.buttons) == (recorded, "Ответ принят", [])
    assert (recorded.text, recorded.buttons) == ("Ответ принят", [])

    await bot.edit_message_reply_markup(
        chat_id=alice_chat, message_id=sent.message_id, reply_markup=YES_NO
    )

    assert (await fake.wait_for_edit(alice_chat, timeout=1)).buttons == [["Да", "Нет"], ["Сайт"]]
    assert len(recorded.edits) == 2
    fake.assert_no_errors()


async def test_message_ids_grow_per_chat_shared_with_user_messages(
    fake: FakeBotAPI, bot: Bot
) -> None:
    first = fake.send_text(ALICE, "привет")["message"]["message_id"]
    fake.open_chat(BOB)

    to_alice = await bot.send_message(ALICE.id, "ответ")
    to_bob = await bot.send_message(BOB.id, "ответ")

    assert (first, to_alice.message_id, to_bob.message_id) == (1, 2, 1)


async def test_reply_keyboard_is_recorded(fake: FakeBotAPI, bot: Bot, alice_chat: int) -> None:
    share = ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text="Поделиться номером", request_contact=True)]],
        resize_keyboard=True,
    )

    await bot.send_message(alice_chat, "Нужен телефон", reply_markup=share)
    await bot.send_message(alice_chat, "Спасибо", reply_markup=ReplyKeyboardRemove())

    asked, thanked = fake.messages(alice_chat)
    assert asked.reply_keyboard == [[{"text": "Поделиться номером", "request_contact": True}]]
    assert asked.buttons == []
    assert (thanked.reply_keyboard, thanked.removes_keyboard) == (None, True)


async def test_delete_message_and_chat_action(fake: FakeBotAPI, bot: Bot) -> None:
    user_message = fake.send_text(ALICE, "удалите меня")["message"]["message_id"]
    sent = await bot.send_message(ALICE.id, "ответ")

    assert await bot.delete_message(ALICE.id, sent.message_id)
    assert await bot.delete_message(ALICE.id, user_message)
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await bot.delete_message(ALICE.id, sent.message_id)
    assert fake.messages(ALICE.id)[0].deleted

    await bot.send_chat_action(ALICE.id, "typing")

    assert fake.chat_actions(ALICE.id) == ["typing"]


# --------------------------------------------------------------------------- Telegram's refusals


@pytest.mark.parametrize(
    ("text", "parse_mode", "description"),
    [
        ("", None, "message text is empty"),
        ("   \n", None, "message text is empty"),
        ("<b></b>", "HTML", "message text is empty"),
        ("я" * 4097, None, "message is too long"),
        ("<b>жирный", "HTML", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<div>блок</div>", "HTML", 'Unsupported start tag "div" at byte offset 0'),
        ("строка<br>строка", "HTML", 'Unsupported start tag "br" at byte offset 12'),
        ("a < b", "HTML", 'Unexpected "<" at byte offset 2'),
        ("AT&T", "HTML", 'Unexpected "&" at byte offset 2'),
        ("&nbsp;", "HTML", 'Unexpected "&" at byte offset 0'),
        ("<b>x</i>", "HTML", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("x</b>", "HTML", 'Unexpected end tag "b"'),
        ("<!-- x -->y", "HTML", 'Unexpected "<" at byte offset 0'),
        ("x", "HTML5", "unsupported parse_mode"),
    ],
)
async def test_send_message_refuses_what_telegram_refuses(
    fake: FakeBotAPI, bot: Bot, text: str, parse_mode: str | None, description: str
) -> None:
    alice_chat = ALICE.id
    fake.open_chat(ALICE)

    with pytest.raises(TelegramBadRequest) as refusal:
        await bot.send_message(alice_chat, text, parse_mode=parse_mode)

    assert description in refusal.value.message
    assert refusal.value.message.startswith("Bad Request: ")
    assert fake.errors[-1].method == "sendMessage"
    assert fake.messages(alice_chat) == []


async def test_send_message_accepts_telegram_html_and_limits(
    fake: FakeBotAPI, bot: Bot, alice_chat: int
) -> None:
    html = (
        "😀 <b>ж</b><strong>s</strong><i>к</i><em>e</em><u>п</u><ins>i</ins>"
        "<s>з</s><strike>t</strike>"
        '<del>d</del><a href="https://example.org/?a=1&b=2">ссылка</a><code>c</code>'
        '<pre><code class="language-python">p</code></pre><span class="tg-spoiler">x</span>'
        '<tg-spoiler>y</tg-spoiler><tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>'
        "<blockquote expandable>q</blockquote> &lt;b&gt; &amp; &quot; &#8470; &#x2116;"
    )

    sent = await bot.send_message(alice_chat, html, parse_mode="HTML")
    longest = await bot.send_message(alice_chat, "я" * 4096)

    assert present(sent.text).endswith(' <b> & " № №')
    types = [entity.type for entity in sent.entities or []]
    assert types[:3] == ["bold", "bold", "italic"]
    assert {"text_link", "pre", "code", "spoiler", "custom_emoji", "expandable_blockquote"} <= set(
        types
    )
    assert (sent.entities or [])[0].offset == 3  # 😀 is two UTF-16 code units, plus a space
    assert len(present(longest.text)) == 4096
    fake.assert_no_errors()


async def test_callback_data_over_64_bytes_is_refused(
    fake: FakeBotAPI, bot: Bot, alice_chat: int
) -> None:
    def keyboard(data: str) -> InlineKeyboardMarkup:
        return InlineKeyboardMarkup(
            inline_keyboard=[[InlineKeyboardButton(text="x", callback_data=data)]]
        )

    await bot.send_message(alice_chat, "ровно 64 байта", reply_markup=keyboard("я" * 32))
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(alice_chat, "66 байт", reply_markup=keyboard("я" * 33))
    with pytest.raises(TelegramBadRequest, match="Text buttons are unallowed"):
        await bot.send_message(
            alice_chat,
            "без действия",
            reply_markup=InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="x")]]),
        )

    assert len(fake.messages(alice_chat)) == 1


async def test_edit_refusals(fake: FakeBotAPI, bot: Bot) -> None:
    user_message = fake.send_text(ALICE, "моё")["message"]["message_id"]
    sent = await bot.send_message(ALICE.id, "<b>Вопрос</b>", parse_mode="HTML", reply_markup=YES_NO)

    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text(
            "<b>Вопрос</b>",
            chat_id=ALICE.id,
            message_id=sent.message_id,
            parse_mode="HTML",
            reply_markup=YES_NO,
        )
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_reply_markup(
            chat_id=ALICE.id, message_id=sent.message_id, reply_markup=YES_NO
        )
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text("новый", chat_id=ALICE.id, message_id=999)
    with pytest.raises(TelegramBadRequest, match="message can't be edited"):
        await bot.edit_message_text("новый", chat_id=ALICE.id, message_id=user_message)

    assert fake.edits(ALICE.id) == []
    # Same text without the keyboard is a change: Telegram removes the keyboard.
    await bot.edit_message_text(
        "<b>Вопрос</b>", chat_id=ALICE.id, message_id=sent.message_id, parse_mode="HTML"
    )
    assert fake.messages(ALICE.id)[0].buttons == []


async def test_answer_callback_query_refusals(fake: FakeBotAPI, bot: Bot, alice_chat: int) -> None:
    await bot.send_message(alice_chat, "Выберите", reply_markup=YES_NO)
    callback_id = fake.press(ALICE, await fake.wait_for_message(alice_chat, timeout=1), "Да")

    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query("424242")
    with pytest.raises(TelegramBadRequest, match="MESSAGE_TOO_LONG"):
        await bot.answer_callback_query(callback_id, text="я" * 201)
    assert await bot.answer_callback_query(callback_id, text="я" * 200)
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query(callback_id)


async def test_blocked_user_is_forbidden(fake: FakeBotAPI, bot: Bot, alice_chat: int) -> None:
    fake.block(alice_chat)

    with pytest.raises(TelegramForbiddenError, match="Forbidden: bot was blocked by the user"):
        await bot.send_message(alice_chat, "есть кто?")

    assert fake.errors[-1].injected
    fake.assert_no_errors()  # injected faults are not the bot's mistakes
    fake.unblock(alice_chat)
    await bot.send_message(alice_chat, "снова здесь")
    assert [m.text for m in fake.messages(alice_chat)] == ["снова здесь"]


async def test_fail_next_is_a_flood_wait_once(fake: FakeBotAPI, bot: Bot, alice_chat: int) -> None:
    fake.fail_next("sendMessage", retry_after=7)

    with pytest.raises(TelegramRetryAfter) as flood:
        await bot.send_message(alice_chat, "раз")
    await bot.send_message(alice_chat, "два")

    assert flood.value.retry_after == 7
    assert "Too Many Requests: retry after 7" in flood.value.message
    assert fake.errors[-1] == RecordedError(
        "sendMessage", "Too Many Requests: retry after 7", 429, injected=True
    )
    assert [m.text for m in fake.messages(alice_chat)] == ["два"]


async def test_unknown_chat_is_not_found(fake: FakeBotAPI, bot: Bot) -> None:
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.send_message(555, "кому?")

    relaxed = FakeBotAPI(require_known_chats=False)
    async with relaxed, client(relaxed) as other:
        await other.send_message(555, "кому?")
        assert [m.text for m in relaxed.messages(555)] == ["кому?"]


async def test_reply_to_a_missing_message_is_refused(fake: FakeBotAPI, bot: Bot) -> None:
    question = fake.send_text(ALICE, "вопрос")["message"]["message_id"]

    await bot.send_message(ALICE.id, "ответ", reply_to_message_id=question)
    with pytest.raises(TelegramBadRequest, match="message to be replied not found"):
        await bot.send_message(ALICE.id, "ответ", reply_to_message_id=question + 100)


# --------------------------------------------------------------------------- flood control

FLOOD_WAIT_1 = RecordedError("sendMessage", "Too Many Requests: retry after 1", 429, injected=False)


async def test_rate_limit_lets_30_sends_a_second_through(fake: FakeBotAPI, bot: Bot) -> None:
    pupils = [FakeUser(2000 + n, f"Ученик {n}") for n in range(40)]
    for pupil in pupils:
        fake.open_chat(pupil)
    fake.limit_rate(30, 1)

    results = await asyncio.gather(
        *(bot.send_message(pupil.id, "Напоминание") for pupil in pupils), return_exceptions=True
    )

    refused = [result for result in results if isinstance(result, TelegramRetryAfter)]
    assert sum(isinstance(result, Message) for result in results) == 30
    assert len(refused) == 10
    assert all(flood.retry_after >= 1 for flood in refused)
    assert (fake.rate_refusals, fake.max_sends_in_any_second()) == (10, 30)
    assert sum(len(fake.messages(pupil.id)) for pupil in pupils) == 30
    assert fake.errors == [FLOOD_WAIT_1] * 10
    with pytest.raises(AssertionError, match="Too Many Requests"):
        fake.assert_no_errors()  # the limiter's refusals are the bot's own doing


async def test_rate_limit_allows_one_send_a_second_per_chat(
    fake: FakeBotAPI, bot: Bot, alice_chat: int
) -> None:
    fake.open_chat(BOB)
    fake.limit_rate(30, 1, window=0.2)

    results = await asyncio.gather(
        bot.send_message(alice_chat, "раз"),
        bot.send_message(alice_chat, "раз"),
        bot.send_message(BOB.id, "раз"),
        return_exceptions=True,
    )

    (flood,) = [result for result in results if isinstance(result, TelegramRetryAfter)]
    assert flood.retry_after == 1  # whole seconds, rounded up, even for a 0.2 s window
    assert "Too Many Requests: retry after 1" in flood.message
    assert [len(fake.messages(chat)) for chat in (alice_chat, BOB.id)] == [1, 1]
    await asyncio.sleep(0.25)  # the window has passed
    await bot.send_message(alice_chat, "два")
    assert [m.text for m in fake.messages(alice_chat)] == ["раз", "два"]
    assert fake.max_sends_in_any_second(alice_chat) == 2  # counted over a whole second
    assert (fake.rate_refusals, fake.errors) == (1, [FLOOD_WAIT_1])


async def test_rate_limited_send_leaves_no_message_and_does_not_count(
    fake: FakeBotAPI, bot: Bot, alice_chat: int
) -> None:
    fake.limit_rate(30, 1, window=0.5)
    sent = await bot.send_message(alice_chat, "Вопрос", reply_markup=YES_NO)
    await asyncio.sleep(0.3)

    with pytest.raises(TelegramRetryAfter) as flood:
        await bot.send_photo(alice_chat, BufferedInputFile(b"\xff\xd8\xff\xd9", "chart.jpg"))
    # Only sends are limited: callback answers, edits and chat actions go through.
    callback_id = fake.press(ALICE, await fake.wait_for_message(alice_chat, timeout=1), "Да")
    assert await bot.answer_callback_query(callback_id)
    await bot.edit_message_text("Вопрос?", chat_id=alice_chat, message_id=sent.message_id)
    await bot.send_chat_action(alice_chat, "typing")
    await asyncio.sleep(0.25)  # 0.55 s after the first send, 0.25 s after the refused one
    await bot.send_document(alice_chat, BufferedInputFile(b"table", "table.csv"))

    assert flood.value.retry_after == 1
    assert [m.kind for m in fake.messages(alice_chat)] == ["text", "document"]
    assert [send.chat_id for send in fake.sends] == [alice_chat, alice_chat]
    assert fake.rate_refusals == 1
    assert fake.errors == [
        RecordedError("sendPhoto", "Too Many Requests: retry after 1", 429, injected=False)
    ]


async def test_without_limit_rate_sends_are_not_limited(
    fake: FakeBotAPI, bot: Bot, alice_chat: int
) -> None:
    for number in range(10):
        await bot.send_message(alice_chat, f"сообщение {number}")

    assert len(fake.messages(alice_chat)) == 10
    assert fake.max_sends_in_any_second(alice_chat) == 10
    assert fake.rate_refusals == 0
    fake.assert_no_errors()

    fake.limit_rate()  # the earlier sends do not count: the window starts empty
    await bot.send_message(alice_chat, "можно")
    with pytest.raises(TelegramRetryAfter):
        await bot.send_message(alice_chat, "слишком быстро")
    fake.limit_rate(None, None)  # off again
    await bot.send_message(alice_chat, "снова можно")

    assert len(fake.messages(alice_chat)) == 12
    assert fake.max_sends_in_any_second(BOB.id) == 0
    with pytest.raises(ValueError, match="at least 1"):
        fake.limit_rate(0)


# --------------------------------------------------------------------------- updates


async def test_long_poll_returns_as_soon_as_an_update_is_queued(fake: FakeBotAPI, bot: Bot) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=30))
    await fake.wait_until_polling(timeout=5)

    queued = fake.send_text(ALICE, "/start invite-42")
    (update,) = await asyncio.wait_for(poll, 5)

    assert update.update_id == queued["update_id"]
    message = present(update.message)
    assert (message.text, message.chat.type, present(message.from_user).id) == (
        "/start invite-42",
        "private",
        ALICE.id,
    )
    assert [(e.type, e.offset, e.length) for e in message.entities or []] == [("bot_command", 0, 6)]


async def test_long_poll_returns_nothing_after_its_timeout(bot: Bot) -> None:
    loop = asyncio.get_running_loop()
    started = loop.time()

    assert await bot.get_updates(timeout=1) == []

    assert 0.9 <= loop.time() - started < 5


async def test_offset_confirms_and_drops_updates(fake: FakeBotAPI, bot: Bot) -> None:
    first, second = (fake.send_text(ALICE, text)["update_id"] for text in ("один", "два"))

    assert [u.update_id for u in await bot.get_updates()] == [first, second]
    assert [u.update_id for u in await bot.get_updates()] == [first, second]  # unconfirmed
    assert [u.update_id for u in await bot.get_updates(offset=first + 1)] == [second]
    assert [u.update_id for u in await bot.get_updates(offset=second + 1)] == []
    assert await bot.get_updates() == []  # confirmed updates are gone for good
    await fake.wait_until_confirmed(second, timeout=0.1)


async def test_limit_and_allowed_updates(fake: FakeBotAPI, bot: Bot) -> None:
    for text in ("1", "2", "3"):
        fake.send_text(ALICE, text)

    assert len(await bot.get_updates(limit=2)) == 2
    assert await bot.get_updates(allowed_updates=["callback_query"]) == []
    assert await bot.get_updates() == []  # the setting sticks until changed
    assert len(await bot.get_updates(allowed_updates=["message", "callback_query"])) == 3


async def test_second_poller_terminates_the_first(fake: FakeBotAPI, bot: Bot) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=30))
    await fake.wait_until_polling(timeout=5)
    second = asyncio.create_task(bot.get_updates(timeout=30))

    with pytest.raises(TelegramConflictError, match="terminated by other getUpdates request"):
        await asyncio.wait_for(first, 5)
    fake.send_text(ALICE, "я тут")
    assert len(await asyncio.wait_for(second, 5)) == 1


async def test_webhook_blocks_polling_until_deleted(fake: FakeBotAPI, bot: Bot) -> None:
    fake.send_text(ALICE, "привет")
    await bot.set_webhook("https://bot.example.org/telegram/webhook")

    info = await bot.get_webhook_info()
    assert (info.url, info.pending_update_count) == ("https://bot.example.org/telegram/webhook", 1)
    with pytest.raises(TelegramConflictError, match="webhook is active"):
        await bot.get_updates()
    with pytest.raises(TelegramBadRequest, match="HTTPS URL must be provided"):
        await bot.set_webhook("http://bot.example.org/hook")

    await bot.delete_webhook(drop_pending_updates=True)
    assert await bot.get_updates() == []


async def test_user_actions_parse_as_aiogram_updates(fake: FakeBotAPI, bot: Bot) -> None:
    fake.send_contact(ALICE, "+79991234567")
    fake.send_contact(ALICE, "+79990000000", first_name="Борис", user_id=BOB.id)
    fake.send_contact(ALICE, "+79990000001", first_name="Вера", user_id=None)
    fake.send_sticker(ALICE)
    fake.send_location(ALICE, 59.93, 30.31)
    fake.send_text(BOB, "/report@school_test_bot за май", chat=GROUP)

    own, other, stranger, sticker, location, group = [
        present(update.message) for update in await bot.get_updates()
    ]

    assert (present(own.contact).user_id, present(own.contact).last_name) == (ALICE.id, "Иванова")
    assert (present(other.contact).user_id, present(other.contact).first_name) == (BOB.id, "Борис")
    assert present(stranger.contact).user_id is None
    assert present(sticker.sticker).emoji == "👍"
    assert present(location.location).latitude == 59.93
    assert (group.chat.id, group.chat.type, present(group.from_user).id) == (
        GROUP.id,
        "group",
        BOB.id,
    )
    assert present(group.entities)[0].length == len("/report@school_test_bot")
    message_ids = [m.message_id for m in (own, other, stranger, sticker, location, group)]
    assert message_ids == [1, 2, 3, 4, 5, 1]


# --------------------------------------------------------------------------- buttons


async def test_press_sends_a_callback_query_aiogram_understands(
    fake: FakeBotAPI, bot: Bot, alice_chat: int
) -> None:
    sent = await bot.send_message(alice_chat, "Выберите", reply_markup=YES_NO)
    recorded = await fake.wait_for_message(alice_chat, timeout=1)

    callback_id = fake.press(ALICE, recorded, "Нет")
    (update,) = await bot.get_updates()

    query = update.callback_query
    assert query is not None
    assert (query.id, query.data, query.from_user.id) == (callback_id, "answer:no", ALICE.id)
    assert isinstance(query.message, Message)
    assert query.message.message_id == sent.message_id
    assert dumped(query.message.reply_markup) == dumped(YES_NO)

    await bot.answer_callback_query(callback_id, text="Принято", show_alert=True)

    answer = await fake.wait_for_callback_answer(callback_id, timeout=1)
    assert answer == CallbackAnswer(callback_id, "Принято", show_alert=True, url=None)


async def test_press_checks_the_button_and_the_presser(
    fake: FakeBotAPI, bot: Bot, alice_chat: int
) -> None:
    sent = await bot.send_message(alice_chat, "Выберите", reply_markup=YES_NO)

    with pytest.raises(AssertionError, match=r"no inline button 'Может быть'.*'Да', 'Нет'"):
        fake.press(ALICE, (alice_chat, sent.message_id), "Может быть")
    with pytest.raises(AssertionError, match="has no callback_data"):
        fake.press(ALICE, (alice_chat, sent.message_id), "Сайт")
    with pytest.raises(AssertionError, match="cannot see private chat"):
        fake.press(BOB, (alice_chat, sent.message_id), "Да")
    assert fake.pending_updates == []


async def test_press_data_can_forge_and_target_a_deleted_message(
    fake: FakeBotAPI, bot: Bot, alice_chat: int
) -> None:
    sent = await bot.send_message(alice_chat, "Выберите", reply_markup=YES_NO)
    await bot.delete_message(alice_chat, sent.message_id)

    callback_id = fake.press_data(BOB, alice_chat, sent.message_id, "admin:drop_all")
    (update,) = await bot.get_updates()

    query = update.callback_query
    assert query is not None
    assert (query.id, query.data, query.from_user.id) == (callback_id, "admin:drop_all", BOB.id)
    assert isinstance(query.message, InaccessibleMessage)


# --------------------------------------------------------------------------- files


async def test_send_document_upload_arrives_byte_for_byte(
    fake: FakeBotAPI, bot: Bot, alice_chat: int
) -> None:
    payload = bytes(range(256)) * 600 + b"\r\n--boundary--\r\n\x00"
    upload = BufferedInputFile(payload, filename="Реестр школ 2024.xlsx")

    sent = await bot.send_document(alice_chat, upload, caption="<b>Реестр</b>", parse_mode="HTML")

    recorded = await fake.wait_for_message(alice_chat, timeout=1)
    document = present(recorded.document)
    assert recorded.kind == "document"
    assert document.content == payload
    assert (document.filename, document.caption, recorded.caption) == (
        "Реестр школ 2024.xlsx",
        "<b>Реестр</b>",
        "<b>Реестр</b>",
    )
    assert document.mime_type == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert sent.caption == "Реестр"
    assert (present(sent.document).file_name, present(sent.document).file_size) == (
        "Реестр школ 2024.xlsx",
        len(payload),
    )

    await bot.send_document(alice_chat, present(sent.document).file_id)  # resend by file_id
    file = await bot.get_file(present(sent.document).file_id)
    downloaded = await bot.download_file(present(file.file_path))

    resent = present(fake.messages(alice_chat)[-1].document)
    assert (resent.content, resent.filename) == (payload, upload.filename)
    assert present(downloaded).read() == payload


async def test_send_photo_is_recorded(fake: FakeBotAPI, bot: Bot, alice_chat: int) -> None:
    jpeg = b"\xff\xd8\xff\xe0fake-jpeg\xff\xd9"

    sent = await bot.send_photo(alice_chat, BufferedInputFile(jpeg, "chart.jpg"), caption="График")

    recorded = await fake.wait_for_message(alice_chat, timeout=1)
    assert (recorded.kind, recorded.text) == ("photo", "График")
    assert present(recorded.photo).content == jpeg
    assert present(sent.photo)[-1].file_id == present(recorded.photo).file_id
    with pytest.raises(TelegramBadRequest, match="wrong file identifier"):
        await bot.send_photo(alice_chat, "AgACAgIAAxkBnot-a-real-file-id")


async def test_user_files_can_be_downloaded_by_the_bot(fake: FakeBotAPI, bot: Bot) -> None:
    table = "ФИО;школа\nИванова;№ 5\n".encode("cp1251")
    jpeg = b"\xff\xd8\xff\xe0photo\xff\xd9"
    fake.send_document(ALICE, "список.csv", table, "text/csv", caption="вот")
    fake.send_photo(ALICE, jpeg)

    document_message, photo_message = [present(u.message) for u in await bot.get_updates()]

    assert document_message.caption == "вот"
    document = present(document_message.document)
    assert (document.file_name, document.mime_type, document.file_size) == (
        "список.csv",
        "text/csv",
        len(table),
    )
    photo = present(photo_message.photo)
    assert len(photo) == 2
    for file_id, content in ((document.file_id, table), (photo[-1].file_id, jpeg)):
        file = await bot.get_file(file_id)
        downloaded = await bot.download_file(present(file.file_path))
        assert present(downloaded).read() == content
    with pytest.raises(TelegramBadRequest, match="invalid file_id"):
        await bot.get_file("nope")


# --------------------------------------------------------------------------- commands


async def test_set_my_commands_is_recorded_per_scope_and_language(
    fake: FakeBotAPI, bot: Bot
) -> None:
    everyone = [
        BotCommand(command="start", description="Начать"),
        BotCommand(command="help", description="Помощь"),
    ]
    admins = [BotCommand(command="export", description="Выгрузка в Excel")]

    await bot.set_my_commands(everyone)
    await bot.set_my_commands(
        admins, scope=BotCommandScopeChat(chat_id=ALICE.id), language_code="ru"
    )

    assert fake.commands == [
        {"command": "start", "description": "Начать"},
        {"command": "help", "description": "Помощь"},
    ]
    assert fake.commands_for({"type": "chat", "chat_id": ALICE.id}, "ru") == [
        {"command": "export", "description": "Выгрузка в Excel"}
    ]
    assert [dumped(c) for c in await bot.get_my_commands()] == [dumped(c) for c in everyone]
    with pytest.raises(TelegramBadRequest, match="BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand(command="Export-All", description="x")])

    await bot.delete_my_commands()

    assert fake.commands == []
    assert fake.commands_for({"type": "chat", "chat_id": ALICE.id}, "ru") != []


# --------------------------------------------------------------------------- waiting


async def test_wait_for_message_returns_each_message_once(
    fake: FakeBotAPI, bot: Bot, alice_chat: int
) -> None:
    await bot.send_message(alice_chat, "первое")
    await bot.send_message(alice_chat, "второе")
    assert (await fake.wait_for_message(alice_chat, timeout=1)).text == "первое"

    third = asyncio.create_task(fake.wait_for_message(alice_chat, 5, lambda m: m.text == "третье"))
    await bot.send_message(alice_chat, "третье")

    assert (await third).text == "третье"
    assert (await fake.wait_for_message(alice_chat, timeout=1)).text == "второе"
    with pytest.raises(
        AssertionError, match=r"(?s)no new bot message in chat 1001.*already returned"
    ):
        await fake.wait_for_message(alice_chat, timeout=0.1)


async def test_wait_for_message_timeout_names_the_bot_errors(
    fake: FakeBotAPI, bot: Bot, alice_chat: int
) -> None:
    with pytest.raises(TelegramBadRequest):
        await bot.send_message(alice_chat, "<oops>", parse_mode="HTML")

    with pytest.raises(
        AssertionError, match=r"(?s)the bot has sent nothing here.*Unsupported start tag"
    ):
        await fake.wait_for_message(alice_chat, timeout=0.1)


async def test_dispatcher_polling_echoes_through_the_fake(fake: FakeBotAPI) -> None:
    router = Router()

    @router.message(F.text)
    async def echo(message: Message) -> None:
        await message.answer(f"Эхо: {message.text}")

    dispatcher = Dispatcher()
    dispatcher.include_router(router)
    bot = client(fake)
    polling = asyncio.create_task(dispatcher.start_polling(bot, handle_signals=False))
    try:
        await fake.wait_until_polling(timeout=5)
        fake.send_text(ALICE, "привет")
        reply = await fake.wait_for_message(ALICE.id, timeout=5)
    finally:
        await dispatcher.stop_polling()
        await asyncio.wait_for(polling, 10)

    assert reply.text == "Эхо: привет"
    first_poll = next(call for call in fake.calls if call.method == "getUpdates")
    assert first_poll.params["allowed_updates"] == ["message"]
    fake.assert_no_errors()


# --------------------------------------------------------------------------- the bot-process helper

POLL_ONCE = """
import os, signal, sys, time, urllib.request
if "--ignore-sigterm" in sys.argv:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
print("starting in", os.getcwd(), flush=True)
url = os.environ["TELEGRAM_API_URL"] + "/bot" + os.environ["BOT_TOKEN"] + "/getUpdates"
urllib.request.urlopen(url, data=b"timeout=0").read()
time.sleep(60)
"""


def test_child_environment_drops_proxies_and_outer_bot_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.invalid:3128")
    monkeypatch.setenv("http_proxy", "http://proxy.invalid:3128")
    monkeypatch.setenv("BOT_TOKEN", "1:outer-token-from-the-shell")
    monkeypatch.setenv("webhook_url", "https://outer.example.org")

    env = child_environment({"BOT_TOKEN": TOKEN})

    assert not {"HTTPS_PROXY", "http_proxy", "webhook_url"} & env.keys()
    assert env["BOT_TOKEN"] == TOKEN
    assert env["PYTHONPATH"].split(":")[0] == str(PROJECT_ROOT)


async def test_bot_process_waits_for_polling_and_terminates(
    fake: FakeBotAPI, tmp_path: Path
) -> None:
    async with BotProcess(args=("-c", POLL_ONCE)) as process:
        await process.start({"BOT_TOKEN": fake.token, "TELEGRAM_API_URL": fake.url}, cwd=tmp_path)
        await process.wait_until_polling(fake, timeout=20)

        assert await process.terminate(timeout=10) == -signal.SIGTERM

    assert f"starting in {tmp_path}" in process.log_text()


async def test_bot_process_kill_and_restart(fake: FakeBotAPI, tmp_path: Path) -> None:
    env = {"BOT_TOKEN": fake.token, "TELEGRAM_API_URL": fake.url}
    async with BotProcess(args=("-c", POLL_ONCE)) as process:
        await process.start_and_wait(fake, env, tmp_path, timeout=20)
        assert await process.kill() == -signal.SIGKILL

        await process.restart(fake, timeout=20)

        assert process.running
    assert process.returncode == -signal.SIGTERM
    assert fake.poll_count == 2
    assert process.log_text().count("=== start") == 2


async def test_bot_process_that_ignores_sigterm_is_killed_and_fails(
    fake: FakeBotAPI, tmp_path: Path
) -> None:
    env = {"BOT_TOKEN": fake.token, "TELEGRAM_API_URL": fake.url}
    async with BotProcess(args=("-c", POLL_ONCE, "--ignore-sigterm")) as process:
        await process.start_and_wait(fake, env, tmp_path, timeout=20)

        with pytest.raises(AssertionError, match=r"did not exit within 0\.5s of SIGTERM"):
            await process.terminate(timeout=0.5)

        assert process.returncode == -signal.SIGKILL


async def test_bot_process_crash_fails_fast_with_the_log(fake: FakeBotAPI, tmp_path: Path) -> None:
    crash = "import sys; print('BOT_TOKEN is not set', flush=True); sys.exit(3)"
    async with BotProcess(args=("-c", crash)) as process:
        await process.start({}, cwd=tmp_path)

        with pytest.raises(
            AssertionError, match=r"(?s)exited with code 3 before polling.*BOT_TOKEN is not set"
        ):
            await process.wait_until_polling(fake, timeout=20)


@pytest.mark.e2e
@pytest.mark.skipif(
    not (PROJECT_ROOT / "bot" / "cli.py").exists(), reason="bot.cli not written yet"
)
async def test_start_bot_runs_the_real_bot(fake: FakeBotAPI, tmp_path: Path) -> None:
    async with await start_bot(fake, tmp_path) as process:
        assert await process.terminate() == 0, process.log_text()
