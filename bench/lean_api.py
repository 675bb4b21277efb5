"""A lean fake Bot API and lean people for ``bench/processes.py``: measurement apparatus that
leaves the CPU to the bots.

The tests' fake (``tests/fake_bot_api.py``) checks every call as Telegram would (HTML parsed
into entities, keyboards validated, every message kept) and runs on aiohttp's server; that
took 38–43% of a core in the bench, on a machine whose two cores must also carry the bots,
PostgreSQL and Redis. Here:

- the server is an ``asyncio.Protocol`` speaking just enough HTTP/1.1 (``Content-Length``
  bodies, kept-alive connections) for aiogram's aiohttp session; it answers ``sendMessage``
  with a message built from a bytes template (the chat's next message number, the chat, the
  date), and anything else with ``true``;
- it reads only what the people wait for: the ``text`` and ``chat_id`` of a sent message, and
  its inline keyboard while a person opens the form (not timed);
- each person posts updates formatted from pre-serialised bytes over kept-alive connections
  of their own, one per bot process, with a minimal HTTP/1.1 client.

A person's messages and the bot's share one counter per chat, as on Telegram: the dialog reads
the message numbers (an answer typed before the bot's reply appeared is told apart by them).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from tests.fake_bot_api import TOKEN
from tests.webhook_processes import SECRET

MESSAGE = (
    b'{"ok":true,"result":{"message_id":%d,"date":%d,'
    b'"chat":{"id":%d,"type":"private","first_name":"p"}}}'
)
TRUE = b'{"ok":true,"result":true}'
HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n"


@dataclass
class Chat:
    """One person's chat: the shared message counter, what they wait for, the last keyboard."""

    numbers: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    fragment: str = ""
    waiter: asyncio.Future[str] | None = None
    keyboard: list[list[dict[str, Any]]] = field(default_factory=list)
    keyboard_message: int = 0

    def expect(self, fragment: str) -> asyncio.Future[str]:
        """A future resolved with the first message sent to the chat containing ``fragment``."""
        self.fragment = fragment
        self.waiter = asyncio.get_running_loop().create_future()
        return self.waiter

    def sent(self, text: str) -> None:
        waiter = self.waiter
        if waiter is not None and not waiter.done() and self.fragment in text:
            self.waiter = None
            waiter.set_result(text)


class LeanBotAPI:
    """The server side: ``url`` for TELEGRAM_API_URL, ``webhook_url`` once the bot set it."""

    def __init__(self) -> None:
        self.token = TOKEN
        self.url = ""
        self.webhook_url = ""
        self.chats: dict[int, Chat] = {}
        self.calls = 0
        self._server: asyncio.Server | None = None

    def chat(self, chat_id: int) -> Chat:
        found = self.chats.get(chat_id)
        if found is None:
            found = self.chats[chat_id] = Chat()
        return found

    async def __aenter__(self) -> LeanBotAPI:
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(lambda: _ApiProtocol(self), "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._server is not None:
            self._server.close()

    def answer(self, method: str, body: bytes) -> bytes:
        """The response body to one call."""
        self.calls += 1
        if method == "sendmessage":
            return self._send_message(parse_qs(body.decode()))
        if method == "setwebhook":
            self.webhook_url = parse_qs(body.decode()).get("url", [""])[0]
        return TRUE

    def _send_message(self, params: dict[str, list[str]]) -> bytes:
        chat_id = int(params["chat_id"][0])
        chat = self.chat(chat_id)
        number = next(chat.numbers)
        if "reply_markup" in params:  # only while a person opens the form
            markup = json.loads(params["reply_markup"][0])
            if "inline_keyboard" in markup:
                chat.keyboard, chat.keyboard_message = markup["inline_keyboard"], number
        chat.sent(params.get("text", [""])[0])
        return MESSAGE % (number, int(time.time()), chat_id)


class _ApiProtocol(asyncio.Protocol):
    """HTTP/1.1 with Content-Length bodies and keep-alive: what aiogram's session sends."""

    def __init__(self, api: LeanBotAPI) -> None:
        self.api = api
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while self._one():
            pass

    def _one(self) -> bool:
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            return False
        head = self.buffer[:end].decode("latin-1")
        length = 0
        for line in head.split("\r\n")[1:]:
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)
            elif name.strip().lower() == "transfer-encoding":
                raise AssertionError("the lean fake reads Content-Length bodies only")
        if len(self.buffer) < end + 4 + length:
            return False
        body = self.buffer[end + 4 : end + 4 + length]
        self.buffer = self.buffer[end + 4 + length :]
        path = head.split(" ", 2)[1]
        payload = self.api.answer(path.rsplit("/", 1)[-1].lower(), body)
        assert self.transport is not None
        self.transport.write(HEAD % len(payload) + payload)
        return True


class Person:
    """One simulated person: their chat, their updates pre-serialised, a connection per bot."""

    def __init__(self, api: LeanBotAPI, user_id: int, name: str, ids: itertools.count[int]):
        self.api, self.id, self.ids = api, user_id, ids
        self.chat = api.chat(user_id)
        who = json.dumps(
            {"id": user_id, "is_bot": False, "first_name": name, "language_code": "ru"}
        )
        where = json.dumps({"id": user_id, "type": "private", "first_name": name})
        self._message = (
            f'{{"update_id":%d,"message":{{"message_id":%d,"from":{who},"chat":{where},'
            f'"date":%d,%s}}}}'
        ).encode()
        self._callback = (
            f'{{"update_id":%d,"callback_query":{{"id":"%d","from":{who},'
            f'"message":{{"message_id":%d,"chat":{where},"date":%d,"text":"-"}},'
            f'"chat_instance":"{user_id}","data":%s}}}}'
        ).encode()
        self._texts: dict[str, bytes] = {}

    def text(self, words: str) -> bytes:
        """The update of a text message (its content serialised once per text)."""
        content = self._texts.get(words)
        if content is None:
            item: dict[str, Any] = {"text": words}
            if words.startswith("/"):
                item["entities"] = [{"type": "bot_command", "offset": 0, "length": len(words)}]
            content = self._texts[words] = json.dumps(item)[1:-1].encode()
        number = next(self.chat.numbers)
        return self._message % (next(self.ids), number, int(time.time()), content)

    def press(self, button: str) -> bytes:
        """The callback query of the inline button whose text contains ``button``."""
        for row in self.chat.keyboard:
            for key in row:
                if button in key["text"]:
                    data = json.dumps(key["callback_data"]).encode()
                    update_id = next(self.ids)
                    message, now = self.chat.keyboard_message, int(time.time())
                    return self._callback % (update_id, update_id, message, now, data)
        raise AssertionError(f"no button {button!r} in {self.chat.keyboard}")


class Webhook:
    """A kept-alive connection to one bot process's webhook, with a minimal HTTP client."""

    def __init__(self, port: int, path: str = "/telegram/webhook") -> None:
        self.port = port
        self.head = (
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Content-Type: application/json\r\nX-Telegram-Bot-Api-Secret-Token: {SECRET}\r\n"
            "Content-Length: %d\r\n\r\n"
        ).encode()
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, body: bytes) -> None:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        assert self.reader is not None
        self.writer.write(self.head % len(body) + body)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = head[9:12]
        assert status == b"200", head
        length = 0
        for line in head.split(b"\r\n"):
            if line[:15].lower() == b"content-length:":
                length = int(line[15:])
        if length:
            await self.reader.readexactly(length)

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None


class Balancer:
    """Hands each update to the next process in turn, as a load balancer would; every person
    keeps a connection of their own to every process (``hooks``)."""

    def __init__(self, ports: list[int]) -> None:
        self.ports = ports
        self.sent = 0

    def hooks(self) -> list[Webhook]:
        return [Webhook(port) for port in self.ports]

    async def post(self, hooks: list[Webhook], body: bytes) -> None:
        index = self.sent % len(hooks)
        self.sent += 1
        await hooks[index].post(body)
