"""The words of each language for yes/no, durations, days and times (`words/<locale>.json`).

A person's text is read with the words of their own language, Dutch and English together:
people in Flanders mix them. Every word is stored folded (see `text.fold`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from handlers.understanding.text import fold

WORDS_DIR = Path(__file__).parent / "words"
ALWAYS = ("nl", "en")  # read for everyone, after their own language


@dataclass(frozen=True)
class Words:
    yes: frozenset[str]
    no: frozenset[str]
    hour: frozenset[str]
    minute: frozenset[str]
    half: frozenset[str]
    joiners: frozenset[str]
    clock: frozenset[str]
    numbers: dict[str, int]
    phrases: tuple[tuple[str, str], ...]  # longest first
    today: frozenset[str]
    yesterday: frozenset[str]
    tomorrow: frozenset[str]
    weekdays: dict[str, int]  # folded word → 0 (Monday) … 6


def _raw(locale: str) -> dict[str, Any]:
    path = WORDS_DIR / f"{locale}.json"
    if not path.exists():
        return {}
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _list(sources: list[dict[str, Any]], key: str) -> frozenset[str]:
    found: set[str] = set()
    for source in sources:
        for word in source.get(key, []):
            if folded := fold(str(word)):
                found.add(folded)
    return frozenset(found)


def _map(sources: list[dict[str, Any]], key: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for source in reversed(sources):  # the person's own language wins
        for word, value in dict(source.get(key, {})).items():
            if folded := fold(str(word)):
                found[folded] = str(value)
    return found


@cache
def words_for(locale: str) -> Words:
    sources = [_raw(code) for code in dict.fromkeys((locale, *ALWAYS))]
    weekdays: dict[str, int] = {}
    for source in reversed(sources):
        for index, names in enumerate(source.get("weekdays", [])):
            for name in names:
                weekdays[fold(str(name))] = index
    phrases = _map(sources, "phrases")
    return Words(
        yes=_list(sources, "yes"),
        no=_list(sources, "no"),
        hour=_list(sources, "hour"),
        minute=_list(sources, "minute"),
        half=_list(sources, "half"),
        joiners=_list(sources, "and"),
        clock=_list(sources, "clock"),
        numbers={word: int(value) for word, value in _map(sources, "numbers").items()},
        phrases=tuple(sorted(phrases.items(), key=lambda item: -len(item[0]))),
        today=_list(sources, "today"),
        yesterday=_list(sources, "yesterday"),
        tomorrow=_list(sources, "tomorrow"),
        weekdays=weekdays,
    )


def known_locales() -> list[str]:
    return sorted(path.stem for path in WORDS_DIR.glob("*.json"))
