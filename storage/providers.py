"""Providers (organisations offering places), their contact person and link codes."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel

from storage.clock import iso
from storage.db import Tx
from storage.people import person_tables

LINK_DAYS = 14


class Provider(BaseModel):
    id: int
    name: str
    email: str | None = None
    phone: str | None = None
    telegram: str | None = None
    person_id: int | None = None


async def get_provider(tx: Tx, provider_id: int) -> Provider | None:
    row = await tx.one(
        "SELECT id, name, email, phone, telegram, person_id FROM providers WHERE id = ?",
        (provider_id,),
    )
    return None if row is None else Provider(**dict(row))


async def list_providers(tx: Tx, network_id: int | None = None) -> list[tuple[Provider, int]]:
    """Providers with how many active offers they have (in a network when given)."""
    rows = await tx.all(
        "SELECT p.id, p.name, p.email, p.phone, p.telegram, p.person_id, "
        "COUNT(o.id) AS offers FROM providers p JOIN offers o ON o.provider_id = p.id "
        "AND o.active = 1 AND (? IS NULL OR o.network_id = ?) GROUP BY p.id ORDER BY p.name",
        (network_id, network_id),
    )
    return [(Provider(**{k: row[k] for k in Provider.model_fields}), row["offers"]) for row in rows]


async def upsert_providers(tx: Tx, providers: Iterable[dict[str, Any]]) -> dict[str, int]:
    """Create or refresh providers by `match_key`; return match_key → id.

    The linked person (`person_id`) is never touched by an import.
    """
    rows = [
        (p["match_key"], p["name"], p.get("email"), p.get("phone"), p.get("telegram"))
        for p in providers
    ]
    await tx.executemany(
        "INSERT INTO providers (match_key, name, email, phone, telegram) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (match_key) DO UPDATE SET name = excluded.name, "
        "email = COALESCE(excluded.email, email), phone = COALESCE(excluded.phone, phone), "
        "telegram = COALESCE(excluded.telegram, telegram)",
        rows,
    )
    keys = [row[0] for row in rows]
    found: dict[str, int] = {}
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        marks = ",".join("?" for _ in chunk)
        for row in await tx.all(
            f"SELECT match_key, id FROM providers WHERE match_key IN ({marks})", chunk
        ):
            found[row["match_key"]] = row["id"]
    return found


async def provider_contact_person(tx: Tx, provider_id: int, now: datetime) -> int | None:
    """The person to tell about enrolments and to ask for confirmations, or None.

    A provider with an e-mail address but no linked person gets one (role 'provider',
    Dutch, consent at `now`) reached by that address; a provider with neither has nobody.
    """
    provider = await get_provider(tx, provider_id)
    if provider is None:
        return None
    if provider.person_id is not None:
        return provider.person_id
    if not provider.email:
        return None
    person_id = await tx.scalar(
        "SELECT person_id FROM identities WHERE channel = 'email' AND address = ?",
        (provider.email,),
    )
    if person_id is None:
        person_id = await tx.execute(
            "INSERT INTO people (created_at, locale, role, consent_at, display_name) "
            "VALUES (?, 'nl', 'provider', ?, ?)",
            (iso(now), iso(now), provider.name[:60]),
        )
        await tx.execute(
            "INSERT INTO identities (person_id, channel, address, created_at) "
            "VALUES (?, 'email', ?, ?)",
            (person_id, provider.email, iso(now)),
        )
    await tx.execute("UPDATE providers SET person_id = ? WHERE id = ?", (person_id, provider_id))
    return int(person_id)


async def providers_of_person(tx: Tx, person_id: int) -> list[Provider]:
    rows = await tx.all(
        "SELECT id, name, email, phone, telegram, person_id FROM providers WHERE person_id = ? "
        "ORDER BY name",
        (person_id,),
    )
    return [Provider(**dict(row)) for row in rows]


async def create_provider_link(
    tx: Tx, provider_id: int, now: datetime, days: int = LINK_DAYS
) -> str:
    """A single-use code for `/start prov-<code>`, valid for `days`."""
    code = secrets.token_urlsafe(12)
    await tx.execute(
        "INSERT INTO provider_links (code, provider_id, created_at, expires_at) "
        "VALUES (?, ?, ?, ?)",
        (code, provider_id, iso(now), iso(now + timedelta(days=days))),
    )
    return code


async def provider_for_link(tx: Tx, code: str, now: datetime) -> int | None:
    """The provider a link code is for, or None when unknown, used or expired."""
    value = await tx.scalar(
        "SELECT provider_id FROM provider_links WHERE code = ? AND used_at IS NULL "
        "AND expires_at > ?",
        (code, iso(now)),
    )
    return None if value is None else int(value)


async def spend_provider_link(tx: Tx, code: str, now: datetime) -> None:
    await tx.execute("UPDATE provider_links SET used_at = ? WHERE code = ?", (iso(now), code))


# Tables a person made only to open a deep link has rows in; anything else is their own data.
_BARE_TABLES = frozenset({"identities", "conversations"})


async def has_own_data(tx: Tx, person_id: int) -> bool:
    role = await tx.scalar("SELECT role FROM people WHERE id = ?", (person_id,))
    if role in ("newcomer", "buddy", "staff"):  # a profile of their own, even with no rows yet
        return True
    for table, column in await person_tables(tx):
        if table in _BARE_TABLES:
            continue
        if await tx.scalar(f"SELECT 1 FROM {table} WHERE {column} = ? LIMIT 1", (person_id,)):
            return True
    return False


async def link_provider_person(
    tx: Tx, provider_id: int, person_id: int, now: datetime
) -> int | None:
    """Make the person who opened a provider's link its contact; return the contact's id.

    - The provider has no contact yet: this person becomes it (role 'provider'), and the
      provider's e-mail address reaches them too when nobody else has it.
    - The provider already has a contact (made for its e-mail address): this person's
      identities move to that contact and this person, who holds nothing else, is deleted,
      so hours and messages that name the contact stay valid.
    - This person already holds data of their own (a newcomer, a buddy, another provider's
      contact): None, nothing changes.
    """
    provider = await get_provider(tx, provider_id)
    if provider is None:
        return None
    current = provider.person_id
    if current == person_id:
        return person_id
    if current is None:
        if await has_own_data(tx, person_id):
            return None
        await tx.execute(
            "UPDATE people SET role = 'provider', consent_at = COALESCE(consent_at, ?), "
            "onboarded_at = COALESCE(onboarded_at, ?), display_name = ? WHERE id = ?",
            (iso(now), iso(now), provider.name[:60], person_id),
        )
        if provider.email:
            await tx.execute(
                "INSERT OR IGNORE INTO identities (person_id, channel, address, created_at) "
                "VALUES (?, 'email', ?, ?)",
                (person_id, provider.email, iso(now)),
            )
        await tx.execute(
            "UPDATE providers SET person_id = ? WHERE id = ?", (person_id, provider_id)
        )
        return person_id
    if await has_own_data(tx, person_id):
        return None
    locale = await tx.scalar("SELECT locale FROM people WHERE id = ?", (person_id,))
    await tx.execute(
        "UPDATE identities SET person_id = ? WHERE person_id = ?", (current, person_id)
    )
    await tx.execute(
        "UPDATE people SET locale = COALESCE(?, locale), onboarded_at = COALESCE(onboarded_at, ?) "
        "WHERE id = ?",
        (locale, iso(now), current),
    )
    await tx.execute("DELETE FROM people WHERE id = ?", (person_id,))
    return current
