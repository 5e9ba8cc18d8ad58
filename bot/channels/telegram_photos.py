"""Pictures Telegram already has: sent again by file_id instead of uploading them again.

Bot API, sendPhoto: "Pass a file_id as String to send a photo that exists on the Telegram
servers (recommended)". Many people see the same progress picture (no hours yet, the same
hours); an upload costs the multipart encoding and the bytes on the wire. A picture made from
a recipe is known by the recipe, so one Telegram has is not even drawn.
"""

from __future__ import annotations

import hashlib
import logging
from collections import OrderedDict
from typing import Any

from telegram import InputFile
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import ExtBot

from bot.channels.telegram_calls import JSON, call
from bot.channels.telegram_format import Markup
from handlers.pictures import drawn
from handlers.types import Attachment

log = logging.getLogger(__name__)

KEEP = 512  # pictures remembered; a file_id is a short string


class UploadedPhotos:
    def __init__(self, keep: int = KEEP) -> None:
        self.keep = keep
        self._ids: OrderedDict[bytes, str] = OrderedDict()

    @staticmethod
    def _key(image: Attachment) -> bytes:
        if image.recipe is not None:
            return image.recipe.key.encode()
        return hashlib.blake2b(image.content, digest_size=16).digest()

    def file_id(self, image: Attachment) -> str | None:
        key = self._key(image)
        found = self._ids.get(key)
        if found is not None:
            self._ids.move_to_end(key)
        return found

    def remember(self, image: Attachment, sent: JSON) -> None:
        """`sent`: the Message Telegram gave back (Bot API JSON); its largest PhotoSize."""
        sizes = sent.get("photo") or []
        if sizes and sizes[-1].get("file_id"):
            self._ids[self._key(image)] = sizes[-1]["file_id"]
            while len(self._ids) > self.keep:
                self._ids.popitem(last=False)

    def forget(self, image: Attachment) -> None:
        self._ids.pop(self._key(image), None)

    async def send(
        self,
        bot: ExtBot[Any],
        chat_id: int,
        image: Attachment,
        caption: str | None,
        markup: Markup | None,
        limits: JSON | None,
    ) -> None:
        """By file_id when Telegram has the picture already; else uploaded and remembered.
        The buttons go with the caption (none without one: they follow in a text message)."""
        params = {"chat_id": chat_id, "caption": caption, "parse_mode": ParseMode.HTML,
                  "reply_markup": None if caption is None else markup}  # fmt: skip
        known = self.file_id(image)
        if known is not None:
            try:
                await call(bot, "sendPhoto", {**params, "photo": known}, limits)
                return
            except BadRequest as exc:  # the file_id is no longer valid: upload once more
                log.info("photo file_id refused, uploading: %s", exc)
                self.forget(image)
        await drawn(image)
        upload = InputFile(image.content, filename=image.filename)
        sent = await call(bot, "sendPhoto", {**params, "photo": upload}, limits)
        self.remember(image, sent)
