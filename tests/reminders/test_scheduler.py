"""The scheduler driven by an injected clock through the DST changes of 2026 and 2027.

APScheduler is the real one; the test moves the clock five minutes at a time and asks the
scheduler to run what is due at each step (`process_due`), so days pass in milliseconds.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.scheduler import Scheduler, lock_path_for
from handlers.context import Config
from handlers.reminders.ticks import TICKS
from handlers.ticks import Tick, cron_hours
from storage.db import Database, Tx
from tests.conftest import Clock

BRUSSELS = ZoneInfo("Europe/Brussels")
STEP = timedelta(minutes=5)


class Recorder:
    def __init__(self) -> None:
        self.runs: list[tuple[str, datetime]] = []

    def tick(self, name: str, cron: dict[str, str]) -> Tick:
        async def run(tx: Tx, config: Config, now: datetime) -> int:
            self.runs.append((name, now))
            return 0

        return Tick(name, cron, run)

    def local(self, name: str) -> list[datetime]:
        return [now.astimezone(BRUSSELS) for tick, now in self.runs if tick == name]


async def drive(scheduler: Scheduler, clock: Clock, until: datetime) -> None:
    while clock.now < until:
        clock.advance(minutes=5)
        await scheduler.process_due()


def local_noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 0, 0, tzinfo=BRUSSELS)


@pytest.mark.parametrize(
    "change",
    [date(2026, 3, 29), date(2026, 10, 25), date(2027, 3, 28), date(2027, 10, 31)],
    ids=["spring-2026", "autumn-2026", "spring-2027", "autumn-2027"],
)
async def test_ticks_fire_once_at_local_time_through_a_dst_change(
    db: Database, change: date
) -> None:
    start = local_noon(change - timedelta(days=2)).astimezone(UTC)
    end = local_noon(change + timedelta(days=2)).astimezone(UTC)
    clock = Clock(start)
    recorder = Recorder()
    ticks = [
        recorder.tick("daily-0130", {"hour": "1", "minute": "30"}),
        recorder.tick("daily-0330", {"hour": "3", "minute": "30"}),
        recorder.tick("daily-1700", {"hour": "17", "minute": "0"}),
        recorder.tick("day-hours", {"hour": "8-20", "minute": "5,35"}),
        recorder.tick("monday-0800", {"day_of_week": "mon", "hour": "8", "minute": "0"}),
    ]
    scheduler = Scheduler(db, Config(), ticks, clock=clock)
    assert await scheduler.start()
    try:
        await drive(scheduler, clock, end)
    finally:
        await scheduler.stop()

    days = [change + timedelta(days=n) for n in range(-2, 2)]
    for name, hour, minute in (("daily-0130", 1, 30), ("daily-0330", 3, 30), ("daily-1700", 17, 0)):
        fired = recorder.local(name)
        assert [(t.date(), t.hour, t.minute) for t in fired] == [
            (day, hour, minute) for day in days
        ], name
    day_hours = recorder.local("day-hours")
    per_day = Counter(t.date() for t in day_hours)
    assert per_day == dict.fromkeys(days, 26)  # 08:05 … 20:35, on the short and the long day
    assert {(t.hour, t.minute) for t in day_hours} == {
        (h, m) for h in range(8, 21) for m in (5, 35)
    }
    assert len(set(day_hours)) == len(day_hours)  # never twice
    mondays = recorder.local("monday-0800")
    assert [(t.weekday(), t.hour) for t in mondays] == [(0, 8)] * len(mondays)
    everything = [now.astimezone(BRUSSELS) for _, now in recorder.runs]
    assert not [t for t in everything if t.hour == 2]  # nothing in the gap or the doubled hour


async def test_the_real_ticks_stay_out_of_the_gap_and_run_each_day(db: Database) -> None:
    change = date(2026, 10, 25)
    clock = Clock(local_noon(change - timedelta(days=1)).astimezone(UTC))
    scheduler = Scheduler(db, Config(), clock=clock)
    ran: list[tuple[str, datetime]] = []
    original = scheduler.run_tick

    async def recording(name: str) -> int:
        ran.append((name, clock()))
        return await original(name)

    scheduler.run_tick = recording  # type: ignore[method-assign]
    assert await scheduler.start()
    try:
        await drive(scheduler, clock, local_noon(change + timedelta(days=1)).astimezone(UTC))
    finally:
        await scheduler.stop()
    names = Counter(name for name, _ in ran)
    assert names["reminders-session"] == 2 and names["reminders-quiet"] == 2
    assert names["reminders-confirm"] == 2 and names["reminders-after"] == 52
    assert all(not 2 <= now.astimezone(BRUSSELS).hour < 3 for _, now in ran)
    assert all(8 <= now.astimezone(BRUSSELS).hour < 21 for _, now in ran)  # never at night


@pytest.mark.parametrize("hour", ["2", "*", "1-3", "*/2", "0,2", "0-23/2"])
def test_a_tick_in_the_dst_gap_is_refused(hour: str) -> None:
    async def run(tx: Tx, config: Config, now: datetime) -> int:
        return 0

    with pytest.raises(ValueError, match="02:00"):
        Tick("bad", {"hour": hour, "minute": "0"}, run)
    with pytest.raises(ValueError, match="02:00"):
        Tick("no-hour", {"minute": "0"}, run)


def test_cron_hours() -> None:
    assert cron_hours("8-20") == set(range(8, 21))
    assert cron_hours("9,17") == {9, 17}
    assert cron_hours("*/6") == {0, 6, 12, 18}
    assert all(2 not in cron_hours(tick.cron["hour"]) for tick in TICKS)


async def test_one_process_owns_the_scheduler(db: Database, tmp_path: Path) -> None:
    lock = lock_path_for(tmp_path / "meedoen.sqlite3")
    first = Scheduler(db, Config(), [], lock_path=lock)
    second = Scheduler(db, Config(), [], lock_path=lock)
    assert await first.start()
    assert not await second.start()
    await first.stop()
    assert await second.start()  # the lock is free again
    await second.stop()


async def test_a_failing_tick_does_not_stop_the_others(
    db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    clock = Clock(datetime(2026, 11, 23, 8, 59, tzinfo=UTC))
    recorder = Recorder()

    async def broken(tx: Tx, config: Config, now: datetime) -> int:
        raise RuntimeError("boom")

    ticks = [Tick("broken", {"hour": "10", "minute": "0"}, broken),
             recorder.tick("fine", {"hour": "10", "minute": "0"})]  # fmt: skip
    woken: list[bool] = []
    scheduler = Scheduler(db, Config(), ticks, clock=clock, on_queued=lambda: woken.append(True))
    await scheduler.start()
    try:
        clock.advance(minutes=1)  # 10:00 local
        await scheduler.process_due()
    finally:
        await scheduler.stop()
    assert [name for name, _ in recorder.runs] == ["fine"]
    assert "tick broken failed" in caplog.text
    assert woken == []  # nothing was queued


async def test_catch_up_runs_every_tick_once_at_start(db: Database) -> None:
    clock = Clock(datetime(2026, 11, 23, 12, 0, tzinfo=UTC))
    recorder = Recorder()
    ticks = [recorder.tick("a", {"hour": "17", "minute": "0"}),
             recorder.tick("b", {"hour": "9", "minute": "0"})]  # fmt: skip
    scheduler = Scheduler(db, Config(), ticks, clock=clock)
    await scheduler.start(catch_up=True)
    try:
        await scheduler.process_due()
    finally:
        await scheduler.stop()
    assert sorted(name for name, _ in recorder.runs) == ["a", "b"]
