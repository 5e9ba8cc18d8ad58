"""Hour entries (whole minutes), their confirmation, totals, and issued proofs."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from storage.clock import iso, parse
from storage.db import Tx

Source = Literal["offer", "buddy", "other"]
Status = Literal["pending", "confirmed", "disputed", "self_declared", "undone"]

# Entries that take up time on a day (for the per-day limit and "add again?").
LIVE = ("pending", "confirmed", "self_declared")
UNCONFIRMED = ("pending", "self_declared")


class HourEntry(BaseModel):
    id: int
    person_id: int
    source: Source
    kind: str
    offer_id: int | None = None
    pair_id: int | None = None
    activity_icon: str | None = None
    activity_label: str | None = None
    provider_name: str | None = None
    day: date
    minutes: int
    status: Status
    confirmer_person_id: int | None = None
    confirmed_by_name: str | None = None
    confirmed_at: datetime | None = None
    confirmer_note: str | None = None
    logger_note: str | None = None
    logged_by_person_id: int | None = None
    created_at: datetime
    updated_at: datetime


class Totals(BaseModel):
    """Minutes per kind: confirmed, waiting for confirmation, and self-declared."""

    confirmed: dict[str, int] = Field(default_factory=dict)
    pending: dict[str, int] = Field(default_factory=dict)
    self_declared: dict[str, int] = Field(default_factory=dict)

    @property
    def confirmed_minutes(self) -> int:
        return sum(self.confirmed.values())

    @property
    def pending_minutes(self) -> int:
        return sum(self.pending.values())

    @property
    def self_declared_minutes(self) -> int:
        return sum(self.self_declared.values())

    def counted_minutes(self, self_declared_counts: bool) -> int:
        return self.confirmed_minutes + (self.self_declared_minutes if self_declared_counts else 0)


class Proof(BaseModel):
    id: int
    code: str
    person_id: int
    person_name: str
    confirmed_minutes: int
    self_declared_minutes: int
    entry_count: int
    snapshot_hash: str
    created_at: datetime


def _entry(row: Any) -> HourEntry:
    data = dict(row)
    data["day"] = date.fromisoformat(data["day"])
    for key in ("confirmed_at", "created_at", "updated_at"):
        data[key] = parse(data[key])
    return HourEntry(**data)


async def add_entry(
    tx: Tx,
    *,
    person_id: int,
    source: Source,
    kind: str,
    day: date,
    minutes: int,
    status: Status,
    now: datetime,
    logged_by: int,
    offer_id: int | None = None,
    pair_id: int | None = None,
    icon: str | None = None,
    label: str | None = None,
    provider_name: str | None = None,
    confirmer_id: int | None = None,
) -> HourEntry:
    entry_id = await tx.execute(
        "INSERT INTO hour_entries (person_id, source, kind, offer_id, pair_id, activity_icon, "
        "activity_label, provider_name, day, minutes, status, confirmer_person_id, "
        "logged_by_person_id, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (person_id, source, kind, offer_id, pair_id, icon, label, provider_name,
         day.isoformat(), minutes, status, confirmer_id, logged_by, iso(now), iso(now)),
    )  # fmt: skip
    entry = await get_entry(tx, entry_id)
    assert entry is not None
    return entry


async def get_entry(tx: Tx, entry_id: int) -> HourEntry | None:
    row = await tx.one("SELECT * FROM hour_entries WHERE id = ?", (entry_id,))
    return None if row is None else _entry(row)


async def entries_of(
    tx: Tx, person_id: int, statuses: Iterable[str] | None = None, limit: int | None = None
) -> list[HourEntry]:
    """A newcomer's entries, newest day first."""
    sql = "SELECT * FROM hour_entries WHERE person_id = ?"
    params: list[Any] = [person_id]
    if statuses is not None:
        wanted = list(statuses)
        sql += f" AND status IN ({','.join('?' for _ in wanted)})"
        params += wanted
    sql += " ORDER BY day DESC, id DESC"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return [_entry(row) for row in await tx.all(sql, params)]


async def minutes_on_day(tx: Tx, person_id: int, day: date) -> int:
    marks = ",".join("?" for _ in LIVE)
    value = await tx.scalar(
        f"SELECT COALESCE(SUM(minutes), 0) FROM hour_entries "
        f"WHERE person_id = ? AND day = ? AND status IN ({marks})",
        (person_id, day.isoformat(), *LIVE),
    )
    return int(value or 0)


async def same_activity_on_day(
    tx: Tx,
    person_id: int,
    day: date,
    source: Source,
    *,
    offer_id: int | None = None,
    pair_id: int | None = None,
    kind: str | None = None,
) -> HourEntry | None:
    """A live entry for the same activity on the same day, if there is one."""
    marks = ",".join("?" for _ in LIVE)
    value: int | str | None
    if source == "offer":
        match, value = "offer_id = ?", offer_id
    elif source == "buddy":
        match, value = "pair_id = ?", pair_id
    else:
        match, value = "kind = ?", kind
    row = await tx.one(
        f"SELECT * FROM hour_entries WHERE person_id = ? AND day = ? AND source = ? "
        f"AND {match} AND status IN ({marks}) ORDER BY id LIMIT 1",
        (person_id, day.isoformat(), source, value, *LIVE),
    )
    return None if row is None else _entry(row)


async def pending_for_confirmer(tx: Tx, confirmer_id: int, limit: int = 50) -> list[HourEntry]:
    rows = await tx.all(
        "SELECT * FROM hour_entries WHERE confirmer_person_id = ? AND status = 'pending' "
        "ORDER BY day, id LIMIT ?",
        (confirmer_id, limit),
    )
    return [_entry(row) for row in rows]


async def confirm_entry(
    tx: Tx, entry_id: int, confirmer_id: int, confirmer_name: str | None, now: datetime
) -> bool:
    """Pending → confirmed, only by its confirmer; False when that did not apply."""
    changed = await tx.rowcount(
        "UPDATE hour_entries SET status = 'confirmed', confirmed_by_name = ?, confirmed_at = ?, "
        "updated_at = ? WHERE id = ? AND confirmer_person_id = ? AND status = 'pending'",
        (confirmer_name, iso(now), iso(now), entry_id, confirmer_id),
    )
    return changed == 1


async def dispute_entry(
    tx: Tx, entry_id: int, confirmer_id: int, confirmer_name: str | None, note: str | None,
    now: datetime,
) -> bool:
    """Pending → disputed, only by its confirmer, with their words when given."""
    changed = await tx.rowcount(
        "UPDATE hour_entries SET status = 'disputed', confirmed_by_name = ?, confirmed_at = ?, "
        "confirmer_note = ?, updated_at = ? "
        "WHERE id = ? AND confirmer_person_id = ? AND status = 'pending'",
        (confirmer_name, iso(now), note, iso(now), entry_id, confirmer_id),
    )  # fmt: skip
    return changed == 1


async def set_note(tx: Tx, entry_id: int, side: Literal["confirmer", "logger"], note: str | None,
                   now: datetime) -> None:
    column = "confirmer_note" if side == "confirmer" else "logger_note"
    await tx.execute(
        f"UPDATE hour_entries SET {column} = ?, updated_at = ? WHERE id = ?",
        (note, iso(now), entry_id),
    )


async def undo_entry(tx: Tx, entry_id: int, now: datetime,
                     allowed: Iterable[str] = UNCONFIRMED) -> bool:
    wanted = list(allowed)
    changed = await tx.rowcount(
        f"UPDATE hour_entries SET status = 'undone', updated_at = ? "
        f"WHERE id = ? AND status IN ({','.join('?' for _ in wanted)})",
        (iso(now), entry_id, *wanted),
    )
    return changed == 1


async def totals(tx: Tx, person_id: int) -> Totals:
    rows = await tx.all(
        "SELECT status, kind, SUM(minutes) AS minutes FROM hour_entries "
        "WHERE person_id = ? AND status IN ('confirmed', 'pending', 'self_declared') "
        "GROUP BY status, kind ORDER BY MIN(id)",
        (person_id,),
    )
    result = Totals()
    buckets = {"confirmed": result.confirmed, "pending": result.pending,
               "self_declared": result.self_declared}
    for row in rows:
        buckets[row["status"]][row["kind"]] = int(row["minutes"])
    return result


async def open_disputes(tx: Tx, network_id: int | None = None) -> list[HourEntry]:
    """Disputed entries (both sides' words in the notes), for staff of a network."""
    if network_id is None:
        rows = await tx.all("SELECT * FROM hour_entries WHERE status = 'disputed' ORDER BY id")
    else:
        rows = await tx.all(
            "SELECT e.* FROM hour_entries e JOIN people p ON p.id = e.person_id "
            "WHERE e.status = 'disputed' AND p.network_id = ? ORDER BY e.id",
            (network_id,),
        )
    return [_entry(row) for row in rows]


# --- proofs --------------------------------------------------------------------------------
# What a proof made at a moment shows: confirmed by then, and self-declared logged by then.
_PROOF_WHERE = (
    "WHERE e.person_id = ? AND ((e.status = 'confirmed' AND e.confirmed_at <= ?) OR "
    "(e.status = 'self_declared' AND e.created_at <= ?))"
)


async def proof_entries(tx: Tx, person_id: int, at: datetime) -> list[tuple[HourEntry, str | None]]:
    """The entries a proof made at `at` shows, by day, each with its buddy's name (if any)."""
    rows = await tx.all(
        "SELECT e.*, b.display_name AS buddy_name FROM hour_entries e "
        "LEFT JOIN buddy_pairs p ON p.id = e.pair_id LEFT JOIN people b ON b.id = p.buddy_id "
        f"{_PROOF_WHERE} ORDER BY e.day, e.id",
        (person_id, iso(at), iso(at)),
    )
    result = []
    for row in rows:
        data = dict(row)
        buddy = data.pop("buddy_name")
        result.append((_entry(data), buddy))
    return result

async def proof_snapshot(tx: Tx, person_id: int, at: datetime) -> tuple[str, int, int, int]:
    """Hash of the entries a proof made at `at` shows: (hash, confirmed, self-declared, count).

    Confirmed entries confirmed by then and self-declared entries logged by then, each with its
    id, day, kind and minutes. Any later change to one of them changes the hash.
    """
    rows = await tx.all(
        "SELECT e.id, e.status, e.day, e.kind, e.minutes, "
        f"COALESCE(e.confirmed_by_name, '') AS who FROM hour_entries e {_PROOF_WHERE} "
        "ORDER BY e.id",
        (person_id, iso(at), iso(at)),
    )
    digest = hashlib.sha256(f"person:{person_id}\n".encode())
    confirmed = declared = 0
    for row in rows:
        line = "|".join(str(row[k]) for k in ("id", "status", "day", "kind", "minutes", "who"))
        digest.update(line.encode() + b"\n")
        if row["status"] == "confirmed":
            confirmed += row["minutes"]
        else:
            declared += row["minutes"]
    return digest.hexdigest(), confirmed, declared, len(rows)


async def record_proof(tx: Tx, code: str, person_id: int, person_name: str, now: datetime) -> Proof:
    snapshot, confirmed, declared, count = await proof_snapshot(tx, person_id, now)
    await tx.execute(
        "INSERT INTO proofs (code, person_id, person_name, confirmed_minutes, "
        "self_declared_minutes, entry_count, snapshot_hash, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (code, person_id, person_name, confirmed, declared, count, snapshot, iso(now)),
    )
    proof = await get_proof(tx, code)
    assert proof is not None
    return proof


async def get_proof(tx: Tx, code: str) -> Proof | None:
    row = await tx.one("SELECT * FROM proofs WHERE code = ?", (code,))
    if row is None:
        return None
    data = dict(row)
    data["created_at"] = parse(data["created_at"])
    return Proof(**data)


# --- offers a newcomer can log hours for (tables of the offers feature) --------------------
class LoggableOffer(BaseModel):
    id: int
    title_nl: str
    kind: str
    provider_id: int | None = None
    provider_name: str | None = None


_LOGGABLE = (
    "SELECT o.id, o.title_nl, o.kind, o.provider_id, pr.name AS provider_name "
    "FROM enrolments e JOIN offers o ON o.id = e.offer_id "
    "LEFT JOIN providers pr ON pr.id = o.provider_id "
    "WHERE e.person_id = ? AND e.status = 'active'"
)


async def loggable_offers(tx: Tx, person_id: int, limit: int = 12) -> list[LoggableOffer]:
    """Offers the person is enrolled in, most recent enrolment first."""
    rows = await tx.all(f"{_LOGGABLE} ORDER BY e.id DESC LIMIT ?", (person_id, limit))
    return [LoggableOffer(**dict(row)) for row in rows]


async def loggable_offer(tx: Tx, person_id: int, offer_id: int) -> LoggableOffer | None:
    row = await tx.one(f"{_LOGGABLE} AND o.id = ?", (person_id, offer_id))
    return None if row is None else LoggableOffer(**dict(row))


async def offer_provider(tx: Tx, offer_id: int) -> int | None:
    return await tx.scalar("SELECT provider_id FROM offers WHERE id = ?", (offer_id,))
