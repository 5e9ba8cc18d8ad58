"""What a message says aloud: its text without markup or icons, Dutch words in a Dutch voice.

Pure rules, no I/O. The spoken text is derived from the reply text alone, so the 🔊 of any
message can be rendered again from what the person sees.
"""

from __future__ import annotations

import html
import re
import unicodedata

from handlers.types import SpeechPart

DUTCH = "nl"
# Locales written in the Latin script: Dutch words in them cannot be told apart by script, so
# the whole message is read in the person's voice.
LATIN_SCRIPT = frozenset({"nl", "en", "es", "fr", "pl", "ro", "tr", "so"})
MAX_SPOKEN = 1500  # characters; longer text is not read aloud

_TAG = re.compile(r"<[^>]*>")
_INVISIBLE = frozenset(
    "\u200b\u200c\u200d\u200e\u200f\u2066\u2067\u2068\u2069\u202a\u202b\u202c\u202d\u202e"
    "\ufe0e\ufe0f\u20e3"
)
_SPACES = re.compile(r"[ \t]+")
# A run of Latin-script words (an offer's title, a street, a town), digits allowed inside.
_LATIN_RUN = re.compile(
    r"[A-Za-zÀ-ÖØ-öø-ÿ][A-Za-zÀ-ÖØ-öø-ÿ'’\-]*"
    r"(?:[\s\d.,:/()\-]+[A-Za-zÀ-ÖØ-öø-ÿ][A-Za-zÀ-ÖØ-öø-ÿ'’\-]*)*"
)


def _is_icon(char: str) -> bool:
    return unicodedata.category(char) in ("So", "Sk", "Cs", "Co") or char in "•▪●○■□"


class _Unsaid(dict[int, str | None]):
    """A `str.translate` table: icons become a space, invisible marks go, the rest stays.
    Each character is looked at once and remembered (a message's text is read for its 🔊
    on every turn that carries one), up to `_REMEMBERED` of them: text from outside (names,
    offer titles) must not grow it without end."""

    def __missing__(self, code: int) -> str | None:
        char = chr(code)
        value = None if char in _INVISIBLE else " " if _is_icon(char) else char
        if len(self) < _REMEMBERED:
            self[code] = value
        return value


_REMEMBERED = 20_000  # characters; a few languages' alphabets and icons need far fewer


_UNSAID = _Unsaid()


def spoken_lines(text: str) -> list[str]:
    """The lines of a message as they are read: markup, icons and invisible marks removed.

    Works on a reply's HTML and on the plain text a channel shows alike.
    """
    plain = html.unescape(_TAG.sub("", text)).translate(_UNSAID)
    lines = []
    for line in plain.splitlines():
        cleaned = _SPACES.sub(" ", line).strip()
        if any(c.isalnum() for c in cleaned):
            lines.append(cleaned)
    return lines


def line_key(text: str) -> str:
    """How two texts are compared: spoken lines joined, case-folded."""
    return "\n".join(spoken_lines(text)).casefold()


def segments(line: str, locale: str) -> list[SpeechPart]:
    """One line in parts: in a non-Latin script, Latin words are Dutch and read in Dutch."""
    if locale in LATIN_SCRIPT:
        return [SpeechPart(locale=locale, text=line)]
    parts: list[SpeechPart] = []
    position = 0
    for match in _LATIN_RUN.finditer(line):
        before = line[position : match.start()].strip()
        if any(c.isalnum() for c in before):
            parts.append(SpeechPart(locale=locale, text=before))
        parts.append(SpeechPart(locale=DUTCH, text=match.group()))
        position = match.end()
    rest = line[position:].strip()
    if any(c.isalnum() for c in rest):
        parts.append(SpeechPart(locale=locale, text=rest))
    return parts


def spoken_parts(text: str, locale: str) -> list[SpeechPart]:
    """Every part of a message, in order, for synthesis."""
    return [part for line in spoken_lines(text) for part in segments(line, locale)]
