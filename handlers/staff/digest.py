"""Sending the weekly digest: one mail per staff member, once per network and week.

The figures are gathered in one read transaction, rendered (chart, CSV) with no transaction
open, and queued through the outbox in a short write transaction that first checks the digest
was not queued meanwhile. The Monday 08:00 tick runs inside the scheduler's transaction and
so renders inside it; it is the one exception.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from handlers.context import Config, dump_replies
from handlers.staff.digest_render import DIGEST_LOCALE, digest_replies
from handlers.staff.figures import Figures, collect, network_figures
from handlers.staff.mail_replies import digest_address, digest_token, how_to
from handlers.staff.weeks import Week, last_complete_week, named_week, parse_week, week_of
from handlers.ticks import OwnTransactions, Tick
from handlers.types import Reply
from i18n import translator
from storage import outbox
from storage.clock import utcnow
from storage.db import Database, Tx
from storage.mail import digest_sent, record_digest
from storage.networks import Network, list_networks
from storage.staff import StaffAccount, list_staff

__all__ = [
    "TICKS", "DigestRun", "Figures", "Week", "collect", "last_complete_week", "named_week",
    "network_figures", "parse_week", "queue_weekly_digests", "send_weekly_digests", "week_of",
]  # fmt: skip


@dataclass
class DigestRun:
    network: str
    week: str
    recipients: int
    already_sent: bool


async def _queue(
    tx: Tx, network: Network, week: str, replies: list[Reply], staff: list[StaffAccount],
    now: datetime,
) -> DigestRun:  # fmt: skip
    """Queue one rendered digest mail per staff member, unless it was queued before.

    Each mail carries the member's own reply token and how to answer with it
    (`handlers.staff.mail_replies`).
    """
    if await digest_sent(tx, network.id, week) is not None:
        return DigestRun(network.name, week, 0, True)
    t = translator(DIGEST_LOCALE)
    for account in staff:
        token = await digest_token(tx, account, now)
        await outbox.enqueue(
            tx,
            key=f"digest:{network.id}:{week}:{account.email}",
            person_id=account.person_id,
            channel="email",
            address=digest_address(account.email, token),
            purpose="digest",
            payload=dump_replies([*replies, Reply(text=how_to(t))]),
            now=now,
        )
    await record_digest(tx, network.id, week, len(staff), now)
    return DigestRun(network.name, week, len(staff), False)


async def _due(
    tx: Tx, week: Week, networks: list[str] | None
) -> tuple[list[DigestRun], list[Network], list[StaffAccount]]:
    """Networks with staff whose digest for `week` is not queued yet (and those that are)."""
    all_staff = await list_staff(tx)
    wanted = {name.casefold() for name in networks} if networks else None
    done: list[DigestRun] = []
    pending = []
    for network in await list_networks(tx):
        if not any(s.network_id == network.id for s in all_staff):
            continue
        if wanted is not None and network.name.casefold() not in wanted:
            continue
        if await digest_sent(tx, network.id, week.label) is not None:
            done.append(DigestRun(network.name, week.label, 0, True))
        else:
            pending.append(network)
    return done, pending, all_staff


async def queue_weekly_digests(
    tx: Tx, config: Config, week: Week, now: datetime, networks: list[str] | None = None
) -> list[DigestRun]:
    """In the caller's transaction: queue `week`'s digest for every network with staff."""
    runs, pending, all_staff = await _due(tx, week, networks)
    figures = await collect(tx, config, week, pending)
    for network in pending:
        replies = digest_replies(figures[network.id], config)
        staff = [s for s in all_staff if s.network_id == network.id]
        runs.append(await _queue(tx, network, week.label, replies, staff, now))
    return runs


async def send_weekly_digests(
    db: Database,
    config: Config,
    week: str | Week | None = None,
    *,
    now: datetime | None = None,
    networks: list[str] | None = None,
) -> list[DigestRun]:
    """Queue a week's digest for every network with staff; render outside any transaction.

    `week` defaults to the last complete week before `now`. Safe to call again: a network's
    digest for a week is queued once.
    """
    now = now or utcnow()
    if week is None:
        chosen = last_complete_week(now, config)
    elif isinstance(week, Week):
        chosen = week
    else:
        chosen = named_week(week, config, now.astimezone(config.tz).date())
    async with db.transaction() as tx:
        runs, pending, all_staff = await _due(tx, chosen, networks)
        figures = await collect(tx, config, chosen, pending)
    rendered = {n.id: digest_replies(figures[n.id], config) for n in pending}
    async with db.transaction() as tx:
        for network in pending:
            staff = [s for s in all_staff if s.network_id == network.id]
            runs.append(await _queue(tx, network, chosen.label, rendered[network.id], staff, now))
    return runs


async def weekly_digest_tick(tx: Tx, config: Config, now: datetime) -> int:
    """For a scheduler tick on Mondays at 08:00: last week's digests; returns how many mails."""
    runs = await queue_weekly_digests(tx, config, last_complete_week(now, config), now)
    return sum(run.recipients for run in runs)


async def weekly_digests(db: Database, config: Config, now: datetime) -> int:
    """The Monday tick as the scheduler runs it: no rendering while the write lock is held."""
    runs = await send_weekly_digests(db, config, now=now)
    return sum(run.recipients for run in runs)


TICKS = [
    Tick(
        "weekly-digest",
        {"day_of_week": "mon", "hour": "8", "minute": "0"},
        OwnTransactions(weekly_digests, weekly_digest_tick),
    )
]
