"""A fake Telegram Bot API server for tests, and a way to act as Telegram users against it.

The server speaks the HTTP protocol of https://core.telegram.org/bots/api closely enough for
aiogram's ``AiohttpSession``: ``POST {url}/bot{token}/{method}`` with form, multipart or JSON
bodies, and ``GET {url}/file/bot{token}/{file_path}`` for downloads. It binds 127.0.0.1 on an
ephemeral port and never contacts anything else.

Typical use::

    async with FakeBotAPI() as fake:
        ...  # start the bot with TELEGRAM_API_URL=fake.url and BOT_TOKEN=fake.token
        await fake.wait_until_polling()
        fake.send_text(ALICE, "/start")
        reply = await fake.wait_for_message(ALICE.id)
        fake.press(ALICE, reply, "Да")
        fake.assert_no_errors()

Where a real bot could trip, the fake answers as Telegram does (400/403/404/409/429 with
Telegram's descriptions), records every 4xx in ``errors`` and every call of a method it does
not model in ``unexpected_calls``.

``limit_rate()`` turns on Telegram's flood control: a sendMessage/sendPhoto/sendDocument that
would make more than 30 successful sends in a sliding second overall, or more than 1 to one chat
(the defaults), is refused with 429 "Too Many Requests: retry after N": a real refusal, not an
injected fault. ``sends`` (every successful send, limited or not), ``rate_refusals`` and
``max_sends_in_any_second()`` let a test or a benchmark prove how fast the bot sent.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import math
import mimetypes
import re
import secrets
import time
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable
from contextlib import suppress
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import PurePosixPath
from types import EllipsisType, TracebackType
from typing import Any, Final, NamedTuple, Self, TypeVar

from aiohttp import BodyPartReader, hdrs, web

__all__ = [
    "BOT_FIRST_NAME",
    "BOT_ID",
    "BOT_USERNAME",
    "TOKEN",
    "ApiError",
    "BotMessage",
    "Call",
    "CallbackAnswer",
    "Edit",
    "FakeBotAPI",
    "FakeChat",
    "FakeUser",
    "RecordedError",
    "SendTime",
    "SentFile",
    "StoredFile",
    "UploadedFile",
    "parse_html",
]

TOKEN: Final = "123456789:AAFakeTokenForTestsOnly_abcdefghijk"
BOT_ID: Final = 123456789
BOT_USERNAME: Final = "school_test_bot"
BOT_FIRST_NAME: Final = "Школьный помощник"

MAX_MESSAGE_LENGTH: Final = 4096
MAX_CAPTION_LENGTH: Final = 1024
MAX_CALLBACK_DATA_BYTES: Final = 64
MAX_CALLBACK_ANSWER_LENGTH: Final = 200
MAX_DOWNLOAD_SIZE: Final = 20 * 1024 * 1024
MAX_UPLOAD_SIZE: Final = 50 * 1024 * 1024

JSON = dict[str, Any]
T = TypeVar("T")

NOT_MODIFIED: Final = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
QUERY_TOO_OLD: Final = "query is too old and response timeout expired or query ID is invalid"
GET_UPDATES_CONFLICT: Final = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)
WEBHOOK_CONFLICT: Final = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
# Fields aiogram sends as JSON strings inside form fields; decoded so `calls` reads naturally.
JSON_FIELDS: Final = frozenset(
    {
        "reply_markup",
        "commands",
        "scope",
        "allowed_updates",
        "entities",
        "caption_entities",
        "link_preview_options",
        "reply_parameters",
    }
)
# Update types Telegram delivers when allowed_updates was never set.
NOT_DELIVERED_BY_DEFAULT: Final = frozenset(
    {"chat_member", "message_reaction", "message_reaction_count"}
)
CHAT_ACTIONS: Final = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
INLINE_BUTTON_ACTIONS: Final = (
    "callback_data",
    "url",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
COMMAND_PATTERN: Final = re.compile(r"[a-z0-9_]{1,32}")
FILE_ID_PREFIXES: Final = {
    "document": "BQACAgIAAxkB",
    "photo": "AgACAgIAAxkB",
    "sticker": "CAACAgIAAxkB",
}
FILE_FOLDERS: Final = {"document": "documents", "photo": "photos", "sticker": "stickers"}
DEFAULT_EXTENSIONS: Final = {"document": "", "photo": ".jpg", "sticker": ".webp"}


# --------------------------------------------------------------------------- errors and records


class ApiError(Exception):
    """A Telegram error answer; raised inside method handlers, sent back as Telegram's JSON."""

    def __init__(
        self,
        status: int,
        description: str,
        *,
        retry_after: int | None = None,
        injected: bool = False,
    ) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after
        self.injected = injected

    def body(self) -> JSON:
        body: JSON = {"ok": False, "error_code": self.status, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(reason: str) -> ApiError:
    return ApiError(400, f"Bad Request: {reason}")


def entities_error(reason: str) -> ApiError:
    return bad_request(f"can't parse entities: {reason}")


class Call(NamedTuple):
    """One request the fake received: canonical method name and decoded parameters."""

    method: str
    params: dict[str, Any]


class RecordedError(NamedTuple):
    """A 4xx answer the fake gave. ``injected`` marks faults a test asked for (block, fail_next)."""

    method: str
    description: str
    status: int
    injected: bool


# --------------------------------------------------------------------------- users and chats


@dataclass(frozen=True)
class FakeUser:
    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str = "ru"

    def to_json(self) -> JSON:
        data: JSON = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            if (value := getattr(self, key)) is not None:
                data[key] = value
        return data

    def private_chat(self) -> JSON:
        data: JSON = {"id": self.id, "type": "private", "first_name": self.first_name}
        for key in ("last_name", "username"):
            if (value := getattr(self, key)) is not None:
                data[key] = value
        return data


@dataclass(frozen=True)
class FakeChat:
    """A group chat (Telegram group ids are negative)."""

    id: int
    type: str = "group"
    title: str = "Тестовая группа"

    def __post_init__(self) -> None:
        if self.id >= 0:
            raise ValueError(f"group chat ids are negative, got {self.id}")
        if self.type not in ("group", "supergroup"):
            raise ValueError(f"chat type must be group or supergroup, got {self.type!r}")

    def to_json(self) -> JSON:
        return {"id": self.id, "type": self.type, "title": self.title}


# --------------------------------------------------------------------------- files


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request, as received."""

    filename: str
    content: bytes
    content_type: str


@dataclass(frozen=True)
class StoredFile:
    """A file the fake can serve through getFile and the download route."""

    file_id: str
    file_unique_id: str
    kind: str
    content: bytes
    file_path: str
    filename: str | None = None
    mime_type: str | None = None

    def to_json(self) -> JSON:
        data: JSON = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.content),
        }
        if self.filename is not None:
            data["file_name"] = self.filename
        if self.mime_type is not None:
            data["mime_type"] = self.mime_type
        return data

    def photo_size(self, width: int, height: int) -> JSON:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.content),
            "width": width,
            "height": height,
        }


@dataclass(frozen=True)
class SentFile:
    """A document or photo the bot sent."""

    filename: str | None
    content: bytes
    caption: str | None
    mime_type: str | None
    file_id: str


# --------------------------------------------------------------------------- bot messages


def _inline_rows(markup: JSON | None) -> list[list[JSON]]:
    rows = (markup or {}).get("inline_keyboard")
    return rows if isinstance(rows, list) else []


def _button_texts(markup: JSON | None) -> list[list[str]]:
    return [[str(button["text"]) for button in row] for row in _inline_rows(markup)]


def _find_button(markup: JSON | None, text: str) -> JSON:
    for row in _inline_rows(markup):
        for button in row:
            if button["text"] == text:
                return button
    raise AssertionError(f"no inline button {text!r}; buttons: {_button_texts(markup)}")


@dataclass(frozen=True)
class Edit:
    """One successful edit of a bot message, with the message's state right after it.

    ``message`` is the live record (a back-reference: left out of == and repr)."""

    method: str
    text: str
    reply_markup: JSON | None
    date: int
    message: BotMessage = field(compare=False, repr=False)

    @property
    def buttons(self) -> list[list[str]]:
        return _button_texts(self.reply_markup)


@dataclass
class BotMessage:
    """A message the bot sent, kept up to date with its edits (and deletion).

    ``text`` is what the bot sent (HTML tags and all): the message text, or the caption of a
    document/photo ("" when there is none). ``plain_text`` and ``entities`` are what Telegram
    makes of it after parsing ``parse_mode``.
    """

    chat_id: int
    message_id: int
    kind: str
    text: str
    parse_mode: str | None
    plain_text: str
    entities: list[JSON]
    reply_markup: JSON | None
    date: int
    document: SentFile | None = None
    photo: SentFile | None = None
    edits: list[Edit] = field(default_factory=list)
    deleted: bool = False
    chat: JSON = field(default_factory=dict, repr=False)
    sender: JSON = field(default_factory=dict, repr=False)

    @property
    def inline_markup(self) -> JSON | None:
        return self.reply_markup if _inline_rows(self.reply_markup) else None

    @property
    def inline_keyboard(self) -> list[list[JSON]]:
        return _inline_rows(self.reply_markup)

    @property
    def buttons(self) -> list[list[str]]:
        """Texts of the inline buttons, row by row."""
        return _button_texts(self.reply_markup)

    def button(self, text: str) -> JSON:
        """The inline button with exactly this text, or AssertionError listing the buttons."""
        return _find_button(self.reply_markup, text)

    def button_data(self, text: str) -> str:
        button = self.button(text)
        if "callback_data" not in button:
            raise AssertionError(f"inline button {text!r} has no callback_data: {button}")
        return str(button["callback_data"])

    @property
    def reply_keyboard(self) -> list[list[JSON]] | None:
        """Rows of a ReplyKeyboardMarkup (each button a dict with at least ``text``), or None."""
        rows = (self.reply_markup or {}).get("keyboard")
        return rows if isinstance(rows, list) else None

    @property
    def removes_keyboard(self) -> bool:
        return bool((self.reply_markup or {}).get("remove_keyboard"))

    @property
    def caption(self) -> str | None:
        return None if self.kind == "text" else self.text or None

    def apply_edit(
        self, edit: Edit, plain_text: str, entities: list[JSON], parse_mode: str | None
    ) -> None:
        self.text = edit.text
        self.reply_markup = edit.reply_markup
        self.plain_text = plain_text
        self.entities = entities
        self.parse_mode = parse_mode
        self.edits.append(edit)

    def to_json(self) -> JSON:
        """The Telegram Message object for this message as it is now."""
        data: JSON = {
            "message_id": self.message_id,
            "from": self.sender,
            "chat": self.chat,
            "date": self.date,
        }
        if self.edits:
            data["edit_date"] = self.edits[-1].date
        text_key, entities_key = (
            ("text", "entities") if self.kind == "text" else ("caption", "caption_entities")
        )
        if self.plain_text:
            data[text_key] = self.plain_text
        if self.entities:
            data[entities_key] = self.entities
        data.update(self._media_json())
        if self.inline_markup is not None:
            data["reply_markup"] = self.inline_markup
        return data

    def _media_json(self) -> JSON:
        if self.document is not None:
            return {"document": _sent_file_json(self.document)}
        if self.photo is not None:
            size = _sent_file_json(self.photo) | {"width": 800, "height": 600}
            size.pop("file_name", None)
            size.pop("mime_type", None)
            return {"photo": [size]}
        return {}


def _sent_file_json(sent: SentFile) -> JSON:
    data: JSON = {
        "file_id": sent.file_id,
        "file_unique_id": _unique_id(sent.file_id),
        "file_size": len(sent.content),
    }
    if sent.filename is not None:
        data["file_name"] = sent.filename
    if sent.mime_type is not None:
        data["mime_type"] = sent.mime_type
    return data


def _unique_id(file_id: str) -> str:
    return "AQAD" + file_id[-12:]


@dataclass(frozen=True)
class CallbackAnswer:
    """What the bot answered (answerCallbackQuery) to one pressed button."""

    callback_id: str
    text: str | None
    show_alert: bool
    url: str | None


# --------------------------------------------------------------------------- HTML parse mode

ENTITY_OF_TAG: Final = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "tg-emoji": "custom_emoji",
    "blockquote": "blockquote",
}
_HTML_TOKEN: Final = re.compile(
    r"(?P<tag></?[A-Za-z][^<>]*>)"
    r"|(?P<entity>&(?:#[0-9]+|#[xX][0-9a-fA-F]+|lt|gt|amp|quot);)"
    r"|(?P<bare>[<&])"
)


def _utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode())


def _check_bare_characters(text: str) -> None:
    for match in _HTML_TOKEN.finditer(text):
        if match.lastgroup == "bare":
            char = match.group()
            escape = "&lt;" if char == "<" else "&amp;"
            raise entities_error(
                f'Unexpected "{char}" at byte offset {_byte_offset(text, match.start())}: '
                f"write it as {escape}"
            )


class _TelegramHtml(HTMLParser):
    """Telegram's HTML parse mode: plain text and entities, or ApiError like Telegram's."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self._source = source
        self._parts: list[str] = []
        self._length = 0
        self._open: list[tuple[str, dict[str, str | None], int]] = []
        self.entities: list[JSON] = []

    @property
    def plain_text(self) -> str:
        return "".join(self._parts)

    def finish(self) -> None:
        self.close()
        if self._open:
            tag = self._open[-1][0]
            raise entities_error(f'Can\'t find end tag corresponding to start tag "{tag}"')

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ENTITY_OF_TAG:
            raise entities_error(f'Unsupported start tag "{tag}" at byte offset {self._offset()}')
        self._open.append((tag, dict(attrs), self._length))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raise entities_error(f'Unsupported start tag "{tag}/" at byte offset {self._offset()}')

    def handle_endtag(self, tag: str) -> None:
        if not self._open:
            raise entities_error(f'Unexpected end tag "{tag}" at byte offset {self._offset()}')
        opened, attrs, start = self._open.pop()
        if opened != tag:
            raise entities_error(
                f"Unmatched end tag at byte offset {self._offset()}, "
                f'expected "</{opened}>", found "</{tag}>"'
            )
        self._add_entity(tag, attrs, start)

    def handle_data(self, data: str) -> None:
        self._parts.append(data)
        self._length += _utf16_length(data)

    def _offset(self) -> int:
        line, column = self.getpos()
        line_starts = [0, *(match.end() for match in re.finditer("\n", self._source))]
        return _byte_offset(self._source, line_starts[line - 1] + column)

    def _add_entity(self, tag: str, attrs: dict[str, str | None], start: int) -> None:
        length = self._length - start
        entity: JSON = {"type": ENTITY_OF_TAG[tag], "offset": start, "length": length}
        if tag == "a":
            entity["url"] = attrs.get("href") or ""
        elif tag == "tg-emoji":
            entity["custom_emoji_id"] = attrs.get("emoji-id") or ""
        elif tag == "blockquote" and "expandable" in attrs:
            entity["type"] = "expandable_blockquote"
        if length > 0 and entity.get("url", True) and (tag != "span" or _is_spoiler(attrs)):
            self.entities.append(entity)


def _is_spoiler(attrs: dict[str, str | None]) -> bool:
    return attrs.get("class") == "tg-spoiler"


def parse_html(text: str) -> tuple[str, list[JSON]]:
    """Plain text and entities of ``text`` in Telegram's HTML parse mode; ApiError when invalid."""
    _check_bare_characters(text)
    parser = _TelegramHtml(text)
    parser.feed(text)
    parser.finish()
    entities = sorted(parser.entities, key=lambda entity: (entity["offset"], -entity["length"]))
    return parser.plain_text, entities


def _parse_formatted(text: str, parse_mode: str) -> tuple[str, list[JSON]]:
    mode = parse_mode.lower()
    if mode == "html":
        return parse_html(text)
    if mode in ("markdown", "markdownv2"):
        return text, []  # accepted, not validated
    raise bad_request("unsupported parse_mode")


# --------------------------------------------------------------------------- reply markup


def parse_reply_markup(raw: Any) -> JSON | None:
    """A validated copy of a reply_markup parameter, or ApiError as Telegram would answer."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in raw:
        return {"inline_keyboard": _parse_inline_rows(raw["inline_keyboard"])}
    if "keyboard" in raw:
        return {**raw, "keyboard": _parse_keyboard_rows(raw["keyboard"])}
    if raw.get("remove_keyboard") or raw.get("force_reply"):
        return dict(raw)
    raise bad_request("can't parse reply keyboard markup JSON object")


def _parse_inline_only(raw: Any) -> JSON | None:
    markup = parse_reply_markup(raw)
    if markup is None:
        return None
    if "inline_keyboard" not in markup:
        raise bad_request("inline keyboard expected")
    return markup if markup["inline_keyboard"] else None


def _rows(raw: Any, what: str) -> list[list[Any]]:
    if not isinstance(raw, list) or not all(isinstance(row, list) for row in raw):
        raise bad_request(f'field "{what}" of the keyboard must be an Array of Arrays')
    return raw


def _parse_inline_rows(raw: Any) -> list[list[JSON]]:
    return [
        [_parse_inline_button(button) for button in row] for row in _rows(raw, "inline_keyboard")
    ]


def _parse_inline_button(button: Any) -> JSON:
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise bad_request(
            'can\'t parse inline keyboard button: Field "text" must be of type String'
        )
    actions = [key for key in INLINE_BUTTON_ACTIONS if button.get(key) not in (None, "")]
    if not actions:
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    data = button.get("callback_data")
    if data is not None and len(str(data).encode()) > MAX_CALLBACK_DATA_BYTES:
        raise bad_request("BUTTON_DATA_INVALID")
    return dict(button)


def _parse_keyboard_rows(raw: Any) -> list[list[JSON]]:
    return [[_parse_keyboard_button(button) for button in row] for row in _rows(raw, "keyboard")]


def _parse_keyboard_button(button: Any) -> JSON:
    if isinstance(button, str):
        return {"text": button}
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise bad_request('can\'t parse keyboard button: Field "text" must be of type String')
    return dict(button)


def _parse_commands(raw: Any) -> list[JSON]:
    if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
        raise bad_request("can't parse commands JSON object")
    if len(raw) > 100:
        raise bad_request("too many commands")
    commands = []
    for item in raw:
        command, description = str(item.get("command", "")), str(item.get("description", ""))
        if not COMMAND_PATTERN.fullmatch(command):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(description) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        commands.append({"command": command, "description": description})
    return commands


# --------------------------------------------------------------------------- request parsing


class Params:
    """Parameters of one request, read the way the Bot API reads them."""

    def __init__(self, raw: dict[str, Any]) -> None:
        self.raw = raw

    def value(self, name: str) -> Any:
        value = self.raw.get(name)
        return None if value is None or value == "" else value

    def text(self, name: str) -> str | None:
        value = self.value(name)
        return None if value is None else str(value)

    def integer(self, name: str) -> int | None:
        value = self.value(name)
        if value is None:
            return None
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def flag(self, name: str) -> bool:
        return str(self.value(name)).lower() in ("true", "1")

    def structure(self, name: str) -> Any:
        value = self.value(name)
        if not isinstance(value, str):
            return value
        try:
            return json.loads(value)
        except ValueError:
            raise bad_request(f"can't parse {name} JSON object") from None

    def chat_id(self) -> int:
        value = self.value("chat_id")
        if value is None:
            raise bad_request("chat_id is empty")
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request("chat not found") from None


async def read_params(request: web.Request) -> dict[str, Any]:
    """Query string plus body (multipart, urlencoded or JSON), attach:// files resolved."""
    params: dict[str, Any] = dict(request.query)
    files: dict[str, UploadedFile] = {}
    if request.content_type == "multipart/form-data":
        await _read_multipart(request, params, files)
    elif request.content_type == "application/json":
        params.update(await _read_json(request))
    elif request.body_exists:
        params.update(
            (key, value) for key, value in (await request.post()).items() if isinstance(value, str)
        )
    _resolve_attachments(params, files)
    _decode_json_fields(params)
    return params


async def _read_json(request: web.Request) -> JSON:
    try:
        body = await request.json()
    except ValueError:
        raise bad_request("can't parse JSON encoded request") from None
    if not isinstance(body, dict):
        raise bad_request("JSON object expected as request body")
    return body


async def _read_multipart(
    request: web.Request, params: JSON, files: dict[str, UploadedFile]
) -> None:
    reader = await request.multipart()
    while (part := await reader.next()) is not None:
        if not isinstance(part, BodyPartReader) or part.name is None:
            continue
        if part.filename is None:
            params[part.name] = await part.text()
            continue
        content = bytes(await part.read(decode=True))
        content_type = part.headers.get(hdrs.CONTENT_TYPE, "application/octet-stream")
        files[part.name] = UploadedFile(part.filename, content, content_type)


def _resolve_attachments(params: JSON, files: dict[str, UploadedFile]) -> None:
    for key, value in list(params.items()):
        if isinstance(value, str) and value.startswith("attach://"):
            name = value.removeprefix("attach://")
            if name not in files:
                raise bad_request(f"file of field {key} not found in the request")
            params[key] = files.pop(name)
    params.update(files)


def _decode_json_fields(params: JSON) -> None:
    for key in JSON_FIELDS & params.keys():
        if isinstance(params[key], str):
            with suppress(ValueError):
                params[key] = json.loads(params[key])


def _explicit_entities(raw: Any) -> list[JSON]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise bad_request("can't parse entities JSON object")
    return list(raw)


def _guess_mime(filename: str, content_type: str) -> str:
    guessed, _ = mimetypes.guess_type(filename)
    return guessed or content_type


def _now() -> int:
    return int(time.time())


# --------------------------------------------------------------------------- per-chat state


@dataclass
class _ChatState:
    chat: JSON
    next_message_id: int = 1
    bot_messages: list[BotMessage] = field(default_factory=list)
    user_messages: list[JSON] = field(default_factory=list)
    deleted_user_messages: set[int] = field(default_factory=set)
    edits: list[Edit] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)
    returned_messages: set[int] = field(default_factory=set)
    returned_edits: set[int] = field(default_factory=set)

    @property
    def id(self) -> int:
        return int(self.chat["id"])

    def take_message_id(self) -> int:
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id

    def bot_message(self, message_id: int) -> BotMessage | None:
        for message in self.bot_messages:
            if message.message_id == message_id and not message.deleted:
                return message
        return None

    def user_message(self, message_id: int) -> JSON | None:
        if message_id in self.deleted_user_messages:
            return None
        for message in self.user_messages:
            if message["message_id"] == message_id:
                return message
        return None

    def has_message(self, message_id: int) -> bool:
        return self.bot_message(message_id) is not None or self.user_message(message_id) is not None

    def delete(self, message_id: int) -> bool:
        if (message := self.bot_message(message_id)) is not None:
            message.deleted = True
            return True
        if self.user_message(message_id) is not None:
            self.deleted_user_messages.add(message_id)
            return True
        return False

    def describe(self, limit: int = 10) -> str:
        if not self.bot_messages:
            return f"  chat {self.id}: the bot has sent nothing here"
        lines = [f"  chat {self.id}, last {limit} bot messages:"]
        for message in self.bot_messages[-limit:]:
            seen = " (already returned)" if message.message_id in self.returned_messages else ""
            lines.append(
                f"    #{message.message_id}{seen} {message.kind}: {message.text[:300]!r}"
                f" buttons={message.buttons}"
            )
        return "\n".join(lines)


# --------------------------------------------------------------------------- flood control


@dataclass
class _RateLimiter:
    """Sliding-window counts of successful sends: at most ``total`` in any ``window`` seconds,
    and at most ``per_chat`` to one chat (None: no such limit)."""

    total: int | None
    per_chat: int | None
    window: float
    sent: deque[float] = field(default_factory=deque)
    sent_to: defaultdict[int, deque[float]] = field(default_factory=lambda: defaultdict(deque))

    def retry_after(self, chat_id: int, now: float) -> int | None:
        """Whole seconds (rounded up, at least 1) until a send to the chat fits; None: it fits."""
        wait = max(
            self._wait(self.sent, self.total, now),
            self._wait(self.sent_to[chat_id], self.per_chat, now),
        )
        return max(1, math.ceil(wait)) if wait > 0 else None

    def record(self, chat_id: int, now: float) -> None:
        self.sent.append(now)
        self.sent_to[chat_id].append(now)

    def _wait(self, times: deque[float], limit: int | None, now: float) -> float:
        while times and times[0] <= now - self.window:
            times.popleft()
        if limit is None or len(times) < limit:
            return 0.0
        return times[-limit] + self.window - now  # when the send that must leave does


class SendTime(NamedTuple):
    """A successful sending call: when (``time.monotonic()``) and to which chat."""

    at: float
    chat_id: int


def _max_in_window(times: list[float], window: float) -> int:
    """The most timestamps (sorted) that fit in one half-open window of ``window`` seconds."""
    most, first = 0, 0
    for last, at in enumerate(times):
        while at - times[first] >= window:
            first += 1
        most = max(most, last - first + 1)
    return most


Handler = Callable[[Params], Awaitable[Any]]
MessageRef = BotMessage | tuple[int, int]


# --------------------------------------------------------------------------- the server


class FakeBotAPI:
    """The fake Bot API server and the fake Telegram users around it (see module docstring)."""

    def __init__(
        self,
        token: str = TOKEN,
        *,
        username: str = BOT_USERNAME,
        first_name: str = BOT_FIRST_NAME,
        require_known_chats: bool = True,
    ) -> None:
        """``require_known_chats``: sending to a chat no fake user has written in (and that was
        not opened with ``open_chat``) fails with "chat not found", as on Telegram."""
        self.token = token
        self.bot_id = int(token.split(":", 1)[0])
        self.username = username
        self.first_name = first_name
        self.require_known_chats = require_known_chats
        self.url = ""
        self.calls: list[Call] = []
        self.unexpected_calls: list[Call] = []
        self.errors: list[RecordedError] = []
        self.callback_answers: dict[str, CallbackAnswer] = {}
        self.webhook_url = ""
        self.poll_count = 0
        self._runner: web.AppRunner | None = None
        self._closing = False
        self._changed = asyncio.Event()
        self._chats: dict[int, _ChatState] = {}
        self._updates: list[JSON] = []
        self._update_ids = itertools.count(700_000_001)
        self._confirmed_below = 0
        self._allowed_updates: frozenset[str] | None = None
        self._callback_ids = itertools.count(4_321_000_000_000_000_001)
        self._issued_callbacks: set[str] = set()
        self._files: dict[str, StoredFile] = {}
        self._file_numbers = itertools.count(1)
        self._commands: dict[tuple[str, str], list[JSON]] = {}
        self._blocked: set[int] = set()
        self._faults: defaultdict[str, deque[int]] = defaultdict(deque)
        self._holds: dict[str, tuple[asyncio.Event, asyncio.Event]] = {}
        self._delays: dict[str, float] = {}
        self.in_flight: defaultdict[str, int] = defaultdict(int)  # delayed calls under way
        self.sends: list[SendTime] = []  # every successful sending call, limited or not
        self.rate_refusals = 0  # 429s from limit_rate (not from fail_next)
        self._rate_limiter: _RateLimiter | None = None
        self._handlers = self._handler_table()
        self._canonical = {name.lower(): name for name in self._handlers}

    # ---------------------------------------------------------------- lifecycle

    async def start(self) -> Self:
        app = web.Application(client_max_size=MAX_UPLOAD_SIZE + 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_download)
        app.router.add_route("*", "/{tail:.*}", self._handle_unknown_path)
        runner = web.AppRunner(
            app, handler_cancellation=True, shutdown_timeout=2.0, access_log=None
        )
        await runner.setup()
        self._runner = runner
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        self.url = f"http://127.0.0.1:{runner.addresses[0][1]}"
        return self

    async def close(self) -> None:
        """Stop serving; pending long polls return [] at once."""
        if self._runner is None:
            return
        self._closing = True
        self._notify()
        runner, self._runner = self._runner, None
        await runner.cleanup()

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    # ---------------------------------------------------------------- fault injection

    def block(self, user_id: int) -> None:
        """Every send/edit/delete to this chat fails with 403 "bot was blocked by the user"."""
        self._blocked.add(user_id)

    def unblock(self, user_id: int) -> None:
        self._blocked.discard(user_id)

    def fail_next(self, method: str, retry_after: int = 1) -> None:
        """The next call of ``method`` fails with 429 Too Many Requests (calls stack up)."""
        self._faults[method.lower()].append(retry_after)

    def hold(self, method: str) -> tuple[asyncio.Event, asyncio.Event]:
        """The next call of ``method`` waits until the test sets the returned ``release``.

        Returns ``(arrived, release)``: ``arrived`` is set when the call comes in, so a test
        can act while the bot is in the middle of an update (e.g. send SIGTERM).
        """
        gate = (asyncio.Event(), asyncio.Event())
        self._holds[method.lower()] = gate
        return gate

    def delay(self, method: str, seconds: float) -> None:
        """Every call of ``method`` takes ``seconds`` (a slow network) until set to 0;
        ``in_flight[method]`` counts those under way."""
        self._delays[method.lower()] = seconds

    def limit_rate(
        self,
        total_per_second: int | None = 30,
        per_chat_per_second: int | None = 1,
        *,
        window: float = 1.0,
    ) -> None:
        """From now on refuse, as Telegram does, a sendMessage, sendPhoto or sendDocument that
        would make more than ``total_per_second`` successful sends overall, or more than
        ``per_chat_per_second`` to one chat, within any ``window`` seconds (a shorter window
        lets a test see the window pass without waiting a whole second).

        The refusal is a 429 with ``retry_after`` = whole seconds until the window has room
        (rounded up, at least 1), recorded in ``errors`` with ``injected=False`` and counted in
        ``rate_refusals``; it creates no message and does not count toward the window. None
        lifts that limit; ``limit_rate(None, None)`` turns the limiter off. Each call starts
        with empty windows. Edits, answerCallbackQuery, getUpdates etc. are never limited."""
        for limit in (total_per_second, per_chat_per_second):
            if limit is not None and limit < 1:
                raise ValueError(f"a rate limit is at least 1 send, got {limit}")
        if window <= 0:
            raise ValueError(f"the window must be positive, got {window}")
        off = total_per_second is None and per_chat_per_second is None
        self._rate_limiter = (
            None if off else _RateLimiter(total_per_second, per_chat_per_second, window)
        )

    def max_sends_in_any_second(self, chat_id: int | None = None) -> int:
        """The most successful sends (to ``chat_id``, or overall) within any one second."""
        times = [send.at for send in self.sends if chat_id is None or send.chat_id == chat_id]
        return _max_in_window(times, 1.0)

    def open_chat(self, who: FakeUser | FakeChat) -> None:
        """Make a chat known to the bot without a message in it (user pressed Start long ago)."""
        self._state_for(who)

    # ---------------------------------------------------------------- acting as users

    def send_text(self, user: FakeUser, text: str, chat: FakeChat | None = None) -> JSON:
        """Queue a text message (a leading /command gets its bot_command entity).

        Returns the queued Update; its ``message`` is the user's message."""
        content: JSON = {"text": text}
        word = text.split(maxsplit=1)[0] if text.strip() else ""
        if word.startswith("/") and len(word) > 1:
            content["entities"] = [
                {"type": "bot_command", "offset": 0, "length": _utf16_length(word)}
            ]
        return self._post(user, chat, content)

    def send_unreadable(self, user: FakeUser, text: str) -> JSON:
        """An update the Bot API could send but aiogram cannot read (a field of a newer API
        in a shape it does not know): here a message whose ``date`` is not a timestamp."""
        state = self._state_for(user)
        message: JSON = {
            "message_id": state.take_message_id(),
            "from": user.to_json(),
            "chat": state.chat,
            "date": {"unexpected": "shape"},
            "text": text,
        }
        return self._queue_update("message", message)

    def send_contact(
        self,
        user: FakeUser,
        phone_number: str,
        first_name: str | None = None,
        user_id: int | EllipsisType | None = ...,
        *,
        chat: FakeChat | None = None,
    ) -> JSON:
        """Queue a contact. By default the user's own ("share my contact"): user_id = sender.
        Pass another ``user_id`` for someone else's contact, or None for one without it."""
        contact: JSON = {"phone_number": phone_number, "first_name": first_name or user.first_name}
        if first_name is None and user.last_name is not None:
            contact["last_name"] = user.last_name
        owner = user.id if isinstance(user_id, EllipsisType) else user_id
        if owner is not None:
            contact["user_id"] = owner
        return self._post(user, chat, {"contact": contact})

    def send_document(
        self,
        user: FakeUser,
        filename: str,
        content: bytes,
        mime_type: str = "application/octet-stream",
        *,
        caption: str | None = None,
        chat: FakeChat | None = None,
    ) -> JSON:
        stored = self._store_file("document", content, filename=filename, mime_type=mime_type)
        payload: JSON = {"document": stored.to_json()}
        if caption is not None:
            payload["caption"] = caption
        return self._post(user, chat, payload)

    def send_photo(
        self,
        user: FakeUser,
        content: bytes,
        *,
        caption: str | None = None,
        chat: FakeChat | None = None,
    ) -> JSON:
        """Queue a photo with two sizes (both serve ``content``: the fake does not resize)."""
        sizes = [
            self._store_file("photo", content).photo_size(90, 68),
            self._store_file("photo", content).photo_size(1280, 960),
        ]
        payload: JSON = {"photo": sizes}
        if caption is not None:
            payload["caption"] = caption
        return self._post(user, chat, payload)

    def send_sticker(
        self, user: FakeUser, emoji: str = "👍", *, chat: FakeChat | None = None
    ) -> JSON:
        stored = self._store_file("sticker", b"RIFF\x00\x00\x00\x00WEBPVP8 ")
        sticker = stored.to_json() | {
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
        }
        return self._post(user, chat, {"sticker": sticker})

    def send_location(
        self,
        user: FakeUser,
        latitude: float = 55.755864,
        longitude: float = 37.617698,
        *,
        chat: FakeChat | None = None,
    ) -> JSON:
        return self._post(user, chat, {"location": {"latitude": latitude, "longitude": longitude}})

    def press(self, user: FakeUser, message: MessageRef, button_text: str) -> str:
        """Press the inline button with this exact text on the message as it is now.

        Returns the callback query id (see ``wait_for_callback_answer``)."""
        current = self._current_message(message)
        if current.chat["type"] == "private" and current.chat_id != user.id:
            raise AssertionError(f"user {user.id} cannot see private chat {current.chat_id}")
        data = current.button_data(button_text)
        return self._queue_callback(user, current.chat_id, current.message_id, data)

    def press_data(self, user: FakeUser, chat_id: int, message_id: int, data: str) -> str:
        """Queue a callback query with arbitrary (possibly forged) data; returns its id."""
        return self._queue_callback(user, chat_id, message_id, data)

    # ---------------------------------------------------------------- reading what the bot did

    def messages(self, chat_id: int) -> list[BotMessage]:
        """Every message the bot sent to this chat, oldest first (deleted ones included)."""
        state = self._chats.get(chat_id)
        return list(state.bot_messages) if state else []

    def user_messages(self, chat_id: int) -> list[JSON]:
        state = self._chats.get(chat_id)
        return list(state.user_messages) if state else []

    def edits(self, chat_id: int) -> list[Edit]:
        state = self._chats.get(chat_id)
        return list(state.edits) if state else []

    def chat_actions(self, chat_id: int) -> list[str]:
        state = self._chats.get(chat_id)
        return list(state.actions) if state else []

    def file_content(self, file_id: str) -> bytes:
        return self._files[file_id].content

    @property
    def commands(self) -> list[JSON]:
        """Commands set for the default scope and no language."""
        return self.commands_for()

    def commands_for(self, scope: JSON | None = None, language_code: str = "") -> list[JSON]:
        return list(self._commands.get(_commands_key(scope, language_code), []))

    @property
    def pending_updates(self) -> list[JSON]:
        """Updates queued and not yet confirmed by the bot."""
        return list(self._updates)

    def assert_no_errors(self) -> None:
        """Fail if the bot got a 4xx it did not ask for, or called a method the fake lacks."""
        mistakes = [error for error in self.errors if not error.injected]
        if mistakes or self.unexpected_calls:
            raise AssertionError(
                f"bot API errors: {mistakes}\nunexpected calls: {self.unexpected_calls}"
            )

    async def wait_for_message(
        self,
        chat_id: int,
        timeout: float = 10.0,
        predicate: Callable[[BotMessage], bool] | None = None,
    ) -> BotMessage:
        """The earliest bot message to the chat, matching ``predicate``, not returned before.

        Messages sent before the call count too; each message is returned at most once."""

        def probe() -> BotMessage | None:
            state = self._chats.get(chat_id)
            if state is None:
                return None
            for message in state.bot_messages:
                fresh = message.message_id not in state.returned_messages
                if fresh and (predicate is None or predicate(message)):
                    state.returned_messages.add(message.message_id)
                    return message
            return None

        return await self._wait_for(
            probe, timeout, lambda: f"no new bot message in chat {chat_id}", chat_id
        )

    async def wait_for_edit(
        self,
        chat_id: int,
        timeout: float = 10.0,
        predicate: Callable[[Edit], bool] | None = None,
    ) -> Edit:
        """The earliest edit in the chat (matching ``predicate``) no earlier wait returned."""

        def probe() -> Edit | None:
            state = self._chats.get(chat_id)
            if state is None:
                return None
            for index, edit in enumerate(state.edits):
                if index not in state.returned_edits and (predicate is None or predicate(edit)):
                    state.returned_edits.add(index)
                    return edit
            return None

        return await self._wait_for(
            probe, timeout, lambda: f"no new edit in chat {chat_id}", chat_id
        )

    async def wait_for_callback_answer(
        self,
        callback_id: str,
        timeout: float = 10.0,
    ) -> CallbackAnswer:
        return await self._wait_for(
            lambda: self.callback_answers.get(callback_id),
            timeout,
            lambda: f"the bot did not answer callback query {callback_id}",
        )

    async def wait_until_polling(
        self,
        timeout: float = 10.0,
        since: int = 0,
    ) -> None:
        """Resolve once the bot has called getUpdates more than ``since`` times in total."""
        await self._wait_for(
            lambda: True if self.poll_count > since else None,
            timeout,
            lambda: (
                f"the bot did not call getUpdates (calls so far: {[c.method for c in self.calls]})"
            ),
        )

    async def wait_until_confirmed(
        self,
        update: JSON | int,
        timeout: float = 10.0,
    ) -> None:
        """Resolve once the bot confirmed the update (a getUpdates with a higher offset)."""
        update_id = update if isinstance(update, int) else int(update["update_id"])
        await self._wait_for(
            lambda: True if self._confirmed_below > update_id else None,
            timeout,
            lambda: f"the bot did not confirm update {update_id}",
        )

    # ---------------------------------------------------------------- internals: waiting

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    async def _wait_changed(self, seconds: float) -> None:
        changed = self._changed
        with suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await changed.wait()

    async def _wait_for(
        self,
        probe: Callable[[], T | None],
        seconds: float,
        what: Callable[[], str],
        chat_id: int | None = None,
    ) -> T:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while (found := probe()) is None:
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(f"{what()} within {seconds}s\n{self._diagnostics(chat_id)}")
            await self._wait_changed(remaining)
        return found

    def _diagnostics(self, chat_id: int | None) -> str:
        lines = []
        if chat_id is not None:
            state = self._chats.get(chat_id)
            lines.append(state.describe() if state else f"  chat {chat_id}: unknown to the fake")
        lines.append(f"  errors: {self.errors[-5:]}")
        lines.append(f"  unexpected calls: {self.unexpected_calls[-5:]}")
        lines.append(f"  last calls: {[call.method for call in self.calls[-10:]]}")
        return "\n".join(lines)

    # ---------------------------------------------------------------- internals: users

    def _state_for(self, who: FakeUser | FakeChat) -> _ChatState:
        chat = who.private_chat() if isinstance(who, FakeUser) else who.to_json()
        return self._chats.setdefault(who.id, _ChatState(chat=chat))

    def _post(self, user: FakeUser, chat: FakeChat | None, content: JSON) -> JSON:
        state = self._state_for(chat or user)
        message: JSON = {
            "message_id": state.take_message_id(),
            "from": user.to_json(),
            "chat": state.chat,
            "date": _now(),
            **content,
        }
        state.user_messages.append(message)
        return self._queue_update("message", message)

    def _queue_update(self, kind: str, payload: JSON) -> JSON:
        update: JSON = {"update_id": next(self._update_ids), kind: payload}
        self._updates.append(update)
        self._notify()
        return update

    def _queue_callback(self, user: FakeUser, chat_id: int, message_id: int, data: str) -> str:
        callback_id = str(next(self._callback_ids))
        self._issued_callbacks.add(callback_id)
        state = self._chats.get(chat_id)
        message = state.bot_message(message_id) if state else None
        chat = state.chat if state else {"id": chat_id, "type": "private", "first_name": "?"}
        payload: JSON = {
            "id": callback_id,
            "from": user.to_json(),
            "message": message.to_json()
            if message
            else {"chat": chat, "message_id": message_id, "date": 0},
            "chat_instance": f"{-abs(chat_id)}{self.bot_id}",
            "data": data,
        }
        self._queue_update("callback_query", payload)
        return callback_id

    def _current_message(self, ref: MessageRef) -> BotMessage:
        chat_id, message_id = (ref.chat_id, ref.message_id) if isinstance(ref, BotMessage) else ref
        state = self._chats.get(chat_id)
        message = state.bot_message(message_id) if state else None
        if message is None:
            raise AssertionError(f"no live bot message #{message_id} in chat {chat_id}")
        return message

    def _store_file(
        self,
        kind: str,
        content: bytes,
        filename: str | None = None,
        mime_type: str | None = None,
    ) -> StoredFile:
        number = next(self._file_numbers)
        file_id = f"{FILE_ID_PREFIXES[kind]}{number:06d}{secrets.token_urlsafe(12)}"
        suffix = PurePosixPath(filename).suffix if filename else DEFAULT_EXTENSIONS[kind]
        stored = StoredFile(
            file_id=file_id,
            file_unique_id=_unique_id(file_id),
            kind=kind,
            content=content,
            file_path=f"{FILE_FOLDERS[kind]}/file_{number}{suffix}",
            filename=filename,
            mime_type=mime_type,
        )
        self._files[file_id] = stored
        return stored

    # ---------------------------------------------------------------- internals: HTTP

    async def _handle_api(self, request: web.Request) -> web.Response:
        name = self._canonical.get(
            request.match_info["method"].lower(), request.match_info["method"]
        )
        try:
            result = await self._serve(name, request)
        except ApiError as error:
            self.errors.append(RecordedError(name, error.description, error.status, error.injected))
            return web.json_response(error.body(), status=error.status)
        finally:
            self._notify()
        return web.json_response({"ok": True, "result": result})

    async def _serve(self, name: str, request: web.Request) -> Any:
        call = Call(name, await read_params(request))
        self.calls.append(call)
        if request.match_info["token"] != self.token:
            raise ApiError(401, "Unauthorized")
        handler = self._handlers.get(name)
        if handler is None:
            self.unexpected_calls.append(call)
            raise ApiError(404, "Not Found")
        gate = self._holds.pop(name.lower(), None)
        if gate is not None:
            gate[0].set()
            await gate[1].wait()
        delay = self._delays.get(name.lower(), 0.0)
        if delay:
            self.in_flight[name.lower()] += 1
            self._notify()
            try:
                await asyncio.sleep(delay)
            finally:
                self.in_flight[name.lower()] -= 1
        if self._faults[name.lower()]:
            retry_after = self._faults[name.lower()].popleft()
            raise ApiError(
                429,
                f"Too Many Requests: retry after {retry_after}",
                retry_after=retry_after,
                injected=True,
            )
        return await handler(Params(call.params))

    async def _handle_download(self, request: web.Request) -> web.Response:
        stored = next(
            (file for file in self._files.values() if file.file_path == request.match_info["path"]),
            None,
        )
        if request.match_info["token"] != self.token or stored is None:
            return web.json_response(ApiError(404, "Not Found").body(), status=404)
        return web.Response(body=stored.content, content_type="application/octet-stream")

    async def _handle_unknown_path(self, request: web.Request) -> web.Response:
        self.unexpected_calls.append(Call(request.path, dict(request.query)))
        return web.json_response(ApiError(404, "Not Found").body(), status=404)

    def _handler_table(self) -> dict[str, Handler]:
        return {
            "getMe": self._get_me,
            "logOut": self._return_true,
            "close": self._return_true,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "sendChatAction": self._send_chat_action,
            "answerCallbackQuery": self._answer_callback_query,
            "sendDocument": self._send_document,
            "sendPhoto": self._send_photo,
            "getFile": self._get_file,
        }

    # ---------------------------------------------------------------- methods: bot and updates

    def _bot_user(self) -> JSON:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.first_name,
            "username": self.username,
        }

    async def _get_me(self, p: Params) -> JSON:
        return self._bot_user() | {
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    async def _return_true(self, p: Params) -> bool:
        return True

    async def _get_updates(self, p: Params) -> list[JSON]:
        if self.webhook_url:
            raise ApiError(409, WEBHOOK_CONFLICT)
        offset = p.integer("offset")
        limit = min(max(p.integer("limit") or 100, 1), 100)
        allowed = p.structure("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = frozenset(str(kind) for kind in allowed) or None
        self._confirm(offset)
        self.poll_count += 1
        generation = self.poll_count
        self._notify()
        deadline = asyncio.get_running_loop().time() + max(p.integer("timeout") or 0, 0)
        while True:
            if generation != self.poll_count:
                raise ApiError(409, GET_UPDATES_CONFLICT)
            batch = self._deliverable(offset, limit)
            remaining = deadline - asyncio.get_running_loop().time()
            if batch or self._closing or remaining <= 0:
                return batch
            await self._wait_changed(remaining)

    def _confirm(self, offset: int | None) -> None:
        if offset is None:
            return
        if offset < 0:
            kept = self._updates[offset:]
            if len(kept) < len(self._updates):
                self._confirmed_below = max(
                    self._confirmed_below, kept[0]["update_id"] if kept else 0
                )
            self._updates = kept
            return
        self._confirmed_below = max(self._confirmed_below, offset)
        self._updates = [update for update in self._updates if update["update_id"] >= offset]

    def _deliverable(self, offset: int | None, limit: int) -> list[JSON]:
        def allowed(update: JSON) -> bool:
            kind = next(key for key in update if key != "update_id")
            if self._allowed_updates is None:
                return kind not in NOT_DELIVERED_BY_DEFAULT
            return kind in self._allowed_updates

        start = offset if offset is not None and offset > 0 else 0
        return [u for u in self._updates if u["update_id"] >= start and allowed(u)][:limit]

    async def _set_webhook(self, p: Params) -> bool:
        url = p.text("url") or ""
        if url and not url.startswith("https://"):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        self.webhook_url = url
        if p.flag("drop_pending_updates"):
            self._updates.clear()
        return True

    async def _delete_webhook(self, p: Params) -> bool:
        self.webhook_url = ""
        if p.flag("drop_pending_updates"):
            self._updates.clear()
        return True

    async def _get_webhook_info(self, p: Params) -> JSON:
        info: JSON = {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
        if self._allowed_updates is not None:
            info["allowed_updates"] = sorted(self._allowed_updates)
        return info

    # ---------------------------------------------------------------- methods: commands

    def _commands_key_of(self, p: Params) -> tuple[str, str]:
        scope = p.structure("scope")
        if scope is not None and (not isinstance(scope, dict) or "type" not in scope):
            raise bad_request("can't parse BotCommandScope JSON object")
        return _commands_key(scope, p.text("language_code") or "")

    async def _set_my_commands(self, p: Params) -> bool:
        key = self._commands_key_of(p)
        commands = _parse_commands(p.structure("commands"))
        if commands:
            self._commands[key] = commands
        else:
            self._commands.pop(key, None)
        return True

    async def _get_my_commands(self, p: Params) -> list[JSON]:
        return list(self._commands.get(self._commands_key_of(p), []))

    async def _delete_my_commands(self, p: Params) -> bool:
        self._commands.pop(self._commands_key_of(p), None)
        return True

    # ---------------------------------------------------------------- methods: messages

    def _chat_for_send(self, p: Params) -> _ChatState:
        chat_id = p.chat_id()
        if chat_id in self._blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user", injected=True)
        state = self._chats.get(chat_id)
        if state is None and self.require_known_chats:
            raise bad_request("chat not found")
        if state is None:
            state = _ChatState(chat={"id": chat_id, "type": "private" if chat_id > 0 else "group"})
            self._chats[chat_id] = state
        return state

    def _formatted(
        self, p: Params, text: str, entities_field: str, limit: int, too_long: str
    ) -> tuple[str, list[JSON]]:
        parse_mode = p.text("parse_mode")
        if parse_mode is not None:
            plain, entities = _parse_formatted(text, parse_mode)
        else:
            plain, entities = text, _explicit_entities(p.structure(entities_field))
        if len(plain) > limit:
            raise bad_request(too_long)
        return plain, entities

    def _check_reply_target(self, state: _ChatState, p: Params) -> None:
        reply = p.structure("reply_parameters")
        reply = reply if isinstance(reply, dict) else {}
        target = reply.get("message_id") or p.integer("reply_to_message_id")
        allowed = reply.get("allow_sending_without_reply") or p.flag("allow_sending_without_reply")
        if target and not state.has_message(int(target)) and not allowed:
            raise bad_request("message to be replied not found")

    def _admit_send(self, state: _ChatState) -> None:
        """Telegram's flood control (see ``limit_rate``): 429 for a send over the limit.

        The send is counted in ``_record``; handlers must not await in between, so that the
        check and the count are one step under asyncio."""
        if self._rate_limiter is None:
            return
        retry_after = self._rate_limiter.retry_after(state.id, time.monotonic())
        if retry_after is not None:
            self.rate_refusals += 1
            raise ApiError(
                429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after
            )

    def _record(self, state: _ChatState, message: BotMessage) -> JSON:
        now = time.monotonic()
        self.sends.append(SendTime(now, state.id))
        if self._rate_limiter is not None:
            self._rate_limiter.record(state.id, now)
        message.chat = state.chat
        message.sender = self._bot_user()
        state.bot_messages.append(message)
        return message.to_json()

    async def _send_message(self, p: Params) -> JSON:
        state = self._chat_for_send(p)
        self._admit_send(state)
        text = p.text("text") or ""
        if not text.strip():
            raise bad_request("message text is empty")
        plain, entities = self._formatted(
            p, text, "entities", MAX_MESSAGE_LENGTH, "message is too long"
        )
        if not plain.strip():
            raise bad_request("message text is empty")
        markup = parse_reply_markup(p.structure("reply_markup"))
        self._check_reply_target(state, p)
        message = BotMessage(
            chat_id=state.id,
            message_id=state.take_message_id(),
            kind="text",
            text=text,
            parse_mode=p.text("parse_mode"),
            plain_text=plain,
            entities=entities,
            reply_markup=markup,
            date=_now(),
        )
        return self._record(state, message)

    def _message_to_edit(self, p: Params) -> tuple[_ChatState, BotMessage]:
        if p.value("inline_message_id") is not None:
            raise bad_request("inline messages are not supported by the fake Bot API")
        state = self._chat_for_send(p)
        message_id = p.integer("message_id")
        if message_id is None:
            raise bad_request("message identifier is not specified")
        message = state.bot_message(message_id)
        if message is None and state.user_message(message_id) is not None:
            raise bad_request("message can't be edited")
        if message is None:
            raise bad_request("message to edit not found")
        return state, message

    async def _edit_message_text(self, p: Params) -> JSON:
        state, message = self._message_to_edit(p)
        if message.kind != "text":
            raise bad_request("there is no text in the message to edit")
        text = p.text("text") or ""
        plain, entities = self._formatted(
            p, text, "entities", MAX_MESSAGE_LENGTH, "message is too long"
        )
        if not plain.strip():
            raise bad_request("message text is empty")
        markup = _parse_inline_only(p.structure("reply_markup"))
        if (plain, entities, markup) == (
            message.plain_text,
            message.entities,
            message.inline_markup,
        ):
            raise bad_request(NOT_MODIFIED)
        edit = Edit("editMessageText", text, markup, _now(), message)
        message.apply_edit(edit, plain, entities, p.text("parse_mode"))
        state.edits.append(edit)
        return message.to_json()

    async def _edit_message_reply_markup(self, p: Params) -> JSON:
        state, message = self._message_to_edit(p)
        markup = _parse_inline_only(p.structure("reply_markup"))
        if markup == message.inline_markup:
            raise bad_request(NOT_MODIFIED)
        edit = Edit("editMessageReplyMarkup", message.text, markup, _now(), message)
        message.apply_edit(edit, message.plain_text, message.entities, message.parse_mode)
        state.edits.append(edit)
        return message.to_json()

    async def _delete_message(self, p: Params) -> bool:
        state = self._chat_for_send(p)
        message_id = p.integer("message_id")
        if message_id is None:
            raise bad_request("message identifier is not specified")
        if not state.delete(message_id):
            raise bad_request("message to delete not found")
        return True

    async def _send_chat_action(self, p: Params) -> bool:
        state = self._chat_for_send(p)
        action = p.text("action") or ""
        if action not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        state.actions.append(action)
        return True

    async def _answer_callback_query(self, p: Params) -> bool:
        callback_id = p.text("callback_query_id") or ""
        if callback_id not in self._issued_callbacks or callback_id in self.callback_answers:
            raise bad_request(QUERY_TOO_OLD)
        text = p.text("text")
        if text is not None and len(text) > MAX_CALLBACK_ANSWER_LENGTH:
            raise bad_request("MESSAGE_TOO_LONG")
        self.callback_answers[callback_id] = CallbackAnswer(
            callback_id, text, p.flag("show_alert"), p.text("url")
        )
        return True

    # ---------------------------------------------------------------- methods: files

    async def _send_document(self, p: Params) -> JSON:
        return self._send_media(p, "document")

    async def _send_photo(self, p: Params) -> JSON:
        return self._send_media(p, "photo")

    def _send_media(self, p: Params, kind: str) -> JSON:
        state = self._chat_for_send(p)
        self._admit_send(state)
        stored = self._media_source(p, kind)
        caption = p.text("caption") or ""
        plain, entities = self._formatted(
            p, caption, "caption_entities", MAX_CAPTION_LENGTH, "message caption is too long"
        )
        markup = parse_reply_markup(p.structure("reply_markup"))
        self._check_reply_target(state, p)
        sent = SentFile(
            stored.filename, stored.content, p.text("caption"), stored.mime_type, stored.file_id
        )
        message = BotMessage(
            chat_id=state.id,
            message_id=state.take_message_id(),
            kind=kind,
            text=caption,
            parse_mode=p.text("parse_mode"),
            plain_text=plain,
            entities=entities,
            reply_markup=markup,
            date=_now(),
            document=sent if kind == "document" else None,
            photo=sent if kind == "photo" else None,
        )
        return self._record(state, message)

    def _media_source(self, p: Params, kind: str) -> StoredFile:
        source = p.raw.get(kind)
        if isinstance(source, UploadedFile):
            if not source.content:
                raise bad_request("file must be non-empty")
            mime = _guess_mime(source.filename, source.content_type)
            return self._store_file(kind, source.content, filename=source.filename, mime_type=mime)
        if isinstance(source, str) and source:
            stored = self._files.get(source)
            if stored is None:
                raise bad_request("wrong file identifier/HTTP URL specified")
            if stored.kind != kind:
                raise bad_request(f"can't use file of type {stored.kind.title()} as {kind.title()}")
            return stored
        raise bad_request(f"there is no {kind} in the request")

    async def _get_file(self, p: Params) -> JSON:
        stored = self._files.get(p.text("file_id") or "")
        if stored is None:
            raise bad_request("invalid file_id")
        if len(stored.content) > MAX_DOWNLOAD_SIZE:
            raise bad_request("file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.content),
            "file_path": stored.file_path,
        }


def _commands_key(scope: JSON | None, language_code: str) -> tuple[str, str]:
    return json.dumps(scope or {"type": "default"}, sort_keys=True), language_code
