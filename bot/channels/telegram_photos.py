"""Pictures Telegram already has: sent again by file_id instead of uploading them again.

Bot API, sendPhoto: "Pass a file_id as String to send a photo that exists on the Telegram
servers (recommended)". Many people see the same progress picture (no hours yet, the same
hours); an upload costs the multipart encoding and the bytes on the wire.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict

from telegram import Message

KEEP = 512  # pictures remembered; a file_id is a short string


class UploadedPhotos:
    def __init__(self, keep: int = KEEP) -> None:
        self.keep = keep
        self._ids: OrderedDict[bytes, str] = OrderedDict()

    @staticmethod
    def _key(content: bytes) -> bytes:
        return hashlib.blake2b(content, digest_size=16).digest()

    def file_id(self, content: bytes) -> str | None:
        key = self._key(content)
        found = self._ids.get(key)
        if found is not None:
            self._ids.move_to_end(key)
        return found

    def remember(self, content: bytes, sent: Message) -> None:
        if sent.photo:
            self._ids[self._key(content)] = sent.photo[-1].file_id
            while len(self._ids) > self.keep:
                self._ids.popitem(last=False)

    def forget(self, content: bytes) -> None:
        self._ids.pop(self._key(content), None)
