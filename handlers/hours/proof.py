"""/proof: the "Bewijs van deelname" PDF for the counsellor, and its verification code.

Each proof issued is stored with a random code and a hash of the entries it shows (see
`storage.hours.proof_snapshot`). `verify_proof` recomputes that hash from the store: a proof
whose hours were changed afterwards, or a code never issued, is rejected.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel

from handlers.context import Config, Context
from handlers.hours.proof_document import ProofDocument, ProofEntry
from handlers.hours.proof_pdf import render_proof_pdf
from handlers.hours.rules import BUDDY_ACTIVITIES
from handlers.registry import N_, Feature, Input
from handlers.render_pool import in_worker
from handlers.types import Attachment, Button, Reply
from i18n import translator
from storage.db import Tx
from storage.hours import (
    HourEntry,
    Proof,
    get_proof,
    proof_entries,
    proof_snapshot,
    record_proof,
    totals,
)
from storage.networks import get_network
from storage.people import Person

feature = Feature("handlers.hours.proof")

CODE_PREFIX = "MDN"
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base 32: no I, L, O, U
CODE_GROUPS = 2
CODE_GROUP_LENGTH = 4
MAX_NAME = 80

KIND_LABELS_NL: dict[str, str] = {
    "buddy": "Buddywerking",
    "volunteering": "Vrijwilligerswerk",
    "placement": "Korte stage",
    "language": "Taaloefening",
    "sport": "Sport",
    "culture": "Cultuur",
    "youth": "Jeugd",
    "nature": "Natuur",
    "care": "Zorg en ouderen",
    "neighbourhood": "Buurt",
    "cooking": "Koken",
    "crafts": "Herstellen en knutselen",
    "library": "Bibliotheek en lezen",
    "music": "Muziek",
    "other": "Andere",
}


# --- codes ---------------------------------------------------------------------------------
def new_code() -> str:
    groups = [
        "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_GROUP_LENGTH))
        for _ in range(CODE_GROUPS)
    ]
    return "-".join([CODE_PREFIX, *groups])


def normalise_code(text: str) -> str | None:
    """'mdn 7k4q 2xpa', 'MDN-7K4Q-2XPA' or '7K4Q2XPA' → 'MDN-7K4Q-2XPA' (O→0, I/L→1)."""
    raw = "".join(ch for ch in text.upper() if ch.isalnum())
    raw = raw.removeprefix(CODE_PREFIX)
    raw = raw.translate(str.maketrans("OIL", "011"))
    if len(raw) != CODE_GROUPS * CODE_GROUP_LENGTH or any(c not in CODE_ALPHABET for c in raw):
        return None
    groups = [raw[i : i + CODE_GROUP_LENGTH] for i in range(0, len(raw), CODE_GROUP_LENGTH)]
    return "-".join([CODE_PREFIX, *groups])


# --- the document --------------------------------------------------------------------------
def _proof_entry(entry: HourEntry, buddy: str | None) -> ProofEntry:
    if entry.source == "offer":
        activity = entry.activity_label or KIND_LABELS_NL.get(entry.kind, "Activiteit")
    elif entry.source == "buddy":
        what = BUDDY_ACTIVITIES.get(entry.activity_icon or "")
        activity = "Buddy-ontmoeting" + (f": {what[2]}" if what else "")
    else:
        activity = "Zelf aangegeven: " + KIND_LABELS_NL.get(entry.kind, "Andere").lower()
    return ProofEntry(
        day=entry.day,
        activity=activity,
        provider=entry.provider_name if entry.source == "offer" else buddy,
        kind=entry.kind if entry.kind in KIND_LABELS_NL else "other",
        hours=entry.minutes / 60,
        confirmed_by=entry.confirmed_by_name,
        confirmed_at=entry.confirmed_at,
    )


async def build_proof(
    tx: Tx, config: Config, now: datetime, person: Person, name: str
) -> tuple[bytes, Proof]:
    """Issue a proof for `person` under `name` and render its PDF (for the CLI)."""
    document, proof = await issue_proof(tx, config, now, person, name)
    return await render_proof(document), proof


async def render_proof(document: ProofDocument) -> bytes:
    # Seconds of pure CPU for a long list of hours: in the worker process, so the bot keeps
    # answering, and after the commit, so nobody waits for the write lock meanwhile.
    return await in_worker(render_proof_pdf, document)


async def issue_proof(
    tx: Tx, config: Config, now: datetime, person: Person, name: str
) -> tuple[ProofDocument, Proof]:
    """Store a proof's code and snapshot; return what to render (after the commit)."""
    code = new_code()
    while await get_proof(tx, code) is not None:  # pragma: no cover - 2^40 codes
        code = new_code()
    proof = await record_proof(tx, code, person.id, name, now)
    shown = await proof_entries(tx, person.id, now)
    t = translator(person.locale)
    network = await get_network(tx, person.network_id) if person.network_id else None
    document = ProofDocument(
        person_name=name,
        header_line=t._("This is the proof of your hours for your counsellor, in Dutch."),
        header_rtl=t.rtl,
        entries=[_proof_entry(e, b) for e, b in shown if e.status == "confirmed"],
        self_declared=[_proof_entry(e, b) for e, b in shown if e.status == "self_declared"],
        self_declared_counts=config.self_declared_counts,
        kind_labels_nl=KIND_LABELS_NL,
        target_hours=config.target_hours,
        generated_at=now,
        verification_code=proof.code,
        network_name=network.name if network else None,
        verify_mail=config.mail_from if "@" in config.mail_from else None,
        verify_bot=config.bot_username,
    )
    return document, proof


class Verdict(StrEnum):
    VALID = "valid"
    CHANGED = "changed"
    UNKNOWN = "unknown"


class Verification(BaseModel):
    verdict: Verdict
    code: str
    proof: Proof | None = None
    confirmed_minutes_now: int | None = None  # of the entries the proof showed, as stored now
    self_declared_minutes_now: int | None = None
    entry_count_now: int | None = None


async def verify_proof(tx: Tx, text: str) -> Verification:
    code = normalise_code(text)
    proof = await get_proof(tx, code) if code else None
    if proof is None:
        return Verification(verdict=Verdict.UNKNOWN, code=code or text.strip()[:40])
    snapshot, confirmed, declared, count = await proof_snapshot(
        tx, proof.person_id, proof.created_at
    )
    same = (
        snapshot == proof.snapshot_hash
        and confirmed == proof.confirmed_minutes
        and declared == proof.self_declared_minutes
    )
    return Verification(
        verdict=Verdict.VALID if same else Verdict.CHANGED,
        code=proof.code,
        proof=proof,
        confirmed_minutes_now=confirmed,
        self_declared_minutes_now=declared,
        entry_count_now=count,
    )


# --- /proof --------------------------------------------------------------------------------
async def start_proof(ctx: Context) -> list[Reply]:
    ctx.finish()
    result = await totals(ctx.tx, ctx.person.id)
    if not (result.confirmed_minutes or result.self_declared_minutes):
        return [
            Reply(
                text=ctx._("📄 You have no confirmed hours yet. When your hours are confirmed, "
                           "you get your proof here.")
            )
        ]  # fmt: skip
    ctx.state.flow = "proof"
    return await ctx.goto("pn")


async def _name_prompt(ctx: Context) -> list[Reply]:
    buttons = []
    if ctx.person.display_name:
        buttons.append([Button(label=f"👤 {ctx.person.display_name}", data="pn:me")])
    text = ctx._("✏️ Which name goes on the proof? Type your full name, as on your papers.")
    return [Reply(text=text, buttons=buttons)]


@feature.step("pn", _name_prompt, reads_text=True)
async def name_answer(ctx: Context, given: Input) -> list[Reply]:
    if given.pressed:
        if given.args != ("me",) or not ctx.person.display_name:
            return await ctx.reprompt()
        name = ctx.person.display_name
    else:
        name = " ".join((given.text or "").split())
    if not name or len(name) > MAX_NAME or not any(ch.isalpha() for ch in name):
        text = ctx._("✏️ Please type your full name, for example: Amal Haddad.")
        return [Reply(text=text), *await ctx.reprompt()]
    ctx.finish()
    content, proof = await issue_proof(ctx.tx, ctx.config, ctx.now, ctx.person, name)
    text = ctx._("📄 Your proof for your counsellor. Code: {code}", code=proof.code)
    document = Attachment(
        filename=f"bewijs-van-deelname-{ctx.today:%Y%m%d}.pdf", content=b"", mime="application/pdf"
    )

    async def render() -> None:
        document.content = await render_proof(content)

    ctx.after_commit.append(render)
    return [Reply(text=text, document=document)]


@feature.command("proof", N_("Get the proof of your hours"), roles={"newcomer"})
async def proof_command(ctx: Context, _args: str) -> list[Reply]:
    return await start_proof(ctx)


@feature.menu_item("proof", N_("📄 Proof"), order=40, roles={"newcomer"})
async def proof_menu(ctx: Context) -> list[Reply]:
    return await start_proof(ctx)
