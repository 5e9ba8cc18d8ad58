"""Broadcast benchmark: N reminders to N chats through the outbox and the real Telegram channel.

A local fake Bot API (tests/fakes/telegram_api.py) enforces 30 messages per sliding second
and answers 429 beyond. The reminders are queued in a temporary database, delivered by the
project's OutboxSender through TelegramChannel (python-telegram-bot + FloodLimiter), and then
counted on the fake's side. Prints achieved messages/s, 429s, lost and duplicated messages.

    .venv/bin/python bench/broadcast.py            # 5,000 reminders: about three minutes
    .venv/bin/python bench/broadcast.py --count 300
    .venv/bin/python bench/broadcast.py --count 500 --per-chat 10   # 1 msg/s per chat binds

With `--per-chat N` every chat gets N messages, which must arrive in order; the physical floor
is max(total / limit, N - 1 seconds at Telegram's 1 message per second per chat).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.channels.telegram import TelegramChannel
from bot.outbox_sender import OutboxSender
from bot.settings import load_settings
from handlers.context import dump_replies
from handlers.types import Button, Reply
from storage import outbox
from storage.clock import utcnow
from storage.db import Database
from tests.fakes.telegram_api import FakeTelegram

FIRST_CHAT = 10_000_000


async def queue(db: Database, count: int, per_chat: int = 1) -> None:
    now = utcnow()
    async with db.transaction() as tx:
        for k, n in ((k, n) for k in range(per_chat) for n in range(count)):
            chat = FIRST_CHAT + n
            reply = Reply(
                text=f"📅 Tomorrow: <b>Praattafel</b> #{n}.{k}\n🕖 19:00 – 21:00\n📍 Ieper",
                buttons=[[Button(label="🗺️ Map", url="https://www.openstreetmap.org/")]],
            )
            await outbox.enqueue(
                tx,
                key=f"bench:{chat}:{k}",
                person_id=None,
                channel="telegram",
                address=str(chat),
                purpose="reminder:session",
                payload=dump_replies([reply]),
                now=now,
            )


def accepted(fake: FakeTelegram) -> int:
    return sum(1 for call in fake.calls if call.ok and call.method.lower() == "sendmessage")


async def unfinished(db: Database) -> int:
    async with db.transaction() as tx:
        return int(
            await tx.scalar("SELECT COUNT(*) FROM outbox WHERE status IN ('pending', 'sending')")
        )


async def main(count: int, limit: int, per_chat: int = 1) -> int:
    logging.basicConfig(level=logging.WARNING)
    fake = FakeTelegram()
    await fake.start()
    fake.rate_limit(limit)
    for n in range(count):
        fake.user(FIRST_CHAT + n, first_name=f"U{n}")
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(
            telegram_bot_token="123456:BENCH",
            telegram_api_url=fake.base_url,
            database_path=Path(tmp) / "bench.sqlite3",
            demo_data=False,
            _env_file=None,
        )
        db = await Database(settings.database_path).open()
        await queue(db, count, per_chat)
        channel = TelegramChannel(settings, db)
        await channel.application.initialize()
        sender = OutboxSender(db, {"telegram": channel.deliver})
        started = time.perf_counter()
        task = asyncio.create_task(sender.run_forever(poll_seconds=0.5))
        try:
            while accepted(fake) < count * per_chat:
                await asyncio.sleep(0.05)
            elapsed = time.perf_counter() - started
            while await unfinished(db):
                await asyncio.sleep(0.2)
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        async with db.transaction() as tx:
            rows = await tx.all("SELECT status, COUNT(*) FROM outbox GROUP BY status")
        statuses = {row[0]: row[1] for row in rows}
        await channel.application.shutdown()
        await db.close()
    await fake.stop()

    bodies = [[m.body for m in fake.users[FIRST_CHAT + n].messages] for n in range(count)]
    received = [len(got) for got in bodies]
    lost = sum(max(0, per_chat - got) for got in received)
    duplicated = sum(max(0, got - per_chat) for got in received)
    out_of_order = sum(
        1 for n, got in enumerate(bodies)
        if [body.split("#")[1].split("\n")[0] for body in got]
        != [f"{n}.{k}" for k in range(per_chat)][: len(got)]
    )  # fmt: skip
    floor = max(count * per_chat / limit, per_chat - 1.0)
    refused = sum(1 for fault in fake.faults if fault.error_code == 429)
    print(f"messages queued        {count * per_chat} ({per_chat} to each of {count} chats)")
    print(f"fake Bot API limit     {limit}/s (429 beyond)")
    print(f"elapsed                {elapsed:.1f} s")
    print(f"achieved               {accepted(fake) / elapsed:.2f} msg/s")
    print(f"physical floor         {floor:.1f} s ({count * per_chat / floor:.2f} msg/s)")
    print(f"chats out of order     {out_of_order}")
    print(f"429s received          {refused} (limiter saw {channel.limiter.rate_limited})")
    print(f"lost                   {lost}")
    print(f"duplicated             {duplicated}")
    print(f"outbox                 {statuses}")
    print(f"fake API errors        {len(fake.errors)}")
    return 0 if not lost and not duplicated and not out_of_order and not fake.errors else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--limit", type=int, default=30, help="the fake API's messages/s")
    parser.add_argument("--per-chat", type=int, default=1, help="messages to each chat")
    options = parser.parse_args()
    sys.exit(asyncio.run(main(options.count, options.limit, options.per_chat)))
