"""How fast are suggestions and imports? 10,000 offers and 1,000 people in a temporary database.

Prints the time to rank one person's suggestions (p50, p95, max; as /offers does it: the
person's declined and enrolled offers, then the nearby-first search and the ranking) and the
time of a full CSV and UiTdatabank JSON-LD import of the same 10,000 offers, first load and
re-import, and of a sync of 10,000 offers of one network from the fake Search API on 127.0.0.1
(tests/fakes/search_api.py), first and with nothing changed. Targets: p95 under 10 ms, an
import under 5 s, a sync under 10 s and a re-sync under 3 s.

    .venv/bin/python bench/suggest.py [--offers 10000] [--people 1000] [--seed 1]
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.uitdatabank import SearchClient, sync_network
from handlers.offers.catalog_import import import_file
from handlers.offers.search import find_suggestions, seeker_for, word_look_up
from handlers.vocab import AVAILABILITY, INTERESTS, KINDS
from storage import offers as store
from storage.db import Database
from storage.networks import ensure_network
from storage.people import Person
from storage.postcodes import Place, postcodes
from tests.fakes.search_api import CLIENT_ID, FakeSearchApi

NETWORK = "Vlaanderen"
TRAVEL = [(2, 0.10), (5, 0.25), (10, 0.35), (25, 0.20), (50, 0.10)]
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
UIT_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
LEVEL_LABELS = ("één taalicoon", "twee taaliconen", "drie taaliconen", "vier taaliconen")
KIND_TERMS = {
    "sport": "Sport en beweging", "music": "Concert", "culture": "Theatervoorstelling",
    "nature": "Natuur en milieu", "cooking": "Eten en drinken", "crafts": "Creativiteit",
    "library": "Literatuur", "language": "Taal en communicatie", "youth": "Jeugd",
    "care": "Zorg en welzijn", "neighbourhood": "Buurt en wijk",
    "volunteering": "Vrijwilligerswerk",
}  # fmt: skip


def flemish_places() -> list[Place]:
    """Places with a Flemish postcode (1500-3999, 8000-9999), one per postcode."""
    chosen: dict[str, Place] = {}
    for place in postcodes().places:
        code = int(place.postcode)
        if (1500 <= code <= 3999 or 8000 <= code <= 9999) and place.postcode not in chosen:
            chosen[place.postcode] = place
    return list(chosen.values())


def offer_rows(count: int, rng: random.Random, today: date) -> list[dict[str, object]]:
    places = flemish_places()
    rows = []
    for i in range(count):
        place = rng.choice(places)
        kind = rng.choice([k for k in KINDS if k != "other"])
        interests = rng.sample(list(INTERESTS), rng.randint(1, 2))
        weekly = rng.random() < 0.7
        if weekly:
            sessions = [(rng.choice(range(7)), rng.choice(("10:00", "14:00", "19:00")))
                        for _ in range(rng.randint(1, 2))]  # fmt: skip
        else:
            sessions = [(today + timedelta(days=rng.randint(1, 120)), "14:00") for _ in range(3)]
        rows.append(
            {
                "external_id": f"bench-{i}",
                "title": f"Activiteit {i} in {place.name}",
                "kind": kind,
                "interests": interests,
                "place": place,
                "lat": round(place.latitude + rng.uniform(-0.02, 0.02), 5),
                "lon": round(place.longitude + rng.uniform(-0.03, 0.03), 5),
                "weekly": weekly,
                "sessions": sessions,
                "level": rng.choice((1, 1, 2, 2, 3, 4)),
                "children": rng.random() < 0.4,
                "free": rng.random() < 0.6,
                "uitpas": rng.random() < 0.3,
                "capacity": rng.choice((None, None, 5, 10, 20)),
                "provider": f"Vereniging {i % 2500}",
                "until": (today + timedelta(days=rng.randint(30, 365))).isoformat()
                if weekly and rng.random() < 0.4
                else "",
            }
        )
    return rows


def write_csv(rows: list[dict[str, object]], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["external_id", "title_nl", "description_nl", "kind", "interests", "provider_name",
             "provider_email", "postcode", "municipality", "latitude", "longitude", "schedule",
             "dutch_level", "children_welcome", "cost", "uitpas", "capacity", "active_until"]
        )  # fmt: skip
        for r in rows:
            place: Place = r["place"]  # type: ignore[assignment]
            if r["weekly"]:
                schedule = ";".join(
                    f"{DAYS[d]} {t}-{int(t[:2]) + 2:02d}:{t[3:]}"
                    for d, t in r["sessions"]  # type: ignore[attr-defined]
                )
            else:
                schedule = ";".join(f"{d.isoformat()} {t}-16:00" for d, t in r["sessions"])  # type: ignore[attr-defined]
            provider = str(r["provider"])
            writer.writerow(
                [r["external_id"], r["title"], "Een korte beschrijving in eenvoudig Nederlands.",
                 r["kind"], ";".join(r["interests"]), provider,  # type: ignore[arg-type]
                 provider.lower().replace(" ", ".") + "@example.org", place.postcode, place.name,
                 r["lat"], r["lon"], schedule, r["level"], "yes" if r["children"] else "no",
                 "free" if r["free"] else "paid", "yes" if r["uitpas"] else "no",
                 r["capacity"] or "", r["until"]]
            )  # fmt: skip


def write_jsonld(rows: list[dict[str, object]], path: Path) -> None:
    path.write_text(json.dumps({"member": jsonld_members(rows)}), encoding="utf-8")


def jsonld_members(rows: list[dict[str, object]]) -> list[dict[str, object]]:
    """UiTdatabank events in the shape of publiq's read examples (event-with-read-example)."""
    members = []
    for n, r in enumerate(rows):
        place: Place = r["place"]  # type: ignore[assignment]
        provider = str(r["provider"])
        item: dict[str, object] = {
            "@id": f"https://io.uitdatabank.be/events/{r['external_id']}",
            "@type": "Event",
            "mainLanguage": "nl",
            "name": {"nl": r["title"]},
            "description": {"nl": "<p>Een korte beschrijving in eenvoudig Nederlands.</p>"},
            "location": {
                "name": {"nl": "Zaal"},
                "address": {
                    "nl": {
                        "addressCountry": "BE",
                        "addressLocality": place.name,
                        "postalCode": place.postcode,
                        "streetAddress": "Dorpsstraat 1",
                    }
                },
                "geo": {"latitude": r["lat"], "longitude": r["lon"]},
            },
            "terms": [
                {"label": KIND_TERMS.get(str(r["kind"]), "Cursus of workshop"), "domain": "theme"}
            ],
            "organizer": {
                "name": {"nl": provider},
                "contactPoint": {"email": [provider.lower().replace(" ", ".") + "@example.org"]},
            },
            "priceInfo": [{"category": "base", "price": 0 if r["free"] else 5}],
            "labels": [LEVEL_LABELS[int(r["level"]) - 1]] + (["UiTPAS"] if r["uitpas"] else []),  # type: ignore[call-overload]
            "typicalAgeRange": "-" if r["children"] else "18-",
            "workflowStatus": "APPROVED",
            "created": (datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=n)).isoformat(),
        }
        if r["weekly"]:
            item["calendarType"] = "periodic"
            item["openingHours"] = [
                {"dayOfWeek": [UIT_DAYS[d]], "opens": t, "closes": f"{int(t[:2]) + 2:02d}:00"}
                for d, t in r["sessions"]  # type: ignore[attr-defined]
            ]
        else:
            item["calendarType"] = "multiple"
            item["subEvent"] = [
                {"startDate": f"{d.isoformat()}T14:00:00+01:00",
                 "endDate": f"{d.isoformat()}T16:00:00+01:00"}
                for d, _ in r["sessions"]  # type: ignore[attr-defined]
            ]  # fmt: skip
        members.append(item)
    return members


def people(count: int, rng: random.Random, now: datetime) -> list[Person]:
    places = flemish_places()
    radii = [km for km, _ in TRAVEL]
    weights = [w for _, w in TRAVEL]
    found = []
    for i in range(count):
        place = rng.choice(places)
        found.append(
            Person(
                id=i + 1,
                created_at=now,
                locale="en",
                role="newcomer",
                latitude=place.latitude,
                longitude=place.longitude,
                place=place.name,
                postcode=place.postcode,
                dutch_level=rng.randint(1, 4),
                interests=rng.sample(list(INTERESTS), rng.randint(1, 3)),
                availability=rng.sample(list(AVAILABILITY), rng.randint(1, 3)),
                with_children=rng.random() < 0.3,
                travel_km=rng.choices(radii, weights)[0],
            )
        )
    return found


async def store_people(db: Database, found: list[Person], rng: random.Random, now: str) -> None:
    async with db.transaction() as tx:
        await tx.executemany(
            "INSERT INTO people (id, created_at, locale, role, latitude, longitude, travel_km) "
            "VALUES (?, ?, 'en', 'newcomer', ?, ?, ?)",
            [(p.id, now, p.latitude, p.longitude, p.travel_km) for p in found],
        )
        offer_ids = [row[0] for row in await tx.all("SELECT id FROM offers")]
        await tx.executemany(
            "INSERT OR IGNORE INTO declined_offers (person_id, offer_id, declined_at) "
            "VALUES (?, ?, ?)",
            [(p.id, o, now) for p in found for o in rng.sample(offer_ids, 5)],
        )


async def sync_case(folder: Path, offers: int, rng: random.Random, today: date) -> None:
    """A network of 20 postcodes with `offers` offers, synced from the fake Search API."""
    chosen = rng.sample(flemish_places(), 20)
    rows = [r for r in offer_rows(offers * 3, rng, today) if r["place"] in chosen]
    while len(rows) < offers:
        rows += [r for r in offer_rows(offers, rng, today) if r["place"] in chosen]
    rows = rows[:offers]
    for n, r in enumerate(rows):
        r["external_id"] = f"sync-{n}"
    api = await FakeSearchApi(jsonld_members(rows)).start()  # type: ignore[arg-type]
    try:
        async with Database(folder / "sync.sqlite3") as db:
            async with db.transaction() as tx:
                network = await ensure_network(tx, "Sync")
                await tx.executemany(
                    "INSERT INTO network_postcodes (postcode, network_id, municipality) "
                    "VALUES (?, ?, ?)",
                    [(p.postcode, network.id, p.name) for p in chosen],
                )
            client = SearchClient(api.url, client_id=CLIENT_ID)
            for run in ("first sync", "re-sync"):
                begin = time.perf_counter()
                report = await sync_network(db, client, "Sync")
                took = time.perf_counter() - begin
                target = "10" if run == "first sync" else "3"
                print(
                    f"sync   {run:<10}: {took:6.2f} s  (target < {target} s; {report.new} new, "
                    f"{report.unchanged} unchanged, {len(report.rejected)} rejected; "
                    f"{len(api.requests)} requests so far)"
                )
    finally:
        await api.stop()


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


async def main(offers: int, count: int, seed: int) -> None:
    rng = random.Random(seed)
    now = datetime.now(UTC)
    today = now.date()
    rows = offer_rows(offers, rng, today)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_csv(rows, folder / "offers.csv")
        write_jsonld(rows, folder / "offers.jsonld")
        print(f"{offers} offers over Flanders, {count} people; SQLite file in {tmp}")

        async with Database(folder / "bench.sqlite3") as db:
            async with db.transaction() as tx:
                await ensure_network(tx, NETWORK)
            for fmt in ("csv", "jsonld"):
                for run in ("first load", "re-import"):
                    begin = time.perf_counter()
                    report = await import_file(db, folder / f"offers.{fmt}", NETWORK)
                    took = time.perf_counter() - begin
                    print(
                        f"import {fmt:<6} {run:<10}: {took:6.2f} s  ({report.new} new, "
                        f"{report.updated} updated, {report.unchanged} unchanged, "
                        f"{len(report.rejected)} rejected)"
                    )
            await sync_case(folder, offers, rng, today)
            async with db.transaction() as tx:
                await tx.execute("UPDATE offers SET active = 0 WHERE source = 'uitdatabank'")
                active = await tx.scalar("SELECT COUNT(*) FROM offers WHERE active = 1")
            found = people(count, rng, now)
            await store_people(db, found, rng, now.isoformat())

            timings: list[float] = []
            by_radius: dict[int, list[float]] = {}
            sizes = []
            for person in found:
                async with db.transaction() as tx:
                    begin = time.perf_counter()
                    declined = await store.declined_ids(tx, person.id)
                    enrolled = await store.enrolled_offer_ids(tx, person.id)
                    seeker = seeker_for(person, declined)
                    assert seeker is not None
                    suggestions = await find_suggestions(tx, seeker, today, exclude=enrolled)
                    took = time.perf_counter() - begin
                timings.append(took)
                by_radius.setdefault(person.travel_km or 0, []).append(took)
                sizes.append(len(suggestions))
            timings.sort()
            p95 = timings[int(0.95 * (len(timings) - 1))]
            print(
                f"rank one person against {active} active offers: "
                f"p50 {ms(statistics.median(timings))}, p95 {ms(p95)}, max {ms(timings[-1])} "
                f"(target p95 < 10 ms); mean {statistics.mean(sizes):.1f} suggestions"
            )
            for km in sorted(by_radius):
                group = sorted(by_radius[km])
                print(
                    f"  travel {km:>2} km: {len(group):>4} people, p50 "
                    f"{ms(statistics.median(group))}, p95 {ms(group[int(0.95 * (len(group) - 1))])}"
                )
            words = ("koken", "voetbal", "طبخ", "футбол", "zwemmen", "Bibliotheek")
            searches: list[float] = []
            for index, person in enumerate(found[:300]):
                seeker = seeker_for(person)
                assert seeker is not None
                async with db.transaction() as tx:
                    begin = time.perf_counter()
                    await word_look_up(tx, seeker, today, frozenset(), words[index % len(words)])
                    searches.append(time.perf_counter() - begin)
            searches.sort()
            print(
                f"search a typed word ({', '.join(words)}), 300 people: "
                f"p50 {ms(statistics.median(searches))}, "
                f"p95 {ms(searches[int(0.95 * (len(searches) - 1))])}, max {ms(searches[-1])}"
            )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--offers", type=int, default=10_000)
    parser.add_argument("--people", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args()
    asyncio.run(main(options.offers, options.people, options.seed))
