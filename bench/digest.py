"""Build every network's weekly digest over a large store; print the time and peak memory.

    python bench/digest.py [--keep DIR]

Generates 18 networks, 20,000 newcomers (and 2,000 buddies in pairs), 1,000 offers with
30,000 enrolments, unmet demand, 500 failed deliveries and 1,000,000 hour entries over a year,
then, in a fresh process, times `send_weekly_digests` for all 18 networks: the figures (SQL
aggregates), the chart, the CSV and the queued mails. Target: under 3 s and 300 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

NETWORKS = 18
NEWCOMERS = 20_000
BUDDIES = 2_000
OFFERS = 1_000
ENROLMENTS = 30_000
ENTRIES = 1_000_000
WEEK = "2026-W48"
NOW = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)
KINDS = ("volunteering", "placement", "language", "sport", "culture", "youth", "nature", "care",
         "neighbourhood", "cooking", "crafts", "library", "music", "other")  # fmt: skip
INTERESTS = ("sport", "culture", "nature", "cooking", "youth", "volunteering", "language",
             "elderly", "crafts", "music", "reading", "neighbourhood")  # fmt: skip


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


async def _migrate(path: Path) -> None:
    from storage.db import Database

    db = await Database(path).open()
    await db.close()


def generate(path: Path, seed: int = 48) -> None:
    """Fill a migrated store with synthetic data (plain sqlite3, one transaction)."""
    asyncio.run(_migrate(path))
    rng = random.Random(seed)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA synchronous=OFF")
    start = NOW - timedelta(weeks=52)
    with conn:
        municipalities: dict[int, list[tuple[str, str]]] = {}
        for n in range(1, NETWORKS + 1):
            conn.execute("INSERT INTO networks (id, name) VALUES (?, ?)", (n, f"Netwerk {n:02d}"))
            places = [(f"B{n:02d}{m}", f"Gemeente {n:02d}-{m}") for m in range(1, 7)]
            municipalities[n] = places
            conn.executemany(
                "INSERT INTO network_postcodes (postcode, network_id, municipality) "
                "VALUES (?, ?, ?)",
                [(code, n, name) for code, name in places],
            )
            conn.execute(
                "INSERT INTO staff (email, network_id, created_at) VALUES (?, ?, ?)",
                (f"team{n:02d}@network.example", n, iso(start)),
            )
        people = []
        onboarded: dict[int, datetime] = {}
        network_of: dict[int, int] = {}
        for pid in range(1, NEWCOMERS + BUDDIES + 1):
            role = "newcomer" if pid <= NEWCOMERS else "buddy"
            network = rng.randint(1, NETWORKS)
            code, place = rng.choice(municipalities[network])
            joined = start + timedelta(seconds=rng.randint(0, 52 * 7 * 86400))
            seen = joined + timedelta(seconds=rng.randint(0, int((NOW - joined).total_seconds())))
            onboarded[pid], network_of[pid] = joined, network
            people.append(
                (pid, iso(joined), "nl", role, iso(joined), iso(joined), f"Persoon {pid}", code,
                 place, network, json.dumps(rng.sample(INTERESTS, 2)), iso(seen))
            )  # fmt: skip
        conn.executemany(
            "INSERT INTO people (id, created_at, locale, role, consent_at, onboarded_at, "
            "display_name, postcode, place, network_id, interests, last_seen_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            people,
        )
        conn.executemany(
            "INSERT INTO identities (person_id, channel, address, created_at) VALUES (?, ?, ?, ?)",
            [
                (p[0], "email" if p[0] % 10 == 0 else "telegram",
                 f"p{p[0]}@mail.example" if p[0] % 10 == 0 else str(100000 + p[0]), p[1])
                for p in people
            ],
        )  # fmt: skip
        pairs = {}
        for index, buddy in enumerate(range(NEWCOMERS + 1, NEWCOMERS + BUDDIES + 1), start=1):
            newcomer = rng.randint(1, NEWCOMERS)
            if newcomer in pairs:
                continue
            pairs[newcomer] = index
            conn.execute(
                "INSERT INTO buddy_pairs (id, buddy_id, newcomer_id, created_at) "
                "VALUES (?, ?, ?, ?)",
                (index, buddy, newcomer, iso(onboarded[newcomer])),
            )
        conn.executemany(
            "INSERT INTO providers (id, match_key, name, email) VALUES (?, ?, ?, ?)",
            [(i, f"p{i}@org.example", f"Organisatie {i}", f"p{i}@org.example")
             for i in range(1, 201)],
        )  # fmt: skip
        offers = []
        for oid in range(1, OFFERS + 1):
            network = rng.randint(1, NETWORKS)
            code, place = rng.choice(municipalities[network])
            offers.append((oid, "bench", f"o{oid}", network, rng.randint(1, 200),
                           f"Activiteit {oid}", rng.choice(KINDS), code, place, 51.0, 3.7, 1,
                           f"h{oid}", iso(start), iso(start)))  # fmt: skip
        conn.executemany(
            "INSERT INTO offers (id, source, external_id, network_id, provider_id, title_nl, "
            "kind, postcode, municipality, latitude, longitude, dutch_level, content_hash, "
            "imported_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            offers,
        )
        enrolled = set()
        rows = []
        while len(rows) < ENROLMENTS:
            person, offer = rng.randint(1, NEWCOMERS), rng.randint(1, OFFERS)
            if (person, offer) in enrolled:
                continue
            enrolled.add((person, offer))
            when = onboarded[person] + timedelta(days=rng.randint(0, 30))
            rows.append((person, offer, iso(min(when, NOW - timedelta(hours=1)))))
        conn.executemany(
            "INSERT INTO enrolments (person_id, offer_id, created_at) VALUES (?, ?, ?)", rows
        )
        conn.executemany(
            "INSERT OR IGNORE INTO unmet_demand (day, network_id, municipality, interest, count) "
            "VALUES (?, ?, ?, ?, ?)",
            [
                ((NOW - timedelta(days=rng.randint(0, 60))).date().isoformat(), n,
                 rng.choice(municipalities[n])[1], rng.choice(INTERESTS), rng.randint(1, 9))
                for n in (rng.randint(1, NETWORKS) for _ in range(5_000))
            ],
        )  # fmt: skip
        conn.executemany(
            "INSERT INTO outbox (idempotency_key, person_id, channel, address, purpose, payload, "
            "status, attempts, not_before, last_error, created_at) "
            "VALUES (?, ?, 'telegram', ?, 'reminder', '[]', 'failed', 8, ?, ?, ?)",
            [
                (f"bench:{i}", p, str(100000 + p), iso(NOW - timedelta(days=d)),
                 "403 Forbidden: bot was blocked by the user", iso(NOW - timedelta(days=d)))
                for i, (p, d) in enumerate(
                    (rng.randint(1, NEWCOMERS), rng.randint(0, 20)) for _ in range(500))
            ],
        )  # fmt: skip
        statuses = ("confirmed",) * 70 + ("pending",) * 15 + ("disputed",) * 3 + (
            "self_declared",) * 10 + ("undone",) * 2  # fmt: skip
        batch = []
        for _ in range(ENTRIES):
            person = rng.randint(1, NEWCOMERS)
            begin = onboarded[person]
            span = max(1, int((NOW - begin).total_seconds()))
            created = begin + timedelta(seconds=rng.randint(0, span))
            day = (created - timedelta(days=rng.randint(0, 3))).date().isoformat()
            status = rng.choice(statuses)
            pair = pairs.get(person) if rng.random() < 0.15 else None
            source = "buddy" if pair else rng.choice(("offer", "offer", "other"))
            kind = "buddy" if pair else rng.choice(KINDS)
            confirmed = iso(created + timedelta(hours=rng.randint(1, 240))) if status in (
                "confirmed", "disputed") else None  # fmt: skip
            batch.append((person, source, kind, pair, day, rng.choice((30, 60, 90, 120, 180)),
                          status, confirmed, person, iso(created), iso(created)))  # fmt: skip
            if len(batch) == 50_000:
                _entries(conn, batch)
                batch = []
        _entries(conn, batch)
    conn.execute("ANALYZE")
    conn.close()


def _entries(conn: sqlite3.Connection, batch: list[tuple[object, ...]]) -> None:
    conn.executemany(
        "INSERT INTO hour_entries (person_id, source, kind, pair_id, day, minutes, status, "
        "confirmed_at, logged_by_person_id, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        batch,
    )


async def _build(path: Path) -> tuple[float, int, int]:
    from handlers.context import Config
    from handlers.staff.digest import send_weekly_digests
    from storage.db import Database

    db = await Database(path).open()
    try:
        started = time.perf_counter()
        runs = await send_weekly_digests(db, Config(), WEEK, now=NOW)
        elapsed = time.perf_counter() - started
        async with db.transaction() as tx:
            queued = await tx.scalar("SELECT COUNT(*) FROM outbox WHERE purpose = 'digest'")
            size = await tx.scalar(
                "SELECT SUM(LENGTH(payload)) FROM outbox WHERE purpose = 'digest'"
            )
    finally:
        await db.close()
    assert len(runs) == NETWORKS and not any(r.already_sent for r in runs), runs
    return elapsed, queued, size


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM; ru_maxrss survives exec on Linux)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(path: Path) -> None:
    """Run in a fresh process so the peak memory is the digest's, not the generator's."""
    import handlers.staff.digest  # noqa: F401  (imports are not part of the measured work)

    before = peak_rss_mb()
    elapsed, queued, size = asyncio.run(_build(path))
    peak = peak_rss_mb()
    print(f"built {queued} digests for {NETWORKS} networks in {elapsed:.2f} s "
          f"(target < 3 s); payload {size / 1e6:.1f} MB")  # fmt: skip
    print(f"peak memory {peak:.0f} MB (after imports {before:.0f} MB; target < 300 MB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--keep", type=Path, help="keep the generated store in this directory")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.measure)
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "bench-digest.sqlite3"
        if not path.exists():
            started = time.perf_counter()
            generate(path)
            print(f"generated {NEWCOMERS} newcomers, {ENTRIES} hour entries, {NETWORKS} "
                  f"networks in {time.perf_counter() - started:.1f} s")  # fmt: skip
        work = folder / "bench-digest-run.sqlite3"
        work.write_bytes(path.read_bytes())  # every run starts from the same, unsent state
        subprocess.run([sys.executable, __file__, "--measure", str(work)], check=True)
        work.unlink()


if __name__ == "__main__":
    main()
