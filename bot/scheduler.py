"""Cron ticks on APScheduler 3 (AsyncIOScheduler) in the network's time zone.

The ticks are code (`Tick` values listed in `handlers.features.TICKS`); what is due lives
in the store, so there is no job store to pickle, a tick that runs twice queues nothing twice,
and a tick missed while the process was down is caught up by the next one. One process owns
the schedule: `start()` takes an exclusive lock on a file next to the database and declines
when another process holds it.

A tick never runs between 02:00 and 03:00 local time: on the last Sunday of March that hour
does not exist and on the last Sunday of October it happens twice, so a tick there would be
skipped or doubled. `Tick` refuses such an hour when it is defined.

The clock is injectable. APScheduler reads the time with `datetime.now()`; our scheduler
subclass answers those reads from `clock` while it decides what is due, so tests drive it
through a DST change in virtual time with `await scheduler.process_due()`.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import os
from collections.abc import Awaitable, Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import apscheduler.schedulers.base as aps_base
from apscheduler.events import (
    EVENT_JOB_ERROR,
    EVENT_JOB_EXECUTED,
    EVENT_JOB_MAX_INSTANCES,
    EVENT_JOB_MISSED,
    EVENT_JOB_SUBMITTED,
    JobEvent,
)
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger

from bot.app import handler_config
from bot.settings import Settings
from bot.uitdatabank import sync_all
from handlers.context import Config
from handlers.features import TICKS
from handlers.ticks import Tick, run_tick
from storage.clock import utcnow
from storage.db import Database

log = logging.getLogger(__name__)

SYNC_CRON = {"hour": "6", "minute": "30"}  # the daily UiTdatabank sync, before people wake


def default_ticks() -> list[Tick]:
    return list(TICKS)


@contextlib.contextmanager
def _now_from(clock: Callable[[], datetime]) -> Iterator[None]:
    """Make APScheduler's `datetime.now(tz)` read `clock` (synchronous code only)."""

    class ClockedDatetime(datetime):
        @classmethod
        def now(cls, tz: Any = None) -> datetime:  # type: ignore[override]
            value = clock()
            return value.astimezone(tz) if tz is not None else value

    original = aps_base.datetime
    aps_base.datetime = ClockedDatetime
    try:
        yield
    finally:
        aps_base.datetime = original


class _ClockedScheduler(AsyncIOScheduler):
    """AsyncIOScheduler deciding what is due by an injected clock."""

    def __init__(self, clock: Callable[[], datetime], **options: Any) -> None:
        self._clock = clock
        super().__init__(**options)

    def _process_jobs(self) -> float | None:
        with _now_from(self._clock):
            return super()._process_jobs()

    def _real_add_job(self, *args: Any, **kwargs: Any) -> None:
        with _now_from(self._clock):
            super()._real_add_job(*args, **kwargs)

    def process_now(self) -> None:
        """What `wakeup` does, synchronously: submit due jobs and re-arm the timer."""
        self._stop_timer()
        self._start_timer(self._process_jobs())


class Scheduler:
    def __init__(
        self,
        db: Database,
        config: Config,
        ticks: list[Tick] | None = None,
        *,
        clock: Callable[[], datetime] = utcnow,
        on_queued: Callable[[], None] | None = None,
        lock_path: Path | None = None,
        jobs: dict[str, tuple[dict[str, str], Callable[[], Awaitable[object]]]] | None = None,
    ) -> None:
        self.db = db
        self.config = config
        self.ticks = {tick.name: tick for tick in (default_ticks() if ticks is None else ticks)}
        self.clock = clock
        self.on_queued = on_queued  # e.g. wake the outbox sender
        self.lock_path = lock_path
        self.jobs = jobs or {}  # name → (cron, work): network I/O outside any transaction
        self._lock_fd: int | None = None
        self._aps: _ClockedScheduler | None = None
        self._submitted = 0
        self._finished = 0
        self._settled = asyncio.Event()

    def trigger(self, tick: Tick) -> CronTrigger:
        return CronTrigger(timezone=self.config.tz, **tick.cron)

    # --- lifecycle ------------------------------------------------------------------------
    async def start(self, catch_up: bool = False) -> bool:
        """Schedule every tick; False (and nothing scheduled) when another process owns them.

        `catch_up` also runs every tick once right away, for what was due while we were down.
        """
        if not self._take_lock():
            log.warning("another process runs the scheduler (%s); not starting it", self.lock_path)
            return False
        aps = _ClockedScheduler(self.clock, timezone=self.config.tz)
        for tick in self.ticks.values():
            aps.add_job(
                self.run_tick,
                self.trigger(tick),
                args=(tick.name,),
                id=tick.name,
                name=tick.name,
                coalesce=True,
                max_instances=1,
                misfire_grace_time=None,  # late is fine: ticks read what is due from the store
                replace_existing=True,
            )
        for name, (cron, work) in self.jobs.items():
            aps.add_job(
                self.run_job, CronTrigger(timezone=self.config.tz, **cron), args=(name, work),
                id=name, name=name, coalesce=True, max_instances=1, misfire_grace_time=None,
                replace_existing=True,
            )  # fmt: skip
        aps.add_listener(
            self._on_event,
            EVENT_JOB_SUBMITTED
            | EVENT_JOB_EXECUTED
            | EVENT_JOB_ERROR
            | EVENT_JOB_MISSED
            | EVENT_JOB_MAX_INSTANCES,
        )
        if catch_up:
            aps.add_job(
                self.run_all,
                "date",
                run_date=self.clock(),
                id="catch-up",
                name="catch-up",
                misfire_grace_time=None,
            )
        aps.start()
        self._aps = aps
        log.info("scheduler started: %s", ", ".join(sorted(self.ticks)))
        return True

    async def stop(self, timeout: float = 30.0) -> None:
        """Let running ticks finish (each is one short transaction), then shut down."""
        if self._aps is not None and self._aps.running:
            self._aps.pause()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._idle(), timeout)
            self._aps.shutdown(wait=False)
            await asyncio.sleep(0)  # AsyncIOScheduler shuts down on the loop
        self._aps = None
        self._release_lock()

    async def __aenter__(self) -> Scheduler:
        await self.start(catch_up=True)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    def next_run(self, name: str) -> datetime | None:
        job = self._aps.get_job(name) if self._aps is not None else None
        return None if job is None else job.next_run_time

    # --- running ticks --------------------------------------------------------------------
    async def run_tick(self, name: str) -> int:
        """Run one tick now (in short transactions); return how many messages it queued."""
        tick = self.ticks[name]
        now = self.clock()
        try:
            queued = await run_tick(self.db, tick, self.config, now)
        except Exception:
            log.exception("tick %s failed", name)
            return 0
        if queued:
            log.info("tick %s queued %d message(s)", name, queued)
            if self.on_queued is not None:
                self.on_queued()
        return queued

    async def run_job(self, name: str, work: Callable[[], Awaitable[object]]) -> None:
        try:
            await work()
        except Exception:
            log.exception("job %s failed", name)

    async def run_all(self) -> int:
        """Run every tick once (catching up after a restart); idempotent like each tick."""
        return sum([await self.run_tick(name) for name in self.ticks])

    async def process_due(self) -> None:
        """Submit what is due at `clock()` and wait until it ran (for an injected clock)."""
        assert self._aps is not None, "start() first"
        self._aps.process_now()
        await self._idle()

    async def _idle(self) -> None:
        while self._finished < self._submitted:
            self._settled.clear()
            await self._settled.wait()

    def _on_event(self, event: JobEvent) -> None:
        if event.code == EVENT_JOB_SUBMITTED:
            self._submitted += 1
        elif event.code != EVENT_JOB_MAX_INSTANCES:  # executed, failed or missed
            self._finished += 1
            self._settled.set()

    # --- one owner ------------------------------------------------------------------------
    def _take_lock(self) -> bool:
        if self.lock_path is None:
            return True
        self.lock_path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self._lock_fd = fd
        return True

    def _release_lock(self) -> None:
        if self._lock_fd is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
            os.close(self._lock_fd)
            self._lock_fd = None


def lock_path_for(database_path: Path) -> Path:
    return database_path.with_name(database_path.name + ".scheduler.lock")


def scheduler_for(db: Database, settings: Settings, on_queued: Callable[[], None]) -> Scheduler:
    """The process's scheduler: real clock, `handlers.features.TICKS`, one owner per database."""
    jobs: dict[str, tuple[dict[str, str], Callable[[], Awaitable[object]]]] = {}
    if settings.uitdatabank_client_id or settings.uitdatabank_api_key:
        jobs["uitdatabank-sync"] = (SYNC_CRON, lambda: sync_all(db, settings))
    return Scheduler(
        db,
        handler_config(settings),
        on_queued=on_queued,
        lock_path=lock_path_for(settings.database_path),
        jobs=jobs,
    )
