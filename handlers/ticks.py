"""Ticks: jobs the scheduler runs on a cron in local time. What is due lives in the database."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from handlers.context import Config
from storage.db import Tx

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
