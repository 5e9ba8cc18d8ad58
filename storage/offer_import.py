"""Writing an import into the catalog: what is known per source, inserts, updates,
deactivations, and the report each run leaves for staff."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel

from storage.clock import iso, parse, parse_required
from storage.db import Tx, dumps, loads
from storage.offers import lon_cell

OFFER_COLUMNS = (
    "network_id",
    "provider_id",
    "title_nl",
    "description_nl",
    "translations",
    "kind",
    "interests",
    "interest_bits",
    "address",
    "postcode",
    "municipality",
    "latitude",
    "longitude",
    "schedule",
    "slot_bits",
    "last_day",
    "dutch_level",
    "children_welcome",
    "cost",
    "uitpas",
    "capacity",
    "url",
    "active_from",
    "active_until",
    "content_hash",
    "lon_cell",
    "venue",
    "contact_email",
    "contact_phone",
    "contact_url",
    "facilities",
    "remaining_capacity",
    "source_hash",
)


class Known(BaseModel):
    id: int
    content_hash: str
    source_hash: str | None = None
    active: bool
    deactivated_by: str | None
    network_id: int | None


async def known_offers(tx: Tx, source: str) -> dict[str, Known]:
    """external_id → what the store has for `source`."""
    rows = await tx.all(
        "SELECT id, external_id, content_hash, source_hash, active, deactivated_by, network_id "
        "FROM offers WHERE source = ?",
        (source,),
    )
    return {
        row["external_id"]: Known(
            id=row["id"],
            content_hash=row["content_hash"],
            source_hash=row["source_hash"],
            active=bool(row["active"]),
            deactivated_by=row["deactivated_by"],
            network_id=row["network_id"],
        )
        for row in rows
    }


async def offer_ids(tx: Tx, source: str, external_ids: list[str]) -> list[int]:
    found: list[int] = []
    for start in range(0, len(external_ids), 500):
        chunk = external_ids[start : start + 500]
        marks = ",".join("?" for _ in chunk)
        rows = await tx.all(
            f"SELECT id FROM offers WHERE source = ? AND external_id IN ({marks})",
            [source, *chunk],
        )
        found += [row[0] for row in rows]
    return sorted(found)


async def source_hashes(tx: Tx, source: str, network_id: int) -> dict[str, str]:
    """external_id → document hash of the network's offers an import may leave as they are
    (active, or switched off by staff; an import deactivation must be read again)."""
    rows = await tx.all(
        "SELECT external_id, source_hash FROM offers WHERE source = ? AND network_id = ? "
        "AND source_hash IS NOT NULL AND (active = 1 OR deactivated_by = 'staff')",
        (source, network_id),
    )
    return {row[0]: row[1] for row in rows}


async def set_source_hashes(tx: Tx, rows: list[tuple[int, str | None]]) -> None:
    await tx.executemany(
        "UPDATE offers SET source_hash = ? WHERE id = ?", [(h, i) for i, h in rows]
    )


def _values(row: dict[str, Any]) -> list[Any]:
    row = {**row, "lon_cell": lon_cell(row["longitude"])}
    values = []
    for column in OFFER_COLUMNS:
        value = row.get(column)
        if column in ("translations", "interests", "schedule", "facilities"):
            empty: object = [] if column in ("interests", "facilities") else {}
            value = dumps(value if value is not None else empty)
        elif isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, bool):
            value = int(value)
        values.append(value)
    return values


async def insert_offers(tx: Tx, source: str, rows: list[dict[str, Any]], now: datetime) -> None:
    columns = ", ".join(("source", "external_id", *OFFER_COLUMNS, "imported_at", "updated_at"))
    marks = ", ".join("?" for _ in range(len(OFFER_COLUMNS) + 4))
    await tx.executemany(
        f"INSERT INTO offers ({columns}) VALUES ({marks})",
        [[source, row["external_id"], *_values(row), iso(now), iso(now)] for row in rows],
    )


async def update_offers(tx: Tx, rows: list[tuple[int, dict[str, Any]]], now: datetime) -> None:
    """Overwrite offers by id with new content; an import deactivation is lifted."""
    assignments = ", ".join(f"{column} = ?" for column in OFFER_COLUMNS)
    await tx.executemany(
        f"UPDATE offers SET {assignments}, updated_at = ?, "
        "active = CASE WHEN deactivated_by = 'staff' THEN active ELSE 1 END, "
        "deactivated_by = CASE WHEN deactivated_by = 'staff' THEN 'staff' ELSE NULL END "
        "WHERE id = ?",
        [[*_values(row), iso(now), offer_id] for offer_id, row in rows],
    )


async def deactivate_by_import(tx: Tx, offer_ids: list[int], now: datetime) -> None:
    await tx.executemany(
        "UPDATE offers SET active = 0, deactivated_by = 'import', updated_at = ? "
        "WHERE id = ? AND active = 1",
        [(iso(now), offer_id) for offer_id in offer_ids],
    )


# --- import reports (the weekly digest shows them) -------------------------------------------
class ImportRun(BaseModel):
    """One import or sync as staff see it in the weekly digest."""

    id: int
    network_id: int | None
    source: str
    finished_at: datetime
    outcome: str  # 'done' or 'failed' (a failed run changed nothing)
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0
    rejected: list[tuple[str, str]] = []
    warnings: list[str] = []
    error: str | None = None


async def save_import_run(
    tx: Tx,
    network_id: int | None,
    source: str,
    now: datetime,
    *,
    outcome: str = "done",
    counts: dict[str, int] | None = None,
    rejected: list[tuple[str, str]] | None = None,
    warnings: list[str] | None = None,
    error: str | None = None,
) -> int:
    counts = counts or {}
    return await tx.execute(
        "INSERT INTO import_reports (network_id, source, finished_at, outcome, new, updated, "
        "unchanged, deactivated, rejected, warnings, error) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            network_id, source, iso(now), outcome, counts.get("new", 0),
            counts.get("updated", 0), counts.get("unchanged", 0), counts.get("deactivated", 0),
            dumps([list(r) for r in rejected or []]), dumps(warnings or []), error,
        ),
    )  # fmt: skip


async def import_runs(tx: Tx, network_id: int | None, since: datetime) -> list[ImportRun]:
    """The imports and syncs of a network (every network when None) since `since`, oldest first."""
    rows = await tx.all(
        "SELECT * FROM import_reports WHERE finished_at >= ? "
        "AND (? IS NULL OR network_id = ?) ORDER BY finished_at, id",
        (iso(since), network_id, network_id),
    )
    runs = []
    for row in rows:
        data = dict(row)
        data["finished_at"] = parse(data["finished_at"])
        data["rejected"] = [tuple(r) for r in loads(data["rejected"], [])]
        data["warnings"] = loads(data["warnings"], [])
        runs.append(ImportRun(**data))
    return runs


# --- new offers, for people they fit --------------------------------------------------------
async def offers_added_since(tx: Tx, since: datetime) -> dict[int, datetime]:
    """Active offers an import or sync added at or after `since` (not the demo catalogue):
    id → when it was added."""
    rows = await tx.all(
        "SELECT id, imported_at FROM offers WHERE imported_at >= ? AND active = 1 "
        "AND source != 'demo'",
        (iso(since),),
    )
    return {row[0]: parse_required(row[1]) for row in rows}


async def onboarded_newcomers(tx: Tx) -> list[tuple[int, datetime]]:
    """(person id, onboarded at) of every newcomer who finished onboarding."""
    rows = await tx.all(
        "SELECT id, onboarded_at FROM people WHERE role = 'newcomer' AND onboarded_at IS NOT NULL "
        "ORDER BY id"
    )
    return [(row[0], parse_required(row[1])) for row in rows]
