"""Contention benchmark: how long another person's `/help` waits while heavy work runs.

Prints the p50/p99 of a `/help` turn (through the real router on a real SQLite file), idle and,
in the same run, while (a) a `/proof` of 500 entries renders and (b) the `reminders-after` and
`reminders-quiet` ticks run (through the scheduler's `run_tick`, in batches) over 20,000
quiet newcomers with 20,000 enrolments in the demo offers. Target: under 3× idle and under
100 ms. Figures only; nothing is asserted.

    .venv/bin/python bench/contention.py [--newcomers 20000]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.app import NETWORKS_FILE
from handlers.context import Config
from handlers.features import TICKS
from handlers.offers.catalog_import import import_demo
from handlers.router import Router
from handlers.ticks import run_tick
from handlers.types import Turn
from storage.clock import iso
from storage.db import Database
from storage.networks import load_networks_file

NOW = datetime(2026, 11, 24, 9, 5, tzinfo=UTC)  # a Tuesday morning, after the weekend's sessions
HELPER = "999999999"  # the person asking /help
PROVER = "888888888"  # the person asking /proof


async def seed(db: Database, newcomers: int) -> None:
    async with db.transaction() as tx:
        await load_networks_file(tx, NETWORKS_FILE)
    await import_demo(db)
    joined = iso(NOW - timedelta(days=30))
    async with db.transaction() as tx:
        offers = [row[0] for row in await tx.all(
            "SELECT id FROM offers WHERE schedule NOT IN ('{}', '') AND active = 1")]  # fmt: skip
        people = [(pid, joined, "nl", "newcomer", joined, joined, f"N{pid}", "8900", "Ieper",
                   '["sport"]') for pid in range(1, newcomers + 1)]  # fmt: skip
        await tx.executemany(
            "INSERT INTO people (id, created_at, locale, role, consent_at, onboarded_at, "
            "display_name, postcode, place, interests) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            people,
        )
        await tx.executemany(
            "INSERT INTO identities (person_id, channel, address, created_at) VALUES (?, ?, ?, ?)",
            [(pid, "telegram", str(100_000 + pid), joined) for pid in range(1, newcomers + 1)],
        )
        await tx.executemany(
            "INSERT INTO enrolments (person_id, offer_id, created_at) VALUES (?, ?, ?)",
            [(pid, offers[pid % len(offers)], joined) for pid in range(1, newcomers + 1)],
        )
        for address, pid in ((HELPER, newcomers + 1), (PROVER, newcomers + 2)):
            await tx.execute(
                "INSERT INTO people (id, created_at, locale, role, consent_at, onboarded_at, "
                "display_name, postcode, place) VALUES (?, ?, 'en', 'newcomer', ?, ?, 'Amal', "
                "'8900', 'Ieper')", (pid, iso(NOW), iso(NOW), iso(NOW)),
            )  # fmt: skip
            await tx.execute(
                "INSERT INTO identities (person_id, channel, address, created_at) "
                "VALUES (?, 'telegram', ?, ?)", (pid, address, iso(NOW)),
            )  # fmt: skip
        await tx.executemany(
            "INSERT INTO hour_entries (person_id, source, kind, activity_label, day, minutes, "
            "status, confirmed_by_name, confirmed_at, created_at, updated_at) "
            "VALUES (?, 'other', 'music', 'Koor', ?, 60, 'confirmed', 'Jan', ?, ?, ?)",
            [(newcomers + 2, (NOW - timedelta(days=1 + n % 25)).date().isoformat(), iso(NOW),
              iso(NOW), iso(NOW)) for n in range(500)],
        )  # fmt: skip


def figures(samples: list[float]) -> str:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return (f"p50 {statistics.median(ordered) * 1000:7.1f} ms   p99 {p99 * 1000:7.1f} ms   "
            f"max {ordered[-1] * 1000:7.1f} ms   n={len(ordered)}")  # fmt: skip


async def help_turn(router: Router) -> float:
    began = time.perf_counter()
    await router.handle(Turn(channel="telegram", address=HELPER, text="/help"))
    return time.perf_counter() - began


async def during(router: Router, work: asyncio.Task[object]) -> list[float]:
    samples = []
    while not work.done():
        samples.append(await help_turn(router))
        await asyncio.sleep(0.01)  # another person writes every ~10 ms
    await work
    return samples


async def main(newcomers: int) -> None:
    logging.basicConfig(level=logging.ERROR)
    with tempfile.TemporaryDirectory() as tmp:
        db = await Database(Path(tmp) / "contention.sqlite3").open()
        began = time.perf_counter()
        await seed(db, newcomers)
        print(f"seeded                 {newcomers} newcomers, {newcomers} enrolments, "
              f"500 entries ({time.perf_counter() - began:.1f} s)")  # fmt: skip
        config = Config(default_locale="en")
        router = Router(db, config, clock=lambda: NOW)
        idle = [await help_turn(router) for _ in range(300)]
        print(f"/help idle             {figures(idle)}")

        async def proof() -> None:
            await router.handle(Turn(channel="telegram", address=PROVER, text="/proof"))
            await router.handle(Turn(channel="telegram", address=PROVER, text="Amal Haddad"))

        started = time.perf_counter()
        samples = await during(router, asyncio.create_task(proof()))
        print(f"/help during /proof    {figures(samples)}   (proof took "
              f"{time.perf_counter() - started:.2f} s)")  # fmt: skip
        ticks = {tick.name: tick for tick in TICKS}
        for name in ("reminders-after", "reminders-quiet"):
            started = time.perf_counter()
            queued: list[int] = []

            async def tick(name: str = name, queued: list[int] = queued) -> None:
                queued.append(await run_tick(db, ticks[name], config, NOW))

            samples = await during(router, asyncio.create_task(tick()))
            print(f"/help during {name:<16} {figures(samples)}   (tick took "
                  f"{time.perf_counter() - started:.1f} s, queued {queued[0]})")  # fmt: skip
        await db.close()


if __name__ == "__main__":
    import faulthandler

    faulthandler.dump_traceback_later(600, exit=True)  # a hang shows where it hangs
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--newcomers", type=int, default=20_000)
    options = parser.parse_args()
    asyncio.run(main(options.newcomers))
