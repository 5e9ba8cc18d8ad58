"""The outbox sender's bookkeeping: which messages to take, partial progress, unreachable chats.

`storage.outbox` queues messages; this module holds what delivery needs on top of it, so the
sender can run many chats at once without taking a message twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from pydantic import BaseModel

from storage.clock import iso, parse
from storage.db import Tx
from storage.outbox import GONE, OutboxMessage, _message


class Pending(OutboxMessage):
    parts_sent: int = 0


# A message is waiting when it is pending, or being sent by a sender whose lease ran out.
_FREE = "(o.status = 'pending' OR (o.status = 'sending' AND COALESCE(o.claimed_until, '') <= :now))"
# ... and it is its chat's turn when no earlier-due message to the same chat is undelivered.
_HEAD = (
    "NOT EXISTS (SELECT 1 FROM outbox e WHERE e.channel = o.channel AND e.address = o.address "
    "AND e.status IN ('pending', 'sending') AND COALESCE(e.due_at, e.not_before) <= :now "
    "AND (COALESCE(e.due_at, e.not_before) < COALESCE(o.due_at, o.not_before) "
    "OR (COALESCE(e.due_at, e.not_before) = COALESCE(o.due_at, o.not_before) AND e.id < o.id)))"
)


async def claim(
    tx: Tx,
    now: datetime,
    channels: tuple[str, ...],
    limit: int,
    *,
    owner: str,
    lease: timedelta,
    due_by: datetime | None = None,
) -> list[Pending]:
    """Lease up to `limit` due messages to `owner`, at most one per chat (its earliest).

    Another sender does not take a leased message until `claimed_until` has passed, so any
    number of processes deliver each message once; a crashed sender's lease simply runs out.
    Each claim counts as an attempt. `due_by` (default `now`) leaves out messages that fell
    due later, e.g. the ones retried in the current round.
    """
    marks = ",".join(f":c{n}" for n in range(len(channels)))
    params: dict[str, object] = {f"c{n}": channel for n, channel in enumerate(channels)}
    params.update(now=iso(now), due=iso(due_by or now), limit=limit)
    # In sending order along `outbox_queue`, stopping at the first not yet due (a message is
    # never due before `due_at`: a retry only moves `not_before` on): a claim reads the few
    # messages it takes, not every waiting one.
    rows = await tx.all(
        f"SELECT o.* FROM outbox o INDEXED BY outbox_queue "
        f"WHERE o.status IN ('pending', 'sending') AND COALESCE(o.due_at, o.not_before) <= :due "
        f"AND o.not_before <= :due AND o.channel IN ({marks}) AND {_FREE} AND {_HEAD} "
        f"ORDER BY COALESCE(o.due_at, o.not_before), o.id LIMIT :limit",
        params,
    )
    if not rows:
        return []
    ids = [row["id"] for row in rows]
    await tx.execute(
        f"UPDATE outbox SET status = 'sending', claimed_by = ?, claimed_until = ?, "
        f"attempts = attempts + 1 WHERE id IN ({','.join('?' for _ in ids)})",
        (owner, iso(now + lease), *ids),
    )
    claimed = []
    for row in rows:
        message = Pending(**_message(row).model_dump(), parts_sent=row["parts_sent"])
        message.attempts += 1
        message.status = "sending"
        claimed.append(message)
    return claimed


async def still_wanted(tx: Tx, message_id: int, owner: str) -> bool:
    """Right before sending: the message still exists (not forgotten) and is still ours."""
    value = await tx.scalar(
        "SELECT 1 FROM outbox WHERE id = ? AND status = 'sending' AND claimed_by = ?",
        (message_id, owner),
    )
    return value is not None


async def release(tx: Tx, owner: str, keep: Iterable[int] = ()) -> int:
    """Hand back the messages `owner` claimed but did not try (stopping): not an attempt.
    `keep`: the ones that may have gone out (still in hand, or sent but not recorded)."""
    kept = sorted(set(keep))
    return await tx.rowcount(
        "UPDATE outbox SET status = 'pending', claimed_by = NULL, claimed_until = NULL, "
        "attempts = MAX(0, attempts - 1) WHERE status = 'sending' AND claimed_by = ? "
        f"AND id NOT IN ({','.join('?' for _ in kept)})",
        (owner, *kept),
    )


async def due(
    tx: Tx,
    now: datetime,
    channels: tuple[str, ...],
    limit: int,
    skip: Iterable[int] = (),
) -> list[Pending]:
    """Messages due now (oldest first), leaving out the ids in `skip`. Read only."""
    marks = ",".join("?" for _ in channels)
    skipped = tuple(skip)
    skip_sql = f"AND id NOT IN ({','.join('?' for _ in skipped)})" if skipped else ""
    rows = await tx.all(
        f"SELECT * FROM outbox WHERE status IN ('pending', 'sending') AND not_before <= ? "
        f"AND channel IN ({marks}) {skip_sql} ORDER BY not_before, id LIMIT ?",
        (iso(now), *channels, *skipped, limit),
    )
    return [Pending(**_message(row).model_dump(), parts_sent=row["parts_sent"]) for row in rows]


class Summary(BaseModel):
    """The outbox at a glance, for `doctor` and operator alerts."""

    due: int = 0
    retrying: int = 0
    failed: int = 0
    oldest_due: datetime | None = None


async def summary(tx: Tx, now: datetime) -> Summary:
    """Read every minute by the operators' check: the waiting messages along `outbox_queue`
    and the failed ones along `outbox_due`, never the (ever growing) sent ones."""
    waiting, failed = await tx.batch([
        ("SELECT SUM(not_before <= :now), SUM(attempts > 0), "
         "MIN(CASE WHEN not_before <= :now THEN COALESCE(due_at, not_before) END) "
         "FROM outbox INDEXED BY outbox_queue WHERE status IN ('pending', 'sending')",
         {"now": iso(now)}, "one"),
        ("SELECT COUNT(*) FROM outbox WHERE status = 'failed'", (), "one"),
    ])  # fmt: skip
    return Summary(due=waiting[0] or 0, retrying=waiting[1] or 0, failed=failed[0],
                   oldest_due=parse(waiting[2]))  # fmt: skip


async def record_parts(tx: Tx, message_id: int, parts_sent: int) -> None:
    """Some replies of a message went out before a failure: a retry sends only the rest."""
    await tx.execute(
        "UPDATE outbox SET parts_sent = MAX(parts_sent, ?) WHERE id = ?", (parts_sent, message_id)
    )


async def retry_unpenalised(tx: Tx, message_id: int, at: datetime, error: str) -> None:
    """Try again at `at` without counting this attempt (the platform asked us to slow down)."""
    await tx.execute(
        "UPDATE outbox SET status = 'pending', not_before = ?, last_error = ?, "
        "attempts = MAX(0, attempts - 1), claimed_by = NULL, claimed_until = NULL WHERE id = ?",
        (iso(at), error[:500], message_id),
    )


async def fail_address(tx: Tx, channel: str, address: str, error: str) -> int:
    """Give up on every undelivered message to an address; return how many."""
    return await tx.rowcount(
        "UPDATE outbox SET status = 'failed', last_error = ?, payload = ?, claimed_by = NULL, "
        "claimed_until = NULL WHERE channel = ? AND address = ? "
        "AND status IN ('pending', 'sending')",
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

