"""Long-running modes: the console chat and the Telegram bot, each with the outbox sender."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from bot.app import open_database, wire
from bot.channels.console import Console
from bot.settings import Settings

log = logging.getLogger(__name__)


async def run_console(settings: Settings) -> None:
    db = await open_database(settings)
    try:
        wiring = wire(db, settings)
        console = Console(wiring.router)
        wiring.sender.deliverers["console"] = console.deliver
        sender_task = asyncio.create_task(wiring.sender.run_forever())
        try:
            await console.run()
        finally:
            sender_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sender_task
    finally:
        await db.close()


async def run_telegram(settings: Settings) -> None:
    from bot.channels.telegram import TelegramChannel

    db = await open_database(settings)
    try:
        channel = TelegramChannel(settings, db)
        await channel.run_until_stopped()
    finally:
        await db.close()
