"""Ticks: jobs the scheduler runs on a cron in local time. What is due lives in the database."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from handlers.context import Config
from handlers.priority import give_way
from storage.db import Database, Tx

PART_SECONDS = 0.003  # about how long one part of a batched tick may hold the write lock
DST_UNSAFE_HOUR = 2  # 02:00–03:00 local does not exist once a year and happens twice once


def cron_hours(spec: str) -> set[int]:
    """The hours a cron `hour` field names: '*', '8', '8-20', '*/2', '8-20/4', '9,17'."""
    hours: set[int] = set()
    for part in spec.replace(" ", "").split(","):
        span, _, step_text = part.partition("/")
        step = int(step_text) if step_text else 1
        if span == "*":
            first, last = 0, 23
        elif "-" in span:
            first, last = (int(value) for value in span.split("-", 1))
        else:
            first = last = int(span)
        hours.update(range(first, last + 1, step))
    return hours


@dataclass(frozen=True)
class Tick:
    """A job the scheduler runs on a cron in local time: `run(tx, config, now)` → queued."""

    name: str
    cron: Mapping[str, str]  # APScheduler CronTrigger fields, e.g. {"hour": "17", "minute": "0"}
    run: Callable[[Tx, Config, datetime], Awaitable[int]] = field(compare=False)

    def __post_init__(self) -> None:
        if DST_UNSAFE_HOUR in cron_hours(self.cron.get("hour", "*")):
            raise ValueError(f"tick {self.name!r} may run between 02:00 and 03:00 (DST gap)")


@dataclass(frozen=True)
class Batched:
    """A tick done in bounded parts, so no turn waits long for the write lock.

    `work(tx, config, now)` lists what may be due, on a read-only snapshot; `part(tx, config,
    now, items)` queues a slice of it in its own short write transaction. Every reminder has
    a key, so a part that runs on a stale snapshot (or twice) queues nothing twice. Called like
    a plain tick, it does everything in the one transaction it is given.

    A turn that needs the write lock waits for the part in hand, so a slice holds as many
    items as fit in about `PART_SECONDS`: it halves when a part took longer, and grows by one
    when a part took less than half (items cost from 0.1 ms to several ms, by tick and by
    person).
    """

    work: Callable[[Tx, Config, datetime], Awaitable[Sequence[Any]]]
    part: Callable[[Tx, Config, datetime, Sequence[Any]], Awaitable[int]]
    size: int = 5  # the first slice
    most: int = 50

    async def __call__(self, tx: Tx, config: Config, now: datetime) -> int:
        return await self.part(tx, config, now, await self.work(tx, config, now))

    async def in_batches(self, db: Database, config: Config, now: datetime) -> int:
        async with db.read() as tx:
            items = await self.work(tx, config, now)
        queued, start, size = 0, 0, max(1, self.size)
        while start < len(items):
            await give_way(every=0)  # the turns that wait go first, then a part
            async with db.transaction() as tx:
                began = time.perf_counter()  # the lock is ours: waiting for it is not the part's
                queued += await self.part(tx, config, now, items[start : start + size])
            took = time.perf_counter() - began
            start += size
            if took > PART_SECONDS:
                size = max(1, size // 2)
            elif took < PART_SECONDS / 2:
                size = min(self.most, size + 1)
        return queued


@dataclass(frozen=True)
class OwnTransactions:
    """A tick that opens its own short transactions: it reads, renders with none open, then
    queues (the weekly digest). Called like a plain tick, it runs `in_one` in the transaction
    it is given."""

    run: Callable[[Database, Config, datetime], Awaitable[int]]
    in_one: Callable[[Tx, Config, datetime], Awaitable[int]]

    async def __call__(self, tx: Tx, config: Config, now: datetime) -> int:
        return await self.in_one(tx, config, now)


async def run_tick(db: Database, tick: Tick, config: Config, now: datetime) -> int:
    """Run a tick: in parts when it is `Batched`, in its own transactions when it says so,
    else in one transaction."""
    if isinstance(tick.run, Batched):
        return await tick.run.in_batches(db, config, now)
    if isinstance(tick.run, OwnTransactions):
        return await tick.run.run(db, config, now)
    async with db.transaction() as tx:
        return await tick.run(tx, config, now)
