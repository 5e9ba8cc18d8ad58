"""`python -m bot digest --network NAME [--week 49|2026-W49] [--dry-run [--out DIR]]`.

Print or send a network's weekly digest. Sending queues the mails through the outbox (once
per network and week, like the Monday tick) and delivers them at once over SMTP; a second run
for the same week sends nothing again. `--out DIR` writes what the mail would hold (HTML,
text, PNG, CSV and its explanation) to a folder to look at.

Staff read this in Dutch: the help and the messages are Dutch text here, not catalog
messages, because the command line is for the network's staff only (option names stay
English, as argparse shows them).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import TextIO

from bot.app import handler_config, open_store
from bot.channels.email import EmailChannel, render_mail
from bot.channels.text import plain
from bot.outbox_sender import DeliveryError
from bot.settings import Settings
from handlers.context import Config, load_replies
from handlers.mail_commands import MailEnvelope
from handlers.staff.digest import send_weekly_digests
from handlers.staff.digest_render import DIGEST_LOCALE, digest_replies
from handlers.staff.figures import network_figures
from handlers.staff.weeks import Week, last_complete_week, named_week
from handlers.types import Reply
from i18n import translator
from storage import outbox
from storage.clock import iso, utcnow
from storage.db import Database
from storage.mail import digest_sent
from storage.networks import find_network, list_networks
from storage.staff import list_staff

CLAIM_FOR = timedelta(minutes=15)  # a running sender leaves a claimed digest alone this long


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    digest = subparsers.add_parser(
        "digest",
        help="het weekoverzicht van een netwerk tonen of versturen",
        description="Het weekoverzicht gaat over de laatste volledige week (maandag tot en met "
        "zondag). Op zondagavond is dat dus de week ervoor.",
    )
    digest.add_argument("--network", required=True, help="naam van het netwerk, bv. Westhoek")
    digest.add_argument(
        "--week", help="week als 49 of 2026-W49 (standaard: de laatste volledige week)"
    )
    digest.add_argument("--dry-run", action="store_true", help="alleen tonen, niets versturen")
    digest.add_argument(
        "--out", type=Path, help="met --dry-run: schrijf HTML, tekst, PNG en CSV naar deze map"
    )
    digest.set_defaults(func=run_digest)


def write_files(replies: list[Reply], folder: Path, config: Config, now: datetime) -> list[Path]:
    """The mail's HTML and text bodies, its picture and its files, as files in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    message, _ = render_mail(replies, MailEnvelope(to="staff@example.invalid"),
                             mail_from=config.mail_from, message_id="<dry-run@meedoen>",
                             t=translator(DIGEST_LOCALE), now=now)  # fmt: skip
    written = []
    names: dict[str, str] = {}
    for reply in replies:
        for attachment in (reply.image, reply.document):
            if attachment is not None:
                path = folder / Path(attachment.filename).name
                path.write_bytes(attachment.content)
                written.append(path)
    for part in message.walk():
        if part.get_content_type() == "image/png" and part["Content-ID"]:
            cid = str(part["Content-ID"]).strip("<>")
            names[cid] = next((p.name for p in written if p.suffix == ".png"), "")
    body = message.get_body(preferencelist=("html",))
    if body is not None:
        page = body.get_content()
        for cid, name in names.items():
            page = page.replace(f"cid:{cid}", name)  # the picture next to it, for a browser
        written.append(folder / "digest.html")
        written[-1].write_text(page, encoding="utf-8")
    text = message.get_body(preferencelist=("plain",))
    if text is not None:
        written.append(folder / "digest.txt")
        written[-1].write_text(text.get_content(), encoding="utf-8")
    return written


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
    folder: Path | None = None,
    out: TextIO = sys.stdout,
    clock: Callable[[], datetime] = utcnow,
    config: Config | None = None,
) -> tuple[int, str]:
    config = config or handler_config(settings)
    now = clock()
    if folder is not None and not dry_run:
        return 2, "--out werkt alleen samen met --dry-run"
    try:
        today = now.astimezone(config.tz).date()
        week: Week = (
            named_week(week_text, config, today) if week_text else last_complete_week(now, config)
        )
    except ValueError:
        return 2, f"onbekende week {week_text!r}; schrijf bv. 49 of 2026-W49"
    db = await open_store(settings)
    try:
        async with db.transaction() as tx:
            network = await find_network(tx, network_name)
            if network is None:
                names = ", ".join(n.name for n in await list_networks(tx))
                return 2, f"onbekend netwerk {network_name!r}; gekend: {names}"
            staff = await list_staff(tx, network.id)
            sent_at = await digest_sent(tx, network.id, week.label)
            if dry_run:
                figures = await network_figures(tx, config, network, week)
        if dry_run:
            replies = digest_replies(figures, config)
            out.write(as_text(replies) + "\n")
            to = ", ".join(a.email for a in staff) or "niemand (voeg medewerkers toe: staff add)"
            state = f"al verstuurd op {sent_at:%Y-%m-%d %H:%M}" if sent_at else "nog niet verstuurd"
            note = f"proef: {network.name} {week.label} zou gaan naar {to}; {state}"
            if folder is not None:
                written = write_files(replies, folder, config, now)
                note += f"; {len(written)} bestanden in {folder}"
            return 0, note
        if not staff:
            return 2, (f"{network.name} heeft geen medewerkers; voeg er een toe met: "
                       f"staff add --email … --network …")  # fmt: skip
        if not settings.smtp_host:
            return 2, "SMTP_HOST is niet ingesteld; gebruik --dry-run om het overzicht te tonen"
        [run] = await send_weekly_digests(db, config, week, now=now, networks=[network.name])
        channel = EmailChannel(settings, db, config, clock=clock)
        sent, failed = await deliver_claimed(db, channel, network.id, week.label, now)
    finally:
        await db.close()
    if run.already_sent and not sent and not failed:
        when = f" op {sent_at:%Y-%m-%d}" if sent_at else ""
        return 0, f"{network.name} {week.label}: al verstuurd{when}; niets te doen"
    summary = f"{network.name} {week.label}: verstuurd naar {sent} medewerker(s)"
    if failed:
        return 1, summary + f", {failed} mislukt (de assistent probeert later opnieuw)"
    return 0, summary


def run_digest(args: argparse.Namespace, settings: Settings) -> int:
    code, text = asyncio.run(
        digest(settings, args.network, args.week, args.dry_run, folder=args.out)
    )
    print(text, file=sys.stdout if code == 0 else sys.stderr)
    return code
