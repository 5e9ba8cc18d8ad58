"""One-time codes that let the person who was there confirm a self-declared entry."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from pydantic import BaseModel

from storage.clock import iso
from storage.db import Tx
from storage.mail import new_token

LINK_TTL = timedelta(days=14)


class ContactLink(BaseModel):
    entry_id: int
    address: str | None


def _hash(code: str) -> str:
    return hashlib.sha256(code.strip().lower().encode()).hexdigest()


async def create_link(tx: Tx, entry_id: int, address: str | None, now: datetime) -> str:
    """A new code for the entry (mail-safe alphabet, 100 bits); only its hash is stored."""
    code = new_token()
    await tx.execute(
        "INSERT INTO contact_links (code_hash, entry_id, address, created_at, expires_at) "
        "VALUES (?, ?, ?, ?, ?)",
        (_hash(code), entry_id, address, iso(now), iso(now + LINK_TTL)),
    )
    return code


async def find_link(tx: Tx, code: str, now: datetime) -> ContactLink | None:
    """An unused, unexpired code."""
    row = await tx.one(
        "SELECT entry_id, address FROM contact_links WHERE code_hash = ? AND used_at IS NULL "
        "AND expires_at > ?",
        (_hash(code), iso(now)),
    )
    return ContactLink(**dict(row)) if row else None


async def spend_link(tx: Tx, code: str, now: datetime) -> bool:
    changed = await tx.rowcount(
        "UPDATE contact_links SET used_at = ? WHERE code_hash = ? AND used_at IS NULL",
        (iso(now), _hash(code)),
    )
    return changed == 1


async def confirm_by_contact(
    tx: Tx, entry_id: int, confirmer_id: int | None, name: str, accept: bool, now: datetime
) -> bool:
    """Self-declared → confirmed (or disputed) by the person who was there."""
    status = "confirmed" if accept else "disputed"
    changed = await tx.rowcount(
        "UPDATE hour_entries SET status = ?, confirmer_person_id = ?, confirmed_by_name = ?, "
        "confirmed_at = ?, updated_at = ? WHERE id = ? AND status = 'self_declared'",
        (status, confirmer_id, name[:120], iso(now), iso(now), entry_id),
    )
    return changed == 1
