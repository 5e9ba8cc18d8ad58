"""The outbox sender's bookkeeping: which messages to take, partial progress, unreachable chats.

`storage.outbox` queues messages; this module holds what delivery needs on top of it, so the
sender can run many chats at once without taking a message twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from storage.clock import iso, parse
from storage.db import Tx
from storage.outbox import GONE, OutboxMessage, _message


class Pending(OutboxMessage):
    parts_sent: int = 0


async def due(
    tx: Tx,
    now: datetime,
    channels: tuple[str, ...],
    limit: int,
    skip: Iterable[int] = (),
) -> list[Pending]:
    """Messages due now (oldest first), leaving out the ids in `skip` (already in hand)."""
    marks = ",".join("?" for _ in channels)
    skipped = tuple(skip)
    skip_sql = f"AND id NOT IN ({','.join('?' for _ in skipped)})" if skipped else ""
    rows = await tx.all(
        f"SELECT * FROM outbox WHERE status IN ('pending', 'sending') AND not_before <= ? "
        f"AND channel IN ({marks}) {skip_sql} ORDER BY not_before, id LIMIT ?",
        (iso(now), *channels, *skipped, limit),
    )
    return [Pending(**_message(row).model_dump(), parts_sent=row["parts_sent"]) for row in rows]


async def record_parts(tx: Tx, message_id: int, parts_sent: int) -> None:
    """Some replies of a message went out before a failure: a retry sends only the rest."""
    await tx.execute(
        "UPDATE outbox SET parts_sent = MAX(parts_sent, ?) WHERE id = ?", (parts_sent, message_id)
    )


async def retry_unpenalised(tx: Tx, message_id: int, at: datetime, error: str) -> None:
    """Try again at `at` without counting this attempt (the platform asked us to slow down)."""
    await tx.execute(
        "UPDATE outbox SET status = 'pending', not_before = ?, last_error = ?, "
        "attempts = MAX(0, attempts - 1) WHERE id = ?",
        (iso(at), error[:500], message_id),
    )


async def fail_address(tx: Tx, channel: str, address: str, error: str) -> int:
    """Give up on every undelivered message to an address; return how many."""
    return await tx.rowcount(
        "UPDATE outbox SET status = 'failed', last_error = ?, payload = ? "
        "WHERE channel = ? AND address = ? AND status IN ('pending', 'sending')",
        (error[:500], GONE, channel, address),
    )


# --- people we cannot reach ------------------------------------------------------------------


async def mark_unreachable(
    tx: Tx, channel: str, address: str, person_id: int | None, reason: str, now: datetime
) -> None:
    await tx.execute(
        "INSERT INTO unreachable (channel, address, person_id, reason, since) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (channel, address) DO UPDATE SET "
        "reason = excluded.reason, since = excluded.since, "
        "person_id = COALESCE(excluded.person_id, unreachable.person_id)",
        (channel, address, person_id, reason[:200], iso(now)),
    )


async def unreachable_since(tx: Tx, channel: str, address: str) -> datetime | None:
    """When the address became unreachable, or None when it is reachable.

    A person who wrote to us after being marked is reachable again (they unblocked the bot).
    """
    row = await tx.one(
        "SELECT u.since, p.last_seen_at FROM unreachable u "
        "LEFT JOIN people p ON p.id = u.person_id WHERE u.channel = ? AND u.address = ?",
        (channel, address),
    )
    if row is None:
        return None
    since = parse(row["since"])
    seen = parse(row["last_seen_at"])
    if seen is not None and since is not None and seen > since:
        return None
    return since


async def clear_unreachable(tx: Tx, channel: str, address: str) -> None:
    await tx.execute(
        "DELETE FROM unreachable WHERE channel = ? AND address = ?", (channel, address)
    )

