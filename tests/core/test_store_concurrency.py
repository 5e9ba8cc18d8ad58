"""The store's concurrency rules (docs/architecture.md, "The store and concurrency").

A cancelled transaction leaves the connection usable; reads do not wait for a writer; CPU-heavy
work (a proof PDF) runs after the commit; a batched tick lets a turn in between its parts.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from datetime import datetime

import pytest

import handlers.hours.proof as proof_module
import handlers.ticks as ticks_module
from handlers import priority
from handlers.context import Config
from handlers.priority import give_way
from handlers.router import Router
from handlers.ticks import Batched, Tick, run_tick
from storage.db import Database, Tx
from tests.conftest import Clock
from tests.hours.test_proof_flow import _proof, _scene


async def test_a_transaction_cancelled_while_it_waits_to_begin_leaves_the_store_usable(
    db: Database, tmp_path: object
) -> None:
    other = await Database(db.path).open()  # another process holds the write lock
    holding = asyncio.Event()
    release = asyncio.Event()

    async def hold() -> None:
        async with other.transaction() as tx:
            await tx.execute("INSERT INTO forgotten_counts (day, role, count) VALUES ('d', 'r', 1)")
            holding.set()
            await release.wait()

    holder = asyncio.create_task(hold())
    await holding.wait()

    async def write() -> None:
        async with db.transaction() as tx:  # waits on the busy timeout inside BEGIN
            await tx.execute("INSERT INTO forgotten_counts (day, role, count) VALUES ('x', 'r', 1)")

    waiting = asyncio.create_task(write())
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    waiting.cancel()
    release.set()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    await holder
    async with db.transaction() as tx:  # the next turn works: no transaction left open
        await tx.execute("INSERT INTO forgotten_counts (day, role, count) VALUES ('y', 'r', 1)")
    assert not db.conn.in_transaction
    async with db.read() as tx:
        days = [row[0] for row in await tx.all("SELECT day FROM forgotten_counts ORDER BY day")]
    assert days == ["d", "y"]
    await other.close()


async def test_a_transaction_cancelled_inside_rolls_back_and_the_next_one_works(
    db: Database,
) -> None:
    started = asyncio.Event()

    async def slow() -> None:
        async with db.transaction() as tx:
            await tx.execute("INSERT INTO forgotten_counts (day, role, count) VALUES ('a', 'r', 1)")
            started.set()
            await asyncio.Event().wait()  # never: cancelled here

    task = asyncio.create_task(slow())
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    async with db.transaction() as tx:
        assert await tx.scalar("SELECT COUNT(*) FROM forgotten_counts") == 0


async def test_a_transaction_begins_with_its_first_statement_and_commits_with_its_last_writes(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each trip to the connection's thread costs more CPU than a small query: BEGIN rides
    with the first statement and the writes queued `at_commit` with the COMMIT."""
    trips = 0
    real = db.conn._execute

    async def counted(function: Callable[..., object], *args: object) -> object:
        nonlocal trips
        trips += 1
        return await real(function, *args)

    monkeypatch.setattr(db.conn, "_execute", counted)
    async with db.transaction() as tx:
        await tx.scalar("SELECT COUNT(*) FROM forgotten_counts")
        await tx.scalar("SELECT COUNT(*) FROM people")
        tx.at_commit("INSERT INTO forgotten_counts (day, role, count) VALUES ('a', 'r', 1)")
        tx.at_commit("INSERT INTO forgotten_counts (day, role, count) VALUES ('b', 'r', 1)")
    assert trips == 3
    async with db.transaction():
        pass
    assert trips == 3  # nothing asked, nothing sent
    async with db.read() as tx:
        assert await tx.scalar("SELECT COUNT(*) FROM forgotten_counts") == 2
    assert trips == 3  # the reader is another connection


async def test_a_failing_write_at_commit_rolls_the_whole_transaction_back(db: Database) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        async with db.transaction() as tx:
            await tx.execute("INSERT INTO forgotten_counts (day, role, count) VALUES ('a', 'r', 1)")
            tx.at_commit("INSERT INTO forgotten_counts (day, role, count) VALUES ('b', 'r', NULL)")
    with pytest.raises(RuntimeError):
        async with db.transaction() as tx:
            tx.at_commit("INSERT INTO forgotten_counts (day, role, count) VALUES ('c', 'r', 1)")
            raise RuntimeError("the turn failed")
    assert not db.conn.in_transaction
    async with db.transaction() as tx:  # the connection is usable
        tx.at_commit("INSERT INTO forgotten_counts (day, role, count) VALUES ('d', 'r', 1)")
    async with db.read() as tx:
        days = [row[0] for row in await tx.all("SELECT day FROM forgotten_counts")]
    assert days == ["d"]


async def test_a_read_does_not_wait_for_an_open_write(db: Database) -> None:
    inside = asyncio.Event()
    finish = asyncio.Event()

    async def long_write() -> None:
        async with db.transaction() as tx:
            await tx.execute("INSERT INTO forgotten_counts (day, role, count) VALUES ('w', 'r', 1)")
            inside.set()
            await finish.wait()

    writer = asyncio.create_task(long_write())
    await inside.wait()
    async with db.read() as tx:  # would deadlock here if reads took the write lock
        assert await tx.scalar("SELECT COUNT(*) FROM forgotten_counts") == 0  # the last commit
    finish.set()
    await writer
    async with db.read() as tx:
        assert await tx.scalar("SELECT COUNT(*) FROM forgotten_counts") == 1


async def test_the_proof_pdf_is_rendered_after_the_commit(
    db: Database, router: Router, monkeypatch: pytest.MonkeyPatch
) -> None:
    _buddy, newcomer = await _scene(router)
    real = proof_module.in_worker
    lock_held: list[bool] = []

    async def in_worker(function: Callable[..., bytes], *args: object) -> bytes:
        lock_held.append(db._lock.locked())
        result = await real(function, *args)  # the worker process renders it
        lock_held.append(db._lock.locked())
        return result

    monkeypatch.setattr(proof_module, "in_worker", in_worker)
    pdf, _code = await _proof(newcomer)
    assert lock_held == [False, False]  # nobody waited for the write lock while it rendered
    assert pdf.startswith(b"%PDF")


async def test_a_batched_tick_lets_a_turn_in_between_its_parts(db: Database, clock: Clock) -> None:
    order: list[str] = []
    turn_done = asyncio.Event()

    async def work(_tx: Tx, _config: Config, _now: datetime) -> list[int]:
        return list(range(6))

    async def part(tx: Tx, _config: Config, _now: datetime, items: object) -> int:
        order.append(f"part {list(items)}")  # type: ignore[call-overload]
        if len(order) == 1:
            asyncio.get_running_loop().call_soon(turn.set)
        return len(items)  # type: ignore[arg-type]

    turn = asyncio.Event()

    async def a_turn() -> None:
        await turn.wait()
        async with db.transaction() as tx:
            await tx.scalar("SELECT 1")
        order.append("turn")
        turn_done.set()

    waiting = asyncio.create_task(a_turn())
    tick = Tick("test-batched", {"hour": "9"}, Batched(work, part, size=2))
    assert await run_tick(db, tick, Config(), clock()) == 6
    await waiting
    assert order.index("turn") < len(order) - 1  # the turn ran before the last part


async def test_a_batched_tick_sizes_its_parts_to_hold_the_lock_briefly(
    db: Database, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Items that cost 1 ms: the first slice of 5 took too long, so slices halve to 2 (2 ms:
    within PART_SECONDS); cheap items (0.1 ms) let the slices grow again. Time is the part's
    own account, so the sizes do not depend on this machine's speed."""
    now = [0.0]
    monkeypatch.setattr(ticks_module.time, "perf_counter", lambda: now[0])
    slices: list[list[int]] = []
    cost = {n: 0.001 if n < 15 else 0.0001 for n in range(40)}

    async def work(_tx: Tx, _config: Config, _now: datetime) -> list[int]:
        return list(range(40))

    async def part(tx: Tx, _config: Config, _now: datetime, items: object) -> int:
        slices.append(list(items))  # type: ignore[call-overload]
        now[0] += sum(cost[n] for n in slices[-1])
        return len(slices[-1])

    tick = Tick("test-sized", {"hour": "9"}, Batched(work, part, size=5))
    assert await run_tick(db, tick, Config(), clock()) == 40
    assert [n for part_items in slices for n in part_items] == list(range(40))  # each once
    sizes = [len(part_items) for part_items in slices]
    assert sizes[:6] == [5, 2, 2, 2, 2, 2]
    assert max(sizes) > 5  # cheap items: fewer, bigger parts


async def test_background_work_waits_while_a_turn_is_in_flight() -> None:
    order: list[str] = []

    async def tick() -> None:
        for n in range(3):
            await give_way(every=0)
            order.append(f"tick {n}")

    with priority.turn():
        work = asyncio.create_task(tick())
        for _ in range(5):  # the turn awaits its statements meanwhile
            await asyncio.sleep(0)
        order.append("turn done")
    await work
    assert order == ["turn done", "tick 0", "tick 1", "tick 2"]


async def test_background_work_finishes_however_busy_people_are(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(priority, "MAX_WAIT", 0.001)
    done = 0
    with priority.turn():  # a turn in flight the whole time
        for _ in range(20):
            await give_way(every=0)
            done += 1
    assert done == 20
