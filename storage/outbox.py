"""Messages that are not a direct answer, queued in the transaction of their cause.

The idempotency key is unique, so queueing the same logical message twice is a no-op, and a
message is marked sent only after delivery, so a crash never loses one.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import BaseModel

from storage.clock import iso, parse
from storage.db import Tx


class OutboxMessage(BaseModel):
    id: int
    idempotency_key: str
    person_id: int | None
    channel: str
    address: str
    purpose: str
    payload: str
    status: str
    attempts: int
    not_before: datetime
    last_error: str | None = None


def _message(row: object) -> OutboxMessage:
    data = dict(row)  # type: ignore[call-overload]
    data["not_before"] = parse(data["not_before"])
    return OutboxMessage(**{key: data[key] for key in OutboxMessage.model_fields})


async def enqueue(
    tx: Tx,
    *,
    key: str,
    person_id: int | None,
    channel: str,
    address: str,
    purpose: str,
    payload: str,
    now: datetime,
    not_before: datetime | None = None,
) -> bool:
    """Queue a message; return False when the key was queued before (nothing changes)."""
    inserted = await tx.rowcount(
        "INSERT OR IGNORE INTO outbox (idempotency_key, person_id, channel, address, purpose, "
        "payload, not_before, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (key, person_id, channel, address, purpose, payload, iso(not_before or now), iso(now)),
    )
    return inserted == 1


async def next_due_at(tx: Tx, channels: tuple[str, ...]) -> datetime | None:
    marks = ",".join("?" for _ in channels)
    value = await tx.scalar(
        f"SELECT MIN(not_before) FROM outbox WHERE status IN ('pending', 'sending') "
        f"AND channel IN ({marks})",
        channels,
    )
    return parse(value)


async def mark_sending(tx: Tx, message_id: int) -> None:
    await tx.execute(
        "UPDATE outbox SET status = 'sending', attempts = attempts + 1 WHERE id = ?", (message_id,)
    )


# A message that was delivered or given up on keeps its key, not its text: the text may name
# people (a newcomer in a confirmation request, everyone in a digest) who later ask /forget.
GONE = "[]"


async def mark_sent(tx: Tx, message_id: int, now: datetime) -> None:
    await tx.execute(
        "UPDATE outbox SET status = 'sent', sent_at = ?, last_error = NULL, payload = ? "
        "WHERE id = ?",
        (iso(now), GONE, message_id),
    )


async def retry_later(tx: Tx, message_id: int, at: datetime, error: str) -> None:
    await tx.execute(
        "UPDATE outbox SET status = 'pending', not_before = ?, last_error = ? WHERE id = ?",
        (iso(at), error[:500], message_id),
    )


async def mark_failed(tx: Tx, message_id: int, error: str) -> None:
    await tx.execute(
        "UPDATE outbox SET status = 'failed', last_error = ?, payload = ? WHERE id = ?",
        (error[:500], GONE, message_id),
    )


def backoff(attempts: int, base: float = 2.0, cap: float = 600.0) -> timedelta:
    """Exponential back-off after `attempts` failed tries."""
    return timedelta(seconds=min(cap, base ** max(1, attempts)))
