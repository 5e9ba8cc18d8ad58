"""Rendering that takes seconds (a proof's PDF) runs in a worker process, not a thread.

A thread would hold the GIL for seconds, handing it back only every few milliseconds: each
statement of every other turn waits for it (bench/contention.py: another person's /help took
73 ms at p50 while a 500-entry proof rendered in a thread). A worker process has its own GIL.
The function and its arguments travel by pickle: module-level functions, pydantic models.
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

WORKERS = 1  # one core stays with the event loop
T = TypeVar("T")

_pool: ProcessPoolExecutor | None = None


def _exit_with(parent: int) -> None:
    """In the worker: end when the bot's process is gone (a kill -9 leaves no orphan)."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _the_pool() -> ProcessPoolExecutor:
    global _pool
    if _pool is None:
        # spawn: a fresh interpreter; forking a process with SQLite threads running is unsafe
        context = multiprocessing.get_context("spawn")
        _pool = ProcessPoolExecutor(
            max_workers=WORKERS, mp_context=context, initializer=_exit_with,
            initargs=(os.getpid(),),
        )  # fmt: skip
    return _pool


async def in_worker(function: Callable[..., T], *args: Any) -> T:
    """`function(*args)` in the worker process. A worker that died (killed, out of memory)
    is replaced and the work tried once more."""
    global _pool
    loop = asyncio.get_running_loop()
    pool = _the_pool()
    try:
        return await loop.run_in_executor(pool, function, *args)
    except BrokenProcessPool:
        if _pool is pool:  # not replaced yet by another caller that saw it die too
            log.warning("the render worker died; starting a new one")
            _pool = None
            pool.shutdown(wait=False)
        return await loop.run_in_executor(_the_pool(), function, *args)


def _ready() -> bool:
    return True


async def warm_up() -> None:
    """Start the worker ahead of the first proof (an interpreter and fpdf take a second)."""
    await in_worker(_ready)
