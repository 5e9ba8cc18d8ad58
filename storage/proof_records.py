"""What lets a counsellor check a proof: confirmed hours per kind, the anonymous record kept
when its person is deleted, and the daily number of guesses per asker."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from storage.clock import iso, parse
from storage.db import Tx, dumps, loads
from storage.hours import _PROOF_WHERE


class ProofRecord(BaseModel):
    """An issued proof without its person: code, network, confirmed minutes, when."""

    code: str
    network_id: int | None
    confirmed_minutes: int
    by_kind: dict[str, int]
    issued_at: datetime


async def confirmed_by_kind(tx: Tx, person_id: int, at: datetime) -> dict[str, int]:
    """Confirmed minutes per kind among the entries a proof made at `at` shows."""
    rows = await tx.all(
        f"SELECT e.kind, SUM(e.minutes) AS minutes FROM hour_entries e {_PROOF_WHERE} "
        "AND e.status = 'confirmed' GROUP BY e.kind ORDER BY e.kind",
        (person_id, iso(at), iso(at)),
    )
    return {str(row["kind"]): int(row["minutes"]) for row in rows}


async def keep_records(tx: Tx, person_id: int, network_id: int | None) -> int:
    """Before a person is deleted: keep each of their proofs as an anonymous record."""
    kept = 0
    for row in await tx.all(
        "SELECT code, confirmed_minutes, created_at FROM proofs WHERE person_id = ?", (person_id,)
    ):
        issued = parse(row["created_at"])
        assert issued is not None
        by_kind = await confirmed_by_kind(tx, person_id, issued)
        kept += await tx.rowcount(
            "INSERT OR IGNORE INTO proof_records (code, network_id, confirmed_minutes, by_kind, "
            "issued_at) VALUES (?, ?, ?, ?, ?)",
            (row["code"], network_id, row["confirmed_minutes"], dumps(by_kind), row["created_at"]),
        )
    return kept


async def get_record(tx: Tx, code: str) -> ProofRecord | None:
    row = await tx.one("SELECT * FROM proof_records WHERE code = ?", (code,))
    if row is None:
        return None
    data = dict(row)
    data["by_kind"] = loads(data["by_kind"], {})
    data["issued_at"] = parse(data["issued_at"])
    return ProofRecord(**data)


async def count_guess(tx: Tx, asker: str, now: datetime, limit: int) -> bool:
    """Count one look-up by `asker` today; False (not counted) when over `limit`."""
    day = now.date().isoformat()
    count = await tx.scalar(
        "SELECT count FROM proof_guesses WHERE asker = ? AND day = ?", (asker[:200], day)
    )
    if count is not None and int(count) >= limit:
        return False
    await tx.execute(
        "INSERT INTO proof_guesses (asker, day, count) VALUES (?, ?, 1) "
        "ON CONFLICT (asker, day) DO UPDATE SET count = count + 1",
        (asker[:200], day),
    )
    await tx.execute("DELETE FROM proof_guesses WHERE day < ?", (day,))
    return True
