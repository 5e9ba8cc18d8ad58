"""A counsellor checks a proof in their own tools: `/verify CODE` in Telegram, or the code in
a mail to Meedoen's address (answered in Dutch). A changed or invented code is refused; each
asker has a daily number of look-ups, so codes cannot be guessed."""

from __future__ import annotations

import re
from datetime import datetime

from handlers.context import Context
from handlers.hours.proof import KIND_LABELS_NL, Verdict, normalise_code, verify_proof
from handlers.hours.rules import hours_text
from handlers.registry import N_, Feature
from handlers.types import Reply
from i18n import Translator
from storage.db import Tx
from storage.networks import get_network
from storage.people import get_person
from storage.proof_records import confirmed_by_kind, count_guess, get_record

feature = Feature("handlers.hours.proof_verify")

LOOKUPS_PER_DAY = 10
LOOKUPS_PER_DAY_IN_ALL = 1000
_CODE = re.compile(r"\bMDN[\s-]?[0-9A-Z]{4}[\s-]?[0-9A-Z]{4}\b", re.IGNORECASE)


def looks_like_code(text: str) -> bool:
    return _CODE.search(text) is not None


def _kinds(t: Translator, by_kind: dict[str, int]) -> str:
    """Per kind, with the Dutch name the proof uses (the counsellor reads the PDF in Dutch)."""
    lines = [f"• {KIND_LABELS_NL.get(k, k)}: {hours_text(t, n)}" for k, n in by_kind.items()]
    return "\n".join(lines)


async def verification_replies(
    tx: Tx, t: Translator, asker: str, text: str, now: datetime
) -> list[Reply]:
    """The verdict on the code in `text`, in `t`'s language; counts one look-up for `asker`."""
    found = _CODE.search(text)
    code = normalise_code(found.group(0) if found else text)
    if code is None:
        return [Reply(text=t._("🔎 Send the code on the proof, e.g. /verify MDN-7K4Q-2XPA."))]
    if not await count_guess(tx, asker, now, LOOKUPS_PER_DAY) or not await count_guess(
        tx, "everyone", now, LOOKUPS_PER_DAY_IN_ALL
    ):  # a forger may write from any address: a cap for all askers together, too
        return [Reply(text=t._("⏳ Too many codes today. Please try again tomorrow."))]
    result = await verify_proof(tx, code)
    if result.verdict is Verdict.VALID and result.proof is not None:
        proof = result.proof
        person = await get_person(tx, proof.person_id)
        network = await get_network(tx, person.network_id) if person and person.network_id else None
        by_kind = await confirmed_by_kind(tx, proof.person_id, proof.created_at)
        text = t._(
            "✅ Valid proof {code}.\nName: {name}\nNetwork: {network}\nIssued: {date}\n"
            "Confirmed hours: {hours}",
            code=proof.code,
            name=proof.person_name,
            network=network.name if network else "—",
            date=proof.created_at.date().isoformat(),
            hours=hours_text(t, proof.confirmed_minutes),
        )
        return [Reply(text=text + "\n" + _kinds(t, by_kind))]
    if result.verdict is Verdict.CHANGED:
        return [Reply(text=t._("❌ Proof {code} was changed after it was made. "
                               "Do not accept it.", code=code))]  # fmt: skip
    record = await get_record(tx, code)
    if record is not None:
        network = await get_network(tx, record.network_id) if record.network_id else None
        text = t._(
            "✅ Valid proof {code}. The person's data was deleted, so no name.\n"
            "Network: {network}\nIssued: {date}\nConfirmed hours: {hours}",
            code=record.code,
            network=network.name if network else "—",
            date=record.issued_at.date().isoformat(),
            hours=hours_text(t, record.confirmed_minutes),
        )
        return [Reply(text=text + "\n" + _kinds(t, record.by_kind))]
    return [Reply(text=t._("❌ No proof has code {code}. Do not accept it.", code=code))]


@feature.command("verify", N_("Check a proof code"), needs_onboarding=False)
async def verify_command(ctx: Context, args: str) -> list[Reply]:
    asker = f"{ctx.turn.channel}:{ctx.person.id}"
    return await verification_replies(ctx.tx, ctx.t, asker, args, ctx.now)
