"""What staff do with the digest: settle a dispute, nudge a quiet newcomer.

Every query takes the staff member's network and only finds people of that network, so an
id of another network reads as "not found" rather than as a refusal that confirms it exists.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from pydantic import BaseModel

from storage.clock import iso, parse, parse_required
from storage.db import Tx
from storage.hours import HourEntry, get_entry

Outcome = Literal["accepted", "rejected", "corrected"]
NUDGE_EVERY = timedelta(days=7)


class QuietNewcomer(BaseModel):
    id: int
    name: str
    locale: str
    last_activity: datetime
    last_nudge: datetime | None = None


async def disputed_entry(tx: Tx, entry_id: int, network_id: int) -> HourEntry | None:
    """A disputed entry of a newcomer of `network_id`; None for any other entry."""
    found = await tx.scalar(
        "SELECT e.id FROM hour_entries e JOIN people p ON p.id = e.person_id "
        "WHERE e.id = ? AND e.status = 'disputed' AND p.network_id = ?",
        (entry_id, network_id),
    )
    return None if found is None else await get_entry(tx, int(found))


async def settle_dispute(
    tx: Tx,
    entry: HourEntry,
    outcome: Outcome,
    minutes: int,
    staff_email: str,
    settled_by: str,
    now: datetime,
) -> bool:
    """Disputed → confirmed with `minutes` (accepted, corrected) or undone (rejected).

    Recorded with who and when; False when someone settled it first.
    """
    status = "undone" if outcome == "rejected" else "confirmed"
    changed = await tx.rowcount(
        "UPDATE hour_entries SET status = ?, minutes = ?, confirmed_by_name = ?, "
        "confirmed_at = ?, updated_at = ? WHERE id = ? AND status = 'disputed'",
        (status, minutes if outcome != "rejected" else entry.minutes, settled_by, iso(now),
         iso(now), entry.id),
    )  # fmt: skip
    if changed != 1:
        return False
    await tx.execute(
        "INSERT INTO dispute_settlements (entry_id, outcome, minutes_before, minutes_after, "
        "staff_email, settled_at) VALUES (?, ?, ?, ?, ?, ?)",
        (entry.id, outcome, entry.minutes, 0 if outcome == "rejected" else minutes,
         staff_email, iso(now)),
    )  # fmt: skip
    return True


async def settlement_of(tx: Tx, entry_id: int) -> dict[str, object] | None:
    row = await tx.one("SELECT * FROM dispute_settlements WHERE entry_id = ?", (entry_id,))
    return None if row is None else dict(row)


_LAST_ACTIVITY = (
    "MAX(p.onboarded_at, COALESCE(p.last_seen_at, p.onboarded_at), "
    "COALESCE(t.last_entry_at, p.onboarded_at))"
)


async def quiet_newcomers(
    tx: Tx, network_id: int, quiet_since: datetime, target_minutes: int, limit: int = 50
) -> list[QuietNewcomer]:
    """Newcomers of the network with no activity since `quiet_since` and short of the target."""
    rows = await tx.all(
        f"SELECT p.id, p.display_name, p.locale, {_LAST_ACTIVITY} AS last_activity, "
        f"(SELECT MAX(n.sent_at) FROM nudges n WHERE n.person_id = p.id) AS last_nudge "
        f"FROM people p LEFT JOIN hour_totals t ON t.person_id = p.id "
        f"WHERE p.role = 'newcomer' AND p.network_id = ? AND p.onboarded_at IS NOT NULL "
        f"AND COALESCE(t.confirmed, 0) < ? AND {_LAST_ACTIVITY} < ? "
        f"ORDER BY last_activity, p.id LIMIT ?",
        (network_id, target_minutes, iso(quiet_since), limit),
    )
    return [
        QuietNewcomer(id=row[0], name=row[1] or f"#{row[0]}", locale=row[2],
                      last_activity=parse_required(row[3]), last_nudge=parse(row[4]))
        for row in rows
    ]  # fmt: skip


async def last_nudge(tx: Tx, person_id: int) -> datetime | None:
    return parse(await tx.scalar("SELECT MAX(sent_at) FROM nudges WHERE person_id = ?",
                                 (person_id,)))  # fmt: skip


async def record_nudge(
    tx: Tx, person_id: int, network_id: int, staff_email: str, now: datetime
) -> bool:
    """Record a nudge unless the person had one in the last 7 days; True when recorded."""
    last = await last_nudge(tx, person_id)
    if last is not None and now - last < NUDGE_EVERY:
        return False
    await tx.execute(
        "INSERT INTO nudges (person_id, network_id, staff_email, sent_at) VALUES (?, ?, ?, ?)",
        (person_id, network_id, staff_email, iso(now)),
    )
    return True


class NetworkOffer(BaseModel):
    id: int
    title: str
    active: bool
    paused: bool  # switched off by staff (an import does not switch it on again)
    active_until: str | None = None


async def network_offer(tx: Tx, offer_id: int, network_id: int) -> NetworkOffer | None:
    row = await tx.one(
        "SELECT id, title_nl, active, deactivated_by, active_until FROM offers "
        "WHERE id = ? AND network_id = ?",
        (offer_id, network_id),
    )
    if row is None:
        return None
    return NetworkOffer(id=row[0], title=row[1], active=bool(row[2]), paused=row[3] == "staff",
                        active_until=row[4])  # fmt: skip


async def network_offers(
    tx: Tx, network_id: int, search: str = "", limit: int = 10
) -> tuple[int, list[NetworkOffer]]:
    """The network's offers whose title holds `search`: how many, and the first `limit`."""
    where = "network_id = ? AND title_nl LIKE ? ESCAPE '\\'"
    pattern = "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    total = await tx.scalar(f"SELECT COUNT(*) FROM offers WHERE {where}", (network_id, pattern))
    rows = await tx.all(
        f"SELECT id, title_nl, active, deactivated_by, active_until FROM offers WHERE {where} "
        f"ORDER BY active DESC, title_nl COLLATE NOCASE, id LIMIT ?",
        (network_id, pattern, limit),
    )
    return int(total or 0), [
        NetworkOffer(id=r[0], title=r[1], active=bool(r[2]), paused=r[3] == "staff",
                     active_until=r[4])
        for r in rows
    ]  # fmt: skip


async def switch_offer(
    tx: Tx, offer_id: int, network_id: int, state: Literal["pause", "end", "resume"],
    today: str, now: datetime,
) -> bool:  # fmt: skip
    """Pause, end (its last day: today) or resume a paused offer of this network; False when
    there is no such offer (or an ended one to resume)."""
    if state == "resume":
        sql = ("UPDATE offers SET active = 1, deactivated_by = NULL, updated_at = ? "
               "WHERE id = ? AND network_id = ? AND deactivated_by = 'staff' "
               "AND (active_until IS NULL OR active_until > ?)")  # fmt: skip
        params: tuple[object, ...] = (iso(now), offer_id, network_id, today)
    elif state == "pause":
        sql = ("UPDATE offers SET active = 0, deactivated_by = 'staff', updated_at = ? "
               "WHERE id = ? AND network_id = ? AND active = 1")  # fmt: skip
        params = (iso(now), offer_id, network_id)
    else:
        sql = ("UPDATE offers SET active = 0, deactivated_by = 'staff', active_until = ?, "
               "updated_at = ? WHERE id = ? AND network_id = ?")  # fmt: skip
        params = (today, iso(now), offer_id, network_id)
    return await tx.rowcount(sql, params) == 1


async def token_person(tx: Tx, staff_id: int, now: datetime) -> int:
    """The person a staff member's reply tokens belong to (reply tokens need one).

    A staff member linked to Telegram has one; for a mail-only account a person without any
    identity is made once and linked, so no turn can ever come from it, and a From header
    alone still reaches nobody.
    """
    row = await tx.one("SELECT person_id, network_id FROM staff WHERE id = ?", (staff_id,))
    assert row is not None
    if row["person_id"] is not None:
        return int(row["person_id"])
    person_id = await tx.execute(
        "INSERT INTO people (created_at, locale, role, network_id, consent_at, onboarded_at) "
        "VALUES (?, 'nl', 'staff', ?, ?, ?)",
        (iso(now), row["network_id"], iso(now), iso(now)),
    )
    await tx.execute("UPDATE staff SET person_id = ? WHERE id = ?", (person_id, staff_id))
    return person_id
