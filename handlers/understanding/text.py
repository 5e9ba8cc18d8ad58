"""Fold typed text for comparison: any script's digits, case, accents, emoji, punctuation."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

# Separators people type inside numbers and times; Arabic decimal and thousands signs too.
_DECIMAL_SIGNS = {"٫": ",", "،": ",", "٬": ",", "−": "-", "–": "-", "—": "-"}
_ARABIC_LETTERS = str.maketrans(
    {"ى": "ي", "ی": "ي", "ك": "ک", "ة": "ه", "ۀ": "ه", "ٔ": None, "ـ": None, "\u200c": " "}
)
# Arabic "the" is written onto the word: الرياضة == رياضة.
_ARTICLE = "ال"


def digits(text: str) -> str:
    """Every Unicode decimal digit as its ASCII digit: '٨٩٠٠' and '۹۱۰۰' read as numbers."""
    out = []
    for ch in text:
        value = unicodedata.decimal(ch, None)
        if value is not None:
            out.append(str(value))
        else:
            out.append(_DECIMAL_SIGNS.get(ch, ch))
    return "".join(out)


def _is_symbol(ch: str) -> bool:
    """Emoji, pictographs, punctuation and marks that carry no word."""
    category = unicodedata.category(ch)
    return category[0] in "SPC" or category in ("Mn", "Me", "Sk") or ch == "\ufe0f"


@lru_cache(maxsize=4096)
def fold(text: str) -> str:
    """Lower case, ASCII digits, no accents or diacritics, no emoji, words split by one space.

    'Sint-Niklaas' == 'sint niklaas', '✅ Ja!' == 'ja', 'أنا' == 'انا', 'Ĉ' == 'c'.
    Characters kept whole: '½' and the separators of numbers ('1,5', '18:30').
    """
    decomposed = unicodedata.normalize("NFKD", digits(text).casefold().replace("½", "\x00"))
    out = []
    for ch in decomposed:
        if ch == "\x00":
            out.append("½")
        elif ch in ",.:/":
            out.append(ch)
        elif unicodedata.combining(ch) or ch in "\u200d\ufe0f":
            continue
        elif _is_symbol(ch):
            out.append(" ")
        else:
            out.append(ch)
    words = "".join(out).translate(_ARABIC_LETTERS).split()
    words = [w.strip(",.:/") or w for w in words]
    return " ".join(w for w in words if w.strip(",.:/"))


def words_of(text: str) -> list[str]:
    """Folded words, with the Arabic article taken off long words."""
    return [
        w[len(_ARTICLE) :] if w.startswith(_ARTICLE) and len(w) > 4 else w
        for w in fold(text).split()
    ]


def distance(a: str, b: str, limit: int = 2) -> int:
    """Levenshtein distance, cut off at `limit + 1` (enough to judge a typo)."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return min(previous[-1], limit + 1)


def typos_allowed(word: str) -> int:
    """How many typos a word of this length may carry and still be recognised."""
    if len(word) >= 7:
        return 2
    if len(word) >= 4:
        return 1
    return 0


def close(typed: str, known: str) -> bool:
    """Equal, or within the typos allowed for the known word (never for numbers)."""
    if typed == known:
        return True
    if typed.isdigit() or known.isdigit():
        return False
    return distance(typed, known) <= typos_allowed(known)
