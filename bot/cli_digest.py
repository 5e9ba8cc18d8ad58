"""`python -m bot digest --network NAME [--week 2026-W48] [--dry-run]`: print or send a digest.

Sending queues the mails through the outbox (once per network and week, like the Monday tick)
and delivers them at once over SMTP. A second run for the same week sends nothing again.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TextIO

from bot.app import handler_config, open_store
from bot.channels.email import EmailChannel
from bot.channels.text import plain
from bot.outbox_sender import DeliveryError
from bot.settings import Settings
from handlers.context import Config, load_replies
from handlers.staff.digest import send_weekly_digests
from handlers.staff.digest_render import digest_replies
from handlers.staff.figures import network_figures
from handlers.staff.weeks import Week, last_complete_week, named_week
from handlers.types import Reply
from storage import outbox
from storage.clock import iso, utcnow
from storage.db import Database
from storage.mail import digest_sent
from storage.networks import find_network, list_networks
from storage.staff import list_staff

CLAIM_FOR = timedelta(minutes=15)  # a running sender leaves a claimed digest alone this long


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    digest = subparsers.add_parser("digest", help="print or send a network's weekly digest")
    digest.add_argument("--network", required=True, help="the network's name, e.g. Westhoek")
    digest.add_argument("--week", help="ISO week like 2026-W48 (default: the last full week)")
    digest.add_argument("--dry-run", action="store_true", help="print it; send nothing")
    digest.set_defaults(func=run_digest)


def as_text(replies: list[Reply]) -> str:
    parts = []
    for reply in replies:
        lines = [plain(reply.text, keep_isolates=False)]
        for attachment in (reply.image, reply.document):
            if attachment is not None:
                lines.append(f"📎 {attachment.filename} ({len(attachment.content)} bytes)")
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


async def deliver_claimed(
    db: Database, channel: EmailChannel, network_id: int, week: str, now: datetime
) -> tuple[int, int]:
    """Send the queued digest mails of one network and week now; return (sent, failed)."""
    async with db.transaction() as tx:
        rows = await tx.all(
            "SELECT id, address, payload, attempts FROM outbox WHERE idempotency_key LIKE ? "
            "AND channel = 'email' AND status = 'pending' ORDER BY id",
            (f"digest:{network_id}:{week}:%",),
        )
        for row in rows:  # claimed: marked sending, and not due for the running sender
            await tx.execute(
                "UPDATE outbox SET status = 'sending', attempts = attempts + 1, not_before = ? "
                "WHERE id = ?",
                (iso(now + CLAIM_FOR), row["id"]),
            )
    sent = failed = 0
    for row in rows:
        try:
            await channel.deliver(row["address"], load_replies(row["payload"]))
        except DeliveryError as exc:
            failed += 1
            async with db.transaction() as tx:
                if exc.permanent:
                    await outbox.mark_failed(tx, row["id"], str(exc))
                else:
                    later = now + outbox.backoff(row["attempts"] + 1)
                    await outbox.retry_later(tx, row["id"], later, str(exc))
            continue
        sent += 1
        async with db.transaction() as tx:
            await outbox.mark_sent(tx, row["id"], utcnow())
    return sent, failed


async def digest(
    settings: Settings,
    network_name: str,
    week_text: str | None,
    dry_run: bool,
    *,
    out: TextIO = sys.stdout,
    clock: Callable[[], datetime] = utcnow,
    config: Config | None = None,
) -> tuple[int, str]:
    config = config or handler_config(settings)
    now = clock()
    try:
        week: Week = named_week(week_text, config) if week_text else last_complete_week(now, config)
    except ValueError as exc:
        return 2, str(exc)
    db = await open_store(settings)
    try:
        async with db.transaction() as tx:
            network = await find_network(tx, network_name)
            if network is None:
                names = ", ".join(n.name for n in await list_networks(tx))
                return 2, f"unknown network {network_name!r}; known: {names}"
            staff = await list_staff(tx, network.id)
            sent_at = await digest_sent(tx, network.id, week.label)
            if dry_run:
                figures = await network_figures(tx, config, network, week)
        if dry_run:
            out.write(as_text(digest_replies(figures, config)) + "\n")
            to = ", ".join(a.email for a in staff) or "nobody (add staff with: staff add)"
            state = f"already sent {sent_at:%Y-%m-%d %H:%M}" if sent_at else "not sent yet"
            return 0, f"dry run: {network.name} {week.label} would go to {to}; {state}"
        if not staff:
            return 2, f"{network.name} has no staff; add one with: staff add --email … --network …"
        if not settings.smtp_host:
            return 2, "SMTP_HOST is not set; use --dry-run to print the digest"
        [run] = await send_weekly_digests(db, config, week, now=now, networks=[network.name])
        channel = EmailChannel(settings, db, config, clock=clock)
        sent, failed = await deliver_claimed(db, channel, network.id, week.label, now)
    finally:
        await db.close()
    if run.already_sent and not sent and not failed:
        when = f" on {sent_at:%Y-%m-%d}" if sent_at else ""
        return 0, f"{network.name} {week.label}: already sent{when}; nothing to do"
    summary = f"{network.name} {week.label}: sent to {sent} staff"
    if failed:
        return 1, summary + f", {failed} failed (retried by the running assistant)"
    return 0, summary


def run_digest(args: argparse.Namespace, settings: Settings) -> int:
    code, text = asyncio.run(digest(settings, args.network, args.week, args.dry_run))
    print(text, file=sys.stdout if code == 0 else sys.stderr)
    return code
