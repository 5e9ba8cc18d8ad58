"""The offer catalog: offers, enrolments, declined offers and unmet demand.

Providers live in storage.providers and import writes in storage.offer_import; the provider
functions are re-exported here for callers that reach them through this module.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field

from storage.clock import iso, parse
from storage.db import Tx, loads
from storage.people import Person, _person
from storage.providers import LINK_DAYS as LINK_DAYS
from storage.providers import Provider as Provider
from storage.providers import create_provider_link as create_provider_link
from storage.providers import get_provider as get_provider
from storage.providers import link_provider_person as link_provider_person
from storage.providers import list_providers as list_providers
from storage.providers import provider_contact_person as provider_contact_person
from storage.providers import provider_for_link as provider_for_link
from storage.providers import providers_of_person as providers_of_person
from storage.providers import spend_provider_link as spend_provider_link
from storage.providers import upsert_providers as upsert_providers


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
    venue: str | None = None  # the place's name, e.g. "Wijkcentrum De Meers"
    contact_email: str | None = None
    contact_phone: str | None = None
    contact_url: str | None = None
    facilities: list[str] = Field(default_factory=list)  # accessibility, as UiTdatabank names it
    remaining_capacity: int | None = None  # what UiTdatabank says is left (bookingAvailability)
    active_from: date | None = None
    active_until: date | None = None
    active: bool = True
    deactivated_by: str | None = None
    imported_at: datetime
    updated_at: datetime

    @property
    def places_left(self) -> int | None:
        """Our own places left and what UiTdatabank says is left, whichever is fewer."""
        left = [n for n in (self.remaining_capacity,) if n is not None]
        if self.capacity is not None:
            left.append(max(0, self.capacity - self.enrolled))
        return min(left) if left else None

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
    data["facilities"] = loads(data.get("facilities"), [])
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
