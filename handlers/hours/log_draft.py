"""The draft of logging hours (`handlers.hours.log`), shared with the buddy's meeting log and
planned meetings (`handlers.people.buddies`, `buddy_plans`) and the one-tap log of /myhours."""

from __future__ import annotations

from datetime import date
from typing import Literal

from handlers.context import Draft, stored_as


class LogDraft(Draft):
    """Hours being logged, by a newcomer (mode "n") or by a buddy for a meeting (mode "b")."""

    mode: Literal["n", "b"] = "n"
    source: Literal["offer", "buddy", "other"] | None = stored_as("src")
    ref: int | None = None  # the offer or the buddy pair
    kind: str | None = None
    icon: str | None = None  # what a buddy and newcomer did (buddy mode)
    minutes: int = stored_as("min", 0)
    day: date | None = None
    more: bool = False  # the day buttons show the earlier days
    same: int | None = None  # the entry of the same activity that day, asked "add again?"
    again: bool = False  # the person said yes to adding it again

    @property
    def by_buddy(self) -> bool:
        return self.mode == "b"
