"""In-process fake of the Telegram Bot API for end-to-end tests.

`FakeTelegram` is a small aiohttp server on 127.0.0.1 that speaks enough of the Bot API for the
real python-telegram-bot `Application` (long polling) to run against it. Fake users send
messages and tap buttons; tests wait for the bot's replies with asyncio conditions (no
sleep-polling). Requests are validated the way Telegram does (text length, HTML markup,
callback data, keyboards, unknown chats); every such rejection is recorded in
`FakeTelegram.errors`, so a test can finish with ``assert not fake.errors``.

Typical use::

    fake = FakeTelegram()
    await fake.start()
    app = ApplicationBuilder().token(TOKEN).base_url(fake.base_url).build()
    async with fake.running(app):
        amal = fake.user(1001)
        await amal.send("/start")
        [reply] = await amal.wait_messages()
    await fake.stop()
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import re
import struct
import time
import zlib
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import BodyPartReader, web

BOT_USERNAME = "meedoen_test_bot"
BOT_FIRST_NAME = "Meedoen"
DEFAULT_BOT_ID = 7_000_000_001

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_CALLBACK_ANSWER_LENGTH = 200
MAX_KEYBOARD_BUTTONS = 100

ParamDict = dict[str, Any]
"""Request parameters: strings for form/multipart requests, JSON values for JSON bodies."""

ALLOWED_HTML_TAGS = frozenset(
    {
        "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a",
        "code", "pre", "tg-spoiler", "span", "blockquote",
    }
)  # fmt: skip
_TAG_ENTITY = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
    "ins": "underline", "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough",
    "a": "text_link", "code": "code", "pre": "pre", "tg-spoiler": "spoiler", "span": "spoiler",
    "blockquote": "blockquote",
}  # fmt: skip
_NAMED_HTML_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_RE = re.compile(r"&(?:#(?:[xX]([0-9a-fA-F]{1,6})|([0-9]{1,7}))|([a-zA-Z][a-zA-Z0-9]*));")
_CHAT_ACTIONS = frozenset(
    {
        "typing", "upload_photo", "record_video", "upload_video", "record_voice",
        "upload_voice", "upload_document", "choose_sticker", "find_location",
        "record_video_note", "upload_video_note",
    }
)  # fmt: skip
_BUTTON_ACTIONS = (
    "callback_data", "url", "login_url", "switch_inline_query", "web_app", "pay",
    "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "callback_game",
    "copy_text",
)  # fmt: skip
_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
_MEDIA_METHODS = {
    "sendphoto": "photo", "senddocument": "document", "sendvoice": "voice",
    "sendaudio": "audio", "sendvideo": "video", "sendanimation": "animation",
    "sendsticker": "sticker",
}  # fmt: skip
_SETTING_METHODS = frozenset(
    {"setmydescription", "setmyshortdescription", "setmyname", "setchatmenubutton"}
)
# Methods counted by `rate_limit` and refused for blocked chats.
_SEND_PREFIXES = ("send", "edit", "copy", "forward")

_FAULT_DESCRIPTIONS = {
    400: "Bad Request: injected failure",
    403: "Forbidden: bot was blocked by the user",
    409: "Conflict: terminated by other getUpdates request",
    500: "Internal Server Error",
    502: "Bad Gateway",
}


# --------------------------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------------------------


@dataclass
class ApiError:
    """A request the fake rejected (validation error or unknown method)."""

    method: str
    error_code: int
    description: str
    params: ParamDict = field(repr=False)


@dataclass
class ApiCall:
    """One request as received (files are listed by parameter name)."""

    method: str
    params: ParamDict
    files: list[str]
    ok: bool = True


@dataclass
class UploadedFile:
    """A file known to the fake: uploaded by the bot or sent by a fake user."""

    file_id: str
    data: bytes
    filename: str | None = None
    content_type: str | None = None
    file_path: str = ""


@dataclass
class SentMessage:
    """A message the bot sent (or an edit of one): one event for `FakeUser.wait_messages`.

    `text`/`caption` are what the user sees (markup parsed); `raw_text`/`raw_caption` are
    what the bot sent. For edits, `method` is the edit method and the original record in
    `FakeUser.messages` is updated in place as well.
    """

    method: str
    chat_id: int
    message_id: int
    text: str | None = None
    caption: str | None = None
    raw_text: str | None = None
    raw_caption: str | None = None
    parse_mode: str | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)
    reply_markup: dict[str, Any] | None = None
    media_type: str | None = None
    file: bytes | None = None
    filename: str | None = None
    file_ref: str | None = None
    params: ParamDict = field(default_factory=dict)
    edited: bool = False
    deleted: bool = False
    json: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def body(self) -> str:
        """The visible text or caption ("" if neither)."""
        return self.text if self.text is not None else (self.caption or "")

    @property
    def buttons(self) -> list[list[dict[str, Any]]]:
        """Inline keyboard rows (each button a dict with text and callback_data/url/...)."""
        if not self.reply_markup:
            return []
        return list(self.reply_markup.get("inline_keyboard") or [])

    @property
    def button_texts(self) -> list[str]:
        """Texts of all inline buttons, row by row."""
        return [button.get("text", "") for row in self.buttons for button in row]

    @property
    def keyboard(self) -> list[list[str]]:
        """Reply-keyboard rows as button texts (empty without a reply keyboard)."""
        rows = (self.reply_markup or {}).get("keyboard") or []
        return [[b["text"] if isinstance(b, dict) else str(b) for b in row] for row in rows]

    @property
    def photo(self) -> bytes | None:
        """Uploaded photo bytes, if this is an uploaded photo."""
        return self.file if self.media_type == "photo" else None

    @property
    def document(self) -> bytes | None:
        """Uploaded document bytes, if this is an uploaded document."""
        return self.file if self.media_type == "document" else None

    def find_button(self, label: str) -> dict[str, Any] | None:
        """The inline button whose text or callback_data equals `label`, if any."""
        for row in self.buttons:
            for button in row:
                if label in (button.get("text"), button.get("callback_data")):
                    return button
        return None


@dataclass
class CallbackQueryRecord:
    """A callback query produced by a tap, and the bot's answer once given."""

    query_id: str
    user_id: int
    data: str
    message_id: int
    answer: ParamDict | None = None


class TelegramApiError(Exception):
    """Raised inside request handling; becomes a Telegram-style error response."""

    def __init__(
        self,
        error_code: int,
        description: str,
        parameters: dict[str, Any] | None = None,
        *,
        injected: bool = False,
    ) -> None:
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.parameters = parameters
        self.injected = injected

    def payload(self) -> dict[str, Any]:
        """The JSON body Telegram would answer with."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def _bad_request(reason: str) -> TelegramApiError:
    return TelegramApiError(400, f"Bad Request: {reason}")


def _bad_button(reason: str) -> TelegramApiError:
    return _bad_request(f"can't parse inline keyboard button: {reason}")


# --------------------------------------------------------------------------------------------
# HTML parse mode (modelled on Telegram's parser, a little stricter about bare '&')
# --------------------------------------------------------------------------------------------


class _HtmlError(Exception):
    pass


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _decode_entity(text: str, pos: int) -> tuple[str, int] | None:
    """Decode the HTML entity at text[pos] ('&'); return (char, end) or None if invalid."""
    match = _ENTITY_RE.match(text, pos)
    if not match:
        return None
    hex_code, dec_code, name = match.groups()
    if name is not None:
        char = _NAMED_HTML_ENTITIES.get(name)
        return (char, match.end()) if char is not None else None
    code = int(hex_code, 16) if hex_code is not None else int(dec_code)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code), match.end()


def _unescape_attribute(value: str) -> str:
    out: list[str] = []
    pos = 0
    while pos < len(value):
        decoded = _decode_entity(value, pos) if value[pos] == "&" else None
        if decoded:
            out.append(decoded[0])
            pos = decoded[1]
        else:
            out.append(value[pos])
            pos += 1
    return "".join(out)


def _parse_start_tag(text: str, pos: int, offset: int) -> tuple[str, dict[str, str], int]:
    """Parse `<name attr="v" ...>` at text[pos]; return (name, attributes, end)."""
    n = len(text)
    end = pos + 1
    while end < n and (text[end].isascii() and (text[end].isalnum() or text[end] == "-")):
        end += 1
    name = text[pos + 1 : end].lower()
    if not name or name not in ALLOWED_HTML_TAGS:
        raise _HtmlError(f'Unsupported start tag "{name}" at byte offset {offset}')
    attrs: dict[str, str] = {}
    while True:
        while end < n and text[end].isspace():
            end += 1
        if end >= n:
            raise _HtmlError(f"Unclosed start tag at byte offset {offset}")
        if text[end] == ">":
            return name, attrs, end + 1
        start = end
        while end < n and text[end].isascii() and (text[end].isalnum() or text[end] in "-_"):
            end += 1
        attr = text[start:end].lower()
        if not attr:
            raise _HtmlError(f'Empty attribute name in the tag "{name}" at byte offset {offset}')
        while end < n and text[end].isspace():
            end += 1
        if end >= n or text[end] != "=":
            attrs[attr] = ""
            continue
        end += 1
        while end < n and text[end].isspace():
            end += 1
        if end >= n:
            raise _HtmlError(f"Unclosed start tag at byte offset {offset}")
        if text[end] in "\"'":
            close = text.find(text[end], end + 1)
            if close < 0:
                raise _HtmlError(f"Unclosed start tag at byte offset {offset}")
            raw_value, end = text[end + 1 : close], close + 1
        else:
            start = end
            while end < n and not text[end].isspace() and text[end] != ">":
                end += 1
            raw_value = text[start:end]
        attrs[attr] = _unescape_attribute(raw_value)


def _make_entity(
    name: str, attrs: dict[str, str], offset: int, length: int, inner: str
) -> dict[str, Any] | None:
    kind = _TAG_ENTITY[name]
    entity: dict[str, Any] = {"type": kind, "offset": offset, "length": length}
    if name == "a":
        url = attrs.get("href") or inner
        if not url:
            return None
        entity["url"] = url
    elif name == "pre" and attrs.get("language"):
        entity["language"] = attrs["language"]
    elif name == "code" and attrs.get("class", "").startswith("language-"):
        entity["language"] = attrs["class"].removeprefix("language-")
    elif name == "blockquote" and "expandable" in attrs:
        entity["type"] = "expandable_blockquote"
    return entity


def parse_html(text: str) -> tuple[str, list[dict[str, Any]]]:
    """Parse Telegram HTML into (plain text, entities with UTF-16 offsets).

    Raises `TelegramApiError` (400 "can't parse entities") for unsupported or unbalanced tags,
    bare '<' and '&' characters and unknown named entities.
    """
    try:
        return _parse_html(text)
    except _HtmlError as exc:
        raise _bad_request(f"can't parse entities: {exc}") from None


def _parse_html(text: str) -> tuple[str, list[dict[str, Any]]]:
    out: list[str] = []
    u16 = 0
    # open tags: (name, attrs, utf16 start, index into out)
    stack: list[tuple[str, dict[str, str], int, int]] = []
    found: list[tuple[int, dict[str, Any]]] = []  # (nesting depth, entity)
    pos, n = 0, len(text)
    while pos < n:
        char = text[pos]
        if char == "&":
            decoded = _decode_entity(text, pos)
            if decoded is None:
                offset = len(text[:pos].encode())
                match = re.match(r"&[a-zA-Z][a-zA-Z0-9]*;", text[pos:])
                if match:
                    raise _HtmlError(
                        f'Unsupported HTML entity "{match.group()}" at byte offset {offset}'
                    )
                raise _HtmlError(
                    f'Character "&" at byte offset {offset} must be escaped as "&amp;"'
                )
            char, pos = decoded
            out.append(char)
            u16 += _utf16_len(char)
            continue
        if char != "<":
            out.append(char)
            u16 += 2 if ord(char) > 0xFFFF else 1
            pos += 1
            continue
        offset = len(text[:pos].encode())
        if text.startswith("</", pos):
            close = text.find(">", pos)
            if close < 0:
                raise _HtmlError(f"Unclosed end tag at byte offset {offset}")
            name = text[pos + 2 : close].strip().lower()
            if not stack:
                raise _HtmlError(f'Unexpected end tag "{name}" at byte offset {offset}')
            open_name, attrs, start, out_index = stack.pop()
            if name != open_name:
                raise _HtmlError(
                    f'Unmatched end tag at byte offset {offset}, expected "</{open_name}>", '
                    f'found "</{name}>"'
                )
            if u16 > start:
                entity = _make_entity(
                    open_name, attrs, start, u16 - start, "".join(out[out_index:])
                )
                if entity:
                    found.append((len(stack), entity))
            pos = close + 1
            continue
        name, attrs, pos = _parse_start_tag(text, pos, offset)
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise _HtmlError(f'Tag "span" must have class "tg-spoiler" at byte offset {offset}')
        stack.append((name, attrs, u16, len(out)))
    if stack:
        raise _HtmlError(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    found.sort(key=lambda item: (item[1]["offset"], -item[1]["length"], item[0]))
    return "".join(out), [entity for _, entity in found]


# --------------------------------------------------------------------------------------------
# Parameter helpers
# --------------------------------------------------------------------------------------------


def _param_str(params: ParamDict, name: str) -> str | None:
    value = params.get(name)
    if value is None:
        return None
    return value if isinstance(value, str) else json.dumps(value)


def _param_int(params: ParamDict, name: str, default: int | None = None) -> int | None:
    value = params.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise _bad_request(f"invalid {name} specified") from None


def _param_float(params: ParamDict, name: str, default: float) -> float:
    value = params.get(name)
    if value is None or value == "":
        return default
    try:
        return float(value)
    except (TypeError, ValueError):
        raise _bad_request(f"invalid {name} specified") from None


def _param_bool(params: ParamDict, name: str) -> bool:
    value = params.get(name)
    if isinstance(value, str):
        return value.lower() in ("true", "1")
    return bool(value)


def _commands_key(params: ParamDict) -> str:
    """Where setMyCommands keeps a list: the language_code ("" for the default), prefixed
    with "chat:<id>:" for BotCommandScopeChat (Bot API: BotCommandScope)."""
    language = _param_str(params, "language_code") or ""
    scope = _param_json(params, "scope", "can't parse BotCommandScope")
    if isinstance(scope, dict) and scope.get("type") == "chat":
        return f"chat:{scope.get('chat_id')}:{language}"
    return language


def _param_json(params: ParamDict, name: str, error: str) -> Any:
    value = params.get(name)
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        raise _bad_request(error) from None


def _tiny_png() -> bytes:
    """A valid 1x1 white PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


TINY_PNG = _tiny_png()
TINY_OGG = b"OggS\x00\x02" + b"\x00" * 20 + b"OpusHead"


# --------------------------------------------------------------------------------------------
# Fake user
# --------------------------------------------------------------------------------------------


class FakeUser:
    """A Telegram user in a private chat with the bot (chat id == user id)."""

    def __init__(
        self,
        fake: FakeTelegram,
        user_id: int,
        first_name: str,
        language_code: str | None,
        last_name: str | None = None,
        username: str | None = None,
    ) -> None:
        self.fake = fake
        self.id = user_id
        self.first_name = first_name
        self.last_name = last_name
        self.username = username
        self.language_code = language_code
        self.messages: list[SentMessage] = []
        """Every message the bot sent to this chat, in its current (edited) state."""
        self.events: list[SentMessage] = []
        """Every send and edit, in order (what `wait_messages` consumes)."""
        self.sent: list[dict[str, Any]] = []
        """Messages this user sent (Message JSON)."""
        self.chat_actions: list[str] = []
        self._cursor = 0

    def __repr__(self) -> str:
        return f"FakeUser(id={self.id}, first_name={self.first_name!r})"

    @property
    def chat_id(self) -> int:
        return self.id

    @property
    def last(self) -> SentMessage | None:
        """The latest message the bot sent to this chat (current state), if any."""
        live = [m for m in self.messages if not m.deleted]
        return live[-1] if live else None

    def user_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            if getattr(self, key) is not None:
                data[key] = getattr(self, key)
        return data

    def chat_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "type": "private", "first_name": self.first_name}
        if self.last_name is not None:
            data["last_name"] = self.last_name
        if self.username is not None:
            data["username"] = self.username
        return data

    # -- sending ------------------------------------------------------------------------------

    async def _send(self, content: dict[str, Any], reply_to: SentMessage | None) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": self.fake._next_message_id(self.id),
            "date": int(time.time()),
            "chat": self.chat_json(),
            "from": self.user_json(),
            **content,
        }
        if reply_to is not None:
            message["reply_to_message"] = reply_to.json
        self.sent.append(message)
        await self.fake._queue_update({"message": message})
        return message

    async def send(self, text: str, *, reply_to: SentMessage | None = None) -> dict[str, Any]:
        """Send a text message; a leading "/cmd" gets a bot_command entity."""
        content: dict[str, Any] = {"text": text}
        command = re.match(r"/[A-Za-z0-9_]+(?:@[A-Za-z0-9_]+)?", text)
        if command:
            content["entities"] = [
                {"type": "bot_command", "offset": 0, "length": _utf16_len(command.group())}
            ]
        return await self._send(content, reply_to)

    async def send_voice(
        self, data: bytes = TINY_OGG, *, duration: int = 3, mime_type: str = "audio/ogg"
    ) -> dict[str, Any]:
        """Send a voice note (its bytes are downloadable through getFile)."""
        stored = self.fake.add_file(data, kind="voice", content_type=mime_type)
        voice = {**self.fake._file_json(stored), "duration": duration, "mime_type": mime_type}
        return await self._send({"voice": voice}, None)

    async def send_photo(
        self, data: bytes = TINY_PNG, *, caption: str | None = None
    ) -> dict[str, Any]:
        """Send a photo (one size), optionally with a caption."""
        stored = self.fake.add_file(data, kind="photos", content_type="image/png")
        photo = [{**self.fake._file_json(stored), "width": 1, "height": 1}]
        content: dict[str, Any] = {"photo": photo}
        if caption is not None:
            content["caption"] = caption
        return await self._send(content, None)

    async def send_sticker(self, emoji: str = "👍") -> dict[str, Any]:
        """Send a (static) sticker."""
        stored = self.fake.add_file(b"RIFF\x00\x00\x00\x00WEBP", kind="stickers")
        sticker = {
            **self.fake._file_json(stored),
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "type": "regular",
            "emoji": emoji,
        }
        return await self._send({"sticker": sticker}, None)

    async def send_location(self, latitude: float, longitude: float) -> dict[str, Any]:
        """Share a location, as the request_location keyboard button does (Bot API Message
        .location: a Location with latitude and longitude)."""
        return await self._send({"location": {"latitude": latitude, "longitude": longitude}}, None)

    async def send_document(
        self,
        data: bytes = b"hello\n",
        *,
        file_name: str = "notes.txt",
        mime_type: str = "text/plain",
        caption: str | None = None,
    ) -> dict[str, Any]:
        """Send a document, optionally with a caption."""
        stored = self.fake.add_file(
            data, kind="documents", filename=file_name, content_type=mime_type
        )
        document = {**self.fake._file_json(stored), "file_name": file_name, "mime_type": mime_type}
        content: dict[str, Any] = {"document": document}
        if caption is not None:
            content["caption"] = caption
        return await self._send(content, None)

    async def tap(self, button: str, message: SentMessage | None = None) -> str:
        """Tap the inline button whose text or callback_data is `button`; return the query id.

        Looks on `message`, else on the latest bot message to this chat with an inline keyboard.
        """
        if message is None:
            with_keyboard = [m for m in self.messages if m.buttons and not m.deleted]
            if not with_keyboard:
                raise LookupError(f"no bot message with an inline keyboard in chat {self.id}")
            message = with_keyboard[-1]
        found = message.find_button(button)
        if found is None:
            raise LookupError(
                f"no button {button!r} on message {message.message_id}; buttons: {message.buttons}"
            )
        if "callback_data" not in found:
            raise LookupError(f"button {button!r} has no callback_data: {found}")
        return await self.fake._queue_callback(self, message, found["callback_data"])

    async def tap_data(self, data: str, message: SentMessage | None = None) -> str:
        """Send a callback query with arbitrary (possibly forged) data; return the query id."""
        if message is None:
            message = self.last
            if message is None:
                raise LookupError(f"the bot has sent nothing to chat {self.id}")
        return await self.fake._queue_callback(self, message, data)

    # -- waiting ------------------------------------------------------------------------------

    def read(self) -> list[SentMessage]:
        """Return the events not yet returned by `read`/`wait_messages`, marking them read."""
        unread = self.events[self._cursor :]
        self._cursor = len(self.events)
        return unread

    async def wait_messages(self, n: int = 1, timeout: float = 10.0) -> list[SentMessage]:
        """Wait until the bot has sent (or edited) `n` unread messages here; return them.

        Exactly `n` events are returned and marked read; later ones stay unread.
        """
        target = self._cursor + n
        try:
            await self.fake.wait_for(lambda: len(self.events) >= target, timeout)
        except TimeoutError:
            got = [f"{m.method}: {m.body!r}" for m in self.events[self._cursor :]]
            raise AssertionError(
                f"timed out after {timeout}s waiting for {n} bot message(s) to chat {self.id}; "
                f"got {got}; API errors: {self.fake.errors}"
            ) from None
        events = self.events[self._cursor : target]
        self._cursor = target
        return events


# --------------------------------------------------------------------------------------------
# The fake server
# --------------------------------------------------------------------------------------------


Handler = Callable[[str, ParamDict, dict[str, UploadedFile]], Awaitable[Any]]


class FakeTelegram:
    """A fake Telegram Bot API server on 127.0.0.1 (see the module docstring)."""

    def __init__(
        self, *, bot_username: str = BOT_USERNAME, clock: Callable[[], float] | None = None
    ) -> None:
        self.bot_username = bot_username
        self.bot_id = DEFAULT_BOT_ID
        self.token: str | None = None
        self.users: dict[int, FakeUser] = {}
        self.calls: list[ApiCall] = []
        self.errors: list[ApiError] = []
        """Requests rejected as invalid (bot bugs): tests usually assert this stays empty."""
        self.faults: list[ApiError] = []
        """Simulated delivery failures served (fail_next, block, rate_limit)."""
        self.commands: dict[str, list[dict[str, Any]]] = {}
        """setMyCommands lists by language_code ("" for the default); per chat
        ("chat:<id>:<language_code>") for BotCommandScopeChat."""
        self.settings: dict[str, dict[str, ParamDict]] = {}
        """setMyDescription/setMyName/... parameters by method then language_code."""
        self.callback_queries: dict[str, CallbackQueryRecord] = {}
        self.answered_callbacks: list[ParamDict] = []
        self.files: dict[str, UploadedFile] = {}
        self.webhook_deleted = False
        self._clock = clock
        self._updates: list[dict[str, Any]] = []
        self._next_update_id = 1
        self._message_ids: dict[int, int] = {}
        self._file_counter = 0
        self._query_counter = 0
        self._blocked: set[int] = set()
        self._pending_faults: dict[str, deque[TelegramApiError]] = {}
        self._rate_per_second: int | None = None
        self._rate_window: deque[float] = deque()
        self._changed = asyncio.Condition()
        self._closing = False
        self._runner: web.AppRunner | None = None
        self.port: int | None = None
        self._handlers: dict[str, Handler] = {
            "getme": self._get_me,
            "getupdates": self._get_updates,
            "deletewebhook": self._delete_webhook,
            "setmycommands": self._set_my_commands,
            "getmycommands": self._get_my_commands,
            "deletemycommands": self._delete_my_commands,
            "sendmessage": self._send_message,
            "editmessagetext": self._edit_message,
            "editmessagecaption": self._edit_message,
            "editmessagereplymarkup": self._edit_message,
            "answercallbackquery": self._answer_callback_query,
            "sendchataction": self._send_chat_action,
            "deletemessage": self._delete_message,
            "getfile": self._get_file,
            "close": self._returns_true,
            "logout": self._returns_true,
        }
        self._handlers.update(dict.fromkeys(_MEDIA_METHODS, self._send_media))
        self._handlers.update(dict.fromkeys(_SETTING_METHODS, self._store_setting))

    # -- lifecycle ----------------------------------------------------------------------------

    async def start(self, port: int = 0) -> FakeTelegram:
        """Start serving on 127.0.0.1, on a free port or on `port` (coming back after stop())."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_route("*", "/file/bot{token}/{path:.+}", self._handle_file)
        runner = web.AppRunner(
            app,
            access_log=None,
            handle_signals=False,
            handler_cancellation=True,
            shutdown_timeout=1.0,
        )
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", port)
        await site.start()
        self._runner = runner
        self.port = runner.addresses[0][1]
        self._closing = False
        return self

    async def stop(self) -> None:
        """Release pending long polls and waiters, then shut the server down."""
        self._closing = True
        await self._notify()
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    async def __aenter__(self) -> FakeTelegram:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """Bot API base URL for PTB's `base_url` (PTB appends the token)."""
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """File download base URL for PTB's `base_file_url` (PTB appends the token)."""
        return f"http://127.0.0.1:{self.port}/file/bot"

    @contextlib.asynccontextmanager
    async def running(self, application: Any, poll_timeout: float = 1.0) -> AsyncIterator[Any]:
        """Run a PTB `Application` with long polling against this fake, stopping it cleanly."""
        async with application:
            await application.start()
            try:
                await application.updater.start_polling(poll_interval=0, timeout=poll_timeout)
                try:
                    yield application
                finally:
                    await application.updater.stop()
            finally:
                await application.stop()

    # -- users, files and test controls ------------------------------------------------------

    def user(
        self,
        user_id: int,
        first_name: str = "Amal",
        language_code: str | None = "ar",
        *,
        last_name: str | None = None,
        username: str | None = None,
    ) -> FakeUser:
        """Register (or return the existing) user with a private chat of the same id."""
        if user_id not in self.users:
            self.users[user_id] = FakeUser(
                self, user_id, first_name, language_code, last_name, username
            )
        return self.users[user_id]

    def add_file(
        self,
        data: bytes,
        *,
        kind: str = "documents",
        filename: str | None = None,
        content_type: str | None = None,
    ) -> UploadedFile:
        """Store bytes as a Telegram file (downloadable via getFile + base_file_url)."""
        self._file_counter += 1
        file_id = f"F{self._file_counter:06d}_{kind}"
        suffix = filename.rsplit(".", 1)[-1] if filename and "." in filename else "bin"
        stored = UploadedFile(
            file_id, data, filename, content_type, f"{kind}/file_{self._file_counter}.{suffix}"
        )
        self.files[file_id] = stored
        return stored

    def block(self, user_id: int) -> None:
        """Make sends to this chat fail with 403 "bot was blocked by the user"."""
        self._blocked.add(user_id)

    def unblock(self, user_id: int) -> None:
        self._blocked.discard(user_id)

    def fail_next(
        self,
        method: str,
        error_code: int = 429,
        retry_after: int = 2,
        count: int = 1,
        description: str | None = None,
    ) -> None:
        """Answer the next `count` calls of `method` ("*" for any) with an error."""
        if error_code == 429:
            fault = TelegramApiError(
                429,
                description or f"Too Many Requests: retry after {retry_after}",
                {"retry_after": retry_after},
                injected=True,
            )
        else:
            text = description or _FAULT_DESCRIPTIONS.get(error_code, "Injected failure")
            fault = TelegramApiError(error_code, text, injected=True)
        queue = self._pending_faults.setdefault(method.lower(), deque())
        queue.extend([fault] * count)

    def rate_limit(self, per_second: int | None = 30) -> None:
        """Refuse send/edit calls beyond `per_second` in any sliding 1 s window (None: off)."""
        self._rate_per_second = per_second
        self._rate_window.clear()

    def unanswered_callbacks(self) -> list[str]:
        """Ids of callback queries the bot has not answered (yet)."""
        return [q.query_id for q in self.callback_queries.values() if q.answer is None]

    def calls_to(self, method: str) -> list[ApiCall]:
        """Recorded calls of one method (case-insensitive)."""
        return [call for call in self.calls if call.method.lower() == method.lower()]

    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates queued but not yet confirmed by a getUpdates offset."""
        return list(self._updates)

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 10.0) -> None:
        """Wait until `predicate()` holds (re-checked on every change); TimeoutError if not."""
        async with asyncio.timeout(timeout), self._changed:
            await self._changed.wait_for(lambda: predicate() or self._closing)
        if not predicate():
            raise TimeoutError("the fake Telegram server stopped")

    async def wait_callback_answered(self, query_id: str, timeout: float = 10.0) -> ParamDict:
        """Wait until the bot answered callback query `query_id`; return the answer params."""
        record = self.callback_queries[query_id]
        try:
            await self.wait_for(lambda: record.answer is not None, timeout)
        except TimeoutError:
            raise AssertionError(
                f"callback query {query_id} not answered within {timeout}s; "
                f"API errors: {self.errors}"
            ) from None
        assert record.answer is not None
        return record.answer

    # -- internals: state ---------------------------------------------------------------------

    def _now(self) -> float:
        return self._clock() if self._clock else asyncio.get_running_loop().time()

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    def _next_message_id(self, chat_id: int) -> int:
        self._message_ids[chat_id] = self._message_ids.get(chat_id, 0) + 1
        return self._message_ids[chat_id]

    async def _queue_update(self, content: dict[str, Any]) -> None:
        self._updates.append({"update_id": self._next_update_id, **content})
        self._next_update_id += 1
        await self._notify()

    async def _queue_callback(self, user: FakeUser, message: SentMessage, data: str) -> str:
        self._query_counter += 1
        query_id = f"{user.id}{self._query_counter:06d}"
        self.callback_queries[query_id] = CallbackQueryRecord(
            query_id, user.id, data, message.message_id
        )
        query = {
            "id": query_id,
            "from": user.user_json(),
            "message": message.json,
            "chat_instance": f"ci{user.id}",
            "data": data,
        }
        await self._queue_update({"callback_query": query})
        return query_id

    def _bot_json(self) -> dict[str, Any]:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": BOT_FIRST_NAME,
            "username": self.bot_username,
        }

    def _file_json(self, stored: UploadedFile) -> dict[str, Any]:
        return {
            "file_id": stored.file_id,
            "file_unique_id": f"U{stored.file_id}",
            "file_size": len(stored.data),
        }

    # -- internals: HTTP ----------------------------------------------------------------------

    async def _read_params(self, request: web.Request) -> tuple[ParamDict, dict[str, UploadedFile]]:
        params: ParamDict = dict(request.query)
        files: dict[str, UploadedFile] = {}
        if request.content_type == "multipart/form-data":
            reader = await request.multipart()
            while (part := await reader.next()) is not None:
                if not isinstance(part, BodyPartReader) or part.name is None:
                    continue
                if part.filename is not None:
                    files[part.name] = UploadedFile(
                        "", await part.read(), part.filename, part.headers.get("Content-Type")
                    )
                else:
                    params[part.name] = await part.text()
        elif request.content_type == "application/json":
            body = await request.json() if request.can_read_body else {}
            params.update(body or {})
        elif request.can_read_body:
            params.update({k: v for k, v in (await request.post()).items() if isinstance(v, str)})
        return params, files

    async def _handle_api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        self.token = request.match_info["token"]
        params, files = await self._read_params(request)
        call = ApiCall(method, params, sorted(files))
        self.calls.append(call)
        await self._notify()
        try:
            self._check_faults(method, params)
            handler = self._handlers.get(method.lower())
            if handler is None:
                raise TelegramApiError(404, "Not Found: method not found")
            result = await handler(method, params, files)
        except TelegramApiError as exc:
            call.ok = False
            record = ApiError(method, exc.error_code, exc.description, params)
            if exc.injected or exc.error_code in (403, 429):
                self.faults.append(record)
            else:
                self.errors.append(record)
            await self._notify()
            return web.json_response(exc.payload(), status=exc.error_code)
        await self._notify()
        return web.json_response({"ok": True, "result": result})

    async def _handle_file(self, request: web.Request) -> web.Response:
        path = request.match_info["path"]
        for stored in self.files.values():
            if stored.file_path == path:
                return web.Response(body=stored.data, content_type="application/octet-stream")
        return web.json_response(
            {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
        )

    def _check_faults(self, method: str, params: ParamDict) -> None:
        """Raise injected failures, block and rate-limit refusals before handling."""
        for key in (method.lower(), "*"):
            queue = self._pending_faults.get(key)
            if queue:
                raise queue.popleft()
        if not method.lower().startswith(_SEND_PREFIXES):
            return
        chat_id = params.get("chat_id")
        with contextlib.suppress(TypeError, ValueError):
            if chat_id is not None and int(chat_id) in self._blocked:
                raise TelegramApiError(403, "Forbidden: bot was blocked by the user")
        if self._rate_per_second is not None:
            now = self._now()
            while self._rate_window and self._rate_window[0] <= now - 1.0:
                self._rate_window.popleft()
            if len(self._rate_window) >= self._rate_per_second:
                retry = max(1, math.ceil(self._rate_window[0] + 1.0 - now))
                raise TelegramApiError(
                    429, f"Too Many Requests: retry after {retry}", {"retry_after": retry}
                )
            self._rate_window.append(now)

    # -- internals: validation ----------------------------------------------------------------

    def _chat(self, params: ParamDict) -> FakeUser:
        chat_id = params.get("chat_id")
        try:
            user = self.users.get(int(chat_id)) if chat_id is not None else None
        except (TypeError, ValueError):
            user = None
        if user is None:
            if chat_id is None or chat_id == "":
                raise _bad_request("chat_id is empty")
            raise _bad_request("chat not found")
        return user

    def _formatted(
        self, raw: str | None, parse_mode: str | None, limit: int, what: str
    ) -> tuple[str | None, list[dict[str, Any]]]:
        """Parse text/caption per parse_mode and check its length (empty text is an error)."""
        if raw is None:
            if what == "text":
                raise _bad_request("message text is empty")
            return None, []
        if parse_mode and parse_mode.lower() == "html":
            plain, entities = parse_html(raw)
        else:
            plain, entities = raw, []
        stripped = plain.strip()
        if what == "text" and not stripped:
            raise _bad_request("message text is empty")
        if len(stripped) > limit:
            raise _bad_request(f"message {'is' if what == 'text' else 'caption is'} too long")
        return plain, entities

    def _reply_markup(self, params: ParamDict) -> dict[str, Any] | None:
        markup = _param_json(
            params, "reply_markup", "can't parse reply keyboard markup JSON object"
        )
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise _bad_request("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in markup:
            self._check_inline_keyboard(markup["inline_keyboard"])
        elif "keyboard" in markup:
            rows = markup["keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise _bad_request('field "keyboard" must be an Array of Arrays')
            for row in rows:
                for button in row:
                    text = button.get("text") if isinstance(button, dict) else button
                    if not isinstance(text, str) or not text:
                        raise _bad_request("keyboard button text must be non-empty")
        elif not ({"remove_keyboard", "force_reply"} & markup.keys()):
            raise _bad_request("can't parse reply keyboard markup JSON object")
        return markup

    @staticmethod
    def _check_inline_keyboard(rows: Any) -> None:
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise _bad_request(
                'field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays'
            )
        if sum(len(row) for row in rows) > MAX_KEYBOARD_BUTTONS:
            raise _bad_request("reply markup is too long")
        for row in rows:
            for button in row:
                if not isinstance(button, dict):
                    raise _bad_button("InlineKeyboardButton must be an Object")
                text = button.get("text")
                if not isinstance(text, str) or not text.strip():
                    raise _bad_button('Field "text" must be a non-empty String')
                if not any(key in button for key in _BUTTON_ACTIONS):
                    raise _bad_button("Text buttons are unallowed in the inline keyboard")
                if button.get("style", "success") not in ("danger", "success", "primary"):
                    raise _bad_button("Unsupported button style")  # Bot API 9.4
                if "callback_data" in button:
                    data = button["callback_data"]
                    size = len(data.encode()) if isinstance(data, str) else 0
                    if not 1 <= size <= MAX_CALLBACK_DATA_BYTES:
                        raise _bad_request("BUTTON_DATA_INVALID")
                if "url" in button and not re.match(
                    r"^(https?://[^\s/]+|tg://)\S*$", str(button["url"])
                ):
                    raise _bad_request(f"inline keyboard button URL '{button['url']}' is invalid")

    def _find_message(self, user: FakeUser, params: ParamDict, missing: str) -> SentMessage:
        if params.get("inline_message_id"):
            raise _bad_request("inline messages are not supported by the fake")
        message_id = _param_int(params, "message_id")
        for message in user.messages:
            if message.message_id == message_id and not message.deleted:
                return message
        raise _bad_request(missing)

    def _message_json(
        self, user: FakeUser, message_id: int, content: dict[str, Any]
    ) -> dict[str, Any]:
        return {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": user.chat_json(),
            "from": self._bot_json(),
            **content,
        }

    def _record(self, user: FakeUser, message: SentMessage) -> None:
        user.messages.append(message)
        user.events.append(message)

    # -- method handlers ----------------------------------------------------------------------

    async def _returns_true(self, method: str, params: ParamDict, files: Any) -> bool:
        return True

    async def _get_me(self, method: str, params: ParamDict, files: Any) -> dict[str, Any]:
        if self.token and self.token.split(":", 1)[0].isdigit():
            self.bot_id = int(self.token.split(":", 1)[0])
        return {
            **self._bot_json(),
            "can_join_groups": False,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _delete_webhook(self, method: str, params: ParamDict, files: Any) -> bool:
        self.webhook_deleted = True
        if _param_bool(params, "drop_pending_updates"):
            self._updates.clear()
        return True

    async def _get_updates(
        self, method: str, params: ParamDict, files: Any
    ) -> list[dict[str, Any]]:
        offset = _param_int(params, "offset", 0) or 0
        limit = max(1, min(100, _param_int(params, "limit", 100) or 100))
        timeout = max(0.0, _param_float(params, "timeout", 0.0))
        allowed = _param_json(params, "allowed_updates", "can't parse allowed_updates")
        if offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]

        def available() -> list[dict[str, Any]]:
            updates = self._updates
            if offset < 0:
                updates = updates[offset:]
            if allowed:
                updates = [u for u in updates if any(kind in u for kind in allowed)]
            return updates[:limit]

        if not available() and timeout > 0 and not self._closing:
            with contextlib.suppress(TimeoutError):
                await self.wait_for(lambda: bool(available()), timeout)
        return available()

    async def _set_my_commands(self, method: str, params: ParamDict, files: Any) -> bool:
        commands = _param_json(params, "commands", "can't parse commands JSON object")
        if not isinstance(commands, list):
            raise _bad_request("can't parse commands JSON object")
        if len(commands) > 100:
            raise _bad_request("too many commands")
        for command in commands:
            name = command.get("command") if isinstance(command, dict) else None
            description = command.get("description") if isinstance(command, dict) else None
            if not isinstance(name, str) or not _COMMAND_RE.match(name):
                raise _bad_request("BOT_COMMAND_INVALID")
            if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
                raise _bad_request("command description is empty or too long")
        self.commands[_commands_key(params)] = commands
        return True

    async def _get_my_commands(
        self, method: str, params: ParamDict, files: Any
    ) -> list[dict[str, Any]]:
        return self.commands.get(_commands_key(params), [])

    async def _delete_my_commands(self, method: str, params: ParamDict, files: Any) -> bool:
        self.commands.pop(_commands_key(params), None)
        return True

    async def _store_setting(self, method: str, params: ParamDict, files: Any) -> bool:
        by_lang = self.settings.setdefault(method, {})
        by_lang[_param_str(params, "language_code") or ""] = params
        return True

    async def _send_message(self, method: str, params: ParamDict, files: Any) -> dict[str, Any]:
        user = self._chat(params)
        raw = _param_str(params, "text")
        parse_mode = _param_str(params, "parse_mode")
        text, entities = self._formatted(raw, parse_mode, MAX_TEXT_LENGTH, "text")
        markup = self._reply_markup(params)
        message_id = self._next_message_id(user.id)
        content: dict[str, Any] = {"text": text}
        if entities:
            content["entities"] = entities
        if markup and "inline_keyboard" in markup:
            content["reply_markup"] = markup
        message = SentMessage(
            method=method,
            chat_id=user.id,
            message_id=message_id,
            text=text,
            raw_text=raw,
            parse_mode=parse_mode,
            entities=entities,
            reply_markup=markup,
            params=params,
            json=self._message_json(user, message_id, content),
        )
        self._record(user, message)
        return message.json

    async def _send_media(
        self, method: str, params: ParamDict, files: dict[str, UploadedFile]
    ) -> dict[str, Any]:
        user = self._chat(params)
        kind = _MEDIA_METHODS[method.lower()]
        ref = _param_str(params, kind)
        upload = files.get(kind)
        if ref and ref.startswith("attach://"):
            upload = files.get(ref.removeprefix("attach://"))
        if upload is not None:
            stored = self.add_file(
                upload.data, kind=kind, filename=upload.filename, content_type=upload.content_type
            )
        elif ref and (ref in self.files or re.match(r"^https?://", ref)):
            stored = self.files.get(ref) or self.add_file(b"", kind=kind)
        else:
            reason = "wrong file identifier/HTTP URL specified" if ref else f"there is no {kind}"
            raise _bad_request(reason)
        raw_caption = _param_str(params, "caption")
        parse_mode = _param_str(params, "parse_mode")
        caption, entities = self._formatted(raw_caption, parse_mode, MAX_CAPTION_LENGTH, "caption")
        markup = self._reply_markup(params)
        message_id = self._next_message_id(user.id)
        media = self._file_json(stored)
        if kind == "photo":
            content: dict[str, Any] = {"photo": [{**media, "width": 1, "height": 1}]}
        else:
            extra: dict[str, Any] = {
                # Bot API sendVoice: `duration` is optional, in seconds, as the sender says.
                "voice": {"duration": _param_int(params, "duration", 1), "mime_type": "audio/ogg"},
                "audio": {"duration": 1},
                "video": {"width": 1, "height": 1, "duration": 1},
                "animation": {"width": 1, "height": 1, "duration": 1},
                "sticker": {
                    "width": 512,
                    "height": 512,
                    "is_animated": False,
                    "is_video": False,
                    "type": "regular",
                },
            }.get(kind, {})
            if stored.filename and kind in ("document", "audio", "video", "animation"):
                extra["file_name"] = stored.filename
            content = {kind: {**media, **extra}}
        if caption is not None:
            content["caption"] = caption
        if entities:
            content["caption_entities"] = entities
        if markup and "inline_keyboard" in markup:
            content["reply_markup"] = markup
        message = SentMessage(
            method=method,
            chat_id=user.id,
            message_id=message_id,
            caption=caption,
            raw_caption=raw_caption,
            parse_mode=parse_mode,
            entities=entities,
            reply_markup=markup,
            media_type=kind,
            file=upload.data if upload else None,
            filename=upload.filename if upload else None,
            file_ref=None if upload else ref,
            params=params,
            json=self._message_json(user, message_id, content),
        )
        self._record(user, message)
        return message.json

    async def _edit_message(self, method: str, params: ParamDict, files: Any) -> dict[str, Any]:
        user = self._chat(params)
        message = self._find_message(user, params, "message to edit not found")
        lowered = method.lower()
        markup = self._reply_markup(params)
        parse_mode = _param_str(params, "parse_mode")
        new = dict(message.json)
        new.pop("reply_markup", None)
        if markup and "inline_keyboard" in markup:
            new["reply_markup"] = markup
        text, caption = message.text, message.caption
        raw_text, raw_caption, entities = message.raw_text, message.raw_caption, message.entities
        if lowered == "editmessagetext":
            if message.text is None:
                raise _bad_request("there is no text in the message to edit")
            raw_text = _param_str(params, "text")
            text, entities = self._formatted(raw_text, parse_mode, MAX_TEXT_LENGTH, "text")
            new["text"] = text
            new.pop("entities", None)
            if entities:
                new["entities"] = entities
        elif lowered == "editmessagecaption":
            if message.media_type is None:
                raise _bad_request("there is no caption in the message to edit")
            raw_caption = _param_str(params, "caption")
            caption, entities = self._formatted(
                raw_caption, parse_mode, MAX_CAPTION_LENGTH, "caption"
            )
            new.pop("caption", None)
            new.pop("caption_entities", None)
            if caption is not None:
                new["caption"] = caption
            if entities:
                new["caption_entities"] = entities
        old = {k: v for k, v in message.json.items() if k != "edit_date"}
        if new == old:
            raise _bad_request(
                "message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message"
            )
        new["edit_date"] = int(time.time())
        message.text, message.caption, message.entities = text, caption, entities
        message.raw_text, message.raw_caption = raw_text, raw_caption
        message.reply_markup, message.json, message.edited = markup, new, True
        if lowered != "editmessagereplymarkup":
            message.parse_mode = parse_mode
        event = SentMessage(
            method=method,
            chat_id=user.id,
            message_id=message.message_id,
            text=text,
            caption=caption,
            raw_text=raw_text,
            raw_caption=raw_caption,
            parse_mode=message.parse_mode,
            entities=entities,
            reply_markup=markup,
            media_type=message.media_type,
            file=message.file,
            filename=message.filename,
            file_ref=message.file_ref,
            params=params,
            edited=True,
            json=new,
        )
        user.events.append(event)
        return new

    async def _answer_callback_query(self, method: str, params: ParamDict, files: Any) -> bool:
        query_id = _param_str(params, "callback_query_id")
        record = self.callback_queries.get(query_id or "")
        if record is None or record.answer is not None:
            raise _bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        if len(_param_str(params, "text") or "") > MAX_CALLBACK_ANSWER_LENGTH:
            raise _bad_request("MESSAGE_TOO_LONG")
        record.answer = params
        self.answered_callbacks.append(params)
        return True

    async def _send_chat_action(self, method: str, params: ParamDict, files: Any) -> bool:
        user = self._chat(params)
        action = _param_str(params, "action")
        if action not in _CHAT_ACTIONS:
            raise _bad_request("wrong parameter action in request")
        user.chat_actions.append(action)
        return True

    async def _delete_message(self, method: str, params: ParamDict, files: Any) -> bool:
        user = self._chat(params)
        message_id = _param_int(params, "message_id")
        if any(m.get("message_id") == message_id for m in user.sent):
            return True
        message = self._find_message(user, params, "message to delete not found")
        message.deleted = True
        return True

    async def _get_file(self, method: str, params: ParamDict, files: Any) -> dict[str, Any]:
        stored = self.files.get(_param_str(params, "file_id") or "")
        if stored is None:
            raise _bad_request("invalid file_id")
        return {**self._file_json(stored), "file_path": stored.file_path}
