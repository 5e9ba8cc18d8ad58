"""Pure rules for hours: read a typed duration or date, check the limits, describe an entry.

No database and no chat here, so every rule is unit-tested on its own. Durations are whole
minutes; a person types hours the way they say them ("2", "1,5", "1.5", "90 min", "1u30",
"1h30", "1:30", "½", "1½"), in any script's digits.
"""

from __future__ import annotations

import html
import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Protocol

from handlers.registry import N_
from handlers.vocab import KINDS
from i18n import Markup, Translator

MAX_ENTRY_MINUTES = 12 * 60
MAX_DAY_MINUTES = 16 * 60
DAY_CHOICES = 14  # today and the 13 days before: buttons; older days may be typed
DURATION_BUTTONS = (60, 90, 120, 180)
MAX_INPUT = 40  # characters of a typed duration or date worth reading at all

# What a buddy and a newcomer did together: icon, label (N_), Dutch words for the proof.
BUDDY_ACTIVITIES: dict[str, tuple[str, str, str]] = {
    "coffee": ("☕", N_("Coffee"), "Koffie drinken"),
    "walk": ("🚶", N_("Walk"), "Wandelen"),
    "shopping": ("🛒", N_("Shopping"), "Boodschappen"),
    "visit": ("🏛️", N_("Visit a place"), "Bezoek"),
    "game": ("🎲", N_("Game"), "Spel"),
    "talk": ("🗣️", N_("Talk"), "Gesprek"),
    "sport": ("⚽", N_("Sport"), "Sport"),
    "cooking": ("🍲", N_("Cooking"), "Koken"),
    "papers": ("📄", N_("Paperwork"), "Administratie"),
    "culture": ("🎭", N_("Culture"), "Cultuur"),
    "other": ("✨", N_("Something else"), "Andere"),
}


class Refusal(StrEnum):
    UNREADABLE = "unreadable"
    NOT_POSITIVE = "not_positive"
    ENTRY_TOO_LONG = "entry_too_long"
    DAY_TOO_LONG = "day_too_long"
    FUTURE = "future"
    TOO_OLD = "too_old"


# --- durations -----------------------------------------------------------------------------
_FRACTIONS = {"½": 0.5, "¼": 0.25, "¾": 0.75, "⅓": 1 / 3, "⅔": 2 / 3}
_HOUR_WORDS = r"(?:h|u|uur|uren|hr|hrs|hour|hours|heure|heures|st|std|saat)"
_MIN_WORDS = r"(?:m|min|mins|minute|minutes|minuten|minuut|dk|dakika)"
_NUMBER = r"[-+]?\d+(?:[.,]\d+)?"
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(rf"^({_NUMBER})\s*{_MIN_WORDS}\.?$"), "minutes"),
    (re.compile(rf"^([-+]?\d+)\s*(?:{_HOUR_WORDS}|:)\s*(\d{{1,2}})\s*(?:{_MIN_WORDS})?\.?$"),
     "hours_minutes"),
    (re.compile(rf"^({_NUMBER})\s*{_HOUR_WORDS}?\.?$"), "hours"),
)  # fmt: skip


def _normalise(text: str) -> str:
    """Digits of any script as ASCII, Arabic separators as ASCII, lower case, tight spaces."""
    out = []
    for ch in text.strip().lower():
        digit = unicodedata.decimal(ch, None)
        if digit is not None:
            out.append(str(digit))
        elif ch in "٫,":
            out.append(",")
        elif ch in "−–":
            out.append("-")
        else:
            out.append(ch)
    return " ".join("".join(out).split())


def _number(text: str) -> float:
    return float(text.replace(",", "."))


def parse_duration(text: str) -> int | None:
    """Minutes for a typed duration, or None when it cannot be read.

    A plain number means hours. The result may be zero or negative; `check_minutes` refuses
    those with their own reason.
    """
    if not text or len(text) > MAX_INPUT:
        return None
    value = _normalise(text)
    for symbol, fraction in _FRACTIONS.items():
        if value.endswith(symbol):
            whole = value[: -len(symbol)].strip()
            if whole and not (whole.isascii() and whole.isdigit()):  # not "²": int() refuses it
                return None
            return round((int(whole or 0) + fraction) * 60)
    for pattern, form in _PATTERNS:
        match = pattern.match(value)
        if match is None:
            continue
        if form == "minutes":
            minutes = _number(match.group(1))
        elif form == "hours_minutes":
            hours, mins = int(match.group(1)), int(match.group(2))
            if mins >= 60:
                return None
            minutes = hours * 60 + math.copysign(mins, hours if hours else 1)
        else:
            minutes = _number(match.group(1)) * 60
        if not math.isfinite(minutes):
            return None
        return round(minutes)
    return None


def check_minutes(minutes: int) -> Refusal | None:
    if minutes <= 0:
        return Refusal.NOT_POSITIVE
    if minutes > MAX_ENTRY_MINUTES:
        return Refusal.ENTRY_TOO_LONG
    return None


# --- days ----------------------------------------------------------------------------------
_DATE_DMY = re.compile(r"^(\d{1,2})[./\-](\d{1,2})(?:[./\-](\d{2}|\d{4}))?$")
_DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def parse_day(text: str, today: date) -> date | None:
    """A typed date: 23/11, 23-11-2026, 23.11.26 or 2026-11-23. Without a year, the last one
    that is not in the future."""
    if not text or len(text) > MAX_INPUT:
        return None
    value = _normalise(text).replace(" ", "")
    try:
        if match := _DATE_ISO.match(value):
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        if match := _DATE_DMY.match(value):
            day, month, year = int(match.group(1)), int(match.group(2)), match.group(3)
            if year is None:
                guess = date(today.year, month, day)
                return guess if guess <= today else date(today.year - 1, month, day)
            full = int(year) + (2000 if len(year) == 2 else 0)
            return date(full, month, day)
    except ValueError:
        return None
    return None


def check_day(day: date, today: date, max_age_days: int) -> Refusal | None:
    if day > today:
        return Refusal.FUTURE
    if day < today - timedelta(days=max_age_days):
        return Refusal.TOO_OLD
    return None


def check_day_total(already: int, minutes: int) -> Refusal | None:
    return Refusal.DAY_TOO_LONG if already + minutes > MAX_DAY_MINUTES else None


# --- words ---------------------------------------------------------------------------------
def hours_of(minutes: int) -> float | int:
    """Minutes as a number of hours for display: 90 → 1.5, 120 → 2, 100 → 1.67."""
    hours = minutes / 60
    return int(hours) if minutes % 60 == 0 else round(hours, 2)


def hours_text(t: Translator, minutes: int) -> str:
    """ "2 h" through ngettext (Arabic has a dual, Russian three forms); fractions apart."""
    if minutes % 60 == 0:
        # Translators: whole hours, short, for buttons and lists: "2 h", "1 h".
        return t.ngettext("{n} h", "{n} h", minutes // 60)
    # Translators: hours with a fraction, short, for buttons and lists: "1,5 h".
    return t._("{hours} h", hours=hours_of(minutes))


class EntryLike(Protocol):
    """What the entry renderers read; read-only so Literal-typed models fit."""

    @property
    def source(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def activity_icon(self) -> str | None: ...
    @property
    def activity_label(self) -> str | None: ...
    @property
    def day(self) -> date: ...
    @property
    def minutes(self) -> int: ...


@dataclass(frozen=True)
class Activity:
    icon: str
    label: Markup  # safe HTML: in the reader's language, or a Dutch title as it is


def activity_of(
    t: Translator, entry: EntryLike, buddy_name: str | None = None, met: str | None = None
) -> Activity:
    """Icon and words for what an entry was: the offer's Dutch title, the buddy meeting, or
    the kind of 'something else'. A newcomer sees their buddy's name, a buddy the name of
    the newcomer they `met`."""
    kind_icon, kind_label = KINDS.get(entry.kind, KINDS["other"])
    if entry.source == "offer":
        title = html.escape(entry.activity_label, quote=False) if entry.activity_label else None
        return Activity(kind_icon, Markup(title or t._(kind_label)))
    if entry.source == "buddy":
        what = BUDDY_ACTIVITIES.get(entry.activity_icon or "")
        icon = what[0] if what else kind_icon
        if met:
            label = t._("Meeting with {name}", name=met)
        elif buddy_name:
            label = t._("Buddy {name}", name=buddy_name)
        else:
            buddy_label = KINDS["buddy"][1]
            label = t._(buddy_label)
        if what:
            label = f"{label} · {t._(what[1])}"
        return Activity(icon, Markup(label))
    return Activity(kind_icon, Markup(t._(kind_label)))


def entry_line(
    t: Translator, entry: EntryLike, buddy_name: str | None = None, met: str | None = None
) -> str:
    """One line: icon, activity, short date, hours. Values are escaped by the translator."""
    what = activity_of(t, entry, buddy_name, met)
    return t._(
        "{icon} {activity} · {day} · {hours}",
        icon=what.icon,
        activity=what.label,
        day=t.short_date(entry.day),
        hours=hours_text(t, entry.minutes),
    )
