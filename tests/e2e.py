"""End-to-end harness: the project's real PTB Application polling a fake Bot API on 127.0.0.1.

Use the `telegram` fixture (import it into a test module with
`from tests.e2e import telegram  # noqa: F401`): it gives an `E2E` with the fake server, the
running channel, the database and the test clock. `await e2e.restart()` stops the bot and
starts a fresh one on the same database file, as after a crash or a deploy.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import pytest_asyncio

from bot.app import open_database
from bot.channels.telegram import TelegramChannel
from bot.settings import Settings, load_settings
from storage.db import Database
from tests.conftest import Clock
from tests.fakes.telegram_api import FakeTelegram, FakeUser, SentMessage

TOKEN = "123456:TEST-token-never-logged"


@dataclass
class E2E:
    fake: FakeTelegram
    channel: TelegramChannel
    db: Database
    settings: Settings
    clock: Clock

    def user(self, user_id: int, first_name: str = "Amal", language_code: str = "ar") -> FakeUser:
        return self.fake.user(user_id, first_name=first_name, language_code=language_code)

    async def restart(self) -> None:
        await self.channel.stop()
        await self.db.close()
        self.db = await open_database(self.settings)
        self.channel = TelegramChannel(self.settings, self.db, clock=self.clock)
        await self.channel.start()

    async def drain_outbox(self) -> int:
        """Deliver every due outbox message now (instead of waiting for the sender's timer)."""
        assert self.channel.wiring is not None
        return await self.channel.wiring.sender.run_once()


async def say(user: FakeUser, text: str, n: int = 1) -> list[SentMessage]:
    """User types `text`; wait for `n` bot messages."""
    await user.send(text)
    return await user.wait_messages(n)


async def tap(user: FakeUser, label: str, n: int = 1) -> list[SentMessage]:
    """User taps the button labelled `label` (exact text or callback data); wait for `n`."""
    await user.tap(label)
    return await user.wait_messages(n)


def button_with(message: SentMessage, part: str) -> str:
    """The exact label of the button on `message` whose label contains `part`."""
    for row in message.buttons:
        for button in row:
            if part in button["text"]:
                return button["text"]
    raise AssertionError(f"no button with {part!r}: {message.button_texts}")


@pytest_asyncio.fixture
async def telegram(
    tmp_path: Path, clock: Clock, caplog: pytest.LogCaptureFixture
) -> AsyncIterator[E2E]:
    caplog.set_level(logging.WARNING)
    for ours in ("bot", "handlers", "storage"):
        caplog.set_level(logging.INFO, logger=ours)
    fake = FakeTelegram()
    await fake.start()
    settings = load_settings(
        telegram_bot_token=TOKEN,
        telegram_api_url=fake.base_url,
        telegram_file_url=fake.base_file_url,
        database_path=tmp_path / "e2e.sqlite3",
        demo_data=True,
        _env_file=None,
    )
    db = await open_database(settings)
    channel = TelegramChannel(settings, db, clock=clock)
    await channel.start()
    e2e = E2E(fake, channel, db, settings, clock)
    try:
        yield e2e
    finally:
        await e2e.channel.stop()
        await e2e.db.close()
        await fake.stop()
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, [r.getMessage() for r in errors]
    assert TOKEN.split(":")[1] not in caplog.text
    assert not fake.errors, fake.errors
    assert not fake.unanswered_callbacks()
