"""Which week a digest is about.

The digest is about the last *full* week: Monday 00:00 up to the next Monday 00:00 in the
network's time zone. Run on a Sunday evening, that is the week before, not the one now ending.
On demand a week is named `2026-W49`, `2026W49` or just `49` (the most recent week 49 that
has begun).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

from handlers.context import Config
from storage.digest import Week

_WEEK = re.compile(r"^(?:(\d{4})-?W|W?)(\d{1,2})$", re.IGNORECASE)

__all__ = ["Week", "last_complete_week", "named_week", "parse_week", "week_of"]


def parse_week(text: str, today: date | None = None) -> tuple[int, int]:
    """'2026-W48', '2026W48', 'W48' or '48' → (2026, 48); ValueError when no real ISO week.

    Without a year, the most recent week with that number that has begun by `today`.
    """
    match = _WEEK.match(text.strip())
    if not match:
        raise ValueError(f"not a week like 2026-W48 or 48: {text!r}")
    number = int(match.group(2))
    if match.group(1):
        year = int(match.group(1))
    else:
        today = today or date.today()
        year = today.isocalendar().year
        try:
            if date.fromisocalendar(year, number, 1) > today:
                year -= 1
        except ValueError:
            year -= 1
    date.fromisocalendar(year, number, 1)  # raises for week 53 of a 52-week year, or week 0
    return year, number


def week_of(day: date, config: Config) -> Week:
    iso_year, number, _ = day.isocalendar()
    monday = date.fromisocalendar(iso_year, number, 1)
    tz = config.tz

    def instant(d: date) -> datetime:
        return datetime.combine(d, time(0), tzinfo=tz).astimezone(UTC)

    return Week(
        f"{iso_year}-W{number:02d}", monday, instant(monday), instant(monday + timedelta(days=7))
    )


def named_week(text: str, config: Config, today: date | None = None) -> Week:
    year, number = parse_week(text, today)
    return week_of(date.fromisocalendar(year, number, 1), config)


def last_complete_week(now: datetime, config: Config) -> Week:
    """The most recent Monday-to-Sunday week that has ended (on a Monday: last week)."""
    today = now.astimezone(config.tz).date()
    return week_of(today - timedelta(days=today.isoweekday()), config)
