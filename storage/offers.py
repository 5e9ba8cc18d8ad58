"""The offer catalog: providers, offers, enrolments, declined offers and unmet demand."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from pydantic import BaseModel, Field

from storage.clock import iso, parse
from storage.db import Tx, dumps, loads
from storage.people import Person, _person, person_tables

LINK_DAYS = 14


class Provider(BaseModel):
    id: int
    name: str
    email: str | None = None
    phone: str | None = None
    telegram: str | None = None
    person_id: int | None = None


class Offer(BaseModel):
    id: int
    source: str
    external_id: str
    network_id: int | None = None
    provider_id: int | None = None
    title_nl: str
    description_nl: str = ""
    translations: dict[str, dict[str, str]] = Field(default_factory=dict)
    kind: str
    interests: list[str] = Field(default_factory=list)
    address: str | None = None
    postcode: str | None = None
    municipality: str | None = None
    latitude: float
    longitude: float
    schedule: dict[str, Any] = Field(default_factory=dict)
    slot_bits: int = 0
    last_day: date | None = None
    dutch_level: int
    children_welcome: bool = False
    cost: str = "unknown"
    uitpas: bool = False
    capacity: int | None = None
    enrolled: int = 0
    url: str | None = None
    active_from: date | None = None
    active_until: date | None = None
    active: bool = True
    deactivated_by: str | None = None
    imported_at: datetime
    updated_at: datetime

    @property
    def places_left(self) -> int | None:
        return None if self.capacity is None else max(0, self.capacity - self.enrolled)

    def still_on(self, today: date) -> bool:
        """Active and not over."""
        return self.active and (self.last_day is None or self.last_day >= today)


class Enrolment(BaseModel):
    id: int
    person_id: int
    offer_id: int
    status: str
    created_at: datetime
    cancelled_at: datetime | None = None


def _offer(row: Any) -> Offer:
    data = dict(row)
    data.pop("content_hash", None)
    data["translations"] = loads(data["translations"], {})
    data["interests"] = loads(data["interests"], [])
    data["schedule"] = loads(data["schedule"], {})
    for key in ("imported_at", "updated_at"):
        data[key] = parse(data[key])
    for key in ("children_welcome", "uitpas", "active"):
        data[key] = bool(data[key])
    return Offer(**data)


def _enrolment(row: Any) -> Enrolment:
    data = dict(row)
    data["created_at"] = parse(data["created_at"])
    data["cancelled_at"] = parse(data["cancelled_at"])
    return Enrolment(**data)


# --- reading the catalog -------------------------------------------------------------------
async def get_offer(tx: Tx, offer_id: int) -> Offer | None:
    row = await tx.one("SELECT * FROM offers WHERE id = ?", (offer_id,))
    return None if row is None else _offer(row)


async def get_offers(tx: Tx, offer_ids: Sequence[int]) -> dict[int, Offer]:
    if not offer_ids:
        return {}
    marks = ",".join("?" for _ in offer_ids)
    rows = await tx.all(f"SELECT * FROM offers WHERE id IN ({marks})", tuple(offer_ids))
    return {row["id"]: _offer(row) for row in rows}


async def list_offers(
    tx: Tx,
    *,
    network_id: int | None = None,
    kind: str | None = None,
    active_only: bool = False,
) -> list[Offer]:
    where: list[str] = ["1 = 1"]
    params: list[int | str] = []
    if network_id is not None:
        where.append("network_id = ?")
        params.append(network_id)
    if kind is not None:
        where.append("kind = ?")
        params.append(kind)
    if active_only:
        where.append("active = 1")
    rows = await tx.all(
        f"SELECT * FROM offers WHERE {' AND '.join(where)} ORDER BY network_id, title_nl, id",
        params,
    )
    return [_offer(row) for row in rows]


async def count_offers(tx: Tx) -> int:
    return int(await tx.scalar("SELECT COUNT(*) FROM offers"))


# What ranking needs of an offer, in the order of handlers.offers.ranking.Candidate.
CANDIDATE_COLUMNS = (
    "id, kind, interest_bits, latitude, longitude, dutch_level, slot_bits, children_welcome, "
    "cost, uitpas, CASE WHEN capacity IS NULL THEN NULL ELSE capacity - enrolled END"
)


Box = tuple[float, float, float, float]  # lat_min, lat_max, lon_min, lon_max


def lon_cell(longitude: float) -> int:
    """The column offers.lon_cell for a longitude (same formula)."""
    return int((max(-180.0, min(180.0, longitude)) + 180.0) * 10)


async def offers_in_box(
    tx: Tx,
    box: Box,
    max_level: int,
    today: date,
    *,
    interest_mask: int | None = None,
    slot_mask: int | None = None,
    children_only: bool = False,
    free_only: bool = False,
    free_or_uitpas: bool = False,
    outside: Box | None = None,
) -> list[Any]:
    """Rows (CANDIDATE_COLUMNS) of active, not ended offers in `box` that need at most
    `max_level` Dutch and are not in the box `outside` (read before). Optionally only those
    sharing an interest bit with `interest_mask`, a free-time slot with `slot_mask`,
    welcoming children, free, or free or with UiTPAS. Read from the index `offers_where`."""
    cells = list(range(lon_cell(box[2]), lon_cell(box[3]) + 1))
    sql = (
        f"SELECT {CANDIDATE_COLUMNS} FROM offers INDEXED BY offers_where "
        f"WHERE active = 1 AND lon_cell IN ({','.join('?' for _ in cells)}) "
        "AND latitude BETWEEN ? AND ? AND longitude BETWEEN ? AND ? "
        "AND dutch_level <= ? AND (last_day IS NULL OR last_day >= ?)"
    )
    params: list[Any] = [*cells, *box, max_level, today.isoformat()]
    if interest_mask is not None:
        sql += " AND (interest_bits & ?) != 0"
        params.append(interest_mask)
    if slot_mask is not None:
        sql += " AND (slot_bits & ?) != 0"
        params.append(slot_mask)
    if children_only:
        sql += " AND children_welcome = 1"
    if free_only:
        sql += " AND cost = 'free'"
    elif free_or_uitpas:
        sql += " AND (cost = 'free' OR uitpas = 1)"
    if outside is not None:
        sql += " AND NOT (latitude BETWEEN ? AND ? AND longitude BETWEEN ? AND ?)"
        params.extend(outside)
    return await tx.all(sql, params)


async def set_offer_active(tx: Tx, offer_id: int, active: bool, now: datetime) -> bool:
    """Staff switch an offer on or off; an import never re-activates a staff deactivation."""
    changed = await tx.rowcount(
        "UPDATE offers SET active = ?, deactivated_by = ?, updated_at = ? WHERE id = ?",
        (int(active), None if active else "staff", iso(now), offer_id),
    )
    return changed == 1


# --- providers -----------------------------------------------------------------------------
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


# --- import ------------------------------------------------------------------------------
OFFER_COLUMNS = (
    "network_id",
    "provider_id",
    "title_nl",
    "description_nl",
    "translations",
    "kind",
    "interests",
    "interest_bits",
    "address",
    "postcode",
    "municipality",
    "latitude",
    "longitude",
    "schedule",
    "slot_bits",
    "last_day",
    "dutch_level",
    "children_welcome",
    "cost",
    "uitpas",
    "capacity",
    "url",
    "active_from",
    "active_until",
    "content_hash",
    "lon_cell",
)


class Known(BaseModel):
    id: int
    content_hash: str
    active: bool
    deactivated_by: str | None
    network_id: int | None


async def known_offers(tx: Tx, source: str) -> dict[str, Known]:
    """external_id → what the store has for `source`."""
    rows = await tx.all(
        "SELECT id, external_id, content_hash, active, deactivated_by, network_id FROM offers "
        "WHERE source = ?",
        (source,),
    )
    return {
        row["external_id"]: Known(
            id=row["id"],
            content_hash=row["content_hash"],
            active=bool(row["active"]),
            deactivated_by=row["deactivated_by"],
            network_id=row["network_id"],
        )
        for row in rows
    }


def _values(row: dict[str, Any]) -> list[Any]:
    row = {**row, "lon_cell": lon_cell(row["longitude"])}
    values = []
    for column in OFFER_COLUMNS:
        value = row.get(column)
        if column in ("translations", "interests", "schedule"):
            value = dumps(value if value is not None else ({} if column != "interests" else []))
        elif isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, bool):
            value = int(value)
        values.append(value)
    return values


async def insert_offers(tx: Tx, source: str, rows: list[dict[str, Any]], now: datetime) -> None:
    columns = ", ".join(("source", "external_id", *OFFER_COLUMNS, "imported_at", "updated_at"))
    marks = ", ".join("?" for _ in range(len(OFFER_COLUMNS) + 4))
    await tx.executemany(
        f"INSERT INTO offers ({columns}) VALUES ({marks})",
        [[source, row["external_id"], *_values(row), iso(now), iso(now)] for row in rows],
    )


async def update_offers(tx: Tx, rows: list[tuple[int, dict[str, Any]]], now: datetime) -> None:
    """Overwrite offers by id with new content; an import deactivation is lifted."""
    assignments = ", ".join(f"{column} = ?" for column in OFFER_COLUMNS)
    await tx.executemany(
        f"UPDATE offers SET {assignments}, updated_at = ?, "
        "active = CASE WHEN deactivated_by = 'staff' THEN active ELSE 1 END, "
        "deactivated_by = CASE WHEN deactivated_by = 'staff' THEN 'staff' ELSE NULL END "
        "WHERE id = ?",
        [[*_values(row), iso(now), offer_id] for offer_id, row in rows],
    )


async def deactivate_by_import(tx: Tx, offer_ids: list[int], now: datetime) -> None:
    await tx.executemany(
        "UPDATE offers SET active = 0, deactivated_by = 'import', updated_at = ? "
        "WHERE id = ? AND active = 1",
        [(iso(now), offer_id) for offer_id in offer_ids],
    )


# --- enrolments ----------------------------------------------------------------------------
async def get_enrolment(tx: Tx, enrolment_id: int) -> Enrolment | None:
    row = await tx.one("SELECT * FROM enrolments WHERE id = ?", (enrolment_id,))
    return None if row is None else _enrolment(row)


async def find_enrolment(tx: Tx, person_id: int, offer_id: int) -> Enrolment | None:
    row = await tx.one(
        "SELECT * FROM enrolments WHERE person_id = ? AND offer_id = ?", (person_id, offer_id)
    )
    return None if row is None else _enrolment(row)


async def enrol(
    tx: Tx, person_id: int, offer_id: int, now: datetime
) -> tuple[str, Enrolment | None]:
    """Enrol once. Returns ('new' | 'again' | 'already' | 'full', the enrolment if any).

    'again' is a cancelled enrolment made active again. Capacity is checked inside the
    caller's (serialised) transaction, so two people can never take the last place.
    """
    existing = await find_enrolment(tx, person_id, offer_id)
    if existing is not None and existing.status == "active":
        return "already", existing
    row = await tx.one("SELECT capacity, enrolled FROM offers WHERE id = ?", (offer_id,))
    if row is None:
        raise ValueError(f"no offer {offer_id}")
    if row["capacity"] is not None and row["enrolled"] >= row["capacity"]:
        return "full", existing
    if existing is not None:
        await tx.execute(
            "UPDATE enrolments SET status = 'active', created_at = ?, cancelled_at = NULL "
            "WHERE id = ?",
            (iso(now), existing.id),
        )
        again = await get_enrolment(tx, existing.id)
        assert again is not None
        return "again", again
    enrolment_id = await tx.execute(
        "INSERT INTO enrolments (person_id, offer_id, status, created_at) "
        "VALUES (?, ?, 'active', ?)",
        (person_id, offer_id, iso(now)),
    )
    created = await get_enrolment(tx, enrolment_id)
    assert created is not None
    return "new", created


async def cancel_enrolment(tx: Tx, enrolment_id: int, now: datetime) -> bool:
    changed = await tx.rowcount(
        "UPDATE enrolments SET status = 'cancelled', cancelled_at = ? "
        "WHERE id = ? AND status = 'active'",
        (iso(now), enrolment_id),
    )
    return changed == 1


async def active_enrolments(tx: Tx, person_id: int) -> list[tuple[Enrolment, Offer]]:
    """The person's active enrolments with their offers, oldest first."""
    rows = await tx.all(
        "SELECT e.id AS e_id, e.person_id AS e_person_id, e.offer_id AS e_offer_id, "
        "e.status AS e_status, e.created_at AS e_created_at, e.cancelled_at AS e_cancelled_at, "
        "o.* FROM enrolments e JOIN offers o ON o.id = e.offer_id "
        "WHERE e.person_id = ? AND e.status = 'active' ORDER BY e.created_at, e.id",
        (person_id,),
    )
    found = []
    for row in rows:
        data = dict(row)
        enrolment = _enrolment(
            {key[2:]: data.pop(key) for key in list(data) if key.startswith("e_")}
        )
        found.append((enrolment, _offer(data)))
    return found


async def enrolled_offer_ids(tx: Tx, person_id: int) -> frozenset[int]:
    rows = await tx.all(
        "SELECT offer_id FROM enrolments WHERE person_id = ? AND status = 'active'", (person_id,)
    )
    return frozenset(row[0] for row in rows)


async def enrolled_people(tx: Tx, offer_id: int) -> list[Person]:
    """People actively enrolled in an offer, in the order they enrolled."""
    rows = await tx.all(
        "SELECT p.* FROM people p JOIN enrolments e ON e.person_id = p.id "
        "WHERE e.offer_id = ? AND e.status = 'active' ORDER BY e.created_at, e.id",
        (offer_id,),
    )
    return [_person(row) for row in rows]


# --- declined offers and unmet demand ----------------------------------------------------------
async def decline(tx: Tx, person_id: int, offer_id: int, now: datetime) -> None:
    await tx.execute(
        "INSERT OR IGNORE INTO declined_offers (person_id, offer_id, declined_at) VALUES (?, ?, ?)",
        (person_id, offer_id, iso(now)),
    )


async def declined_ids(tx: Tx, person_id: int) -> frozenset[int]:
    rows = await tx.all("SELECT offer_id FROM declined_offers WHERE person_id = ?", (person_id,))
    return frozenset(row[0] for row in rows)


async def unmet_counted_today(tx: Tx, person_id: int, day: date) -> bool:
    noted = await tx.scalar("SELECT day FROM unmet_noted WHERE person_id = ?", (person_id,))
    return noted == day.isoformat()


async def record_unmet(
    tx: Tx,
    person_id: int,
    day: date,
    network_id: int | None,
    municipality: str,
    interests: Iterable[str],
) -> None:
    """Count interests nothing within reach matched. Only the count is kept, not the person;
    `unmet_noted` only remembers that this person was counted today."""
    await tx.execute(
        "INSERT INTO unmet_noted (person_id, day) VALUES (?, ?) "
        "ON CONFLICT (person_id) DO UPDATE SET day = excluded.day",
        (person_id, day.isoformat()),
    )
    await tx.executemany(
        "INSERT INTO unmet_demand (day, network_id, municipality, interest, count) "
        "VALUES (?, ?, ?, ?, 1) ON CONFLICT (day, municipality, interest) "
        "DO UPDATE SET count = count + 1",
        [(day.isoformat(), network_id, municipality, interest) for interest in interests],
    )


async def unmet_demand(tx: Tx, network_id: int | None, since: date) -> list[tuple[str, str, int]]:
    """(municipality, interest, count) since a day, most asked first, for a network's staff."""
    rows = await tx.all(
        "SELECT municipality, interest, SUM(count) AS n FROM unmet_demand "
        "WHERE day >= ? AND (? IS NULL OR network_id = ?) "
        "GROUP BY municipality, interest ORDER BY n DESC, municipality, interest",
        (since.isoformat(), network_id, network_id),
    )
    return [(row[0], row[1], int(row[2])) for row in rows]
