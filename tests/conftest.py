"""Shared fixtures: a real SQLite file per test, a settable clock, a router on top."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.app import NETWORKS_FILE
from handlers.context import Config
from handlers.router import Router
from handlers.types import Reply, Turn
from storage.db import Database
from storage.networks import load_networks_file


class Clock:
    """A clock the test moves by hand (no sleeping)."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 11, 23, 10, 0, tzinfo=UTC))


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database(tmp_path / "meedoen.sqlite3").open()
    if NETWORKS_FILE.exists():
        async with database.transaction() as tx:
            await load_networks_file(tx, NETWORKS_FILE)
    yield database
    await database.close()


@pytest.fixture
def router(db: Database, clock: Clock) -> Router:
    # English (the source language) unless a test picks another, so assertions read plainly.
    return Router(db, Config(bot_username="meedoen_test_bot", default_locale="en"), clock=clock)


class Chat:
    """A transcript helper over the router: `await chat.say('8900')`, `await chat.tap('Done')`."""

    def __init__(self, router: Router, address: str = "1001", channel: str = "console") -> None:
        self.router = router
        self.address = address
        self.channel = channel
        self.last: list[Reply] = []

    async def say(self, text: str) -> list[Reply]:
        self.last = await self.router.handle(
            Turn(channel=self.channel, address=self.address, text=text)  # type: ignore[arg-type]
        )
        return self.last

    async def press(self, data: str) -> list[Reply]:
        self.last = await self.router.handle(
            Turn(channel=self.channel, address=self.address, payload=data)  # type: ignore[arg-type]
        )
        return self.last

    async def tap(self, label_part: str) -> list[Reply]:
        """Press the button (in the last replies) whose label contains `label_part`."""
        for reply in reversed(self.last):
            for row in reply.buttons:
                for button in row:
                    if label_part in button.label and button.data:
                        return await self.press(button.data)
        raise AssertionError(f"no button {label_part!r} in {[r.text for r in self.last]}")

    @property
    def text(self) -> str:
        return "\n".join(reply.text for reply in self.last)


@pytest.fixture
def chat(router: Router) -> Chat:
    return Chat(router)


async def onboard_newcomer(chat: Chat, *, locale: str = "en", place: str = "8900",
                           interests: tuple[str, ...] = ("sport", "nature"),
                           dutch: int = 2, travel: int = 10, name: str = "Amal") -> None:
    """Walk the whole onboarding of a newcomer with the given answers."""
    await chat.say("/start")
    await chat.press(f"ol:{locale}")
    await chat.press("or:newcomer")
    await chat.press("op:yes")
    await chat.say(name)
    await chat.say(place)
    for interest in interests:
        await chat.press(f"oi:{interest}")
    await chat.press("oi:done")
    await chat.press(f"od:{dutch}")
    await chat.press("oa:evening")
    await chat.press("oa:weekend")
    await chat.press("oa:done")
    await chat.press("ok:0")
    await chat.press(f"ot:{travel}")


async def onboard_buddy(chat: Chat, *, locale: str = "nl", place: str = "8900",
                        name: str = "Jan") -> None:
    await chat.say("/start")
    await chat.press(f"ol:{locale}")
    await chat.press("or:buddy")
    await chat.press("op:yes")
    await chat.say(name)
    await chat.say(place)
    await chat.press("oa:evening")
    await chat.press("oa:done")
    await chat.press("og:nl")
    await chat.press("og:done")
