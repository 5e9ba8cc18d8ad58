"""What confirming and disputing tell the others: the other side of a confirmation, whoever
logged a disputed entry (asked for their side), and the staff of the newcomer's network."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from handlers.context import Config, dump_replies, notify_person
from handlers.hours.rules import entry_line
from handlers.types import Button, Reply
from i18n import Translator, translator
from storage import outbox
from storage.buddies import get_pair
from storage.db import Tx
from storage.hours import HourEntry, get_entry, set_note
from storage.people import Person, get_person
from storage.staff import list_staff

MAX_NOTE = 500
MAX_LISTED = 10


def name_of(t: Translator, person: Person | None, fallback: str | None = None) -> str:
    if person is not None and person.display_name:
        return person.display_name
    return fallback or t._("someone")


async def buddy_name_of(tx: Tx, entry: HourEntry) -> str | None:
    if entry.pair_id is None:
        return None
    pair = await get_pair(tx, entry.pair_id)
    return pair.buddy_name if pair else None


def clip_note(note: str | None) -> str | None:
    text = " ".join((note or "").split())
    return text[:MAX_NOTE] or None


async def tell_confirmed(tx: Tx, now: datetime, entries: Sequence[HourEntry],
                         confirmer_id: int) -> None:
    """One message per person on the other side, listing what was confirmed."""
    confirmer = await get_person(tx, confirmer_id)
    groups: dict[int, list[HourEntry]] = {}
    for entry in entries:
        by_newcomer = confirmer_id == entry.person_id
        recipient = entry.logged_by_person_id if by_newcomer else entry.person_id
        if recipient is not None and recipient != confirmer_id:
            groups.setdefault(recipient, []).append(entry)
    for recipient, group in groups.items():
        buddies = {e.id: await buddy_name_of(tx, e) for e in group}
        is_newcomer = recipient == group[0].person_id

        def build(t: Translator, group: list[HourEntry] = group,
                  buddies: dict[int, str | None] = buddies, is_newcomer: bool = is_newcomer
                  ) -> list[Reply]:
            fallback = group[0].provider_name
            head = t._("✅ Confirmed by {name}:", name=name_of(t, confirmer, fallback))
            lines = [entry_line(t, e, buddies[e.id] if is_newcomer else None)
                     for e in group[:MAX_LISTED]]
            return [Reply(text="\n".join([head, *lines]))]  # fmt: skip

        ids = ".".join(str(e.id) for e in group)
        await notify_person(
            tx, now, recipient, build, key=f"confirmed:{ids}", purpose="hours_confirmed"
        )


# --- disputes ------------------------------------------------------------------------------
async def ask_logger(tx: Tx, config: Config, now: datetime, entry: HourEntry) -> None:
    """Tell whoever logged the entry that it was disputed, and ask for their side."""
    logger_id = entry.logged_by_person_id
    if logger_id is None or logger_id == entry.confirmer_person_id:
        await tell_staff(tx, config, now, entry)
        return
    confirmer = await get_person(tx, entry.confirmer_person_id or 0)
    buddy = await buddy_name_of(tx, entry)
    shown_buddy = buddy if logger_id == entry.person_id else None

    def build(t: Translator) -> list[Reply]:
        lines = [
            t._("❌ {name} says this is not right:",
                name=name_of(t, confirmer, entry.confirmed_by_name)),
            entry_line(t, entry, shown_buddy),
        ]  # fmt: skip
        if entry.confirmer_note:
            lines.append(t._("💬 “{words}”", words=entry.confirmer_note))
        lines.append(t._("✍️ What happened? Tell your side, or remove the entry."))
        buttons = [
            [
                Button(label=t._("✍️ Tell my side"), data=f"hw:s:{entry.id}"),
                Button(label=t._("🗑️ Remove it"), data=f"hw:r:{entry.id}"),
            ]
        ]
        return [Reply(text="\n".join(lines), buttons=buttons)]

    await notify_person(tx, now, logger_id, build, key=f"dispute:{entry.id}:ask", purpose="dispute")


async def tell_staff(tx: Tx, config: Config, now: datetime, entry: HourEntry) -> int:
    """Put a dispute in front of the staff of the newcomer's network, with both sides' words.

    Returns how many staff accounts were told. Disputes also stay listed by
    `storage.hours.open_disputes` for the digest.
    """
    newcomer = await get_person(tx, entry.person_id)
    if newcomer is None or newcomer.network_id is None:
        return 0
    confirmer = await get_person(tx, entry.confirmer_person_id or 0)
    logger = await get_person(tx, entry.logged_by_person_id or 0)
    buddy = await buddy_name_of(tx, entry)

    def build(t: Translator) -> list[Reply]:
        none = t._("(no words)")
        lines = [
            t._("⚠️ Hours not confirmed for {name}:", name=name_of(t, newcomer)),
            entry_line(t, entry, buddy),
            t._("❌ {name}: “{words}”", name=name_of(t, confirmer, entry.confirmed_by_name),
                words=entry.confirmer_note or none),
            t._("✍️ {name}: “{words}”", name=name_of(t, logger),
                words=entry.logger_note or none),
        ]  # fmt: skip
        return [Reply(text="\n".join(lines))]

    told = 0
    for account in await list_staff(tx, newcomer.network_id):
        key = f"dispute:{entry.id}:staff:{account.id}"
        if account.person_id is not None:
            told += await notify_person(tx, now, account.person_id, build, key=key,
                                   purpose="dispute_staff")  # fmt: skip
        else:
            told += await outbox.enqueue(
                tx, key=key, person_id=None, channel="email", address=account.email,
                purpose="dispute_staff",
                payload=dump_replies(build(translator(config.default_locale))), now=now,
            )  # fmt: skip
    return told


async def record_note(
    tx: Tx, config: Config, now: datetime, entry_id: int, person_id: int, note: str | None
) -> bool:
    """The words of one side of a dispute (None: they had none); then the next step.

    The confirmer's words go to whoever logged the entry; the logger's words complete the
    dispute, which then goes to staff. False when this person has no say on this entry.
    """
    entry = await get_entry(tx, entry_id)
    if entry is None or entry.status != "disputed":
        return False
    words = clip_note(note)
    if person_id == entry.confirmer_person_id and entry.logger_note is None:
        await set_note(tx, entry.id, "confirmer", words, now)
        updated = await get_entry(tx, entry.id)
        assert updated is not None
        await ask_logger(tx, config, now, updated)
        return True
    if person_id == entry.logged_by_person_id:
        await set_note(tx, entry.id, "logger", words or "", now)
        updated = await get_entry(tx, entry.id)
        assert updated is not None
        await tell_staff(tx, config, now, updated)
        return True
    return False
