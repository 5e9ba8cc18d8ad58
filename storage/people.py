"""People and the channel identities that reach them."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from storage.clock import iso, parse
from storage.db import Statement, Tx, dumps, loads
from storage.outbox_forget import drop_queued_about

Role = Literal["newcomer", "buddy", "provider", "staff"]

# Columns a profile step may change. Anything else is refused by `update_person`.
PROFILE_FIELDS = frozenset(
    {
        "locale",
        "role",
        "consent_at",
        "onboarded_at",
        "display_name",
        "postcode",
        "place",
        "latitude",
        "longitude",
        "network_id",
        "dutch_level",
        "interests",
        "availability",
        "with_children",
        "travel_km",
        "languages",
        "last_seen_at",
        "wants_buddy",
    }
)
_JSON_FIELDS = {"interests", "availability", "languages"}
_TIME_FIELDS = {"consent_at", "onboarded_at", "last_seen_at"}


class Person(BaseModel):
    id: int
    created_at: datetime
    locale: str
    role: Role | None = None
    consent_at: datetime | None = None
    onboarded_at: datetime | None = None
    display_name: str | None = None
    postcode: str | None = None
    place: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    network_id: int | None = None
    dutch_level: int | None = None
    interests: list[str] = Field(default_factory=list)
    availability: list[str] = Field(default_factory=list)
    with_children: bool | None = None
    travel_km: int | None = None
    languages: list[str] = Field(default_factory=list)
    last_seen_at: datetime | None = None
    wants_buddy: bool = False  # a newcomer who asked staff to find them a buddy

    @property
    def consented(self) -> bool:
        return self.consent_at is not None

    @property
    def onboarded(self) -> bool:
        return self.onboarded_at is not None


class Identity(BaseModel):
    person_id: int
    channel: str
    address: str


def _person(row: Any) -> Person:
    data = dict(row)
    for key in _JSON_FIELDS:
        data[key] = loads(data.get(key), [])
    for key in ("created_at", *_TIME_FIELDS):
        data[key] = parse(data.get(key))
    if data.get("with_children") is not None:
        data["with_children"] = bool(data["with_children"])
    return Person(**data)


async def get_person(tx: Tx, person_id: int) -> Person | None:
    row = await tx.one("SELECT * FROM people WHERE id = ?", (person_id,))
    return None if row is None else _person(row)


def by_identity(channel: str, address: str) -> Statement:
    """The person at an address (read the row with `person_from`)."""
    return (
        "SELECT p.* FROM people p JOIN identities i ON i.person_id = p.id "
        "WHERE i.channel = ? AND i.address = ?",
        (channel, address),
        "one",
    )


def person_from(row: Any) -> Person | None:
    return None if row is None else _person(row)


async def find_by_identity(tx: Tx, channel: str, address: str) -> Person | None:
    return person_from((await tx.batch([by_identity(channel, address)]))[0])


async def create_person(tx: Tx, channel: str, address: str, locale: str, now: datetime) -> Person:
    """A new person with only what is needed before consent: the address and a language."""
    person_id = await tx.execute(
        "INSERT INTO people (created_at, locale) VALUES (?, ?)", (iso(now), locale)
    )
    await tx.execute(
        "INSERT INTO identities (person_id, channel, address, created_at) VALUES (?, ?, ?, ?)",
        (person_id, channel, address, iso(now)),
    )
    person = await get_person(tx, person_id)
    assert person is not None
    return person


async def update_person(tx: Tx, person_id: int, **fields: Any) -> None:
    unknown = set(fields) - PROFILE_FIELDS
    if unknown:
        raise ValueError(f"not a profile field: {sorted(unknown)}")
    if not fields:
        return
    values = []
    for key, value in fields.items():
        if key in _JSON_FIELDS:
            value = dumps(list(value))
        elif key in _TIME_FIELDS and isinstance(value, datetime):
            value = iso(value)
        elif key == "with_children" and value is not None:
            value = int(bool(value))
        values.append(value)
    assignments = ", ".join(f"{key} = ?" for key in fields)
    await tx.execute(f"UPDATE people SET {assignments} WHERE id = ?", (*values, person_id))


def seen_at_commit(tx: Tx, person_id: int, now: datetime) -> None:
    """The person was here (`last_seen_at`), written with the transaction's COMMIT."""
    tx.at_commit("UPDATE people SET last_seen_at = ? WHERE id = ?", (iso(now), person_id))


async def identities_of(tx: Tx, person_id: int) -> list[Identity]:
    rows = await tx.all(
        "SELECT person_id, channel, address FROM identities WHERE person_id = ? ORDER BY id",
        (person_id,),
    )
    return [Identity(**dict(row)) for row in rows]


async def add_identity(tx: Tx, person_id: int, channel: str, address: str, now: datetime) -> None:
    await tx.execute(
        "INSERT OR IGNORE INTO identities (person_id, channel, address, created_at) "
        "VALUES (?, ?, ?, ?)",
        (person_id, channel, address, iso(now)),
    )


async def delete_person(tx: Tx, person: Person, now: datetime) -> None:
    """Delete a person and everything that cascades from them; keep one anonymous count.

    Delivery marks on their addresses go too: they may have been made before the address was
    theirs (no `person_id` then, so nothing cascades).
    """
    await tx.execute(
        "INSERT INTO forgotten_counts (day, role, network_id, count) VALUES (?, ?, ?, 1) "
        "ON CONFLICT (day, role, network_id) DO UPDATE SET count = count + 1",
        (now.date().isoformat(), person.role or "unknown", person.network_id),
    )
    await tx.execute(
        "DELETE FROM unreachable WHERE EXISTS (SELECT 1 FROM identities i WHERE "
        "i.person_id = ? AND i.channel = unreachable.channel AND i.address = unreachable.address)",
        (person.id,),
    )
    await tx.execute(
        "DELETE FROM mail_failing WHERE address IN "
        "(SELECT address FROM identities WHERE person_id = ? AND channel = 'email')",
        (person.id,),
    )
    await drop_queued_about(tx, person.id)  # messages to others that name them, too
    await tx.execute("DELETE FROM people WHERE id = ?", (person.id,))


async def person_tables(tx: Tx) -> list[tuple[str, str]]:
    """(table, column) pairs that reference people.id — used by /mydata and its tests."""
    tables = await tx.all("SELECT name FROM sqlite_master WHERE type = 'table'")
    found: list[tuple[str, str]] = []
    for (table,) in tables:
        for ref in await tx.all(f"PRAGMA foreign_key_list({table})"):
            if ref["table"] == "people":
                found.append((table, ref["from"]))
    return found


async def chat_menu(tx: Tx, channel: str, address: str) -> tuple[str, str | None, str] | None:
    """The person's language and role, and the menu last set for this chat ('' when none);
    None when nobody is known at the address."""
    row = await tx.one(
        "SELECT p.locale, p.role, COALESCE(i.menu, '') FROM people p "
        "JOIN identities i ON i.person_id = p.id WHERE i.channel = ? AND i.address = ?",
        (channel, address),
    )
    return (row[0], row[1], row[2]) if row is not None else None


async def set_chat_menu(tx: Tx, channel: str, address: str, menu: str) -> None:
    await tx.execute(
        "UPDATE identities SET menu = ? WHERE channel = ? AND address = ?", (menu, channel, address)
    )
