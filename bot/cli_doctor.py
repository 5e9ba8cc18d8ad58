"""`python -m bot doctor`: check settings, the database, Telegram, SMTP, IMAP and the outbox.

One line each, ✅ or ❌, and exit code 1 when anything failed. Read-only: it changes nothing
(only the database's migrations are applied, as at every start).
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime

import aiosmtplib

from bot.ops import STUCK_AFTER
from bot.settings import Settings
from storage import delivery
from storage.clock import utcnow
from storage.db import Database
from storage.migrate import available_migrations, current_version

TIMEOUT = 15.0
Check = tuple[bool, str]


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    doctor = subparsers.add_parser("doctor", help="check settings, connections and the outbox")
    doctor.set_defaults(func=run_doctor)


def run_doctor(_args: argparse.Namespace, settings: Settings) -> int:
    lines = asyncio.run(doctor(settings))
    for ok, text in lines:
        print(f"{'✅' if ok else '❌'} {text}")
    return 0 if all(ok for ok, _ in lines) else 1


async def doctor(settings: Settings, now: Callable[[], datetime] = utcnow) -> list[Check]:
    lines: list[Check] = [(True, "settings: valid")]
    checks: list[tuple[str, Callable[[], Awaitable[list[Check]]]]] = [
        ("database", lambda: _database(settings, now())),
        ("Telegram", lambda: _one(_telegram(settings))),
        ("SMTP", lambda: _one(_smtp(settings))),
        ("IMAP", lambda: _one(_imap(settings))),
    ]
    for name, check in checks:
        try:
            lines.extend(await asyncio.wait_for(check(), TIMEOUT))
        except Exception as exc:  # each check says what failed; none stops the others
            lines.append((False, f"{name}: {type(exc).__name__}: {exc}"))
    return lines


async def _one(check: Awaitable[Check]) -> list[Check]:
    return [await check]


async def _database(settings: Settings, now: datetime) -> list[Check]:
    path = settings.database_path
    try:
        db = await Database(path).open()
    except Exception as exc:
        return [(False, f"database {path}: {type(exc).__name__}: {exc}")]
    try:
        async with db.read() as tx:
            integrity = await tx.scalar("PRAGMA quick_check")  # begins the snapshot
            version = await current_version(tx.conn)
            outbox = await delivery.summary(tx, now)
    finally:
        await db.close()
    latest = len(available_migrations())
    lines = [(integrity == "ok" and version == latest,
              f"database {path}: schema {version}/{latest}, check {integrity}")]  # fmt: skip
    oldest = "-"
    if outbox.oldest_due is not None:
        oldest = f"{int((now - outbox.oldest_due).total_seconds() // 60)} min"
    stuck = outbox.oldest_due is not None and now - outbox.oldest_due >= STUCK_AFTER
    lines.append((not stuck and outbox.failed == 0,
                  f"outbox: {outbox.due} due, {outbox.retrying} retrying, {outbox.failed} failed, "
                  f"oldest due {oldest}"))  # fmt: skip
    return lines


async def _telegram(settings: Settings) -> Check:
    if settings.telegram_bot_token is None:
        return True, "Telegram: not configured (TELEGRAM_BOT_TOKEN unset; console mode)"
    from telegram import Bot
    from telegram.error import TelegramError

    bot = Bot(settings.telegram_bot_token.get_secret_value(), base_url=settings.telegram_api_url)
    try:
        async with bot:
            me = await bot.get_me()
    except TelegramError as exc:
        return False, f"Telegram getMe: {type(exc).__name__}: {exc}"
    return True, f"Telegram getMe: @{me.username}"


async def _smtp(settings: Settings) -> Check:
    if not settings.smtp_host:
        return True, "SMTP: not configured (SMTP_HOST unset)"
    where = f"SMTP {settings.smtp_host}:{settings.smtp_port}"
    client = aiosmtplib.SMTP(
        hostname=settings.smtp_host, port=settings.smtp_port, timeout=TIMEOUT,
        use_tls=settings.smtp_security == "tls",
        start_tls=settings.smtp_security == "starttls",
    )  # fmt: skip
    try:
        await client.connect()
        if settings.smtp_username:
            password = settings.smtp_password.get_secret_value() if settings.smtp_password else ""
            await client.login(settings.smtp_username, password)
        await client.quit()
    except (aiosmtplib.SMTPException, OSError) as exc:
        return False, f"{where}: {type(exc).__name__}: {exc}"
    return True, f"{where}: {'login' if settings.smtp_username else 'connect'} ok"


async def _imap(settings: Settings) -> Check:
    if not settings.imap_host:
        return True, "IMAP: not configured (IMAP_HOST unset)"
    from bot.channels.email import ImapWatcher

    async def ignore(_mail: bytes) -> None:
        return None

    where = f"IMAP {settings.imap_host}:{settings.imap_port}"
    watcher = ImapWatcher(settings, ignore)
    try:
        await watcher.connect()  # TLS, login, SELECT INBOX
    except Exception as exc:
        return False, f"{where}: {type(exc).__name__}: {exc}"
    finally:
        await watcher.close()
    return True, f"{where}: login ok"
