"""Typed-answer benchmark: how long one turn takes when a person types instead of tapping.

A typed answer draws the step's question again in three languages to match the buttons;
this measures that cost through the real router on a temporary database, against the same
turn as a button press, and the pure readers (place names, durations) on their own.

    .venv/bin/python bench/understanding.py            # 300 turns of each kind
    .venv/bin/python bench/understanding.py --count 50
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from handlers.context import Config
from handlers.router import Router
from handlers.types import Turn
from handlers.understanding.places import find_place
from handlers.understanding.quantities import parse_duration
from storage.conversations import ConversationState, save_state
from storage.db import Database
from storage.people import find_by_identity


async def turns(router: Router, db: Database, count: int, typed: bool) -> float:
    """Seconds per turn at the interests question (12 buttons + Done), Arabic."""
    await router.handle(Turn(channel="console", address="1", text="/start"))
    await router.handle(Turn(channel="console", address="1", payload="ol:ar"))
    async with db.transaction() as tx:
        person = await find_by_identity(tx, "console", "1")
        assert person is not None
        await tx.execute("UPDATE people SET consent_at = '2026-01-01T00:00:00Z' WHERE id = ?",
                         (person.id,))  # fmt: skip
        await save_state(tx, person.id, ConversationState(step="oi"), person.created_at)
    start = time.perf_counter()
    for _ in range(count):
        turn = (
            Turn(channel="console", address="1", text="رياضة")
            if typed
            else Turn(channel="console", address="1", payload="oi:sport")
        )
        await router.handle(turn)
    return (time.perf_counter() - start) / count


async def main(count: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        db = await Database(Path(folder) / "bench.sqlite3").open()
        router = Router(db, Config(default_locale="ar"))
        pressed = await turns(router, db, count, typed=False)
        typed = await turns(router, db, count, typed=True)
        await db.close()
    names = ["Гент", "ايبر", "Sint Niklas", "Poperinghe", "zzzz", "۹۱۰۰"]
    find_place(names[0])  # load the files once, as at start-up
    start = time.perf_counter()
    for _ in range(count):
        for name in names:
            find_place(name)
    place = (time.perf_counter() - start) / (count * len(names))
    start = time.perf_counter()
    for _ in range(count):
        parse_duration("ساعة ونص", "ar")
    duration = (time.perf_counter() - start) / count
    print(f"turns: {count} of each")
    print(f"button press at the interests question: {pressed * 1000:.2f} ms per turn")
    print(f"typed answer at the interests question: {typed * 1000:.2f} ms per turn")
    print(f"find_place (hit, alias, near miss, none): {place * 1000:.3f} ms per name")
    print(f"parse_duration in words: {duration * 1_000_000:.1f} µs")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=300)
    asyncio.run(main(parser.parse_args().count))
