"""`python -m bot offers …`: the offer catalog for staff on the command line.

offers import FILE [--network NAME] [--format csv|jsonld] [--source S] [--partial]
offers fetch --network NAME [--dry-run]
offers list [--network NAME] [--kind KIND] [--all]
offers show ID
offers deactivate ID | offers activate ID
offers providers [--network NAME]
offers provider-link --provider ID [--bot USERNAME] [--days N]
offers unmet [--network NAME] [--days N]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable
from datetime import timedelta

from bot.app import open_store
from bot.settings import Settings
from bot.uitdatabank import SearchClient, SearchError, sync_network
from handlers.offers.catalog_import import ImportFileError, import_file
from handlers.schedule import next_sessions
from handlers.vocab import KINDS
from storage import offers as store
from storage.clock import utcnow
from storage.db import Database, Tx
from storage.networks import find_network, get_network, list_networks


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    offers = subparsers.add_parser("offers", help="import, list and manage offers")
    sub = offers.add_subparsers(dest="offers_command", metavar="ACTION", required=True)

    imp = sub.add_parser("import", help="import offers from CSV or UiTdatabank JSON-LD")
    imp.add_argument("file")
    imp.add_argument(
        "--network",
        help="network for every row (default: the CSV 'network' column, else the "
        "network of the postcode)",
    )
    imp.add_argument("--format", choices=("csv", "jsonld"), help="default: from the file")
    imp.add_argument("--source", help="default: 'csv' or 'uitdatabank'")
    imp.add_argument(
        "--partial",
        action="store_true",
        help="do not deactivate offers of this source missing from the file",
    )
    imp.set_defaults(func=_sync(import_command))

    fetch = sub.add_parser("fetch", help="sync a network's offers from the UiTdatabank Search API")
    fetch.add_argument("--network", required=True)
    fetch.add_argument(
        "--dry-run", action="store_true", help="show what would change; change nothing"
    )
    fetch.set_defaults(func=_sync(fetch_command))

    lst = sub.add_parser("list", help="list offers")
    lst.add_argument("--network")
    lst.add_argument("--kind", choices=tuple(KINDS))
    lst.add_argument("--all", action="store_true", help="include inactive offers")
    lst.set_defaults(func=_sync(list_command))

    show = sub.add_parser("show", help="show one offer")
    show.add_argument("id", type=int)
    show.set_defaults(func=_sync(show_command))

    for name, active in (("deactivate", False), ("activate", True)):
        switch = sub.add_parser(name, help=f"{name} one offer")
        switch.add_argument("id", type=int)
        switch.set_defaults(func=_sync(switch_command), active=active)

    providers = sub.add_parser("providers", help="list providers with active offers")
    providers.add_argument("--network")
    providers.set_defaults(func=_sync(providers_command))

    link = sub.add_parser("provider-link", help="a one-time Telegram link for a provider's contact")
    link.add_argument("--provider", type=int, required=True, help="provider id")
    link.add_argument("--bot", help="the bot's @username (default: asked from Telegram)")
    link.add_argument("--days", type=int, default=store.LINK_DAYS, help="valid for N days")
    link.set_defaults(func=_sync(provider_link_command))

    unmet = sub.add_parser("unmet", help="interests nothing within reach matched")
    unmet.add_argument("--network")
    unmet.add_argument("--days", type=int, default=30)
    unmet.set_defaults(func=_sync(unmet_command))


Command = Callable[[argparse.Namespace, Settings, Database], Awaitable[int]]


def _sync(command: Command) -> Callable[[argparse.Namespace, Settings], int]:
    def run(args: argparse.Namespace, settings: Settings) -> int:
        return asyncio.run(_with_db(command, args, settings))

    return run


async def _with_db(command: Command, args: argparse.Namespace, settings: Settings) -> int:
    db = await open_store(settings)
    try:
        return await command(args, settings, db)
    finally:
        await db.close()


def fail(message: str) -> int:
    print(f"meedoen offers: {message}", file=sys.stderr)
    return 2


async def _network_id(tx: Tx, name: str | None) -> int | str | None:
    """The id of a named network; an error text when unknown; None when not given."""
    if name is None:
        return None
    network = await find_network(tx, name)
    if network is None:
        known = ", ".join(n.name for n in await list_networks(tx))
        return f"unknown network {name!r} (known: {known})"
    return network.id


# --- commands ------------------------------------------------------------------------------
async def import_command(args: argparse.Namespace, _settings: Settings, db: Database) -> int:
    try:
        report = await import_file(
            db, args.file, args.network, source=args.source, full=not args.partial,
            fmt=args.format,
        )  # fmt: skip
    except ImportFileError as error:
        return fail(str(error))
    print(report.summary())
    return 0


async def fetch_command(args: argparse.Namespace, settings: Settings, db: Database) -> int:
    client = SearchClient.from_settings(settings)
    try:
        report = await sync_network(db, client, args.network, dry_run=args.dry_run)
    except (SearchError, ImportFileError) as error:
        return fail(f"{error}; nothing changed")
    print(("dry run, nothing changed: " if args.dry_run else "") + report.summary())
    return 0


async def list_command(args: argparse.Namespace, _settings: Settings, db: Database) -> int:
    async with db.transaction() as tx:
        network_id = await _network_id(tx, args.network)
        if isinstance(network_id, str):
            return fail(network_id)
        offers = await store.list_offers(
            tx, network_id=network_id, kind=args.kind, active_only=not args.all
        )
        names = {n.id: n.name for n in await list_networks(tx)}
    for o in offers:
        state = "" if o.active else f"  [inactive: {o.deactivated_by or '?'}]"
        network = names.get(o.network_id or 0, "-")
        print(
            f"{o.id:>6}  {network:<10} {o.kind:<13} {'💬' * o.dutch_level:<4} "
            f"{(o.municipality or '')[:18]:<18} {o.title_nl}{state}"
        )
    print(f"{len(offers)} offer(s)")
    return 0


async def show_command(args: argparse.Namespace, settings: Settings, db: Database) -> int:
    async with db.transaction() as tx:
        offer = await store.get_offer(tx, args.id)
        if offer is None:
            return fail(f"no offer {args.id}")
        provider = await store.get_provider(tx, offer.provider_id) if offer.provider_id else None
        network = await get_network(tx, offer.network_id) if offer.network_id else None
    sessions = next_sessions(offer, utcnow(), settings.tz, limit=3)
    contacts = (offer.contact_email, offer.contact_phone, offer.contact_url)
    places = "no limit" if offer.capacity is None else f"{offer.places_left} of {offer.capacity}"
    lines = [
        f"#{offer.id} {offer.title_nl}",
        f"  source       {offer.source} / {offer.external_id}",
        f"  network      {network.name if network else '-'}",
        f"  state        {'active' if offer.active else 'inactive'}"
        + (f" ({offer.deactivated_by})" if offer.deactivated_by else ""),
        f"  kind         {offer.kind}; interests {', '.join(offer.interests) or '-'}",
        f"  where        {offer.venue + ', ' if offer.venue else ''}{offer.address or ''}, "
        f"{offer.postcode} {offer.municipality or ''} "
        f"({offer.latitude:.5f}, {offer.longitude:.5f})",
        f"  contact      {' · '.join(filter(None, contacts)) or '-'}",
        f"  Dutch level  {offer.dutch_level}",
        f"  children     {'welcome' if offer.children_welcome else 'no'}",
        f"  cost         {offer.cost}{' (UiTPAS)' if offer.uitpas else ''}",
        f"  places       {places} ({offer.enrolled} enrolled)",
        f"  period       {offer.active_from or '…'} – {offer.active_until or '…'}",
        "  next         "
        + ("; ".join(f"{s:%a %Y-%m-%d %H:%M}-{e:%H:%M}" for s, e in sessions) or "-"),
    ]
    if provider is not None:
        linked = f"person {provider.person_id}" if provider.person_id else "not linked"
        lines.append(
            f"  provider     #{provider.id} {provider.name} · {provider.email or '-'} · "
            f"{provider.phone or '-'} · {provider.telegram or '-'} ({linked})"
        )
    if offer.description_nl:
        lines.append(f"  {offer.description_nl}")
    print("\n".join(lines))
    return 0


async def switch_command(args: argparse.Namespace, _settings: Settings, db: Database) -> int:
    async with db.transaction() as tx:
        if not await store.set_offer_active(tx, args.id, args.active, utcnow()):
            return fail(f"no offer {args.id}")
    print(f"offer {args.id} {'activated' if args.active else 'deactivated'}")
    return 0


async def providers_command(args: argparse.Namespace, _settings: Settings, db: Database) -> int:
    async with db.transaction() as tx:
        network_id = await _network_id(tx, args.network)
        if isinstance(network_id, str):
            return fail(network_id)
        providers = await store.list_providers(tx, network_id)
    for provider, count in providers:
        linked = "linked" if provider.person_id else "-"
        print(
            f"{provider.id:>5}  {provider.name[:40]:<40} {provider.email or '-':<36} "
            f"{count:>3} offer(s)  {linked}"
        )
    return 0


async def _bot_username(settings: Settings) -> str | None:
    if settings.telegram_bot_token is None:
        return None
    from telegram import Bot

    try:
        async with Bot(
            settings.telegram_bot_token.get_secret_value(), base_url=settings.telegram_api_url
        ) as bot:
            return bot.username
    except Exception as error:  # network trouble: print the code without a link
        print(f"meedoen offers: could not ask Telegram for the bot name ({error})", file=sys.stderr)
        return None


async def provider_link_command(args: argparse.Namespace, settings: Settings, db: Database) -> int:
    if not 1 <= args.days <= 90:
        return fail("--days must be 1 to 90")
    async with db.transaction() as tx:
        provider = await store.get_provider(tx, args.provider)
        if provider is None:
            return fail(f"no provider {args.provider} (see: offers providers)")
        code = await store.create_provider_link(tx, provider.id, utcnow(), days=args.days)
    username = (args.bot or "").lstrip("@") or await _bot_username(settings)
    print(f"Telegram link for {provider.name} (valid {args.days} days, once):")
    if username:
        print(f"https://t.me/{username}?start=prov-{code}")
    else:
        print(f"  open the bot and send: /start prov-{code}")
    return 0


async def unmet_command(args: argparse.Namespace, _settings: Settings, db: Database) -> int:
    if not 1 <= args.days <= 3660:
        return fail("--days must be 1 to 3660")
    async with db.transaction() as tx:
        network_id = await _network_id(tx, args.network)
        if isinstance(network_id, str):
            return fail(network_id)
        since = utcnow().date() - timedelta(days=args.days)
        rows = await store.unmet_demand(tx, network_id, since)
    for municipality, interest, count in rows:
        print(f"{count:>5}  {interest:<14} {municipality}")
    if not rows:
        print("no unmet demand recorded")
    return 0
