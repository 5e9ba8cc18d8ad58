"""The reminder ticks: what is due when. Each reads what is due, then queues it in batches.

The rules are in `handlers.reminders.rules`, the texts in `handlers.reminders.messages`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from handlers.context import Config
from handlers.offers.search import top_suggestions
from handlers.people.buddy_plans import plan_reminder_key
from handlers.priority import give_way
from handlers.reminders.messages import (
    after_meeting_reminder,
    after_reminder,
    buddy_nudge,
    confirm_reminder,
    meeting_reminder,
    newcomer_nudge,
    session_reminder,
)
from handlers.reminders.rules import (
    AFTER_LOOKBACK,
    AFTER_MEETING,
    CONFIRM_AFTER,
    NUDGE_EVERY,
    QUIET_DAYS,
    Round,
    not_before,
)
from handlers.schedule import next_sessions
from handlers.ticks import Batched, Tick
from storage import reminders as store
from storage.buddies import PlannedMeeting, meeting_logged, planned_starting
from storage.db import Tx
from storage.hours import get_entry
from storage.people import get_person


# --- the day before a session ----------------------------------------------------------------
async def _sessions_work(tx: Tx, config: Config, now: datetime) -> list[Any]:
    """Every enrolment with a schedule, and (last) the planned buddy meetings."""
    today = now.astimezone(config.tz).date()
    items: list[Any] = list(await store.enrolled_with_schedule(tx, today, give_way))
    return [*items, _PLANNED]


_PLANNED = "planned meetings"  # the work item that reminds tomorrow's planned buddy meetings


async def _sessions_part(tx: Tx, config: Config, now: datetime, items: Sequence[Any]) -> int:
    """The day before: each enrolled newcomer's sessions of tomorrow."""
    round_ = await Round.open(tx, config, now)
    tz = config.tz
    tomorrow = round_.local_today + timedelta(days=1)
    start_of_tomorrow = datetime.combine(tomorrow, time(0), tzinfo=tz)
    wait_until = not_before(now, tz)
    for enrolled in items:
        if enrolled == _PLANNED:
            await remind_planned_meetings(round_, tomorrow)
            continue
        sessions = next_sessions(enrolled.offer, start_of_tomorrow - timedelta(seconds=1), tz, 5)
        for start, end in sessions:
            if start.date() != tomorrow or start <= wait_until:
                continue
            if await round_.reached_target(enrolled.person_id):
                break
            key = f"reminder:session:{enrolled.enrolment_id}:{start:%Y%m%dT%H%M}"
            same_day = wait_until.astimezone(tz).date() == tomorrow
            build = session_reminder(enrolled.offer, start, end, same_day)
            await round_.send(enrolled.person_id, "session", key, build)
    return round_.queued


remind_sessions = Batched(_sessions_work, _sessions_part)


# --- the day before a planned buddy meeting --------------------------------------------------
async def remind_planned_meetings(round_: Round, tomorrow: date) -> None:
    """Both the buddy and the newcomer, for every live meeting planned for tomorrow."""
    tz = round_.config.tz
    since = datetime.combine(tomorrow, time(0), tzinfo=tz).astimezone(UTC)
    until = datetime.combine(tomorrow + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)
    wait_until = not_before(round_.now, tz)
    for meeting in await planned_starting(round_.tx, since, until):
        if meeting.starts_at <= wait_until or await round_.reached_target(meeting.newcomer_id):
            continue
        for person_id, other in ((meeting.buddy_id, meeting.newcomer_name),
                                 (meeting.newcomer_id, meeting.buddy_name)):  # fmt: skip
            key = plan_reminder_key("session", meeting.id, person_id)
            await round_.send(person_id, "session", key,
                              meeting_reminder(other, meeting.starts_at, tz))  # fmt: skip


# --- after a session -------------------------------------------------------------------------
async def _after_work(tx: Tx, config: Config, now: datetime) -> list[Any]:
    """Sessions that ended in the last 36 hours with no hours logged yet, and buddy meetings."""
    tz = config.tz
    oldest_day = (now - AFTER_LOOKBACK).astimezone(tz).date()
    logged = await store.logged_offer_days(tx, oldest_day)
    items: list[Any] = []
    for enrolled in await store.enrolled_with_schedule(tx, oldest_day, give_way):
        await give_way()  # pure CPU over many enrolments: turns go first
        person_id, offer = enrolled.person_id, enrolled.offer
        for start, end in next_sessions(offer, now - AFTER_LOOKBACK, tz, 5):
            if end > now or start < enrolled.enrolled_at:
                continue  # not over yet, or before they joined
            day = start.date()
            if (person_id, offer.id, day) in logged or (now.astimezone(tz).date() - day).days > (
                config.max_log_age_days
            ):
                continue
            items.append((enrolled, start, day))
    return items + await _after_meetings_work(tx, config, now)


async def _after_part(tx: Tx, config: Config, now: datetime, items: Sequence[Any]) -> int:
    round_ = await Round.open(tx, config, now)
    for item in items:
        if isinstance(item, PlannedMeeting):
            await _after_meeting(round_, item)
            continue
        enrolled, start, day = item
        if await round_.reached_target(enrolled.person_id):
            continue
        key = f"reminder:after:{enrolled.enrolment_id}:{start:%Y%m%dT%H%M}"
        await round_.send(enrolled.person_id, "after", key, after_reminder(enrolled.offer, day))
    return round_.queued


remind_after_sessions = Batched(_after_work, _after_part)


# --- after a planned buddy meeting -----------------------------------------------------------
async def _after_meetings_work(tx: Tx, config: Config, now: datetime) -> list[PlannedMeeting]:
    """Planned meetings that started 1 to 36 hours ago with no meeting logged that day."""
    until = now - AFTER_MEETING + timedelta(seconds=1)  # starts_at has whole seconds
    due = []
    for meeting in await planned_starting(tx, now - AFTER_LOOKBACK, until):
        day = meeting.starts_at.astimezone(config.tz).date()
        if not await meeting_logged(tx, meeting.pair_id, day):
            due.append(meeting)
    return due


async def _after_meeting(round_: Round, meeting: PlannedMeeting) -> None:
    """The buddy, once per planned meeting."""
    if await round_.reached_target(meeting.newcomer_id):
        return
    key = plan_reminder_key("after", meeting.id, meeting.buddy_id)
    await round_.send(meeting.buddy_id, "after", key,
                      after_meeting_reminder(meeting.id, meeting.newcomer_name))  # fmt: skip


# --- quiet for two weeks ---------------------------------------------------------------------
def _week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}W{week:02d}"


async def _quiet_work(tx: Tx, config: Config, now: datetime) -> list[Any]:
    """Newcomers without hours and buddies without a meeting for 14 days."""
    before = now - timedelta(days=QUIET_DAYS)
    last = await store.last_reminded(tx, "nudge")  # shared by the parts: one nudge a week
    items: list[Any] = [(quiet, last) for quiet in await store.quiet_newcomers(tx, before)]
    return items + [(pair, last) for pair in await store.quiet_pairs(tx, before)]


async def _quiet_part(tx: Tx, config: Config, now: datetime, items: Sequence[Any]) -> int:
    """Nudge each (at most once a week)."""
    round_ = await Round.open(tx, config, now)
    week = _week(round_.local_today)
    for quiet, last in items:
        if isinstance(quiet, store.QuietPair):
            pair = quiet
            if (at := last.get(pair.buddy_id)) is not None and now - at < NUDGE_EVERY:
                continue
            if await round_.reached_target(pair.newcomer_id):
                continue
            key = f"reminder:nudge:{pair.buddy_id}:{week}:p{pair.pair_id}"
            if await round_.send(pair.buddy_id, "nudge", key, buddy_nudge(pair.newcomer_name)):
                last[pair.buddy_id] = now
            continue
        person_id = quiet.person_id
        if (at := last.get(person_id)) is not None and now - at < NUDGE_EVERY:
            continue
        if not await round_.allows(person_id, "nudge") or await round_.reached_target(person_id):
            continue
        person = await get_person(tx, person_id)
        if person is None:
            continue
        ideas = (await top_suggestions(tx, config, person, now, limit=2))[:2]
        key = f"reminder:nudge:{person_id}:{week}"
        if await round_.send(person_id, "nudge", key, newcomer_nudge(person.display_name, ideas)):
            last[person_id] = now
    return round_.queued


remind_quiet = Batched(_quiet_work, _quiet_part)


# --- confirmations waiting -------------------------------------------------------------------
async def _confirm_work(tx: Tx, config: Config, now: datetime) -> list[Any]:
    """Each confirmer with the entries that wait 3 days."""
    return list((await store.waiting_confirmations(tx, now - CONFIRM_AFTER)).items())


async def _confirm_part(tx: Tx, config: Config, now: datetime, items: Sequence[Any]) -> int:
    """One message per confirmer with the entries that wait 3 days (each entry once)."""
    round_ = await Round.open(tx, config, now)
    day = round_.local_today.isoformat()
    for confirmer_id, entry_ids in items:
        if not await round_.allows(confirmer_id, "confirm"):
            continue
        fresh = [i for i in entry_ids if not await store.logged(tx, f"reminder:confirm:e{i}")]
        if not fresh:
            continue
        entries = [e for i in fresh if (e := await get_entry(tx, i)) is not None]
        names = {}
        for entry in entries:
            logger = await get_person(tx, entry.logged_by_person_id or entry.person_id)
            names[entry.id] = logger.display_name if logger else None
        key = f"reminder:confirm:{confirmer_id}:{day}"
        if await round_.send(
            confirmer_id, "confirm", key, confirm_reminder(entries, names, confirmer_id)
        ):
            for entry in entries:
                await store.log_reminder(
                    tx, f"reminder:confirm:e{entry.id}", confirmer_id, "confirm-entry", now
                )  # fmt: skip
    return round_.queued


remind_confirmers = Batched(_confirm_work, _confirm_part)


TICKS = [
    Tick("reminders-session", {"hour": "17", "minute": "0"}, remind_sessions),
    Tick("reminders-after", {"hour": "8-20", "minute": "5,35"}, remind_after_sessions),
    Tick("reminders-confirm", {"hour": "9", "minute": "30"}, remind_confirmers),
    Tick("reminders-quiet", {"hour": "10", "minute": "15"}, remind_quiet),
]
