"""Queued messages that name a person, dropped when the person is deleted.

Messages *to* the person cascade with them (`outbox.person_id`); these are the ones to others
that carry their name: a confirmation request or dispute about their hours, an enrolment
notice to a provider, a planned buddy meeting. Recognised by their idempotency keys.
"""

from __future__ import annotations

from storage.db import Tx

QUEUED = "status IN ('pending', 'sending')"


async def drop_queued_about(tx: Tx, person_id: int) -> int:
    """Delete queued outbox rows to or about the person; returns how many."""
    keys: list[str] = []
    patterns: list[str] = []
    for (entry_id,) in await tx.all(
        "SELECT id FROM hour_entries WHERE person_id = ? OR logged_by_person_id = ?",
        (person_id, person_id),
    ):
        keys.append(f"confirm:{entry_id}")
        patterns.append(f"dispute:{entry_id}:%")
        patterns.append(f"contact:{entry_id}:%")
    for (enrolment_id,) in await tx.all(
        "SELECT id FROM enrolments WHERE person_id = ?", (person_id,)
    ):
        keys.append(f"enrol:{enrolment_id}")
        patterns.append(f"enrol:{enrolment_id}:%")
    for (meeting_id,) in await tx.all(
        "SELECT m.id FROM planned_meetings m JOIN buddy_pairs p ON p.id = m.pair_id "
        "WHERE p.buddy_id = ? OR p.newcomer_id = ?",
        (person_id, person_id),
    ):
        keys.append(f"plan:{meeting_id}")
        patterns.append(f"plan:{meeting_id}:%")
    dropped = await tx.rowcount(
        f"DELETE FROM outbox WHERE person_id = ? AND {QUEUED}", (person_id,)
    )
    for start in range(0, len(keys), 400):
        chunk = keys[start : start + 400]
        marks = ",".join("?" for _ in chunk)
        dropped += await tx.rowcount(
            f"DELETE FROM outbox WHERE {QUEUED} AND idempotency_key IN ({marks})", tuple(chunk)
        )
    for pattern in patterns:
        dropped += await tx.rowcount(
            f"DELETE FROM outbox WHERE {QUEUED} AND idempotency_key LIKE ?", (pattern,)
        )
    return dropped
