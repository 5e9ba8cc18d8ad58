"""Confirming hours: the request to the confirmer, ✅/❌ by button or by e-mail, and disputes.

Who confirms: the provider's contact for an offer, the other side of the pair for a buddy
meeting (the newcomer confirms what the buddy logged and the other way round). Rights are
checked again on every press, because button data can be forged and relations change.

`apply_confirmation` takes a transaction, not a `Context`, so the e-mail channel can call it
for a reply-token answer. A dispute collects the words of both sides and then goes to the
staff of the newcomer's network.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum

from handlers.common import int_arg, stale_button
from handlers.context import Config, Context, Draft, notify_person
from handlers.hours.confirm_notices import (
    MAX_LISTED,
    MAX_NOTE,
    ask_logger,
    buddy_name_of,
    clip_note,
    name_of,
    record_note,
    tell_confirmed,
)
from handlers.hours.progress import celebrate, counted_minutes
from handlers.hours.rules import entry_line, hours_text
from handlers.registry import N_, Feature, Input
from handlers.types import MAX_BUTTON_DATA, Button, Reply
from i18n import Translator
from storage.buddies import get_pair
from storage.db import Tx
from storage.hours import (
    HourEntry,
    confirm_entry,
    dispute_entry,
    get_entry,
    offer_provider,
    pending_for_confirmer,
    undo_entry,
)
from storage.offers import provider_contact_person
from storage.people import Person, get_person

feature = Feature("handlers.hours.confirmations")

ALL_PREFIX = "hc:all:"


class Outcome(StrEnum):
    CONFIRMED = "confirmed"
    DISPUTED = "disputed"
    ALREADY = "already"  # answered before (confirmed or disputed)
    REMOVED = "removed"  # the entry was undone by the person who logged it
    NOT_ALLOWED = "not_allowed"  # no such entry, or not this person's to confirm


# --- who confirms --------------------------------------------------------------------------
async def offer_confirmer(tx: Tx, offer_id: int, now: datetime) -> int | None:
    """The person who confirms hours for an offer: its provider's contact, when known."""
    provider_id = await offer_provider(tx, offer_id)
    if provider_id is None:
        return None
    return await provider_contact_person(tx, provider_id, now)


async def entitled(tx: Tx, entry: HourEntry, person_id: int, now: datetime) -> bool:
    """May `person_id` confirm `entry` now? Their own activity's entry or their buddy's."""
    if entry.confirmer_person_id != person_id or person_id == entry.logged_by_person_id:
        return False
    if entry.source == "buddy":
        pair = await get_pair(tx, entry.pair_id) if entry.pair_id is not None else None
        return pair is not None and person_id in (pair.buddy_id, pair.newcomer_id)
    if entry.source == "offer":
        return entry.offer_id is not None and (
            await offer_confirmer(tx, entry.offer_id, now) == person_id
        )
    return False  # self-declared entries are never confirmed


# --- the request ---------------------------------------------------------------------------
def pack_ids(ids: Sequence[int]) -> tuple[str, int]:
    """`hc:all:1.2.3` with as many ids as fit in a button; returns (data, how many)."""
    data, count = ALL_PREFIX.rstrip(":") + ":", 0
    for entry_id in ids:
        candidate = data + ("." if count else "") + str(entry_id)
        if len(candidate.encode()) > MAX_BUTTON_DATA:
            break
        data, count = candidate, count + 1
    return data, count


def answer_buttons(t: Translator, entry: HourEntry, confirmer_id: int) -> list[Button]:
    if confirmer_id == entry.person_id:  # the newcomer confirms what their buddy logged
        yes, no = t._("👍 Yes"), t._("👎 No")
    else:
        yes, no = t._("✅ Yes"), t._("❌ No")
    return [
        Button(label=yes, data=f"hc:ok:{entry.id}", style="success"),
        Button(label=no, data=f"hc:no:{entry.id}", style="danger"),
    ]


def all_button(t: Translator, ids: Sequence[int]) -> list[list[Button]]:
    if len(ids) < 2:
        return []
    data, count = pack_ids(ids)
    label = t.ngettext("✅ Confirm all {n}", "✅ Confirm all {n}", count)
    return [[Button(label=label, data=data, style="success")]]


def request_text(t: Translator, entry: HourEntry, confirmer_id: int, logger: str,
                 buddy: str | None) -> str:
    if entry.source == "buddy":
        head = t._("🤝 {name} logged a meeting with you. Is this right?", name=logger)
    else:
        head = t._("🙋 {name} took part in your activity. Is this right?", name=logger)
    shown_buddy = buddy if confirmer_id == entry.person_id else None
    return head + "\n" + entry_line(t, entry, shown_buddy)


async def request_confirmation(tx: Tx, now: datetime, entry: HourEntry) -> bool:
    """Queue the ✅/❌ question to the entry's confirmer (once per entry)."""
    confirmer_id = entry.confirmer_person_id
    if entry.status != "pending" or confirmer_id is None:
        return False
    logger = await get_person(tx, entry.logged_by_person_id or entry.person_id)
    buddy = await buddy_name_of(tx, entry)
    waiting = [e.id for e in await pending_for_confirmer(tx, confirmer_id)]

    def build(t: Translator) -> list[Reply]:
        rows = [answer_buttons(t, entry, confirmer_id), *all_button(t, waiting)]
        return [Reply(text=request_text(t, entry, confirmer_id, name_of(t, logger), buddy),
                      buttons=rows)]  # fmt: skip

    return await notify_person(
        tx, now, confirmer_id, build, key=f"confirm:{entry.id}", purpose="confirm_request"
    )


# --- the answer ----------------------------------------------------------------------------
async def apply_confirmation(
    tx: Tx,
    config: Config,
    now: datetime,
    entry_id: int,
    confirmer_person_id: int,
    accept: bool,
    note: str | None = None,
    *,
    await_note: bool = False,
    tell: bool = True,
) -> Outcome:
    """Confirm or dispute one entry as `confirmer_person_id`; rights are checked here.

    A confirmation is recorded with who and when, tells the other side and may queue a
    milestone celebration. A dispute asks the other side for their words, unless
    `await_note` (the confirmer is about to type theirs; `record_note` continues).
    """
    entry = await get_entry(tx, entry_id)
    if entry is None or entry.confirmer_person_id != confirmer_person_id:
        return Outcome.NOT_ALLOWED
    if entry.status == "undone":
        return Outcome.REMOVED
    if entry.status != "pending":
        return Outcome.ALREADY
    if not await entitled(tx, entry, confirmer_person_id, now):
        return Outcome.NOT_ALLOWED
    confirmer = await get_person(tx, confirmer_person_id)
    who = (confirmer.display_name if confirmer else None) or entry.provider_name
    if accept:
        before = await counted_minutes(tx, config, entry.person_id)
        if not await confirm_entry(tx, entry.id, confirmer_person_id, who, now):
            return Outcome.ALREADY
        after = await counted_minutes(tx, config, entry.person_id)
        confirmed = await get_entry(tx, entry.id)
        assert confirmed is not None
        if tell:
            await tell_confirmed(tx, now, [confirmed], confirmer_person_id)
        await celebrate(tx, config, now, entry.person_id, before, after)
        return Outcome.CONFIRMED
    words = clip_note(note)
    if not await dispute_entry(tx, entry.id, confirmer_person_id, who, words, now):
        return Outcome.ALREADY
    if not await_note:
        disputed = await get_entry(tx, entry.id)
        assert disputed is not None
        await ask_logger(tx, config, now, disputed)
    return Outcome.DISPUTED


# --- buttons and commands ------------------------------------------------------------------
def _ids(raw: str, limit: int = 16) -> list[int] | None:
    parts = [int_arg(p) for p in raw.split(".")]
    if not 0 < len(parts) <= limit or None in parts:
        return None
    return list(dict.fromkeys(p for p in parts if p is not None))


async def _more_waiting(ctx: Context) -> list[Reply]:
    waiting = await pending_for_confirmer(ctx.tx, ctx.person.id)
    if not waiting:
        return []
    return [Reply(text=ctx.ngettext("⏳ {n} more to confirm: /confirm",
                                    "⏳ {n} more to confirm: /confirm", len(waiting)))]


@feature.action("hc", needs_onboarding=False)
async def confirm_action(ctx: Context, args: list[str]) -> list[Reply]:
    if len(args) != 2 or args[0] not in ("ok", "no", "all"):
        return await stale_button(ctx)
    ids = _ids(args[1], limit=1 if args[0] != "all" else 16)
    if ids is None:
        return await stale_button(ctx)
    if args[0] == "all":
        return await _confirm_many(ctx, ids)
    entry_id = ids[0]
    outcome = await apply_confirmation(
        ctx.tx, ctx.config, ctx.now, entry_id, ctx.person.id, args[0] == "ok", await_note=True
    )
    entry = await get_entry(ctx.tx, entry_id)
    if outcome is Outcome.NOT_ALLOWED or entry is None:
        return await stale_button(ctx)
    line = entry_line(ctx.t, entry, await buddy_name_of(ctx.tx, entry)
                      if ctx.person.id == entry.person_id else None)  # fmt: skip
    if outcome is Outcome.CONFIRMED:
        done = Reply(text=ctx._("✅ Confirmed. Thank you!") + "\n" + line, edit=True)
        return [done, *await _more_waiting(ctx)]
    if outcome is Outcome.DISPUTED:
        ctx.finish()
        ctx.state.flow = "dispute"
        marked = Reply(text=ctx._("❌ Marked as not right.") + "\n" + line, edit=True)
        return [marked, *await ctx.goto("hn", DisputeDraft(entry=entry.id))]
    if outcome is Outcome.REMOVED:
        return [Reply(text=ctx._("🗑️ This entry was removed.") + "\n" + line, edit=True)]
    return [Reply(text=ctx._("👌 You answered this already.") + "\n" + line, edit=True)]


async def _confirm_many(ctx: Context, ids: list[int]) -> list[Reply]:
    done: list[HourEntry] = []
    outcomes = set()
    for entry_id in ids:
        outcome = await apply_confirmation(
            ctx.tx, ctx.config, ctx.now, entry_id, ctx.person.id, True, tell=False
        )
        outcomes.add(outcome)
        if outcome is Outcome.CONFIRMED:
            entry = await get_entry(ctx.tx, entry_id)
            assert entry is not None
            done.append(entry)
    if outcomes == {Outcome.NOT_ALLOWED}:
        return await stale_button(ctx)
    if not done:
        return [Reply(text=ctx._("👌 Nothing left to confirm here."), edit=True),
                *await _more_waiting(ctx)]  # fmt: skip
    await tell_confirmed(ctx.tx, ctx.now, done, ctx.person.id)
    minutes = sum(e.minutes for e in done)
    text = ctx.ngettext("✅ Confirmed {n} entry ({hours}). Thank you!",
                        "✅ Confirmed {n} entries ({hours}). Thank you!", len(done),
                        hours=hours_text(ctx.t, minutes))  # fmt: skip
    return [Reply(text=text, edit=True), *await _more_waiting(ctx)]


def _request_reply(ctx: Context, entry: HourEntry, logger: Person | None,
                   buddy: str | None) -> Reply:
    text = request_text(ctx.t, entry, ctx.person.id, name_of(ctx.t, logger), buddy)
    return Reply(text=text, buttons=[answer_buttons(ctx.t, entry, ctx.person.id)])


@feature.command("confirm", N_("Confirm hours"), needs_onboarding=False)
async def confirm_command(ctx: Context, _args: str) -> list[Reply]:
    ctx.finish()
    waiting = await pending_for_confirmer(ctx.tx, ctx.person.id)
    waiting = [e for e in waiting if await entitled(ctx.tx, e, ctx.person.id, ctx.now)]
    if not waiting:
        return [Reply(text=ctx._("👌 Nothing to confirm."))]
    replies = []
    for entry in waiting[:MAX_LISTED]:
        logger = await get_person(ctx.tx, entry.logged_by_person_id or entry.person_id)
        replies.append(_request_reply(ctx, entry, logger, await buddy_name_of(ctx.tx, entry)))
    rows = all_button(ctx.t, [e.id for e in waiting])
    if rows:
        replies.append(Reply(text=ctx._("⏳ Everything right? Confirm all at once:"), buttons=rows))
    return replies


# --- a dispute's words ---------------------------------------------------------------------
class DisputeDraft(Draft):
    """The entry someone said was not right (or whose logger answers), waiting for a note."""

    entry: int | None = None


async def _note_prompt(ctx: Context) -> list[Reply]:
    entry = await get_entry(ctx.tx, ctx.draft(DisputeDraft).entry or 0)
    if entry is not None and ctx.person.id == entry.logged_by_person_id and (
        ctx.person.id != entry.confirmer_person_id
    ):
        text = ctx._("✍️ What happened? Type a few words.")
    else:
        text = ctx._("✍️ What was not right? Type a few words.")
    return [Reply(text=text, buttons=[[Button(label=ctx._("⏭️ Skip"), data="hn:skip")]])]


@feature.step("hn", _note_prompt, needs_consent=False, reads_text=True)
async def note_answer(ctx: Context, given: Input) -> list[Reply]:
    if given.pressed and given.args != ("skip",):
        return await ctx.reprompt()
    note = None if given.pressed else given.text
    if note is not None and len(note) > MAX_NOTE:
        text = ctx.ngettext("✂️ Please write at most {n} character.",
                            "✂️ Please write at most {n} characters.", MAX_NOTE)  # fmt: skip
        return [Reply(text=text)]
    entry_id = ctx.draft(DisputeDraft).entry or 0
    ctx.finish()
    if not await record_note(ctx.tx, ctx.config, ctx.now, entry_id, ctx.person.id, note):
        return [Reply(text=ctx._("👌 This was answered already."))]
    return [Reply(text=ctx._("🙏 Thank you. We passed it on."))]


@feature.action("hw")
async def dispute_reply_action(ctx: Context, args: list[str]) -> list[Reply]:
    """The logger of a disputed entry: tell their side (`s`) or remove it (`r`)."""
    ids = _ids(args[1], limit=1) if len(args) == 2 and args[0] in ("s", "r") else None
    entry = await get_entry(ctx.tx, ids[0]) if ids else None
    if entry is None or ctx.person.id != entry.logged_by_person_id or entry.status != "disputed":
        return await stale_button(ctx)
    if args[0] == "r":
        await undo_entry(ctx.tx, entry.id, ctx.now, allowed=("disputed",))
        return [Reply(text=ctx._("🗑️ Removed."), edit=True)]
    if entry.logger_note is not None:
        return [Reply(text=ctx._("👌 This was answered already."))]
    ctx.finish()
    ctx.state.flow = "dispute"
    return await ctx.goto("hn", DisputeDraft(entry=entry.id))
