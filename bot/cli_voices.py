"""Voice notes from the command line.

`python -m bot voices recorder add --telegram-id … --locale ti`, `voices recorder remove
--telegram-id …`, `voices status` (per language: messages recorded, stale, synthetic, none).
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from bot.app import open_store
from bot.settings import Settings
from handlers.voice.messages import RECORDABLE, text_hash, translation
from handlers.voice.render import Voices
from i18n import BY_CODE, LOCALES
from storage.clock import utcnow
from storage.people import create_person, find_by_identity
from storage.voices import add_recorder, list_recorders, recorded_hashes, remove_recorder


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    voices = subparsers.add_parser("voices", help="voice notes: recorders and coverage")
    commands = voices.add_subparsers(dest="voices_command", metavar="ACTION", required=True)
    recorder = commands.add_parser("recorder", help="add or remove a recorder")
    actions = recorder.add_subparsers(dest="recorder_command", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="let a Telegram user record one language")
    add.add_argument("--telegram-id", required=True, help="their numeric Telegram id")
    add.add_argument("--locale", required=True, choices=LOCALES, help="the language they record")
    add.set_defaults(func=run_add)
    remove = actions.add_parser("remove", help="stop a recorder (their recordings stay)")
    remove.add_argument("--telegram-id", required=True)
    remove.set_defaults(func=run_remove)
    status = commands.add_parser("status", help="per language: recorded, synthetic, nothing")
    status.set_defaults(func=run_status)


async def add(settings: Settings, telegram_id: str, locale: str) -> tuple[int, str]:
    if not telegram_id.lstrip("-").isdigit():
        return 2, f"a Telegram id is a number, not {telegram_id!r}"
    db = await open_store(settings)
    try:
        async with db.transaction() as tx:
            person = await find_by_identity(tx, "telegram", telegram_id)
            if person is None:
                person = await create_person(tx, "telegram", telegram_id, locale, utcnow())
            await add_recorder(tx, person.id, locale, utcnow())
    finally:
        await db.close()
    return 0, f"recorder {telegram_id} → {locale}; they type /record in Telegram"


async def remove(settings: Settings, telegram_id: str) -> tuple[int, str]:
    db = await open_store(settings)
    try:
        async with db.transaction() as tx:
            person = await find_by_identity(tx, "telegram", telegram_id)
            removed = person is not None and await remove_recorder(tx, person.id)
    finally:
        await db.close()
    return (0, f"removed recorder {telegram_id}") if removed else (1, f"no recorder {telegram_id}")


async def status(settings: Settings) -> tuple[int, str]:
    db = await open_store(settings)
    try:
        async with db.transaction() as tx:
            done = await recorded_hashes(tx)
            recorders = await list_recorders(tx)
    finally:
        await db.close()
    voices = Voices.configured(settings.piper_voices_dir, None)
    lines = [
        f"{len(RECORDABLE)} fixed messages carry 🔊; messages with values (offer cards, "
        "progress, reminders) are synthesised when an engine speaks the language.",
        f"{'language':<10}{'recorded':>9}{'stale':>7}{'synthetic':>10}{'nothing':>9}"
        "  engine     recorders",
    ]
    for locale in LOCALES:
        recorded = stale = 0
        for key in RECORDABLE:
            made = done.get((locale, key))
            if made == text_hash(translation(locale, key)):
                recorded += 1
            elif made is not None:
                stale += 1
        engine = next((e.name for e in voices.chain if e.voice_for(locale) is not None), None)
        rest = len(RECORDABLE) - recorded
        synthetic, nothing = (rest, 0) if engine else (0, rest)
        people = sum(1 for r in recorders if r.locale == locale)
        lines.append(
            f"{locale:<10}{recorded:>9}{stale:>7}{synthetic:>10}{nothing:>9}"
            f"  {engine or '-':<10} {people:<9}  {BY_CODE[locale].native_name}"
        )
    return 0, "\n".join(lines)


def _report(result: tuple[int, str]) -> int:
    code, text = result
    print(text, file=sys.stdout if code == 0 else sys.stderr)
    return code


def run_add(args: argparse.Namespace, settings: Settings) -> int:
    return _report(asyncio.run(add(settings, args.telegram_id, args.locale)))


def run_remove(args: argparse.Namespace, settings: Settings) -> int:
    return _report(asyncio.run(remove(settings, args.telegram_id)))


def run_status(_args: argparse.Namespace, settings: Settings) -> int:
    return _report(asyncio.run(status(settings)))
