"""Plain-text rendering of replies for channels without HTML (console, e-mail text part)."""

from __future__ import annotations

import html
import re

_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_ISOLATES = str.maketrans("", "", "\u2066\u2067\u2068\u2069")


def plain(text: str, keep_isolates: bool = True) -> str:
    """Telegram HTML subset → plain text."""
    result = html.unescape(_TAG.sub("", text))
    return result if keep_isolates else result.translate(_ISOLATES)
