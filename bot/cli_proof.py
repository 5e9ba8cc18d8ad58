"""`python -m bot proof verify CODE` and `python -m bot proof export --person ID [--out FILE]`.

For staff, so in Dutch like the rest of the staff command line (option names stay English)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot.app import handler_config
from bot.settings import Settings
from handlers.hours.proof import Verdict, build_proof, verify_proof
from handlers.hours.rules import hours_of
from storage.clock import utcnow
from storage.db import Database
from storage.people import get_person


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    proof = subparsers.add_parser("proof", help="een bewijs van deelname controleren of maken")
    commands = proof.add_subparsers(dest="proof_command", metavar="ACTION", required=True)
    verify = commands.add_parser("verify", help="de controlecode van een bewijs nakijken")
    verify.add_argument("code", help="de code op het bewijs, bv. MDN-7K4Q-2XPA")
    verify.set_defaults(func=run_verify)
    export = commands.add_parser("export", help="een bewijs (PDF) maken voor een persoon")
    export.add_argument("--person", type=int, required=True, help="het nummer (id) van de persoon")
    export.add_argument("--name", help="de naam op het bewijs (standaard: de eigen naam)")
    export.add_argument("--out", type=Path, help="het PDF-bestand om te schrijven")
    export.set_defaults(func=run_export)


def _h(minutes: int | None) -> str:
    return f"{str(hours_of(minutes or 0)).replace('.', ',')} u"


async def verify(settings: Settings, code: str) -> tuple[int, str]:
    async with Database(settings.database_path) as db, db.transaction() as tx:
        result = await verify_proof(tx, code)
    if result.verdict is Verdict.UNKNOWN or result.proof is None:
        return 1, f"ONBEKEND: geen bewijs met code {result.code} (nooit gemaakt, of gewist)."
    proof = result.proof
    issued = proof.created_at.astimezone(settings.tz).strftime("%Y-%m-%d %H:%M")
    summary = (
        f"{proof.code} voor {proof.person_name!r} (persoon {proof.person_id}), gemaakt op "
        f"{issued}: {_h(proof.confirmed_minutes)} bevestigd, {_h(proof.self_declared_minutes)} "
        f"zelf genoteerd, {proof.entry_count} registraties"
    )
    if result.verdict is Verdict.VALID:
        return 0, f"GELDIG: {summary}."
    return 1, (
        f"GEWIJZIGD: {summary}; nu staan er {_h(result.confirmed_minutes_now)} bevestigd, "
        f"{_h(result.self_declared_minutes_now)} zelf genoteerd en {result.entry_count_now} "
        "registraties voor dat bewijs. Aanvaard dit bewijs niet."
    )


async def export(
    settings: Settings, person_id: int, name: str | None, out: Path | None
) -> tuple[int, str]:
    now = utcnow()
    async with Database(settings.database_path) as db, db.transaction() as tx:
        person = await get_person(tx, person_id)
        if person is None:
            return 1, f"geen persoon met nummer {person_id}"
        if person.role != "newcomer":
            return 1, f"persoon {person_id} is geen nieuwkomer ({person.role or 'geen rol'})"
        shown = (name or person.display_name or f"#{person_id}").strip()[:80]
        pdf, proof = await build_proof(tx, handler_config(settings), now, person, shown)
    path = out or Path(f"bewijs-van-deelname-{person_id}-{now:%Y%m%d}.pdf")
    path.write_bytes(pdf)
    return 0, f"{path} geschreven ({len(pdf)} bytes), controlecode {proof.code}"


def run_verify(args: argparse.Namespace, settings: Settings) -> int:
    code, message = asyncio.run(verify(settings, args.code))
    print(message, file=sys.stdout if code == 0 else sys.stderr)
    return code


def run_export(args: argparse.Namespace, settings: Settings) -> int:
    code, message = asyncio.run(export(settings, args.person, args.name, args.out))
    print(message, file=sys.stdout if code == 0 else sys.stderr)
    return code
