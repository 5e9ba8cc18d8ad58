"""UiTdatabank calendars: sessions and weekly hours of an event or place.

After publiq's models (cultuurnet/apidocs, projects/uitdatabank/models/): calendarType single
or multiple have `subEvent`s (each with its own status and bookingAvailability); periodic and
permanent have `openingHours` in H:MM or HH:MM.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from handlers.offers.import_rows import RowError
from handlers.schedule import DAYS, day_index

TZ = ZoneInfo("Europe/Brussels")
MAX_DAYS = 62  # a multi-day session is spread over at most this many days
STATUS = {"Unavailable": "cancelled", "TemporarilyUnavailable": "postponed or closed for now"}
_TIME = re.compile(r"^(\d?\d):(\d\d)$")


def hhmm(text: object) -> str | None:
    """'9:00' or '09:00' → '09:00'; None for anything else."""
    match = _TIME.match(str(text or "").strip())
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        return None
    return f"{int(match[1]):02d}:{match[2]}"


def _local(value: str) -> datetime:
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment.astimezone(TZ) if moment.tzinfo else moment.replace(tzinfo=TZ)


def is_open(document: dict[str, Any]) -> bool:
    """Not cancelled or postponed and not fully booked."""
    status = (document.get("status") or {}).get("type")
    booking = document.get("bookingAvailability") or {}
    return (
        status not in STATUS
        and booking.get("type") != "Unavailable"
        and booking.get("remainingCapacity") != 0
    )


def session_days(begin: datetime, finish: datetime) -> list[dict[str, str]]:
    """A session from `begin` to `finish`; over several days (a Monday–Friday camp), one a day
    at the same hours, or until midnight when the end time is not after the start time."""
    opens = f"{begin.hour:02d}:{begin.minute:02d}"
    stop = f"{finish.hour:02d}:{finish.minute:02d}"
    if stop <= opens:
        stop = "23:59"
    days = min((finish.date() - begin.date()).days, MAX_DAYS - 1)
    return [
        {"date": (begin.date() + timedelta(days=n)).isoformat(), "start": opens, "end": stop}
        for n in range(max(days, 0) + 1)
    ]


def schedule_of(item: dict[str, Any]) -> tuple[dict[str, Any], date | None, date | None]:
    """(schedule, active_from, active_until) from calendarType, subEvent and openingHours.

    Sessions that are cancelled, postponed or fully booked are left out; RowError when that
    leaves nothing of a dated event."""
    calendar = item.get("calendarType")
    start, end = item.get("startDate"), item.get("endDate")
    active_from = _local(start).date() if isinstance(start, str) else None
    active_until = _local(end).date() if isinstance(end, str) else None
    weekly: list[dict[str, str]] = []
    dates: list[dict[str, str]] = []
    if calendar in ("single", "multiple"):
        events = item.get("subEvent") or [{"startDate": start, "endDate": end}]
        for event in events:
            if not isinstance(event, dict) or not isinstance(event.get("startDate"), str):
                continue
            if is_open(event):
                begin = _local(event["startDate"])
                dates += session_days(begin, _local(event.get("endDate") or event["startDate"]))
        if not dates:
            raise RowError("every session is cancelled, postponed or fully booked")
    for hours in item.get("openingHours") or []:
        opens, closes = hhmm(hours.get("opens")), hhmm(hours.get("closes"))
        if opens is None or closes is None or closes <= opens:
            continue
        for name in hours.get("dayOfWeek") or []:
            day = day_index(str(name))
            if day is not None:
                weekly.append({"day": DAYS[day], "start": opens, "end": closes})
    dates.sort(key=lambda d: (d["date"], d["start"]))
    return {"weekly": weekly, "dates": dates}, active_from, active_until
