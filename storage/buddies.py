"""Buddy pairs and the single-use invite codes that create them."""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from pydantic import BaseModel

from storage.clock import iso, parse
from storage.db import Tx
from storage.people import Person, _person

INVITE_TTL = timedelta(days=7)
CODE_BYTES = 9  # 12 URL-safe characters: fits a /start parameter with room to spare


class BuddyPair(BaseModel):
    id: int
    buddy_id: int
    newcomer_id: int
    status: str
    created_at: datetime
    buddy_name: str | None = None
    newcomer_name: str | None = None


class Invite(BaseModel):
    code: str
    buddy_id: int
    created_by_person_id: int | None
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None
    used_by_person_id: int | None = None
    buddy_name: str | None = None


class ClaimResult(StrEnum):
    PAIRED = "paired"
    ALREADY = "already"  # the two were paired before: the pair is active again
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    USED = "used"
    SELF = "self"


_PAIR = (
    "SELECT p.id, p.buddy_id, p.newcomer_id, p.status, p.created_at, "
    "b.display_name AS buddy_name, n.display_name AS newcomer_name "
    "FROM buddy_pairs p JOIN people b ON b.id = p.buddy_id JOIN people n ON n.id = p.newcomer_id"
)


def _pair(row: Any) -> BuddyPair:
    data = dict(row)
    data["created_at"] = parse(data["created_at"])
    return BuddyPair(**data)


def _invite(row: Any) -> Invite:
    data = dict(row)
    for key in ("created_at", "expires_at", "used_at"):
        data[key] = parse(data[key])
    return Invite(**data)


def new_code() -> str:
    return secrets.token_urlsafe(CODE_BYTES)


async def create_invite(
    tx: Tx, buddy_id: int, now: datetime, created_by: int | None = None, ttl: timedelta = INVITE_TTL
) -> Invite:
    code = new_code()
    await tx.execute(
        "INSERT INTO pair_invites (code, buddy_id, created_by_person_id, created_at, expires_at) "
        "VALUES (?, ?, ?, ?, ?)",
        (code, buddy_id, created_by if created_by is not None else buddy_id, iso(now),
         iso(now + ttl)),
    )
    invite = await get_invite(tx, code)
    assert invite is not None
    return invite


async def get_invite(tx: Tx, code: str) -> Invite | None:
    row = await tx.one(
        "SELECT i.*, b.display_name AS buddy_name FROM pair_invites i "
        "JOIN people b ON b.id = i.buddy_id WHERE i.code = ?",
        (code,),
    )
    return None if row is None else _invite(row)


def invite_problem(invite: Invite | None, newcomer_id: int, now: datetime) -> ClaimResult | None:
    """Why this invite cannot pair this newcomer now, or None when it can."""
    if invite is None:
        return ClaimResult.UNKNOWN
    if invite.used_at is not None:
        return ClaimResult.USED
    if invite.expires_at <= now:
        return ClaimResult.EXPIRED
    if invite.buddy_id == newcomer_id:
        return ClaimResult.SELF
    return None


async def claim_invite(tx: Tx, code: str, newcomer_id: int, now: datetime) -> ClaimResult:
    """Use the invite once and pair its buddy with the newcomer."""
    invite = await get_invite(tx, code)
    problem = invite_problem(invite, newcomer_id, now)
    if problem is not None:
        return problem
    assert invite is not None
    used = await tx.rowcount(
        "UPDATE pair_invites SET used_at = ?, used_by_person_id = ? "
        "WHERE code = ? AND used_at IS NULL",
        (iso(now), newcomer_id, code),
    )
    if used != 1:
        return ClaimResult.USED
    existing = await pair_between(tx, invite.buddy_id, newcomer_id)
    if existing is not None:
        await tx.execute(
            "UPDATE buddy_pairs SET status = 'active', ended_at = NULL WHERE id = ?",
            (existing.id,),
        )
        return ClaimResult.ALREADY
    await tx.execute(
        "INSERT INTO buddy_pairs (buddy_id, newcomer_id, status, invite_code, created_at) "
        "VALUES (?, ?, 'active', ?, ?)",
        (invite.buddy_id, newcomer_id, code, iso(now)),
    )
    return ClaimResult.PAIRED


async def pair_between(tx: Tx, buddy_id: int, newcomer_id: int) -> BuddyPair | None:
    row = await tx.one(
        f"{_PAIR} WHERE p.buddy_id = ? AND p.newcomer_id = ?", (buddy_id, newcomer_id)
    )
    return None if row is None else _pair(row)


async def get_pair(tx: Tx, pair_id: int) -> BuddyPair | None:
    row = await tx.one(f"{_PAIR} WHERE p.id = ?", (pair_id,))
    return None if row is None else _pair(row)


async def active_pair_of(tx: Tx, pair_id: int, person_id: int) -> BuddyPair | None:
    """The active pair `pair_id` when `person_id` is one of its two people, else None."""
    pair = await get_pair(tx, pair_id)
    if pair is None or pair.status != "active":
        return None
    if person_id not in (pair.buddy_id, pair.newcomer_id):
        return None
    return pair


async def pairs_of(tx: Tx, person_id: int, active_only: bool = True) -> list[BuddyPair]:
    """Pairs the person is in, as buddy or as newcomer, oldest first."""
    status = "AND p.status = 'active'" if active_only else ""
    rows = await tx.all(
        f"{_PAIR} WHERE (p.buddy_id = ? OR p.newcomer_id = ?) {status} ORDER BY p.id",
        (person_id, person_id),
    )
    return [_pair(row) for row in rows]


async def end_pair(tx: Tx, pair_id: int, now: datetime) -> bool:
    return (
        await tx.rowcount(
            "UPDATE buddy_pairs SET status = 'ended', ended_at = ? "
            "WHERE id = ? AND status = 'active'",
            (iso(now), pair_id),
        )
        == 1
    )


async def pair_stats(tx: Tx, pair_ids: list[int]) -> dict[int, tuple[int, int, int]]:
    """Per pair: (meetings logged and not undone or disputed, confirmed minutes, pending)."""
    if not pair_ids:
        return {}
    marks = ",".join("?" for _ in pair_ids)
    rows = await tx.all(
        f"SELECT pair_id, COUNT(*) AS meetings, "
        f"SUM(CASE WHEN status = 'confirmed' THEN minutes ELSE 0 END) AS confirmed, "
        f"SUM(CASE WHEN status = 'pending' THEN minutes ELSE 0 END) AS pending "
        f"FROM hour_entries WHERE pair_id IN ({marks}) AND status IN ('confirmed', 'pending') "
        f"GROUP BY pair_id",
        pair_ids,
    )
    return {row["pair_id"]: (row["meetings"], row["confirmed"], row["pending"]) for row in rows}


async def buddies_in_network(tx: Tx, network_id: int | None) -> list[Person]:
    """Onboarded buddies of one network, by name (for staff of that network only)."""
    if network_id is None:
        return []
    rows = await tx.all(
        "SELECT * FROM people WHERE role = 'buddy' AND network_id = ? "
        "AND onboarded_at IS NOT NULL ORDER BY display_name COLLATE NOCASE, id",
        (network_id,),
    )
    return [_person(row) for row in rows]


# --- planned meetings ----------------------------------------------------------------------
class PlannedMeeting(BaseModel):
    id: int
    pair_id: int
    starts_at: datetime
    created_by_person_id: int
    created_at: datetime
    cancelled_at: datetime | None = None
    buddy_id: int
    newcomer_id: int
    pair_status: str
    buddy_name: str | None = None
    newcomer_name: str | None = None


_PLANNED = (
    "SELECT m.*, p.buddy_id, p.newcomer_id, p.status AS pair_status, "
    "b.display_name AS buddy_name, n.display_name AS newcomer_name "
    "FROM planned_meetings m JOIN buddy_pairs p ON p.id = m.pair_id "
    "JOIN people b ON b.id = p.buddy_id JOIN people n ON n.id = p.newcomer_id"
)
# Only live meetings of active pairs whose buddy finished onboarding.
_LIVE = "m.cancelled_at IS NULL AND p.status = 'active' AND b.onboarded_at IS NOT NULL"


def _planned(row: Any) -> PlannedMeeting:
    data = dict(row)
    for key in ("starts_at", "created_at", "cancelled_at"):
        data[key] = parse(data[key])
    return PlannedMeeting(**data)


async def plan_meeting(
    tx: Tx, pair_id: int, starts_at: datetime, created_by: int, now: datetime
) -> PlannedMeeting:
    meeting_id = await tx.execute(
        "INSERT INTO planned_meetings (pair_id, starts_at, created_by_person_id, created_at) "
        "VALUES (?, ?, ?, ?)",
        (pair_id, iso(starts_at), created_by, iso(now)),
    )
    meeting = await get_planned(tx, meeting_id)
    assert meeting is not None
    return meeting


async def get_planned(tx: Tx, meeting_id: int) -> PlannedMeeting | None:
    row = await tx.one(f"{_PLANNED} WHERE m.id = ?", (meeting_id,))
    return None if row is None else _planned(row)


async def upcoming_planned(
    tx: Tx, pair_ids: list[int], after: datetime, limit: int = 10
) -> list[PlannedMeeting]:
    """Meetings of these pairs that start after `after` and are not cancelled, soonest first."""
    if not pair_ids:
        return []
    marks = ",".join("?" for _ in pair_ids)
    rows = await tx.all(
        f"{_PLANNED} WHERE m.pair_id IN ({marks}) AND m.cancelled_at IS NULL "
        f"AND m.starts_at > ? ORDER BY m.starts_at, m.id LIMIT ?",
        (*pair_ids, iso(after), limit),
    )
    return [_planned(row) for row in rows]


async def planned_starting(tx: Tx, since: datetime, until: datetime) -> list[PlannedMeeting]:
    """Live meetings that start in [since, until), for the reminder ticks."""
    rows = await tx.all(
        f"{_PLANNED} WHERE {_LIVE} AND m.starts_at >= ? AND m.starts_at < ? "
        "ORDER BY m.starts_at, m.id",
        (iso(since), iso(until)),
    )
    return [_planned(row) for row in rows]


async def cancel_planned(tx: Tx, meeting_id: int, now: datetime) -> bool:
    return (
        await tx.rowcount(
            "UPDATE planned_meetings SET cancelled_at = ? WHERE id = ? AND cancelled_at IS NULL",
            (iso(now), meeting_id),
        )
        == 1
    )


async def meeting_logged(tx: Tx, pair_id: int, day: date) -> bool:
    """Whether a live buddy meeting is logged for the pair on `day` (by either of them)."""
    found = await tx.scalar(
        "SELECT 1 FROM hour_entries WHERE pair_id = ? AND day = ? "
        "AND status IN ('pending', 'confirmed', 'self_declared') LIMIT 1",
        (pair_id, day.isoformat()),
    )
    return found is not None


async def drop_pending(tx: Tx, key_prefix: str) -> int:
    """Remove messages still waiting in the outbox whose key starts with `key_prefix` (the
    reminders of a meeting that was cancelled)."""
    escaped = key_prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return await tx.rowcount(
        "DELETE FROM outbox WHERE status = 'pending' AND idempotency_key LIKE ? ESCAPE '\\'",
        (escaped + "%",),
    )
