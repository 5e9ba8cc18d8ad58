"""Voice notes over Telegram: fetch a voice message a person sent, send a rendered one.

Bot API: a `Voice` (file_id, duration, mime_type, file_size) is fetched with getFile and the
file URL; `sendVoice` takes an OGG/Opus file, its `duration` and an optional caption.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram import InputFile, Message
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import ExtBot

from bot.channels.telegram_calls import call, send_message
from bot.channels.telegram_format import Markup
from handlers.types import Attachment, Reply, Turn
from handlers.voice.engines import VoiceError
from handlers.voice.ogg import duration_seconds
from handlers.voice.speak import voices
from i18n import translator

log = logging.getLogger(__name__)

MAX_VOICE_BYTES = 1_000_000  # a minute of speech is far less; larger files are not fetched


async def with_voice_bytes(turn: Turn, message: Message | None) -> Turn:
    """The turn with the bytes of its voice message, when it has a small one."""
    voice = message.voice if message is not None else None
    if voice is None or (voice.file_size or 0) > MAX_VOICE_BYTES:
        return turn
    try:
        data = await (await voice.get_file()).download_as_bytearray()
    except TelegramError as exc:
        log.warning("voice message not fetched: %s", exc)
        return turn
    note = Attachment(filename="voice.ogg", content=bytes(data), mime=voice.mime_type or "")
    return turn.model_copy(update={"voice": note})


async def send_voice(
    bot: ExtBot[Any], chat_id: int, reply: Reply, markup: Markup | None, limits: Any
) -> None:
    """Render the reply's speech (off the event loop, cached) and send it as a voice note."""
    assert reply.speech is not None
    try:
        ogg = await voices().render(reply.speech)
    except VoiceError as exc:
        log.warning("voice note not made: %s", exc)
        text = translator(reply.speech.locale)._("🔇 Sorry, I cannot read this message aloud.")
        await send_message(bot, chat_id, text, None, limits)
        return
    await call(bot, "sendVoice", {
        "chat_id": chat_id, "voice": InputFile(ogg, filename="meedoen.ogg"),
        "duration": max(1, round(duration_seconds(ogg))), "caption": reply.text or None,
        "parse_mode": ParseMode.HTML if reply.text else None, "reply_markup": markup,
    }, limits)  # fmt: skip


class VoiceNotes:
    """Voice notes rendered and sent in the background.

    Updates are handled one at a time; a voice note that must be synthesised first (about half
    a second) would otherwise hold up the answers to everyone else.
    """

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[None]] = set()

    def send_later(
        self, bot: ExtBot[Any], chat_id: int, reply: Reply, markup: Markup | None
    ) -> None:
        task = asyncio.create_task(self._send(bot, chat_id, reply, markup))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _send(
        self, bot: ExtBot[Any], chat_id: int, reply: Reply, markup: Markup | None
    ) -> None:
        try:
            await send_voice(bot, chat_id, reply, markup, None)
        except TelegramError as exc:
            log.warning("voice note to %s not sent: %s", chat_id, exc)
        except Exception:  # a background task has no one else to tell
            log.exception("voice note to %s failed", chat_id)

    async def close(self) -> None:
        """Let the voice notes on their way arrive (at shutdown)."""
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
