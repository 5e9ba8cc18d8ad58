"""Read durations, dates and times of day typed in words and any script's digits.

`ساعتين` → 120 minutes, `90 хв` → 90, `2 ساعت` → 120, `bir buçuk saat` → 90; `завтра`,
`vendredi`, `25/12` → a date; `18.30 год`, `18h30`, `١٨:٣٠` → 18:30. Pure functions.
"""

from __future__ import annotations

import re
from datetime import date, time, timedelta
from typing import Literal

from handlers.understanding.text import fold
from handlers.understanding.words import Words, words_for

MAX_INPUT = 40  # characters worth reading at all
Direction = Literal["past", "future"]

_NUMBER = re.compile(r"^\d+(?:[.,]\d+)?$")
_CLOCK = re.compile(r"^(\d{1,2})[:.hu](\d{2})$")
_SPLIT = re.compile(r"(?<=\d)(?=[^\d\s,.:/½])|(?<=[^\d\s,.:/½])(?=\d)")
_DMY = re.compile(r"^(\d{1,2})[./\-](\d{1,2})(?:[./\-](\d{2}|\d{4}))?$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def _tokens(text: str, words: Words) -> list[str]:
    """Folded words with phrases replaced and digits split from letters ('90хв' → 90 хв)."""
    folded = f" {fold(text)} "
    for phrase, meaning in words.phrases:
        folded = folded.replace(f" {phrase} ", f" {meaning} ")
    return _SPLIT.sub(" ", folded).split()


def _number(token: str) -> float | None:
    if _NUMBER.match(token):
        return float(token.replace(",", "."))
    if token.endswith("½") and (token[:-1].isdigit() or not token[:-1]):
        return int(token[:-1] or 0) + 0.5
    return None


def parse_duration(text: str, locale: str) -> int | None:
    """Minutes for a typed duration in words or digits, or None. A bare number is hours."""
    if not text or len(text) > MAX_INPUT:
        return None
    words = words_for(locale)
    total = 0.0
    pending: float | None = None
    last_unit: str | None = None
    for token in _tokens(text, words):
        if token in words.joiners:
            continue
        value = _number(token)
        if value is None:
            value = words.numbers.get(token)
        if value is not None:
            if pending is not None:
                return None
            pending = float(value)
        elif match := re.match(r"^(\d{1,2}):(\d{2})$", token):
            total += int(match.group(1)) * 60 + int(match.group(2))
            last_unit = "min"
        elif token in words.hour:
            total += (1 if pending is None else pending) * 60
            pending, last_unit = None, "h"
        elif token in words.minute:
            if pending is None:
                return None
            total += pending
            pending, last_unit = None, "min"
        elif token in words.half:
            if pending is not None:
                pending += 0.5
            elif last_unit == "h":
                total += 30
            else:
                pending = 0.5
        else:
            return None
    if pending is not None:
        total += pending if last_unit == "h" else pending * 60
    elif last_unit is None:
        return None
    return round(total)


def parse_date(text: str, today: date, locale: str, direction: Direction) -> date | None:
    """A typed day: today/yesterday/tomorrow or a weekday in words, or 25/12, 25-12-2026,
    2026-12-25. A weekday is the nearest one in `direction` (today included). A day and
    month without a year is the nearest such day; on a tie, the one in `direction`."""
    if not text or len(text) > MAX_INPUT:
        return None
    words = words_for(locale)
    folded = " ".join(t for t in fold(text).split() if t not in words.clock)
    if folded in words.today:
        return today
    if folded in words.yesterday:
        return today - timedelta(days=1)
    if folded in words.tomorrow:
        return today + timedelta(days=1)
    if folded in words.weekdays:
        shift = (words.weekdays[folded] - today.weekday()) % 7
        return (
            today + timedelta(days=shift)
            if direction == "future" or shift == 0
            else (today - timedelta(days=7 - shift))
        )
    value = folded.replace(" ", "")
    try:
        if match := _ISO.match(value):
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        if match := _DMY.match(value):
            day, month, year = int(match.group(1)), int(match.group(2)), match.group(3)
            if year is not None:
                return date(int(year) + (2000 if len(year) == 2 else 0), month, day)
            return _nearest(day, month, today, direction)
    except ValueError:
        return None
    return None


def _nearest(day: int, month: int, today: date, direction: Direction) -> date | None:
    candidates = []
    for year in (today.year - 1, today.year, today.year + 1):
        try:
            candidates.append(date(year, month, day))
        except ValueError:  # 29/2 in a year without it
            continue
    if not candidates:
        raise ValueError("no such day")
    ahead = 1 if direction == "future" else -1
    return min(candidates, key=lambda d: (abs((d - today).days), (d - today).days * -ahead))


def parse_time(text: str, locale: str) -> time | None:
    """A typed time of day: 18:30, 18.30, 18h30, 18u30, 18 год, ١٨:٣٠, 18 ч 30, 18."""
    if not text or len(text) > MAX_INPUT:
        return None
    words = words_for(locale)
    tokens = [t for t in _tokens(text, words) if t not in words.clock and t not in words.joiners]
    hour: int | None = None
    minute = 0
    if len(tokens) == 1 and (match := _CLOCK.match(tokens[0])):
        hour, minute = int(match.group(1)), int(match.group(2))
    elif tokens and tokens[0].isdigit() and len(tokens[0]) <= 2:
        rest = [t for t in tokens[1:] if t not in words.hour]
        hour = int(tokens[0])
        if rest and rest[-1] in words.minute:
            rest = rest[:-1]
        if len(rest) == 1 and rest[0].isdigit() and len(rest[0]) <= 2:
            minute = int(rest[0])
        elif rest:
            return None
    elif len(tokens) == 1 and tokens[0].isdigit() and len(tokens[0]) == 4:
        hour, minute = int(tokens[0][:2]), int(tokens[0][2:])
    if hour is None or not (0 <= hour < 24 and 0 <= minute < 60):
        return None
    return time(hour, minute)
