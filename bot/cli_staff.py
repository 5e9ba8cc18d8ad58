"""Staff accounts from the command line.

`python -m bot staff add --email … --network … [--telegram-id …]`, `staff list [--network …]`,
`staff remove --email …`. Help and messages are Dutch text for the networks' staff (see
`bot.cli_digest`); option names stay English.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from bot.app import open_store
from bot.settings import Settings
from storage.clock import utcnow
from storage.networks import find_network, list_networks
from storage.staff import StaffError, add_staff, list_staff, remove_staff


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    staff = subparsers.add_parser("staff", help="medewerkers van de netwerken beheren")
    commands = staff.add_subparsers(dest="staff_command", metavar="ACTION", required=True)
    add = commands.add_parser("add", help="een medewerker toevoegen aan een netwerk (of verhuizen)")
    add.add_argument("--email", required=True, help="waar het weekoverzicht naartoe gaat")
    add.add_argument("--network", required=True, help="naam van het netwerk, bv. Westhoek")
    add.add_argument(
        "--telegram-id", help="hun Telegram-id (een getal), voor /digest, /disputes en /atrisk"
    )
    add.set_defaults(func=run_add)
    show = commands.add_parser("list", help="medewerkers tonen")
    show.add_argument("--network", help="alleen dit netwerk")
    show.set_defaults(func=run_list)
    remove = commands.add_parser("remove", help="een medewerker verwijderen")
    remove.add_argument("--email", required=True, help="het e-mailadres van de medewerker")
    remove.set_defaults(func=run_remove)


async def add(settings: Settings, email: str, network_name: str, telegram_id: str | None
              ) -> tuple[int, str]:  # fmt: skip
    db = await open_store(settings)
    try:
        async with db.transaction() as tx:
            network = await find_network(tx, network_name)
            if network is None:
                names = ", ".join(n.name for n in await list_networks(tx))
                return 2, f"onbekend netwerk {network_name!r}; gekend: {names}"
            try:
                account = await add_staff(
                    tx, email=email, network_id=network.id, now=utcnow(), telegram_id=telegram_id
                )
            except StaffError as exc:
                return 2, str(exc)
    finally:
        await db.close()
    telegram = f", Telegram {account.telegram_id}" if account.telegram_id else ""
    return 0, f"staff {account.email} → {account.network_name}{telegram}"


async def show(settings: Settings, network_name: str | None) -> tuple[int, str]:
    db = await open_store(settings)
    try:
        async with db.transaction() as tx:
            network_id = None
            if network_name:
                network = await find_network(tx, network_name)
                if network is None:
                    return 2, f"onbekend netwerk {network_name!r}"
                network_id = network.id
            accounts = await list_staff(tx, network_id)
    finally:
        await db.close()
    if not accounts:
        return 0, "geen medewerkers"
    lines = [
        f"{a.network_name:<24} {a.email:<40} {'telegram ' + a.telegram_id if a.telegram_id else ''}"
        .rstrip()
        for a in accounts
    ]  # fmt: skip
    return 0, "\n".join(lines)


async def remove(settings: Settings, email: str) -> tuple[int, str]:
    db = await open_store(settings)
    try:
        async with db.transaction() as tx:
            removed = await remove_staff(tx, email)
    finally:
        await db.close()
    return (0, f"{email} verwijderd") if removed else (1, f"geen medewerker {email!r}")


def _report(result: tuple[int, str]) -> int:
    code, text = result
    print(text, file=sys.stdout if code == 0 else sys.stderr)
    return code


def run_add(args: argparse.Namespace, settings: Settings) -> int:
    return _report(asyncio.run(add(settings, args.email, args.network, args.telegram_id)))


def run_list(args: argparse.Namespace, settings: Settings) -> int:
    return _report(asyncio.run(show(settings, args.network)))


def run_remove(args: argparse.Namespace, settings: Settings) -> int:
    return _report(asyncio.run(remove(settings, args.email)))
