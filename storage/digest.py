"""The weekly digest's figures, aggregated in SQL for all networks asked for at once.

Per-person totals come from `hour_totals` (kept by triggers on `hour_entries`), the week's
ranges from covering indexes (migration 0005), so the work follows the number of people and
of the week's entries rather than every entry ever logged. The lists (waiting, disputes,
deliveries, offers) are in `storage.digest_lists`; the rules that classify people are in
`handlers.staff.figures`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from storage.clock import iso, parse
from storage.db import Tx
from storage.networks import Network

REACH = {"telegram": "💬 Telegram", "email": "✉️ {address}"}  # the console is no way to reach


@dataclass(frozen=True)
class Week:
    """An ISO week in the network's time zone: local Monday 00:00 up to the next Monday."""

    label: str  # "2026-W48"
    monday: date
    start: datetime  # UTC instants of local Monday 00:00 and the next Monday 00:00
    end: datetime

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    @property
    def number(self) -> int:
        return self.monday.isocalendar().week


@dataclass
class Newcomer:
    id: int
    name: str
    postcode: str | None
    place: str | None
    municipality: str | None
    onboarded_at: datetime | None
    last_seen_at: datetime | None
    confirmed: int = 0  # minutes, all time
    pending: int = 0
    disputed: int = 0
    self_declared: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)  # confirmed minutes per kind
    counted_at_start: int = 0
    counted_at_end: int = 0
    last_entry_at: datetime | None = None
    active: bool = False
    status: str = "active"  # "reached", "at_risk", "new" or "active"
    reach: list[str] = field(default_factory=list)
    email: str | None = None
    telegram: bool = False
    buddy: str | None = None

    @property
    def last_activity(self) -> datetime | None:
        moments = [m for m in (self.onboarded_at, self.last_seen_at, self.last_entry_at) if m]
        return max(moments) if moments else None


@dataclass
class Figures:
    network: Network
    week: Week
    target_minutes: int
    new_newcomers: list[Newcomer] = field(default_factory=list)
    new_buddies: list[str] = field(default_factory=list)
    active_people: int = 0
    logged: dict[str, int] = field(default_factory=dict)  # status → minutes logged this week
    reached: list[Newcomer] = field(default_factory=list)
    reached_total: int = 0
    at_risk: list[Newcomer] = field(default_factory=list)
    waiting: list[dict[str, Any]] = field(default_factory=list)
    waiting_total: int = 0
    disputes: list[dict[str, Any]] = field(default_factory=list)  # the oldest LIST_LIMIT
    disputes_total: int = 0
    failed: list[dict[str, Any]] = field(default_factory=list)
    stuck: list[dict[str, Any]] = field(default_factory=list)
    nudged: list[tuple[str, datetime]] = field(default_factory=list)
    top_offers: list[tuple[str, int]] = field(default_factory=list)
    unmet: list[tuple[str, str, int]] = field(default_factory=list)
    active_buddies: list[tuple[str, int, int]] = field(default_factory=list)  # name, n, minutes
    buddies_active: int = 0  # buddies who met a newcomer or used the assistant
    weekly: list[tuple[str, int, int]] = field(default_factory=list)  # week, confirmed, pending
    newcomers: list[Newcomer] = field(default_factory=list)
    # Newcomers who asked for a buddy, each with their best `handlers.staff.matching.Match`es.
    buddy_matches: list[tuple[str, list[Any]]] = field(default_factory=list)
    imports: list[Any] = field(default_factory=list)  # storage.offer_import.ImportRun, this week


def ids_sql(ids: list[int]) -> str:
    return ",".join(str(int(i)) for i in ids)


async def collect_people(
    tx: Tx, week: Week, networks: list[Network], target_minutes: int, self_declared_counts: bool
) -> dict[int, Figures]:
    """Every network's newcomers with their totals, activity and reach, and its buddies."""
    result = {n.id: Figures(n, week, target_minutes) for n in networks}
    if not result:
        return result
    ids = list(result)
    rows = await tx.all(
        f"SELECT p.id, p.network_id, p.display_name, p.postcode, p.place, p.onboarded_at, "
        f"p.last_seen_at, np.municipality, t.confirmed, t.pending, t.disputed, "
        f"t.self_declared, t.by_kind, t.last_entry_at "
        f"FROM people p LEFT JOIN network_postcodes np ON np.postcode = p.postcode "
        f"LEFT JOIN hour_totals t ON t.person_id = p.id "
        f"WHERE p.role = 'newcomer' AND p.network_id IN ({ids_sql(ids)}) "
        f"AND p.onboarded_at IS NOT NULL AND p.onboarded_at < ? ORDER BY p.id",
        (iso(week.end),),
    )
    by_id: dict[int, Newcomer] = {}
    for (person_id, network_id, name, postcode, place, onboarded, seen, municipality,
         confirmed, pending, disputed, declared, by_kind, last_entry) in rows:  # fmt: skip
        person = Newcomer(
            id=person_id,
            name=name or f"#{person_id}",
            postcode=postcode,
            place=place,
            municipality=municipality,
            onboarded_at=parse(onboarded),
            last_seen_at=parse(seen),
            confirmed=confirmed or 0,
            pending=pending or 0,
            disputed=disputed or 0,
            self_declared=declared or 0,
            by_kind={k: v for k, v in json.loads(by_kind or "{}").items() if v},
            last_entry_at=parse(last_entry),
        )
        counted = person.confirmed + (person.self_declared if self_declared_counts else 0)
        person.counted_at_start = person.counted_at_end = counted
        if person.last_seen_at is not None and week.start <= person.last_seen_at < week.end:
            person.active = True
        by_id[person_id] = person
        result[network_id].newcomers.append(person)
    await _counted_then(tx, self_declared_counts, week, by_id)
    await _logged(tx, week, result, by_id)
    await _reach(tx, ids, by_id)
    await _buddies(tx, ids, week, result)
    return result


async def _counted_then(
    tx: Tx, self_declared_counts: bool, week: Week, by_id: dict[int, Newcomer]
) -> None:
    """Hours counted at the start and the end of the week: today's minus what came later."""
    start, end = iso(week.start), iso(week.end)
    rows = list(
        await tx.all(
            # The index on confirmed_at reads only what was confirmed since the week began;
            # left alone, the planner scans everything in person order to spare a sort.
            "SELECT person_id, SUM(minutes), SUM(CASE WHEN confirmed_at >= ? THEN minutes END) "
            "FROM hour_entries INDEXED BY hour_entries_digest_confirmed "
            "WHERE confirmed_at >= ? AND status = 'confirmed' GROUP BY person_id",
            (end, start),
        )
    )
    if self_declared_counts:
        rows += await tx.all(
            "SELECT person_id, SUM(minutes), SUM(CASE WHEN created_at >= ? THEN minutes END) "
            "FROM hour_entries WHERE status = 'self_declared' AND created_at >= ? "
            "GROUP BY person_id",
            (end, start),
        )
    for person_id, since_start, since_end in rows:
        person = by_id.get(person_id)
        if person is not None:
            person.counted_at_start -= since_start or 0
            person.counted_at_end -= since_end or 0


async def _logged(
    tx: Tx, week: Week, result: dict[int, Figures], by_id: dict[int, Newcomer]
) -> None:
    """Minutes logged during the week, by their status now; who logged anything is active."""
    rows = await tx.all(
        "SELECT person_id, status, SUM(minutes) FROM hour_entries "
        "WHERE status IN ('confirmed', 'pending', 'disputed', 'self_declared') "
        "AND created_at >= ? AND created_at < ? GROUP BY person_id, status",
        (iso(week.start), iso(week.end)),
    )
    network_of = {person_id: network_id for network_id, f in result.items()
                  for person_id in (p.id for p in f.newcomers)}  # fmt: skip
    for person_id, status, minutes in rows:
        network_id = network_of.get(person_id)
        if network_id is None:
            continue
        by_id[person_id].active = True
        logged = result[network_id].logged
        logged[status] = logged.get(status, 0) + (minutes or 0)


async def _reach(tx: Tx, ids: list[int], by_id: dict[int, Newcomer]) -> None:
    """How staff can reach each newcomer: e-mail address, Telegram, and their buddy."""
    rows = await tx.all(
        f"SELECT i.person_id, i.channel, i.address FROM identities i "
        f"JOIN people p ON p.id = i.person_id "
        f"WHERE p.role = 'newcomer' AND p.network_id IN ({ids_sql(ids)}) ORDER BY i.id"
    )
    for person_id, channel, address in rows:
        person = by_id.get(person_id)
        if person is None:
            continue
        if channel in REACH:
            person.reach.append(REACH[channel].format(address=address))
            person.telegram = person.telegram or channel == "telegram"
            if channel == "email":
                person.email = address
    rows = await tx.all(
        f"SELECT bp.newcomer_id, b.display_name FROM buddy_pairs bp "
        f"JOIN people n ON n.id = bp.newcomer_id JOIN people b ON b.id = bp.buddy_id "
        f"WHERE bp.status = 'active' AND n.network_id IN ({ids_sql(ids)}) ORDER BY bp.id"
    )
    for newcomer_id, buddy_name in rows:
        person = by_id.get(newcomer_id)
        if person is not None and buddy_name:
            person.buddy = buddy_name


async def _buddies(tx: Tx, ids: list[int], week: Week, result: dict[int, Figures]) -> None:
    start, end = iso(week.start), iso(week.end)
    rows = await tx.all(
        f"SELECT network_id, id, display_name, onboarded_at, last_seen_at FROM people "
        f"WHERE role = 'buddy' AND network_id IN ({ids_sql(ids)}) "
        f"AND ((onboarded_at >= ? AND onboarded_at < ?) OR (last_seen_at >= ? AND "
        f"last_seen_at < ?))",
        (start, end, start, end),
    )
    active_seen: dict[int, set[int]] = {}
    for network_id, buddy_id, name, onboarded, seen in rows:
        if onboarded and start <= onboarded < end:
            result[network_id].new_buddies.append(name or "?")
        if seen and start <= seen < end:
            active_seen.setdefault(network_id, set()).add(buddy_id)
    # Meetings this week, read from the partial index on buddy entries (pair, day).
    rows = await tx.all(
        f"SELECT b.network_id, b.id, b.display_name, COUNT(*), SUM(e.minutes) "
        f"FROM buddy_pairs bp JOIN people b ON b.id = bp.buddy_id "
        f"JOIN hour_entries e ON e.pair_id = bp.id "
        f"WHERE b.network_id IN ({ids_sql(ids)}) "
        f"AND e.status IN ('pending', 'confirmed', 'self_declared') "
        f"AND e.day >= ? AND e.day <= ? GROUP BY b.id ORDER BY COUNT(*) DESC, b.display_name",
        (week.monday.isoformat(), week.sunday.isoformat()),
    )
    met: dict[int, set[int]] = {}
    for network_id, buddy_id, name, meetings, minutes in rows:
        result[network_id].active_buddies.append((name or "?", meetings, minutes or 0))
        met.setdefault(network_id, set()).add(buddy_id)
    for network_id, figures in result.items():
        seen = met.get(network_id, set()) | active_seen.get(network_id, set())
        figures.buddies_active = len(seen)
