"""Outage benchmark: 2,000 reminders queued, Telegram and SMTP refuse connections for 30
minutes of an injected clock, then come back. Prints lost, duplicated and out-of-order counts.

The fake Bot API (tests/fakes/telegram_api.py) and an aiosmtpd server are stopped, so every
connection is refused, as when the network or the provider is down. The sender runs a round
every minute of the injected clock; afterwards the servers listen again on the same ports.

    .venv/bin/python bench/outage.py                 # 1,600 Telegram + 400 mails
    .venv/bin/python bench/outage.py --chats 100 --mailboxes 25
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiosmtpd.smtp import SMTP

from bot.channels.email import EmailChannel
from bot.channels.telegram import TelegramChannel
from bot.outbox_sender import OutboxSender
from bot.settings import load_settings
from handlers.context import Config, dump_replies
from handlers.types import Reply
from storage import outbox
from storage.db import Database
from tests.fakes.telegram_api import FakeTelegram
from tests.mail.test_mail_support import SmtpCapture

FIRST_CHAT = 20_000_000
PER_ADDRESS = 4
OUTAGE = timedelta(minutes=30)


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


async def queue(db: Database, clock: Clock, chats: int, mailboxes: int) -> None:
    async with db.transaction() as tx:
        for k in range(PER_ADDRESS):
            targets = [("telegram", str(FIRST_CHAT + n)) for n in range(chats)]
            targets += [("email", f"person{n}@example.org") for n in range(mailboxes)]
            for channel, address in targets:
                await outbox.enqueue(
                    tx, key=f"outage:{address}:{k}", person_id=None, channel=channel,
                    address=address, purpose="reminder:session",
                    payload=dump_replies([Reply(text=f"🔔 Reminder #{k}")]), now=clock(),
                )  # fmt: skip


async def smtp_on(capture: SmtpCapture, port: int) -> asyncio.base_events.Server:
    loop = asyncio.get_running_loop()
    return await loop.create_server(
        lambda: SMTP(capture, hostname="smtp.test", loop=loop), "127.0.0.1", port
    )


async def main(chats: int, mailboxes: int) -> int:
    logging.basicConfig(level=logging.ERROR)
    clock = Clock()
    fake = await FakeTelegram().start()
    for n in range(chats):
        fake.user(FIRST_CHAT + n)
    capture = SmtpCapture()
    await capture.start()
    smtp_port = capture.port
    assert capture._server is not None
    capture._server.close()
    await capture._server.wait_closed()
    telegram_port = fake.port
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(
            telegram_bot_token="123456:BENCH", telegram_api_url=fake.base_url,
            database_path=Path(tmp) / "outage.sqlite3", demo_data=False,
            smtp_host="127.0.0.1", smtp_port=smtp_port, smtp_security="none",
            mail_from="meedoen@example.org", _env_file=None,
        )  # fmt: skip
        db = await Database(settings.database_path).open()
        await queue(db, clock, chats, mailboxes)
        telegram = TelegramChannel(settings, db, clock=clock)
        await telegram.application.initialize()
        mail = EmailChannel(settings, db, Config(default_locale="en"), clock=clock)
        sender = OutboxSender(db, {"telegram": telegram.deliver, "email": mail.deliver},
                              clock=clock)  # fmt: skip
        await fake.stop()  # the outage begins: connections are refused
        began = time.perf_counter()
        tries = 0
        while clock.now < datetime(2026, 11, 23, 10, 0, tzinfo=UTC) + OUTAGE:
            await sender.run_once()
            tries += 1
            clock.now += timedelta(minutes=1)
        outage_seconds = time.perf_counter() - began
        async with db.read() as tx:
            during = {r[0]: r[1] for r in await tx.all(
                "SELECT status, COUNT(*) FROM outbox GROUP BY status")}  # fmt: skip
            attempts = await tx.scalar("SELECT MAX(attempts) FROM outbox")
        await fake.start(telegram_port)  # back
        server = await smtp_on(capture, smtp_port)
        began = time.perf_counter()
        rounds = 0
        total = (chats + mailboxes) * PER_ADDRESS
        while True:
            async with db.read() as tx:
                left = await tx.scalar(
                    "SELECT COUNT(*) FROM outbox WHERE status IN ('pending', 'sending')")
            if not left or rounds > 200:
                break
            await sender.run_once()
            rounds += 1
            clock.now += timedelta(seconds=30)
        recovery = time.perf_counter() - began
        async with db.read() as tx:
            after = {r[0]: r[1] for r in await tx.all(
                "SELECT status, COUNT(*) FROM outbox GROUP BY status")}  # fmt: skip
        await telegram.application.shutdown()
        await db.close()
    server.close()
    await fake.stop()

    expected = [f"🔔 Reminder #{k}" for k in range(PER_ADDRESS)]
    got: dict[str, list[str]] = {}
    for n in range(chats):
        got[str(n)] = [m.body for m in fake.users[FIRST_CHAT + n].messages]
    for message in capture.messages:
        text = message.content.decode(errors="replace")
        number = next((k for k in range(PER_ADDRESS) if f"Reminder #{k}" in text), -1)
        got.setdefault(message.rcpt_tos[0], []).append(f"🔔 Reminder #{number}")
    lost = sum(max(0, PER_ADDRESS - len(texts)) for texts in got.values())
    lost += PER_ADDRESS * (chats + mailboxes - len(got))
    duplicated = sum(max(0, len(texts) - PER_ADDRESS) for texts in got.values())
    disorder = sum(1 for texts in got.values() if texts != expected[: len(texts)])
    print(f"queued                 {total} ({chats} chats, {mailboxes} mailboxes, "
          f"{PER_ADDRESS} each)")  # fmt: skip
    print(f"outage                 {OUTAGE} of injected clock, {tries} rounds, "
          f"{outage_seconds:.1f} s real")  # fmt: skip
    print(f"outbox during outage   {during} (max attempts {attempts})")
    print(f"recovery               {rounds} rounds, {recovery:.1f} s real")
    print(f"outbox after           {after}")
    print(f"lost                   {lost}")
    print(f"duplicated             {duplicated}")
    print(f"addresses out of order {disorder}")
    return 0 if not lost and not duplicated and not disorder else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chats", type=int, default=400)
    parser.add_argument("--mailboxes", type=int, default=100)
    options = parser.parse_args()
    sys.exit(asyncio.run(main(options.chats, options.mailboxes)))
