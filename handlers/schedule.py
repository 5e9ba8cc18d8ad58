"""When an offer happens: parse schedules, list the next sessions, derive free-time slots.

A schedule is plain JSON in local time (the network's time zone)::

    {"weekly": [{"day": "tue", "start": "19:00", "end": "21:00"}],
     "dates":  [{"date": "2026-12-12", "start": "09:00", "end": "12:30"}]}

Both lists may be empty ("by appointment"). Everything here is pure.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY_NAMES = {
    **{day: i for i, day in enumerate(DAYS)},
    **{day: i for i, day in enumerate(("ma", "di", "wo", "do", "vr", "za", "zo"))},
    **{
        day: i
        for i, day in enumerate(
            ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
        )
    },
    **{
        day: i
        for i, day in enumerate(
            ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
        )
    },
}
_TIME_RANGE = r"(\d{1,2})[:.hu](\d{2})\s*-\s*(\d{1,2})[:.hu](\d{2})"
_WEEKLY = re.compile(rf"^([a-z]+)\s+{_TIME_RANGE}$")
_DATED = re.compile(rf"^(\d{{4}}-\d{{2}}-\d{{2}})\s+{_TIME_RANGE}$")

# Free-time slots, as people choose them in onboarding (handlers.vocab.AVAILABILITY).
SLOTS = ("weekday", "evening", "weekend")
EVENING_FROM = time(17, 0)
HORIZON_DAYS = 370
MAX_SESSIONS = 200


class Scheduled(Protocol):
    schedule: dict[str, Any]
    active_from: date | None
    active_until: date | None


def day_index(name: str) -> int | None:
    return _DAY_NAMES.get(name.strip().casefold().rstrip("."))


def _hhmm(hours: str, minutes: str) -> str:
    h, m = int(hours), int(minutes)
    if not (0 <= h <= 23 and 0 <= m <= 59):
        raise ValueError(f"{hours}:{minutes} is not a time")
    return f"{h:02d}:{m:02d}"


def _span(groups: tuple[str, ...]) -> tuple[str, str]:
    start, end = _hhmm(groups[0], groups[1]), _hhmm(groups[2], groups[3])
    if end <= start:
        raise ValueError(f"{start}-{end} ends before it starts")
    return start, end


def parse_schedule(text: str) -> dict[str, list[dict[str, str]]]:
    """'tue 19:00-21:00; 2026-12-12 09:00-12:30' → schedule JSON; ValueError with a reason."""
    weekly: list[dict[str, str]] = []
    dates: list[dict[str, str]] = []
    for part in (p.strip().casefold() for p in text.split(";")):
        if not part:
            continue
        if match := _WEEKLY.match(part):
            day = day_index(match.group(1))
            if day is None:
                raise ValueError(f"unknown day {match.group(1)!r}")
            start, end = _span(match.groups()[1:])
            weekly.append({"day": DAYS[day], "start": start, "end": end})
        elif match := _DATED.match(part):
            try:
                day_value = date.fromisoformat(match.group(1))
            except ValueError:
                raise ValueError(f"{match.group(1)} is not a date") from None
            start, end = _span(match.groups()[1:])
            dates.append({"date": day_value.isoformat(), "start": start, "end": end})
        else:
            raise ValueError(f"cannot read schedule part {part!r} (use 'tue 19:00-21:00')")
        if len(weekly) + len(dates) > MAX_SESSIONS:
            raise ValueError("too many sessions")
    dates.sort(key=lambda d: (d["date"], d["start"]))
    return {"weekly": weekly, "dates": dates}


def _at(day: date, hhmm: str, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time.fromisoformat(hhmm), tzinfo=tz)


def next_sessions(
    offer: Scheduled, after: datetime, tz: ZoneInfo, limit: int = 3
) -> list[tuple[datetime, datetime]]:
    """The next `limit` sessions starting after `after`, as aware local (start, end) pairs.

    Weekly sessions are only generated inside the offer's active period; dated sessions
    are taken as they are.
    """
    local = after.astimezone(tz)
    found: list[tuple[datetime, datetime]] = []
    schedule = offer.schedule or {}
    for item in schedule.get("dates", []):
        day = date.fromisoformat(item["date"])
        start = _at(day, item["start"], tz)
        if start > local:
            found.append((start, _at(day, item["end"], tz)))
    weekly = schedule.get("weekly", [])
    if weekly:
        first = max(local.date(), offer.active_from or local.date())
        last = first + timedelta(days=HORIZON_DAYS)
        if offer.active_until is not None:
            last = min(last, offer.active_until)
        by_day: dict[int, list[dict[str, str]]] = {}
        for item in sorted(weekly, key=lambda i: i["start"]):
            by_day.setdefault(DAYS.index(item["day"]), []).append(item)
        day, repeating = first, 0
        while day <= last and repeating < limit:
            for item in by_day.get(day.weekday(), []):
                start = _at(day, item["start"], tz)
                if start > local:
                    found.append((start, _at(day, item["end"], tz)))
                    repeating += 1
            day += timedelta(days=1)
    found.sort()
    return found[:limit]


def slots_of(schedule: dict[str, Any]) -> frozenset[str]:
    """Which free-time slots the sessions fall in: weekend (Sat, Sun), evening, weekday."""
    found: set[str] = set()
    sessions = [(DAYS.index(item["day"]), item["start"]) for item in schedule.get("weekly", [])] + [
        (date.fromisoformat(item["date"]).weekday(), item["start"])
        for item in schedule.get("dates", [])
    ]
    for weekday, start in sessions:
        if weekday >= 5:
            found.add("weekend")
        if time.fromisoformat(start) >= EVENING_FROM:
            found.add("evening")
        elif weekday < 5:
            found.add("weekday")
    return frozenset(found)


def slot_bits(slots: frozenset[str] | set[str] | list[str]) -> int:
    return sum(1 << SLOTS.index(s) for s in slots if s in SLOTS)


def slots_from_bits(bits: int) -> frozenset[str]:
    return frozenset(s for i, s in enumerate(SLOTS) if bits & (1 << i))


def last_day(schedule: dict[str, Any], active_until: date | None) -> date | None:
    """The last day the offer can still happen: its last dated session, or `active_until`."""
    if schedule.get("weekly"):
        return active_until
    dates = [date.fromisoformat(item["date"]) for item in schedule.get("dates", [])]
    if dates:
        return min(max(dates), active_until) if active_until else max(dates)
    return active_until
