"""The nearby-first search gives exactly the ranking over the whole catalog (real SQLite)."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date

from handlers.offers.ranking import INTEREST_ORDER, Seeker, best, rank, with_variety
from handlers.offers.search import candidate, find_suggestions, nearest_matches, top_suggestions
from storage import offers as store
from storage.clock import iso
from storage.db import Database
from tests.conftest import Clock

TODAY = date(2026, 11, 23)
KINDS = ("sport", "nature", "music", "language", "cooking", "culture", "care", "buddy")


async def fill(
    db: Database,
    count: int,
    rng: random.Random,
    now: str,
    area: tuple[float, float, float, float] = (50.7, 51.2, 2.6, 4.2),
) -> None:
    rows = []
    for i in range(count):
        lat, lon = rng.uniform(area[0], area[1]), rng.uniform(area[2], area[3])
        capacity = rng.choice([None, None, 0, 1, 5, 20])
        last = rng.choice([None, None, "2026-11-01", "2027-03-31"])  # some are over
        rows.append(
            (
                "rand", f"{area[0]}-{i}", 1, f"Aanbod {i}", rng.choice(KINDS),
                rng.getrandbits(len(INTEREST_ORDER)) & rng.getrandbits(len(INTEREST_ORDER)),
                lat, lon, rng.randint(0, 7), last, rng.randint(1, 4), rng.randint(0, 1),
                rng.choice(["free", "paid", "unknown"]), rng.randint(0, 1), capacity,
                rng.randint(0, 1), "h", now, now,
            )
        )  # fmt: skip
    async with db.transaction() as tx:
        await tx.executemany(
            "INSERT INTO offers (source, external_id, network_id, title_nl, kind, interest_bits,"
            " latitude, longitude, slot_bits, last_day, dutch_level, children_welcome, cost, "
            "uitpas, capacity, active, content_hash, imported_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        await tx.execute("UPDATE offers SET enrolled = 1 WHERE capacity IS NOT NULL AND id % 3 = 0")


def random_seeker(rng: random.Random) -> Seeker:
    return Seeker(
        latitude=rng.uniform(50.75, 51.15),
        longitude=rng.uniform(2.7, 4.1),
        travel_km=rng.choice([2, 5, 10, 25, 50]),
        dutch_level=rng.choice([None, 1, 2, 3, 4]),
        interests=rng.getrandbits(len(INTEREST_ORDER)) & rng.getrandbits(len(INTEREST_ORDER)),
        free=rng.randint(0, 7),
        with_children=rng.random() < 0.3,
        declined=frozenset(rng.sample(range(1, 1500), 20)),
    )


async def test_search_equals_ranking_the_whole_catalog(
    db: Database, clock: Clock, monkeypatch
) -> None:
    rng = random.Random(7)
    await fill(db, 1200, rng, iso(clock()))
    await fill(db, 1800, rng, iso(clock()), area=(50.95, 51.1, 3.6, 3.8))  # a dense city
    boxes: list[float] = []
    original = store.offers_in_box

    async def spy(tx, box, *args, **kwargs):  # type: ignore[no-untyped-def]
        boxes.append(box[1] - box[0])
        return await original(tx, box, *args, **kwargs)

    monkeypatch.setattr(store, "offers_in_box", spy)
    early = 0
    async with db.transaction() as tx:
        everything = [
            candidate(row) for row in await store.offers_in_box(tx, (-90, 90, -180, 180), 4, TODAY)
        ]
        checked = 0
        for _ in range(60):
            seeker = random_seeker(rng)
            if rng.random() < 0.5:  # half of them live in the dense city
                seeker = replace(seeker, latitude=51.02, longitude=3.7)
            boxes.clear()
            seen = frozenset(rng.sample(range(1, 1500), 5))
            found = await find_suggestions(tx, seeker, TODAY, limit=30, exclude=seen)
            widest = max(boxes)
            # Exactly the first 30 of the whole catalog, with variety among them.
            top = best(seeker, everything, limit=30, exclude=seen)
            assert [s.offer_id for s in found] == [s.offer_id for s in with_variety(top)]
            assert found[:1] == rank(seeker, everything, exclude=seen)[:1]
            checked += bool(found)
            early += widest < 2 * seeker.travel_km / 111.19  # stopped before the radius
    assert checked > 40 and early > 5


async def test_nearest_matches_reach_beyond_the_radius(db: Database, clock: Clock) -> None:
    rng = random.Random(3)
    await fill(db, 300, rng, iso(clock()))
    async with db.transaction() as tx:
        seeker = Seeker(51.0, 3.4, 2, None, (1 << len(INTEREST_ORDER)) - 1, 7)
        nearest = await nearest_matches(tx, seeker, TODAY, limit=3)
    assert len(nearest) == 3
    assert all(s.matched for s in nearest)
    assert [s.distance_km for s in nearest] == sorted(s.distance_km for s in nearest)


async def test_top_suggestions_for_other_features(db: Database, clock: Clock, chat) -> None:
    from handlers.offers.catalog_import import import_demo
    from storage.people import get_person
    from tests.conftest import onboard_newcomer

    await import_demo(db)
    await onboard_newcomer(chat, place="8900")
    async with db.transaction() as tx:
        person = await get_person(tx, 1)
        assert person is not None
        offers = await top_suggestions(tx, chat.router.config, person, clock(), limit=2)
    assert len(offers) == 2 and all(o.municipality for o in offers)
