"""`python -m bot proof verify CODE` and `python -m bot proof export --person ID [--out FILE]`."""

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
    proof = subparsers.add_parser("proof", help="verify or export a proof of participation")
    commands = proof.add_subparsers(dest="proof_command", metavar="ACTION", required=True)
    verify = commands.add_parser("verify", help="check a proof's verification code")
    verify.add_argument("code", help="the code printed on the proof, e.g. MDN-7K4Q-2XPA")
    verify.set_defaults(func=run_verify)
    export = commands.add_parser("export", help="write a proof PDF for a person (staff)")
    export.add_argument("--person", type=int, required=True, help="the person's id")
    export.add_argument("--name", help="the name on the proof (default: the name they gave)")
    export.add_argument("--out", type=Path, help="the PDF file to write")
    export.set_defaults(func=run_export)


def _h(minutes: int | None) -> str:
    return f"{hours_of(minutes or 0)} h"


async def verify(settings: Settings, code: str) -> tuple[int, str]:
    async with Database(settings.database_path) as db, db.transaction() as tx:
        result = await verify_proof(tx, code)
    if result.verdict is Verdict.UNKNOWN or result.proof is None:
        return 1, f"UNKNOWN: no proof with code {result.code} (never issued, or deleted)."
    proof = result.proof
    issued = proof.created_at.astimezone(settings.tz).strftime("%Y-%m-%d %H:%M")
    summary = (
        f"{proof.code} for {proof.person_name!r} (person {proof.person_id}), issued {issued}: "
        f"{_h(proof.confirmed_minutes)} confirmed, {_h(proof.self_declared_minutes)} "
        f"self-declared, {proof.entry_count} entries"
    )
    if result.verdict is Verdict.VALID:
        return 0, f"VALID: {summary}."
    return 1, (
        f"CHANGED: {summary}; the store now has {_h(result.confirmed_minutes_now)} confirmed, "
        f"{_h(result.self_declared_minutes_now)} self-declared, {result.entry_count_now} "
        "entries for that proof. Do not accept this proof."
    )


async def export(
    settings: Settings, person_id: int, name: str | None, out: Path | None
) -> tuple[int, str]:
    now = utcnow()
    async with Database(settings.database_path) as db, db.transaction() as tx:
        person = await get_person(tx, person_id)
        if person is None:
            return 1, f"no person with id {person_id}"
        if person.role != "newcomer":
            return 1, f"person {person_id} is a {person.role or 'person without a role'}"
        shown = (name or person.display_name or f"#{person_id}").strip()[:80]
        pdf, proof = await build_proof(tx, handler_config(settings), now, person, shown)
    path = out or Path(f"bewijs-van-deelname-{person_id}-{now:%Y%m%d}.pdf")
    path.write_bytes(pdf)
    return 0, f"wrote {path} ({len(pdf)} bytes), verification code {proof.code}"


def run_verify(args: argparse.Namespace, settings: Settings) -> int:
    code, message = asyncio.run(verify(settings, args.code))
    print(message, file=sys.stdout if code == 0 else sys.stderr)
    return code


def run_export(args: argparse.Namespace, settings: Settings) -> int:
    code, message = asyncio.run(export(settings, args.person, args.name, args.out))
    print(message, file=sys.stdout if code == 0 else sys.stderr)
    return code
