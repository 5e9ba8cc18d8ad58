"""Messages that are not a direct answer, queued in the transaction of their cause.

The idempotency key is unique, so queueing the same logical message twice is a no-op, and a
message is marked sent only after delivery, so a crash never loses one. The text (payload) is
kept until the message is sent or given up; `storage.delivery` holds the sender's leases.
"""

from __future__ import annotations

import random
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
    created_at: datetime
    last_error: str | None = None


def _message(row: object) -> OutboxMessage:
    data = dict(row)  # type: ignore[call-overload]
    data["not_before"] = parse(data["not_before"])
    data["created_at"] = parse(data["created_at"])
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
        "payload, not_before, due_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (key, person_id, channel, address, purpose, payload, iso(not_before or now),
         iso(not_before or now), iso(now)),
    )
    tx.queued = tx.queued or inserted == 1
    return inserted == 1


async def next_due_at(
    tx: Tx, channels: tuple[str, ...], after: datetime | None = None
) -> datetime | None:
    """When a sender should look again: the next retry or due time after `after`, or the
    moment another sender's lease runs out."""
    marks = ",".join("?" for _ in channels)
    mark = iso(after) if after is not None else ""
    value = await tx.scalar(
        f"SELECT MIN(t) FROM (SELECT MIN(not_before) AS t FROM outbox WHERE status = 'pending' "
        f"AND not_before > ? AND channel IN ({marks}) UNION ALL SELECT MIN(claimed_until) "
        f"FROM outbox WHERE status = 'sending' AND claimed_until > ? AND channel IN ({marks}))",
        (mark, *channels, mark, *channels),
    )
    return parse(value)


# A message that was delivered or given up on keeps its key, not its text: the text may name
# people (a newcomer in a confirmation request, everyone in a digest) who later ask /forget.
GONE = "[]"


async def mark_sent(tx: Tx, message_id: int, now: datetime) -> None:
    await tx.execute(
        "UPDATE outbox SET status = 'sent', sent_at = ?, last_error = NULL, payload = ?, "
        "claimed_by = NULL, claimed_until = NULL WHERE id = ?",
        (iso(now), GONE, message_id),
    )


async def retry_later(tx: Tx, message_id: int, at: datetime, error: str) -> None:
    await tx.execute(
        "UPDATE outbox SET status = 'pending', not_before = ?, last_error = ?, "
        "claimed_by = NULL, claimed_until = NULL WHERE id = ?",
        (iso(at), error[:500], message_id),
    )


async def mark_failed(tx: Tx, message_id: int, error: str) -> None:
    await tx.execute(
        "UPDATE outbox SET status = 'failed', last_error = ?, payload = ?, "
        "claimed_by = NULL, claimed_until = NULL WHERE id = ?",
        (error[:500], GONE, message_id),
    )


def backoff(
    attempts: int, base: float = 2.0, cap: float = 600.0, jitter: float = 0.0
) -> timedelta:
    """Capped exponential back-off after `attempts` failed tries.

    `jitter` (0..1) spreads the wait over [1 - jitter, 1] of it, so messages that failed
    together (an outage) do not all come back in the same second.
    """
    seconds = min(cap, base ** max(1, min(attempts, 64)))
    if jitter:
        seconds *= 1.0 - random.uniform(0.0, min(1.0, jitter))
    return timedelta(seconds=seconds)
