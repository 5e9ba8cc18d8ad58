"""Reminders: what each tick queues, when it waits, and who never gets one.

Router-level transcripts for /reminders; ticks run as the scheduler runs them (one
transaction, the test clock). The outbox is read back to see what would be sent.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any

from bot.outbox_sender import OutboxSender
from handlers.context import Config, load_replies
from handlers.reminders.ticks import (
    remind_after_sessions,
    remind_confirmers,
    remind_quiet,
    remind_sessions,
)
from handlers.ticks import Batched
from handlers.types import Reply
from storage.clock import iso
from storage.db import Database, dumps
from storage.delivery import mark_unreachable
from tests.conftest import Chat, Clock, onboard_buddy, onboard_newcomer

CONFIG = Config(bot_username="meedoen_test_bot")
LOCAL = "Europe/Brussels"


def local(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A Brussels wall-clock time (winter: UTC+1) as UTC."""
    from zoneinfo import ZoneInfo

    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(LOCAL)).astimezone(UTC)


async def tick(db: Database, clock: Clock, fn: Any) -> int:
    """Run a tick as the scheduler does: a batched one in its short transactions."""
    if isinstance(fn, Batched):
        return int(await fn.in_batches(db, CONFIG, clock()))
    async with db.transaction() as tx:
        return int(await fn(tx, CONFIG, clock()))


async def queued(db: Database, purpose: str | None = None) -> list[dict[str, Any]]:
    async with db.transaction() as tx:
        rows = await tx.all("SELECT * FROM outbox ORDER BY id")
    found = [dict(row) for row in rows]
    return [row for row in found if purpose is None or row["purpose"] == purpose]


def replies_of(row: dict[str, Any]) -> list[Reply]:
    return load_replies(row["payload"])


async def person_id(db: Database, address: str) -> int:
    async with db.transaction() as tx:
        found = await tx.scalar("SELECT person_id FROM identities WHERE address = ?", (address,))
    return int(found)


async def add_offer(db: Database, clock: Clock, schedule: dict[str, Any]) -> int:
    async with db.transaction() as tx:
        return await tx.execute(
            "INSERT INTO offers (source, external_id, title_nl, kind, latitude, longitude, "
            "schedule, dutch_level, content_hash, imported_at, updated_at, address, postcode, "
            "municipality) VALUES ('test', ?, 'Praattafel Nederlands', 'language', 50.85, 2.88, "
            "?, 1, 'h', ?, ?, 'Grote Markt 1', '8900', 'Ieper')",
            (f"x{next(_ids)}", dumps(schedule), iso(clock()), iso(clock())),
        )


async def enrol(db: Database, clock: Clock, who: int, offer_id: int) -> int:
    async with db.transaction() as tx:
        return await tx.execute(
            "INSERT INTO enrolments (person_id, offer_id, status, created_at) "
            "VALUES (?, ?, 'active', ?)",
            (who, offer_id, iso(clock())),
        )


async def add_hours(
    db: Database, clock: Clock, who: int, minutes: int, status: str = "confirmed", **extra: Any
) -> int:
    values = {"source": "other", "kind": "sport", **extra}
    async with db.transaction() as tx:
        return await tx.execute(
            "INSERT INTO hour_entries (person_id, source, kind, day, minutes, status, "
            "confirmer_person_id, pair_id, logged_by_person_id, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (who, values["source"], values["kind"], clock().date().isoformat(), minutes, status,
             values.get("confirmer"), values.get("pair"), values.get("logged_by", who),
             iso(clock()), iso(clock())),
        )  # fmt: skip


_ids = itertools.count()
WEDNESDAY_EVENING = {"weekly": [{"day": "wed", "start": "19:00", "end": "21:00"}], "dates": []}


# --- the day before -------------------------------------------------------------------------------
async def test_the_day_before_a_session_tells_when_where_with_a_map(
    db: Database, clock: Clock, chat: Chat
) -> None:
    await onboard_newcomer(chat)  # Monday 23 November 2026, 11:00 in Ieper
    amal = await person_id(db, "1001")
    offer = await add_offer(db, clock, WEDNESDAY_EVENING)
    await enrol(db, clock, amal, offer)

    clock.now = local(2026, 11, 24, 17)  # Tuesday 17:00
    assert await tick(db, clock, remind_sessions) == 1
    assert await tick(db, clock, remind_sessions) == 0  # the tick ran twice: queued once
    [row] = await queued(db, "reminder:session")
    [reply] = replies_of(row)
    assert "Praattafel Nederlands" in reply.text and "19:00" in reply.text
    assert "Grote Markt 1, 8900 Ieper" in reply.text and "Wednesday 25 November" in reply.text
    assert reply.text.startswith("📅 Tomorrow: ")
    [[button]] = reply.buttons
    assert button.url and "openstreetmap.org" in button.url and "mlat=50.85" in button.url
    assert row["not_before"] == row["created_at"]  # daytime: right away

    clock.now = local(2026, 11, 25, 17)  # Wednesday: nothing tomorrow
    assert await tick(db, clock, remind_sessions) == 0


async def test_at_night_a_reminder_waits_until_eight(
    db: Database, clock: Clock, chat: Chat
) -> None:
    await onboard_newcomer(chat)
    amal = await person_id(db, "1001")
    await enrol(db, clock, amal, await add_offer(db, clock, WEDNESDAY_EVENING))
    clock.now = local(2026, 11, 24, 22, 30)  # a catch-up at 22:30
    assert await tick(db, clock, remind_sessions) == 1
    [row] = await queued(db, "reminder:session")
    assert row["not_before"] == "2026-11-25T07:00:00Z"  # 08:00 in Brussels
    assert replies_of(row)[0].text.startswith("📅 Today: ")  # read on the day itself

    delivered: list[str] = []

    async def deliver(address: str, replies: list[Reply]) -> None:
        delivered.extend(reply.text for reply in replies)

    sender = OutboxSender(db, {"console": deliver}, clock=clock)
    clock.now = local(2026, 11, 25, 7, 59)
    assert await sender.run_once() == 0
    clock.now = local(2026, 11, 25, 8, 0)
    assert await sender.run_once() == 1 and "Praattafel" in delivered[0]


# --- after a session ------------------------------------------------------------------------------
async def test_after_a_session_one_tap_logs_the_hours(
    db: Database, clock: Clock, chat: Chat
) -> None:
    await onboard_newcomer(chat)
    amal = await person_id(db, "1001")
    offer = await add_offer(db, clock, WEDNESDAY_EVENING)
    await enrol(db, clock, amal, offer)

    clock.now = local(2026, 11, 25, 20, 35)  # the session is not over yet
    assert await tick(db, clock, remind_after_sessions) == 0
    clock.now = local(2026, 11, 26, 8, 5)  # the first tick of the next morning
    assert await tick(db, clock, remind_after_sessions) == 1
    [row] = await queued(db, "reminder:after")
    [reply] = replies_of(row)
    assert "How did it go at Praattafel Nederlands?" in reply.text
    buttons = [b for line in reply.buttons for b in line]
    assert [b.data for b in buttons] == [
        f"hq:o:{offer}:{minutes}:20261125" for minutes in (60, 90, 120, 180)
    ]

    clock.advance(minutes=10)
    await chat.press(buttons[2].data or "")  # 2 h
    assert "Saved" in chat.text
    async with db.transaction() as tx:
        entry = await tx.one("SELECT day, minutes, offer_id FROM hour_entries")
    assert tuple(entry) == ("2026-11-25", 120, offer)
    clock.advance(minutes=30)
    assert await tick(db, clock, remind_after_sessions) == 0


async def test_no_after_reminder_when_hours_were_logged_or_before_enrolment(
    db: Database, clock: Clock, chat: Chat
) -> None:
    await onboard_newcomer(chat)
    amal = await person_id(db, "1001")
    offer = await add_offer(db, clock, WEDNESDAY_EVENING)
    clock.now = local(2026, 11, 25, 22)  # enrolled after Wednesday's session
    await enrol(db, clock, amal, offer)
    clock.now = local(2026, 11, 26, 9, 5)
    assert await tick(db, clock, remind_after_sessions) == 0

    clock.now = local(2026, 12, 2, 21, 30)  # next Wednesday: logged right after
    await add_hours(db, clock, amal, 120, "pending", source="offer", kind="language")
    async with db.transaction() as tx:
        await tx.execute("UPDATE hour_entries SET offer_id = ?", (offer,))
    clock.now = local(2026, 12, 3, 8, 5)
    assert await tick(db, clock, remind_after_sessions) == 0


# --- quiet for two weeks --------------------------------------------------------------------------
async def test_a_quiet_newcomer_gets_two_ideas_at_most_once_a_week(
    db: Database, clock: Clock, chat: Chat
) -> None:
    await onboard_newcomer(chat, interests=("language",))
    await add_offer(db, clock, WEDNESDAY_EVENING)
    await add_offer(db, clock, {"weekly": [{"day": "sat", "start": "10:00", "end": "12:00"}]})
    clock.advance(days=13)
    assert await tick(db, clock, remind_quiet) == 0  # not two weeks yet
    clock.advance(days=2)
    assert await tick(db, clock, remind_quiet) == 1
    [row] = await queued(db, "reminder:nudge")
    [reply] = replies_of(row)
    assert "Hello Amal" in reply.text and reply.text.count("Praattafel Nederlands") == 2
    assert {b.data for line in reply.buttons for b in line} == {"m:offers", "m:log"}
    for days in (0, 3, 3):
        clock.advance(days=days)
        assert await tick(db, clock, remind_quiet) == 0
    clock.advance(days=1)  # a week after the first nudge
    assert await tick(db, clock, remind_quiet) == 1


async def test_no_nudge_after_logging_hours(db: Database, clock: Clock, chat: Chat) -> None:
    await onboard_newcomer(chat)
    amal = await person_id(db, "1001")
    clock.advance(days=10)
    await add_hours(db, clock, amal, 60, "self_declared")
    clock.advance(days=10)
    assert await tick(db, clock, remind_quiet) == 0
    clock.advance(days=5)
    assert await tick(db, clock, remind_quiet) == 1


async def test_a_buddy_without_a_meeting_for_two_weeks_is_nudged(
    db: Database, clock: Clock, router: Any
) -> None:
    newcomer, buddy = Chat(router, "1001"), Chat(router, "2002")
    await onboard_newcomer(newcomer)
    await onboard_buddy(buddy, locale="en")
    amal, jan = await person_id(db, "1001"), await person_id(db, "2002")
    async with db.transaction() as tx:
        pair = await tx.execute(
            "INSERT INTO buddy_pairs (buddy_id, newcomer_id, status, created_at) "
            "VALUES (?, ?, 'active', ?)",
            (jan, amal, iso(clock())),
        )
    clock.advance(days=7)
    await add_hours(db, clock, amal, 60, "confirmed", source="buddy", kind="buddy", pair=pair)
    clock.advance(days=14, hours=1)
    await tick(db, clock, remind_quiet)
    nudges = {row["person_id"]: replies_of(row)[0].text for row in await queued(db)}
    assert "You did not log a meeting with Amal for two weeks" in nudges[jan]
    assert amal in nudges  # Amal logged nothing herself either


# --- confirmations waiting ------------------------------------------------------------------------
async def test_a_confirmation_waiting_three_days_reminds_the_confirmer_once(
    db: Database, clock: Clock, router: Any
) -> None:
    newcomer, buddy = Chat(router, "1001"), Chat(router, "2002")
    await onboard_newcomer(newcomer)
    await onboard_buddy(buddy, locale="en")
    amal, jan = await person_id(db, "1001"), await person_id(db, "2002")
    first = await add_hours(db, clock, amal, 90, "pending", source="buddy", kind="buddy",
                            confirmer=jan)  # fmt: skip
    clock.advance(days=2)
    assert await tick(db, clock, remind_confirmers) == 0
    clock.advance(days=1, minutes=1)
    assert await tick(db, clock, remind_confirmers) == 1
    assert await tick(db, clock, remind_confirmers) == 0
    [row] = await queued(db, "reminder:confirm")
    assert row["person_id"] == jan
    [reply] = replies_of(row)
    assert "1 entry waits for your answer" in reply.text and "Amal" in reply.text
    assert [b.data for b in reply.buttons[0]] == [f"hc:ok:{first}", f"hc:no:{first}"]

    second = await add_hours(db, clock, amal, 60, "pending", source="buddy", kind="buddy",
                             confirmer=jan)  # fmt: skip
    clock.advance(days=3, minutes=1)
    assert await tick(db, clock, remind_confirmers) == 1  # only the new one
    [_, row] = await queued(db, "reminder:confirm")
    assert [b.data for b in replies_of(row)[0].buttons[0]] == [f"hc:ok:{second}", f"hc:no:{second}"]

    await buddy.press(f"hc:ok:{first}")  # answered: it is not in any later reminder
    clock.advance(days=1)
    assert await tick(db, clock, remind_confirmers) == 0


# --- who never gets one ---------------------------------------------------------------------------
async def test_stop_pause_and_kinds_in_reminders(db: Database, clock: Clock, chat: Chat) -> None:
    await onboard_newcomer(chat)
    amal = await person_id(db, "1001")
    await enrol(db, clock, amal, await add_offer(db, clock, WEDNESDAY_EVENING))
    await chat.say("/reminders")
    assert "Reminders are on" in chat.text and "21:00" in chat.text
    await chat.tap("When it has been quiet")  # nudges off, the rest stays on
    assert "⬜ 👋 When it has been quiet" in [b.label for b in chat.last[0].buttons[2]]
    clock.now = local(2026, 12, 8, 17)  # two weeks quiet, and a session tomorrow
    assert await tick(db, clock, remind_quiet) == 0
    assert await tick(db, clock, remind_sessions) == 1

    await chat.say("/reminders")
    await chat.tap("Stop all")
    assert "All reminders are off" in chat.text
    assert await queued(db, "reminder:session") == []  # the waiting one is dropped too
    clock.now = local(2026, 12, 15, 17)
    assert await tick(db, clock, remind_sessions) == 0

    clock.advance(minutes=5)
    await chat.tap("Turn on again")
    await chat.tap("Pause 1 week")
    assert "paused until" in chat.text
    clock.now = local(2026, 12, 22, 17, 0)
    assert await tick(db, clock, remind_sessions) == 0  # paused until 17:05
    clock.now = local(2026, 12, 29, 17, 0)
    assert await tick(db, clock, remind_sessions) == 1


async def test_forged_reminder_buttons_change_nothing(
    db: Database, clock: Clock, chat: Chat
) -> None:
    await onboard_newcomer(chat)
    for data in ("rm:k:bogus", "rm:pause:1", "rm", "rm:k", "rm:k:session:x", "rm:" + "x" * 60):
        await chat.press(data)
        assert "This button is old" in chat.text
    async with db.transaction() as tx:
        assert await tx.scalar("SELECT COUNT(*) FROM reminder_settings") == 0


async def test_reminders_before_onboarding_ask_to_finish_first(chat: Chat) -> None:
    await chat.say("/start")
    await chat.say("/reminders")
    assert "finish" in chat.text.lower() or "eerst" in chat.text.lower()


async def test_after_the_target_a_celebration_instead_of_reminders(
    db: Database, clock: Clock, chat: Chat
) -> None:
    await onboard_newcomer(chat)
    amal = await person_id(db, "1001")
    await enrol(db, clock, amal, await add_offer(db, clock, WEDNESDAY_EVENING))
    for _ in range(4):
        await add_hours(db, clock, amal, 600)
    clock.now = local(2026, 11, 24, 17)
    assert await tick(db, clock, remind_sessions) == 0
    clock.now = local(2026, 12, 10, 10, 15)
    assert await tick(db, clock, remind_quiet) == 0
    rows = await queued(db)
    assert [row["purpose"] for row in rows] == ["milestone"]  # once, however many ticks
    assert "You did it" in replies_of(rows[0])[0].text


async def test_no_reminder_for_an_unreachable_person_until_they_write_again(
    db: Database, clock: Clock, chat: Chat
) -> None:
    await onboard_newcomer(chat)
    amal = await person_id(db, "1001")
    async with db.transaction() as tx:
        await mark_unreachable(tx, "console", "1001", amal, "blocked", clock())
    clock.advance(days=15)
    assert await tick(db, clock, remind_quiet) == 0
    await chat.say("/menu")  # they are back
    clock.advance(minutes=1)
    assert await tick(db, clock, remind_quiet) == 1
