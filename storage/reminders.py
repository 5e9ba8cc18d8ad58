"""Reminder preferences, the log of reminders queued, and the queries that find what is due.

The rules (what is due when, what to say) are in `handlers.reminders.ticks`; this module only
reads and writes rows. Reminder messages are queued with purpose `reminder:<kind>`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime

from pydantic import BaseModel, Field

from storage.clock import iso, parse, parse_required
from storage.db import Tx, dumps, loads
from storage.offers import Offer, _offer

PURPOSE_PREFIX = "reminder:"


class ReminderSettings(BaseModel):
    person_id: int
    paused_until: datetime | None = None
    kinds_off: list[str] = Field(default_factory=list)
    stopped_at: datetime | None = None

    def allows(self, kind: str, now: datetime) -> bool:
        if self.stopped_at is not None or kind in self.kinds_off:
            return False
        return self.paused_until is None or self.paused_until <= now


async def get_settings(tx: Tx, person_id: int) -> ReminderSettings:
    row = await tx.one("SELECT * FROM reminder_settings WHERE person_id = ?", (person_id,))
    if row is None:
        return ReminderSettings(person_id=person_id)
    return ReminderSettings(
        person_id=person_id,
        paused_until=parse(row["paused_until"]),
        kinds_off=loads(row["kinds_off"], []),
        stopped_at=parse(row["stopped_at"]),
    )


async def save_settings(tx: Tx, settings: ReminderSettings, now: datetime) -> None:
    await tx.execute(
        "INSERT INTO reminder_settings (person_id, paused_until, kinds_off, stopped_at, "
        "updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (person_id) DO UPDATE SET "
        "paused_until = excluded.paused_until, kinds_off = excluded.kinds_off, "
        "stopped_at = excluded.stopped_at, updated_at = excluded.updated_at",
        (
            settings.person_id,
            iso(settings.paused_until) if settings.paused_until else None,
            dumps(sorted(set(settings.kinds_off))),
            iso(settings.stopped_at) if settings.stopped_at else None,
            iso(now),
        ),
    )


async def drop_queued(tx: Tx, person_id: int, kinds: list[str] | None = None) -> int:
    """Remove reminders still waiting in the outbox (after a pause, stop or kind off)."""
    if kinds is None:
        return await tx.rowcount(
            "DELETE FROM outbox WHERE person_id = ? AND status = 'pending' AND purpose LIKE ?",
            (person_id, PURPOSE_PREFIX + "%"),
        )
    purposes = [PURPOSE_PREFIX + kind for kind in kinds]
    marks = ",".join("?" for _ in purposes)
    return await tx.rowcount(
        f"DELETE FROM outbox WHERE person_id = ? AND status = 'pending' AND purpose IN ({marks})",
        (person_id, *purposes),
    )


# --- the log ---------------------------------------------------------------------------------
async def log_reminder(tx: Tx, key: str, person_id: int, kind: str, now: datetime) -> bool:
    """Note that a reminder was queued; False when this key was queued before."""
    inserted = await tx.rowcount(
        "INSERT OR IGNORE INTO reminder_log (key, person_id, kind, queued_at) VALUES (?, ?, ?, ?)",
        (key, person_id, kind, iso(now)),
    )
    return inserted == 1


async def logged(tx: Tx, key: str) -> bool:
    return await tx.scalar("SELECT 1 FROM reminder_log WHERE key = ?", (key,)) is not None


async def last_reminded(tx: Tx, kind: str) -> dict[int, datetime]:
    """When each person last got a reminder of `kind`."""
    rows = await tx.all(
        "SELECT person_id, MAX(queued_at) AS at FROM reminder_log WHERE kind = ? "
        "GROUP BY person_id",
        (kind,),
    )
    return {row["person_id"]: parse(row["at"]) for row in rows}  # type: ignore[misc]



# --- what is due -----------------------------------------------------------------------------
class EnrolledOffer(BaseModel):
    enrolment_id: int
    person_id: int
    enrolled_at: datetime
    offer: Offer


_ENROLLED = (
    "FROM enrolments e JOIN offers o ON o.id = e.offer_id JOIN people p ON p.id = e.person_id "
    "WHERE e.status = 'active' AND o.active = 1 AND p.onboarded_at IS NOT NULL "
    "AND p.role = 'newcomer' AND o.schedule NOT IN ('{}', '') "
    "AND (o.last_day IS NULL OR o.last_day >= ?)"
)


async def enrolled_with_schedule(
    tx: Tx, today: date, pause: Callable[[], Awaitable[None]]
) -> list[EnrolledOffer]:
    """Active enrolments of onboarded newcomers in active offers that have sessions.

    Thousands of enrolments share a few hundred offers: each offer is read and built once
    (building one per enrolment held the event loop for ~1 s at 20,000 enrolments)."""
    day = (today.isoformat(),)
    offer_rows = await tx.all(f"SELECT DISTINCT o.* {_ENROLLED}", day)
    offers = {row["id"]: _offer(dict(row)) for row in offer_rows}
    rows = await tx.all(
        f"SELECT e.id, e.person_id, e.created_at, e.offer_id {_ENROLLED} ORDER BY e.id", day
    )
    found = []
    for row in rows:
        await pause()  # the caller's yield point: turns go first (handlers.priority)
        if row[3] in offers:  # else the offer changed between the two reads: next round
            found.append(
                EnrolledOffer.model_construct(  # typed values from the store: no validation
                    enrolment_id=row[0],
                    person_id=row[1],
                    enrolled_at=parse_required(row[2]),
                    offer=offers[row[3]],
                )
            )
    return found


async def logged_offer_days(tx: Tx, since: date) -> set[tuple[int, int, date]]:
    """(person, offer, day) with live hours logged since `since`."""
    rows = await tx.all(
        "SELECT DISTINCT person_id, offer_id, day FROM hour_entries WHERE offer_id IS NOT NULL "
        "AND day >= ? AND status IN ('pending', 'confirmed', 'self_declared')",
        (since.isoformat(),),
    )
    return {(row[0], row[1], date.fromisoformat(row[2])) for row in rows}


class Quiet(BaseModel):
    person_id: int
    since: datetime  # last sign of activity


async def quiet_newcomers(tx: Tx, before: datetime) -> list[Quiet]:
    """Onboarded newcomers who logged nothing since `before` (and joined before it)."""
    rows = await tx.all(
        "SELECT p.id, MAX(COALESCE(h.last_at, p.onboarded_at), p.onboarded_at) AS since "
        "FROM people p LEFT JOIN (SELECT person_id, MAX(created_at) AS last_at FROM hour_entries "
        " WHERE status != 'undone' GROUP BY person_id) h ON h.person_id = p.id "
        "WHERE p.role = 'newcomer' AND p.onboarded_at IS NOT NULL "
        "AND MAX(COALESCE(h.last_at, p.onboarded_at), p.onboarded_at) <= ? ORDER BY p.id",
        (iso(before),),
    )
    return [Quiet(person_id=row[0], since=parse(row[1])) for row in rows]  # type: ignore[arg-type]


class QuietPair(BaseModel):
    pair_id: int
    buddy_id: int
    newcomer_id: int
    newcomer_name: str | None
    since: datetime


async def quiet_pairs(tx: Tx, before: datetime) -> list[QuietPair]:
    """Active buddy pairs with no meeting logged since `before` (and formed before it)."""
    rows = await tx.all(
        "SELECT bp.id, bp.buddy_id, bp.newcomer_id, n.display_name, "
        "MAX(COALESCE(h.last_at, bp.created_at), bp.created_at) AS since "
        "FROM buddy_pairs bp JOIN people b ON b.id = bp.buddy_id "
        "JOIN people n ON n.id = bp.newcomer_id "
        "LEFT JOIN (SELECT pair_id, MAX(created_at) AS last_at FROM hour_entries "
        " WHERE pair_id IS NOT NULL AND status != 'undone' GROUP BY pair_id) h "
        " ON h.pair_id = bp.id "
        "WHERE bp.status = 'active' AND b.onboarded_at IS NOT NULL "
        "AND MAX(COALESCE(h.last_at, bp.created_at), bp.created_at) <= ? ORDER BY bp.id",
        (iso(before),),
    )
    return [
        QuietPair(
            pair_id=row[0],
            buddy_id=row[1],
            newcomer_id=row[2],
            newcomer_name=row[3],
            since=parse(row[4]),  # type: ignore[arg-type]
        )
        for row in rows
    ]


async def waiting_confirmations(tx: Tx, before: datetime) -> dict[int, list[int]]:
    """Pending entry ids logged before `before`, by their confirmer."""
    rows = await tx.all(
        "SELECT confirmer_person_id, id FROM hour_entries WHERE status = 'pending' "
        "AND confirmer_person_id IS NOT NULL AND created_at <= ? "
        "ORDER BY confirmer_person_id, day, id",
        (iso(before),),
    )
    found: dict[int, list[int]] = {}
    for row in rows:
        found.setdefault(row[0], []).append(row[1])
    return found
