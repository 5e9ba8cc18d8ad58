"""Settling a dispute, the same from Telegram (/disputes) and from a reply to the digest mail.

The staff member's network comes from their staff account; an entry of another network, an
entry that is not disputed, or one settled meanwhile is simply not found. Whoever logged the
hours, the newcomer and the confirmer are each told the outcome in their own language.
"""

from __future__ import annotations

from datetime import datetime

from handlers.context import notify_person
from handlers.hours.rules import check_minutes, entry_line, hours_text
from handlers.types import Reply
from i18n import Translator
from storage.db import Tx
from storage.hours import HourEntry, get_entry
from storage.staff import StaffAccount
from storage.staff_actions import Outcome, disputed_entry, settle_dispute


def outcome_line(t: Translator, outcome: str, minutes: int) -> str:
    if outcome == "accepted":
        return t._("✅ The hours count.")
    if outcome == "rejected":
        return t._("❌ The hours do not count.")
    return t._("✏️ Changed: {hours} count.", hours=hours_text(t, minutes))


async def settle(
    tx: Tx,
    now: datetime,
    account: StaffAccount,
    entry_id: int,
    outcome: Outcome,
    minutes: int | None = None,
) -> HourEntry | None:
    """Settle one disputed entry of the account's network; None when there is none to settle.

    `minutes` is needed for "corrected" and must be a valid entry length.
    """
    entry = await disputed_entry(tx, entry_id, account.network_id)
    if entry is None:
        return None
    if outcome == "corrected":
        if minutes is None or check_minutes(minutes) is not None:
            return None
    else:
        minutes = entry.minutes
    if not await settle_dispute(tx, entry, outcome, minutes, account.email,
                                account.network_name, now):  # fmt: skip
        return None
    settled = await get_entry(tx, entry.id)
    assert settled is not None

    def build(t: Translator) -> list[Reply]:
        lines = [
            t._("⚖️ The staff of {network} looked at these hours:", network=account.network_name),
            entry_line(t, entry),
            outcome_line(t, outcome, settled.minutes),
        ]
        return [Reply(text="\n".join(lines))]

    told = {entry.person_id, entry.confirmer_person_id, entry.logged_by_person_id} - {None}
    for person_id in sorted(p for p in told if p is not None):
        await notify_person(tx, now, person_id, build, key=f"settled:{entry.id}:{person_id}",
                            purpose="dispute_settled")  # fmt: skip
    return settled
