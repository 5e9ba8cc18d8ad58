"""The e-mail channel's bookkeeping: reply tokens, handled Message-IDs, failing addresses,
the numbered choices of a person's last mail, and the digests already sent."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from pydantic import BaseModel

from storage.clock import iso, parse
from storage.db import Tx, dumps, loads

TOKEN_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"  # survives lower-casing mail servers
TOKEN_LENGTH = 20  # 100 bits


class ReplyToken(BaseModel):
    person_id: int
    purpose: str
    subject_id: int
    address: str
    expires_at: datetime
    used_at: datetime | None = None


def _hash(token: str) -> str:
    return hashlib.sha256(token.strip().lower().encode()).hexdigest()


def new_token() -> str:
    return "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(TOKEN_LENGTH))


async def create_token(
    tx: Tx,
    *,
    person_id: int,
    purpose: str,
    subject_id: int,
    address: str,
    now: datetime,
    valid_for: timedelta = timedelta(days=30),
) -> str:
    """A new random token for one purpose on one subject; only its hash is stored."""
    token = new_token()
    await tx.execute(
        "INSERT INTO reply_tokens (token_hash, person_id, purpose, subject_id, address, "
        "created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (_hash(token), person_id, purpose, subject_id, address.lower(), iso(now),
         iso(now + valid_for)),
    )  # fmt: skip
    return token


async def find_token(tx: Tx, token: str, purpose: str, now: datetime) -> ReplyToken | None:
    """A token that exists, has this purpose, is unused and has not expired."""
    row = await tx.one(
        "SELECT person_id, purpose, subject_id, address, expires_at, used_at FROM reply_tokens "
        "WHERE token_hash = ? AND purpose = ? AND used_at IS NULL AND expires_at > ?",
        (_hash(token), purpose, iso(now)),
    )
    if row is None:
        return None
    data = dict(row)
    data["expires_at"] = parse(data["expires_at"])
    data["used_at"] = parse(data["used_at"])
    return ReplyToken(**data)


async def use_token(tx: Tx, token: str, now: datetime) -> bool:
    """Spend a token; False when it was spent already (single use)."""
    changed = await tx.rowcount(
        "UPDATE reply_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL",
        (iso(now), _hash(token)),
    )
    return changed == 1


async def purge_tokens(tx: Tx, now: datetime) -> int:
    """Forget expired tokens and used ones older than a week."""
    return await tx.rowcount(
        "DELETE FROM reply_tokens WHERE expires_at <= ? OR used_at <= ?",
        (iso(now), iso(now - timedelta(days=7))),
    )


async def person_by_email(tx: Tx, address: str) -> int | None:
    """The person an e-mail address reaches; addresses compare without case."""
    value = await tx.scalar(
        "SELECT person_id FROM identities WHERE channel = 'email' AND address = ? COLLATE NOCASE "
        "ORDER BY id LIMIT 1",
        (address.strip(),),
    )
    return None if value is None else int(value)


# --- incoming messages handled once ----------------------------------------------------------


async def claim_message(tx: Tx, message_id: str, outcome: str, now: datetime) -> bool:
    """Record a Message-ID; False when it was handled before (the caller then does nothing)."""
    inserted = await tx.rowcount(
        "INSERT OR IGNORE INTO mail_processed (message_id, outcome, processed_at) "
        "VALUES (?, ?, ?)",
        (message_id[:500], outcome, iso(now)),
    )
    return inserted == 1


async def forget_old_messages(tx: Tx, now: datetime, keep: timedelta = timedelta(days=90)) -> int:
    """Message-IDs only matter while a mail may be fetched again; keep them for 90 days."""
    return await tx.rowcount(
        "DELETE FROM mail_processed WHERE processed_at < ?", (iso(now - keep),)
    )


async def set_outcome(tx: Tx, message_id: str, outcome: str) -> None:
    await tx.execute(
        "UPDATE mail_processed SET outcome = ? WHERE message_id = ?", (outcome, message_id[:500])
    )


async def was_processed(tx: Tx, message_id: str) -> bool:
    found = await tx.scalar(
        "SELECT 1 FROM mail_processed WHERE message_id = ?", (message_id[:500],)
    )
    return found is not None


# --- failing addresses -----------------------------------------------------------------------


async def mark_failing(tx: Tx, address: str, reason: str, now: datetime) -> None:
    address = address.strip().lower()
    person_id = await tx.scalar(
        "SELECT person_id FROM identities WHERE channel = 'email' AND address = ? COLLATE NOCASE",
        (address,),
    )
    await tx.execute(
        "INSERT INTO mail_failing (address, person_id, reason, first_at, last_at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (address) DO UPDATE SET "
        "bounces = bounces + 1, reason = excluded.reason, last_at = excluded.last_at, "
        "person_id = COALESCE(excluded.person_id, mail_failing.person_id)",
        (address, person_id, reason[:300], iso(now), iso(now)),
    )


async def is_failing(tx: Tx, address: str) -> bool:
    found = await tx.scalar(
        "SELECT 1 FROM mail_failing WHERE address = ?", (address.strip().lower(),)
    )
    return found is not None


async def clear_failing(tx: Tx, address: str) -> None:
    """The address wrote to us, so it works again."""
    await tx.execute("DELETE FROM mail_failing WHERE address = ?", (address.strip().lower(),))


async def failing_addresses(tx: Tx, network_id: int | None = None) -> list[dict[str, object]]:
    if network_id is None:
        rows = await tx.all("SELECT address, reason, bounces, last_at FROM mail_failing")
    else:
        rows = await tx.all(
            "SELECT f.address, f.reason, f.bounces, f.last_at FROM mail_failing f "
            "JOIN people p ON p.id = f.person_id WHERE p.network_id = ? ORDER BY f.address",
            (network_id,),
        )
    return [dict(row) for row in rows]


# --- numbered choices ------------------------------------------------------------------------


async def save_choices(
    tx: Tx, person_id: int, message_id: str, choices: list[str], now: datetime
) -> None:
    """The button payloads of one mail we sent, in the order they were numbered."""
    await tx.execute(
        "INSERT OR REPLACE INTO mail_choices (message_id, person_id, choices, created_at) "
        "VALUES (?, ?, ?, ?)",
        (message_id, person_id, dumps(choices), iso(now)),
    )
    await tx.execute(
        "DELETE FROM mail_choices WHERE person_id = ? AND created_at < ?",
        (person_id, iso(now - timedelta(days=60))),
    )


async def load_choices(tx: Tx, person_id: int, in_reply_to: str | None) -> list[str]:
    """The choices of the mail answered, else of the latest mail to the person."""
    value = None
    if in_reply_to:
        value = await tx.scalar(
            "SELECT choices FROM mail_choices WHERE message_id = ? AND person_id = ?",
            (in_reply_to, person_id),
        )
    if value is None:
        value = await tx.scalar(
            "SELECT choices FROM mail_choices WHERE person_id = ? "
            "ORDER BY created_at DESC, rowid DESC LIMIT 1",
            (person_id,),
        )
    return list(loads(value, []))


# --- digests ---------------------------------------------------------------------------------


async def digest_sent(tx: Tx, network_id: int, week: str) -> datetime | None:
    value = await tx.scalar(
        "SELECT sent_at FROM digests_sent WHERE network_id = ? AND week = ?", (network_id, week)
    )
    return parse(value)


async def record_digest(tx: Tx, network_id: int, week: str, recipients: int, now: datetime) -> bool:
    """Remember that this week's digest went out; False if it was recorded before."""
    inserted = await tx.rowcount(
        "INSERT OR IGNORE INTO digests_sent (network_id, week, recipients, sent_at) "
        "VALUES (?, ?, ?, ?)",
        (network_id, week, recipients, iso(now)),
    )
    return inserted == 1
