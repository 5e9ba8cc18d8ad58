"""Buddy matches staff propose: who asked for a buddy, which buddies have room, proposals.

A proposal holds a single-use invite code (`storage.buddies`); once the newcomer and the
buddy have both accepted, the code pairs them like a buddy's own link would.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from storage.clock import iso, parse
from storage.db import Tx
from storage.people import Person, _person

MAX_NEWCOMERS_PER_BUDDY = 2


class Proposal(BaseModel):
    id: int
    network_id: int
    newcomer_id: int
    buddy_id: int
    invite_code: str
    staff_email: str
    created_at: datetime
    newcomer_ok_at: datetime | None = None
    buddy_ok_at: datetime | None = None
    declined_at: datetime | None = None


def _proposal(row: Any) -> Proposal:
    data = dict(row)
    for key in ("created_at", "newcomer_ok_at", "buddy_ok_at", "declined_at"):
        data[key] = parse(data[key])
    return Proposal(**data)


_NO_ACTIVE_PAIR = (
    "NOT EXISTS (SELECT 1 FROM buddy_pairs bp WHERE bp.newcomer_id = p.id AND bp.status = 'active')"
)


async def newcomers_wanting_buddy(tx: Tx, network_ids: list[int]) -> list[Person]:
    """Newcomers of these networks who asked for a buddy and have none yet, oldest first."""
    if not network_ids:
        return []
    marks = ",".join("?" for _ in network_ids)
    rows = await tx.all(
        f"SELECT p.* FROM people p WHERE p.role = 'newcomer' AND p.wants_buddy = 1 "
        f"AND p.onboarded_at IS NOT NULL AND p.network_id IN ({marks}) AND {_NO_ACTIVE_PAIR} "
        f"ORDER BY p.onboarded_at, p.id",
        network_ids,
    )
    return [_person(row) for row in rows]


async def available_buddies(tx: Tx, network_ids: list[int]) -> list[Person]:
    """Onboarded buddies of these networks with room for another newcomer."""
    if not network_ids:
        return []
    marks = ",".join("?" for _ in network_ids)
    rows = await tx.all(
        f"SELECT p.* FROM people p WHERE p.role = 'buddy' AND p.onboarded_at IS NOT NULL "
        f"AND p.network_id IN ({marks}) AND (SELECT COUNT(*) FROM buddy_pairs bp "
        f"WHERE bp.buddy_id = p.id AND bp.status = 'active') < ? ORDER BY p.id",
        (*network_ids, MAX_NEWCOMERS_PER_BUDDY),
    )
    return [_person(row) for row in rows]


async def create_proposal(
    tx: Tx, network_id: int, newcomer_id: int, buddy_id: int, invite_code: str,
    staff_email: str, now: datetime,
) -> Proposal:  # fmt: skip
    proposal_id = await tx.execute(
        "INSERT INTO buddy_proposals (network_id, newcomer_id, buddy_id, invite_code, "
        "staff_email, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        (network_id, newcomer_id, buddy_id, invite_code, staff_email, iso(now)),
    )
    proposal = await get_proposal(tx, proposal_id)
    assert proposal is not None
    return proposal


async def get_proposal(tx: Tx, proposal_id: int) -> Proposal | None:
    row = await tx.one("SELECT * FROM buddy_proposals WHERE id = ?", (proposal_id,))
    return None if row is None else _proposal(row)


async def open_proposal(tx: Tx, newcomer_id: int, buddy_id: int) -> Proposal | None:
    """A proposal of these two that nobody declined and that did not pair them yet."""
    row = await tx.one(
        "SELECT b.* FROM buddy_proposals b JOIN pair_invites i ON i.code = b.invite_code "
        "WHERE b.newcomer_id = ? AND b.buddy_id = ? AND b.declined_at IS NULL "
        "AND i.used_at IS NULL ORDER BY b.id DESC LIMIT 1",
        (newcomer_id, buddy_id),
    )
    return None if row is None else _proposal(row)


async def answer_proposal(tx: Tx, proposal: Proposal, person_id: int, yes: bool,
                          now: datetime) -> Proposal | None:  # fmt: skip
    """Record the answer of the newcomer or the buddy; None when they are neither."""
    if person_id == proposal.newcomer_id:
        column = "newcomer_ok_at"
    elif person_id == proposal.buddy_id:
        column = "buddy_ok_at"
    else:
        return None
    if yes:
        await tx.execute(
            f"UPDATE buddy_proposals SET {column} = COALESCE({column}, ?) WHERE id = ?",
            (iso(now), proposal.id),
        )
    else:
        await tx.execute(
            "UPDATE buddy_proposals SET declined_at = COALESCE(declined_at, ?) WHERE id = ?",
            (iso(now), proposal.id),
        )
    return await get_proposal(tx, proposal.id)
