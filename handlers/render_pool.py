"""Rendering (a proof's PDF, a progress picture) runs in worker processes, not threads.

A thread would hold the GIL while it draws, handing it back only every few milliseconds: each
statement of every other turn waits for it (bench/contention.py: another person's /help took
73 ms at p50 while a 500-entry proof rendered in a thread). A worker process has its own GIL
and can use another core. Each lane has its own worker, so a picture never waits behind a
proof that takes seconds. The function and its arguments travel by pickle: module-level
functions, pydantic models, frozen dataclasses.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

log = logging.getLogger(__name__)

WORKERS = 1  # per lane: one core stays with the event loop
LANES = ("proof", "picture")
T = TypeVar("T")

_pools: dict[str, ProcessPoolExecutor] = {}


def _exit_with(parent: int) -> None:
    """In the worker: end when the bot's process is gone (a kill -9 leaves no orphan)."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _the_pool(lane: str) -> ProcessPoolExecutor:
    if lane not in LANES:
        raise ValueError(f"unknown lane: {lane}")
    pool = _pools.get(lane)
    if pool is None:
        # spawn: a fresh interpreter; forking a process with SQLite threads running is unsafe
        context = multiprocessing.get_context("spawn")
        pool = _pools[lane] = ProcessPoolExecutor(
            max_workers=WORKERS, mp_context=context, initializer=_exit_with,
            initargs=(os.getpid(),),
        )  # fmt: skip
    return pool


async def in_worker(function: Callable[..., T], *args: Any, lane: str = "proof") -> T:
    """`function(*args)` in the lane's worker process. A worker that died (killed, out of
    memory) is replaced and the work tried once more."""
    loop = asyncio.get_running_loop()
    pool = _the_pool(lane)
    try:
        return await loop.run_in_executor(pool, function, *args)
    except BrokenProcessPool:
        if _pools.get(lane) is pool:  # not replaced yet by another caller that saw it die
            log.warning("the %s worker died; starting a new one", lane)
            del _pools[lane]
            pool.shutdown(wait=False)
        return await loop.run_in_executor(_the_pool(lane), function, *args)


def _ready() -> bool:
    return True


async def warm_up() -> None:
    """Start the workers ahead of the first proof or picture (an interpreter, fpdf and
    Pillow take a second)."""
    await asyncio.gather(*(in_worker(_ready, lane=lane) for lane in LANES))
