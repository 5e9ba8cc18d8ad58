"""Contention benchmark: how long another person's `/help` waits while heavy work runs.

Prints the p50/p99 of a `/help` turn, idle and, in the same run, while (a) a `/proof` of 500
entries renders and (b) the `reminders-after` and
`reminders-quiet` ticks run (through the scheduler's `run_tick`, in batches) over 20,000
quiet newcomers with 20,000 enrolments in the demo offers. Twice: through the router alone
(the store and the event loop), and as a person sees it, through the real PTB Application
against a local fake Bot API (the issue's own measurement), the outbox sender running. Target:
under 3× idle and under 100 ms. Figures only; nothing is asserted.

    .venv/bin/python bench/contention.py [--newcomers 20000]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import logging
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.app import NETWORKS_FILE, settle_heap
from bot.channels.telegram import TelegramChannel
from bot.settings import load_settings
from handlers.context import Config
from handlers.features import TICKS
from handlers.offers.catalog_import import import_demo
from handlers.router import Router
from handlers.ticks import run_tick
from handlers.types import Turn
from storage.clock import iso
from storage.db import Database
from storage.networks import load_networks_file
from tests.fakes.telegram_api import FakeTelegram

NOW = datetime(2026, 11, 24, 9, 5, tzinfo=UTC)  # a Tuesday morning, after the weekend's sessions
HELPER = "999999999"  # the person asking /help
ASKERS = 100  # on Telegram, people 999999000.. take turns: its 1 message/s per chat must not bind
TOKEN = "123456:BENCH-contention"
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
        askers = [(str(999_999_000 + n), newcomers + 3 + n) for n in range(ASKERS)]
        for address, pid in ((HELPER, newcomers + 1), (PROVER, newcomers + 2), *askers):
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


Asker = Callable[[], Awaitable[float]]


def router_asker(router: Router) -> Asker:
    """/help straight through the router: the store and the event loop only."""

    async def ask() -> float:
        began = time.perf_counter()
        await router.handle(Turn(channel="telegram", address=HELPER, text="/help"))
        return time.perf_counter() - began

    return ask


def telegram_asker(fake: FakeTelegram) -> Asker:
    """/help as the person sees it: the update available at the (local) Bot API until the
    answer arrives there, through the real PTB Application."""
    users = itertools.cycle([fake.user(999_999_000 + n, "Amal", "en") for n in range(ASKERS)])

    async def ask() -> float:
        user = next(users)
        began = time.perf_counter()
        await user.send("/help")
        await user.wait_messages(2, timeout=60)  # the help, and the menu
        return time.perf_counter() - began

    return ask


async def during(ask: Asker, work: asyncio.Task[object], pause: float) -> list[float]:
    samples = []
    while not work.done():
        samples.append(await ask())
        await asyncio.sleep(pause)  # until another person writes
    await work
    return samples


async def measure(
    db: Database, config: Config, ask: Asker, router: Router, pause: float
) -> None:
    idle = []
    for _ in range(300):
        idle.append(await ask())
        await asyncio.sleep(pause)
    print(f"/help idle             {figures(idle)}")

    async def proof() -> None:
        await router.handle(Turn(channel="telegram", address=PROVER, text="/proof"))
        await router.handle(Turn(channel="telegram", address=PROVER, text="Amal Haddad"))

    started = time.perf_counter()
    samples = await during(ask, asyncio.create_task(proof()), pause)
    print(f"/help during /proof    {figures(samples)}   (proof took "
          f"{time.perf_counter() - started:.2f} s)")  # fmt: skip
    ticks = {tick.name: tick for tick in TICKS}
    for name in ("reminders-after", "reminders-quiet"):
        async with db.transaction() as tx:  # the tick queues everything again
            await tx.execute("DELETE FROM outbox")
            await tx.execute("DELETE FROM reminder_log")
        started = time.perf_counter()
        queued: list[int] = []

        async def tick(name: str = name, queued: list[int] = queued) -> None:
            queued.append(await run_tick(db, ticks[name], config, NOW))

        samples = await during(ask, asyncio.create_task(tick()), pause)
        print(f"/help during {name:<16} {figures(samples)}   (tick took "
              f"{time.perf_counter() - started:.1f} s, queued {queued[0]})")  # fmt: skip


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
        print("Through the router (the store and the event loop):")
        await measure(db, config, router_asker(router), router, 0.01)
        async with db.transaction() as tx:  # what the router's run queued is not sent here
            await tx.execute("DELETE FROM outbox")
        fake = await FakeTelegram().start()
        settings = load_settings(
            telegram_bot_token=TOKEN, telegram_api_url=fake.base_url, database_path=db.path,
            demo_data=False, _env_file=None,
        )  # fmt: skip
        channel = TelegramChannel(settings, db)
        await channel.start()
        settle_heap()  # as run_until_stopped does
        try:
            print("Through Telegram (the real PTB Application and a local Bot API, as a person "
                  "sees it):")  # fmt: skip
            # A /help is two messages; one every 100 ms keeps answers (20/s) under Telegram's
            # 30 messages/s, which the fake enforces: the rest is for the outbox sender.
            fake.rate_limit(30)
            await measure(db, config, telegram_asker(fake), router, 0.1)
        finally:
            await channel.stop()
            await fake.stop()
        await db.close()


if __name__ == "__main__":
    import faulthandler

    faulthandler.dump_traceback_later(600, exit=True)  # a hang shows where it hangs
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--newcomers", type=int, default=20_000)
    options = parser.parse_args()
    asyncio.run(main(options.newcomers))
