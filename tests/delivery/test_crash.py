"""Kill -9 of the real bot process while people log hours; restart it on the same file.

The bot runs as `python -m bot` against the fake Bot API (tests/fakes/telegram_api.py, after
https://core.telegram.org/bots/api: updates stay queued until a getUpdates offset confirms
them, so a killed bot gets them again). It is killed with SIGKILL after a random number of
answers, twice. Afterwards: every log the bot acknowledged ("✅ Saved") is in the store, and
no log is there twice (each log has its own duration, so a double shows).
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest_asyncio

from bot.app import open_store
from bot.settings import load_settings
from handlers.context import Config
from handlers.hours.rules import hours_text
from handlers.router import Router
from i18n import translator
from tests.conftest import Chat, Clock, onboard_newcomer
from tests.fakes.telegram_api import FakeTelegram, FakeUser, SentMessage

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "123456:TEST-crash"
PEOPLE = range(8101, 8107)
ENGLISH = translator("en")


class Bot:
    """The real bot process."""

    def __init__(self, fake: FakeTelegram, database: Path, log: Path) -> None:
        self.fake, self.database, self.log = fake, database, log
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        polls = len(self.fake.calls_to("getUpdates"))
        env = {
            **os.environ, "PYTHONPATH": str(ROOT), "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_URL": self.fake.base_url, "DATABASE_PATH": str(self.database),
            "DEMO_DATA": "false", "DEFAULT_LOCALE": "en", "LOG_LEVEL": "WARNING",
            "SMTP_HOST": "", "IMAP_HOST": "",
        }  # fmt: skip
        with self.log.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "run", cwd=self.database.parent, env=env,
                stdout=log, stderr=log,
            )  # fmt: skip
        await self.fake.wait_for(lambda: len(self.fake.calls_to("getUpdates")) > polls, 60)
        pid = self.process.pid
        await until(lambda: len(children(pid)) >= 2)  # the render worker and its tracker

    async def kill(self) -> None:
        """SIGKILL, then wait until its children (the render worker) have ended too."""
        assert self.process is not None
        left = children(self.process.pid)
        self.process.send_signal(signal.SIGKILL)
        await self.process.wait()
        assert left, "the render worker was started with the bot"
        await until(lambda: not any(Path(f"/proc/{pid}").exists() for pid in left))

    async def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(self.process.wait(), 60) == 0


async def until(condition: Callable[[], bool], timeout: float = 30) -> None:
    """Poll a condition outside the fake's knowledge (processes); TimeoutError if it never
    holds."""
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.05)


def children(pid: int) -> list[int]:
    """Processes whose parent is `pid` (Linux /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # ended meanwhile
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


@pytest_asyncio.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    server = await FakeTelegram().start()
    yield server
    await server.stop()


async def onboarded(database: Path, clock: Clock) -> None:
    """Six newcomers, onboarded in English on Telegram (through the real router)."""
    settings = load_settings(database_path=database, demo_data=False, _env_file=None)
    db = await open_store(settings)
    router = Router(db, Config(default_locale="en"), clock=clock)
    for person in PEOPLE:
        await onboard_newcomer(Chat(router, str(person), "telegram"), name=f"P{person}")
    await db.close()


def with_button(data: str) -> Callable[[SentMessage], bool]:
    return lambda m: any(b.get("callback_data") == data for row in m.buttons for b in row)


async def step(user: FakeUser, action: Awaitable[object], want: Callable[[SentMessage], bool]
               ) -> SentMessage:  # fmt: skip
    """Do one thing, then wait for the bot's message that `want`s (answers to updates of before
    the crash may come in between: they are passed over)."""
    seen = len(user.events)
    await action
    await user.fake.wait_for(lambda: any(want(m) for m in user.events[seen:]), 60)
    return next(m for m in user.events[seen:] if want(m))


async def keep_logging(user: FakeUser, minutes: list[int], acknowledged: list[int]) -> None:
    """/log something else · music · N min · yesterday, again and again, each N its own."""
    while True:
        n = minutes.pop(0)
        shown = await step(user, user.send("/log"), with_button("hl:x"))
        shown = await step(user, user.tap("hl:x", shown), with_button("hk:music"))
        await step(user, user.tap("hk:music", shown), with_button("hh:60"))
        shown = await step(user, user.send(f"{n} min"), with_button("hd:1"))
        saved = hours_text(ENGLISH, n)

        def done(m: SentMessage, saved: str = saved) -> bool:
            return with_button("ha:yes")(m) or (m.body.startswith("✅ Saved") and saved in m.body)

        shown = await step(user, user.tap("hd:1", shown), done)
        if not shown.body.startswith("✅ Saved"):
            await step(user, user.tap("ha:yes", shown), done)
        acknowledged.append(n)


async def test_kill_9_while_people_log_hours_loses_nothing_and_doubles_nothing(
    fake: FakeTelegram, tmp_path: Path, clock: Clock
) -> None:
    database = tmp_path / "crash.sqlite3"
    await onboarded(database, clock)
    users = {person: fake.user(person, f"P{person}", "en") for person in PEOPLE}
    durations = {person: list(range(15, 8 * 60, 15)) for person in PEOPLE}  # each log its own
    acknowledged: dict[int, list[int]] = {person: [] for person in PEOPLE}
    bot = Bot(fake, database, tmp_path / "bot.log")
    seed = random.randrange(1_000_000)
    chance = random.Random(seed)
    try:
        for _round in range(2):
            await bot.start()
            before = sum(len(user.events) for user in users.values())
            people = [
                asyncio.create_task(keep_logging(users[p], durations[p], acknowledged[p]))
                for p in PEOPLE
            ]
            kill_after = chance.randrange(30, 90)  # answers, across everyone
            target = before + kill_after
            await fake.wait_for(
                lambda t=target: sum(len(u.events) for u in users.values()) >= t, 120
            )
            await bot.kill()
            for task in people:
                task.cancel()
            results = await asyncio.gather(*people, return_exceptions=True)
            assert all(isinstance(r, asyncio.CancelledError) for r in results), (seed, results)
        await bot.start()  # what was sent meanwhile is handled now; then a clean stop
        await fake.wait_for(lambda: not fake.pending_updates(), 60)
    finally:
        await bot.stop()
    settings = load_settings(database_path=database, demo_data=False, _env_file=None)
    db = await open_store(settings)
    async with db.read() as tx:
        rows = await tx.all(
            "SELECT i.address, h.minutes FROM hour_entries h "
            "JOIN identities i ON i.person_id = h.person_id AND i.channel = 'telegram'"
        )
    await db.close()
    stored: dict[int, list[int]] = {person: [] for person in PEOPLE}
    for address, minutes in rows:
        stored[int(address)].append(minutes)
    assert sum(map(len, acknowledged.values())) > 0, seed
    for person in PEOPLE:
        assert set(acknowledged[person]) <= set(stored[person]), (seed, person)  # none lost
        assert len(stored[person]) == len(set(stored[person])), (seed, person)  # none twice
