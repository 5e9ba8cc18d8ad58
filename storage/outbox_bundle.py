"""Bundling: a message of the same purpose for the same person and channel that is still
waiting in the outbox takes a new message in, instead of a second message."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from storage.clock import iso
from storage.db import Tx


async def waiting_message(
    tx: Tx, person_id: int, channel: str, address: str, purpose: str, since: datetime
) -> Any | None:
    """The newest still-pending message (id, payload) of this purpose queued since `since`."""
    return await tx.one(
        "SELECT id, payload FROM outbox WHERE person_id = ? AND channel = ? AND address = ? "
        "AND purpose = ? AND status = 'pending' AND created_at >= ? ORDER BY id DESC LIMIT 1",
        (person_id, channel, address, purpose, iso(since)),
    )


async def bundle_into(
    tx: Tx,
    message_id: int,
    payload: str,
    *,
    key: str,
    person_id: int,
    channel: str,
    address: str,
    purpose: str,
    now: datetime,
) -> bool:
    """Put the merged `payload` into the waiting message and keep the new message's key
    (so a repeat stays a no-op) on a row that carries no text and is never sent. False when
    the key was queued before or the waiting message left 'pending' meanwhile."""
    if await tx.scalar("SELECT 1 FROM outbox WHERE idempotency_key = ?", (key,)):
        return False
    changed = await tx.rowcount(
        "UPDATE outbox SET payload = ? WHERE id = ? AND status = 'pending'", (payload, message_id)
    )
    if changed != 1:
        return False
    await tx.execute(
        "INSERT INTO outbox (idempotency_key, person_id, channel, address, purpose, payload, "
        "status, not_before, last_error, created_at, sent_at) "
        "VALUES (?, ?, ?, ?, ?, '[]', 'sent', ?, ?, ?, ?)",
        (key, person_id, channel, address, purpose, iso(now), f"bundled into {message_id}",
         iso(now), iso(now)),
    )  # fmt: skip
    return True
