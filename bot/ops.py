"""Operator alerts: a short message to OPS_TELEGRAM_CHAT_ID and/or OPS_EMAIL when delivery is
stuck, a channel keeps failing, or a message was given up. At most one alert of each kind per
hour (recorded in the store, so a restart does not repeat it).

Alerts go out directly, not through the outbox: the outbox may be what is stuck.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from email.message import EmailMessage

import aiosmtplib

from bot.outbox_sender import OutboxSender
from bot.settings import Settings
from storage import delivery
from storage.clock import iso, parse, utcnow
from storage.db import Database

log = logging.getLogger(__name__)

STUCK_AFTER = timedelta(minutes=10)
EVERY = timedelta(hours=1)  # per kind
SendTelegram = Callable[[int, str], Awaitable[object]]


class Ops:
    def __init__(
        self,
        settings: Settings,
        db: Database,
        sender: OutboxSender,
        *,
        send_telegram: SendTelegram | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.settings = settings
        self.db = db
        self.sender = sender
        self.send_telegram = send_telegram
        self.clock = clock
        self.failing_since: dict[str, datetime] = {}  # e.g. "imap": reported by its watcher
        self.sent: list[str] = []  # alert texts sent (for logs and tests)

    @property
    def enabled(self) -> bool:
        return bool(self.settings.ops_telegram_chat_id or self.settings.ops_email)

    def report(self, kind: str, ok: bool) -> None:
        """A channel outside the outbox (IMAP) tells how its last try went."""
        if ok:
            self.failing_since.pop(kind, None)
        else:
            self.failing_since.setdefault(kind, self.clock())

    async def check(self) -> list[str]:
        """Look once; send what is due; return the alert kinds sent."""
        if not self.enabled:
            return []
        now = self.clock()
        alerts: dict[str, str] = {}
        async with self.db.read() as tx:
            outbox = await delivery.summary(tx, now)
        if outbox.oldest_due is not None and now - outbox.oldest_due >= STUCK_AFTER:
            minutes = int((now - outbox.oldest_due).total_seconds() // 60)
            alerts["stuck"] = (
                f"⚠️ Meedoen: delivery is stuck. {outbox.due} message(s) due, the oldest "
                f"for {minutes} min. Run `python -m bot doctor`."
            )
        failing = {**self.sender.health.failing_since, **self.failing_since}
        for channel, since in failing.items():
            if now - since >= STUCK_AFTER:
                name = {"telegram": "the Bot API", "email": "SMTP"}.get(channel, channel.upper())
                alerts[f"down:{channel}"] = (
                    f"⚠️ Meedoen: {name} has failed since {since:%H:%M} UTC. "
                    "Messages wait and are retried."
                )
        if self.sender.health.given_up:
            lost = self.sender.health.given_up
            alerts["given-up"] = (
                f"❌ Meedoen gave up on {len(lost)} message(s): " + "; ".join(lost[:3])
            )
            self.sender.health.given_up = []
        sent = []
        for kind, text in alerts.items():
            if await self._due(kind, now):
                await self._send(text)
                sent.append(kind)
        return sent

    async def _due(self, kind: str, now: datetime) -> bool:
        """Claim the right to send `kind` now (at most once per hour, across processes)."""
        async with self.db.transaction() as tx:
            last = parse(await tx.scalar("SELECT sent_at FROM ops_alerts WHERE kind = ?", (kind,)))
            if last is not None and now - last < EVERY:
                return False
            await tx.execute(
                "INSERT INTO ops_alerts (kind, sent_at) VALUES (?, ?) "
                "ON CONFLICT (kind) DO UPDATE SET sent_at = excluded.sent_at",
                (kind, iso(now)),
            )
        return True

    async def _send(self, text: str) -> None:
        self.sent.append(text)
        log.warning("ops alert: %s", text)
        chat_id = self.settings.ops_telegram_chat_id
        if chat_id is not None and self.send_telegram is not None:
            try:
                await self.send_telegram(chat_id, text)
            except Exception as exc:
                log.warning("ops alert to Telegram failed: %s", type(exc).__name__)
        if self.settings.ops_email and self.settings.smtp_host:
            try:
                await send_mail(self.settings, self.settings.ops_email, text)
            except Exception as exc:
                log.warning("ops alert by mail failed: %s", type(exc).__name__)

    async def run_forever(self, every: float = 60.0) -> None:
        """Check every minute until cancelled; a failing check is logged and tried again."""
        while True:
            try:
                await self.check()
            except Exception:
                log.exception("ops check failed")
            await asyncio.sleep(every)


async def send_mail(settings: Settings, to: str, text: str) -> None:
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = to
    message["Subject"] = text.split(".")[0][:120]
    message.set_content(text)
    password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
    await aiosmtplib.send(
        message, hostname=settings.smtp_host, port=settings.smtp_port,
        username=settings.smtp_username or None, password=password,
        use_tls=settings.smtp_security == "tls",
        start_tls=settings.smtp_security == "starttls", timeout=30,
    )  # fmt: skip
