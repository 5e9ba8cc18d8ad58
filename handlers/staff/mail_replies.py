"""Staff act by replying to the digest mail: one line per code, e.g. `G12 ok`, `G13 nee`,
`G14 1,5` (settle a disputed entry) or `P34` (nudge a quiet newcomer).

Each staff member's digest carries their own reply token (`storage.mail`, purpose
`staff_digest`, bound to their address and staff account, valid 14 days, not single-use so
one can answer in several mails). The token is what we trust, never the From header; the
network is the staff account's. Quoted lines are not read (the channel strips history, and a
command must be a whole line of its own). Hook: `handlers.mail_commands.receive` hands a
token reply to `answer_staff_mail` first; None means the token is not a digest token.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from handlers.hours.rules import check_minutes, parse_duration
from handlers.mail_envelope import MailEnvelope
from handlers.staff.nudges import send_nudge
from handlers.staff.settle import outcome_line, settle
from handlers.types import Reply
from i18n import Translator, translator
from storage import mail as mail_store
from storage.db import Tx
from storage.staff import StaffAccount, list_staff
from storage.staff_actions import Outcome, token_person

STAFF_DIGEST = "staff_digest"
TOKEN_DAYS = 14
MAX_LINES = 50
_LINE = re.compile(r"^\s*([GP])\s*(\d{1,12})\s*[:=-]?\s*(.*?)\s*$", re.IGNORECASE)
YES = frozenset({"ok", "oké", "oke", "ja", "yes", "goed"})
NO = frozenset({"nee", "neen", "no", "niet"})


@dataclass(frozen=True)
class StaffLine:
    """One command line: settle entry `target` (G) or nudge person `target` (P)."""

    code: str  # "G12", "P34"
    outcome: Outcome | None = None  # for G lines; None with `bad` set when unreadable
    minutes: int | None = None
    bad: bool = False


def parse_lines(text: str) -> list[StaffLine]:
    """The command lines of a reply, in order; other lines are ignored. Pure."""
    found: list[StaffLine] = []
    for raw in text.splitlines()[:MAX_LINES]:
        if raw.lstrip().startswith(">"):
            continue
        match = _LINE.match(raw)
        if match is None:
            continue
        letter, number, word = match.group(1).upper(), match.group(2), match.group(3).casefold()
        code = f"{letter}{int(number)}"
        if letter == "P":
            found.append(StaffLine(code))
        elif word in YES:
            found.append(StaffLine(code, "accepted"))
        elif word in NO:
            found.append(StaffLine(code, "rejected"))
        else:
            minutes = parse_duration(word) if word else None
            if minutes is None or check_minutes(minutes) is not None:
                found.append(StaffLine(code, bad=True))
            else:
                found.append(StaffLine(code, "corrected", minutes))
    return found


def digest_address(email: str, token: str) -> str:
    """The outbox address of a digest mail with its reply token."""
    return MailEnvelope(to=email, token=token).address()


def how_to(t: Translator) -> str:
    return t._(
        "✉️ Answer by mail: reply with one line per code. G12 ok = the hours count, "
        "G12 nee = they do not count, G12 1,5 = other hours, P34 = send a nudge."
    )


async def digest_token(tx: Tx, account: StaffAccount, now: datetime) -> str:
    """A reply token for this staff member's digest mail."""
    person_id = await token_person(tx, account.id, now)
    return await mail_store.create_token(
        tx, person_id=person_id, purpose=STAFF_DIGEST, subject_id=account.id,
        address=account.email, now=now, valid_for=timedelta(days=TOKEN_DAYS),
    )  # fmt: skip


async def answer_staff_mail(
    tx: Tx, now: datetime, token: str, sender: str, text: str
) -> tuple[str, list[Reply], int | None] | None:
    """Act on a reply to a digest: (outcome for the log, the answer, the person it goes to);
    None when `token` is not a live digest token."""
    found = await mail_store.find_token(tx, token, STAFF_DIGEST, now)
    if found is None:
        return None
    t = translator("nl")
    account = next((a for a in await list_staff(tx) if a.id == found.subject_id), None)
    if account is None or account.email != found.address.lower():
        return "staff: account gone", [Reply(text=t._("🚫 This is not available for you."))], None
    if sender.strip().lower() != account.email:
        text_ = t._("🔒 Please answer from the address we wrote to.")
        return "staff: other sender", [Reply(text=text_)], None
    lines = parse_lines(text)
    if not lines:
        return "staff: no codes", [Reply(text=how_to(t))], found.person_id
    answers = [await _act(tx, now, account, line, t) for line in lines]
    done = sum(ok for ok, _ in answers)
    return (f"staff: {done}/{len(lines)} done", [Reply(text="\n".join(a for _, a in answers))],
            found.person_id)  # fmt: skip


async def _act(
    tx: Tx, now: datetime, account: StaffAccount, line: StaffLine, t: Translator
) -> tuple[bool, str]:
    target = int(line.code[1:])
    if line.bad:
        return False, t._("🤔 {code}: write ok, nee or the hours, like 1,5.", code=line.code)
    if line.code.startswith("G"):
        assert line.outcome is not None
        settled = await settle(tx, now, account, target, line.outcome, line.minutes)
        if settled is None:
            return False, t._("⌛ {code}: not found, or settled already.", code=line.code)
        return True, f"{line.code}: {outcome_line(t, line.outcome, settled.minutes)}"
    person, last = await send_nudge(tx, account, target, now, now.date())
    if person is None:
        return False, t._("⌛ {code}: not found, or settled already.", code=line.code)
    name = person.display_name or "?"
    if last is not None:
        return False, f"{line.code}: " + t._(
            "⏳ {name} had a nudge on {day}. One a week is enough.", name=name,
            day=t.short_date(last.date()))  # fmt: skip
    return True, f"{line.code}: " + t._("📨 Nudge sent to {name}.", name=name)
