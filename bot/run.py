"""Long-running modes: the console chat and the Telegram bot, each with the outbox sender."""

from __future__ import annotations

import asyncio
import logging

from bot.app import handler_config, open_database, settle_heap, wire
from bot.channels.console import Console
from bot.channels.email import start_mail_watcher
from bot.ops import Ops
from bot.outbox_sender import cancel_and_wait
from bot.scheduler import scheduler_for
from bot.settings import Settings
from handlers.render_pool import warm_up

log = logging.getLogger(__name__)


async def run_console(settings: Settings) -> None:
    db = await open_database(settings)
    try:
        wiring = wire(db, settings)
        console = Console(wiring.router)
        settle_heap()
        wiring.sender.deliverers["console"] = console.deliver
        sender_task = asyncio.create_task(wiring.sender.run_forever())
        ops = Ops(settings, db, wiring.sender)
        ops_task = asyncio.create_task(ops.run_forever())
        mail_task = start_mail_watcher(
            settings, db, wiring.router.config, wake=wiring.sender.wake,
            health=lambda ok: ops.report("imap", ok),
        )  # fmt: skip
        try:
            async with scheduler_for(db, settings, wiring.sender.wake):
                await console.run()
        finally:
            await _cancel(mail_task)
            await _cancel(ops_task)
            await _cancel(sender_task)
    finally:
        await db.close()


async def run_telegram(settings: Settings) -> None:
    from bot.channels.telegram import TelegramChannel

    db = await open_database(settings)
    try:
        channel = TelegramChannel(settings, db)
        warm_task = asyncio.create_task(warm_up())  # the render workers, ahead of the first
        mail_task = start_mail_watcher(
            settings, db, handler_config(settings),
            wake=lambda: channel.wiring.sender.wake() if channel.wiring else None,
            health=lambda ok: channel.ops.report("imap", ok) if channel.ops else None,
        )  # fmt: skip
        try:
            async with scheduler_for(db, settings, lambda: channel.wake_sender()):
                await channel.run_until_stopped()
        finally:
            await _cancel(mail_task)
            await _cancel(warm_task)
    finally:
        await db.close()


async def _cancel(task: asyncio.Task[None] | None) -> None:
    if task is not None:
        await cancel_and_wait(task)
