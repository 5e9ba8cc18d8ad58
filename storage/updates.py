"""Platform updates whose turn was committed, so one delivered again after a crash is skipped.

Telegram re-delivers every update it has not seen acknowledged (the next getUpdates offset);
a process killed after committing a turn but before that acknowledgement gets it twice.
The id is recorded in the turn's own transaction: either both are committed or neither.
"""

from __future__ import annotations

from datetime import datetime

from storage.clock import iso
from storage.db import Statement, Tx


def recording(channel: str, update_id: int, now: datetime) -> Statement:
    """Record the update as handled; its rowcount is 0 when it was handled before."""
    return (
        "INSERT OR IGNORE INTO handled_updates (channel, update_id, handled_at) VALUES (?, ?, ?)",
        (channel, update_id, iso(now)),
        "rowcount",
    )


async def first_time(tx: Tx, channel: str, update_id: int, now: datetime) -> bool:
    """Record the update as handled; False when it was handled before."""
    inserted: int = (await tx.batch([recording(channel, update_id, now)]))[0]
    return inserted == 1


async def forget_before(tx: Tx, before: datetime) -> int:
    """Drop old records (Telegram keeps undelivered updates for 24 hours)."""
    return await tx.rowcount("DELETE FROM handled_updates WHERE handled_at < ?", (iso(before),))
