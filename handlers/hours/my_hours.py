"""Undo an entry, the list of my last hours, and logging in one tap from a reminder."""

from __future__ import annotations

from datetime import date
from typing import Literal

from handlers.common import int_arg, rows, stale_button
from handlers.context import Context
from handlers.hours.confirmations import buddy_name_of
from handlers.hours.log import STATUS_ICONS, refusal_text, save_entry
from handlers.hours.log_draft import LogDraft
from handlers.hours.rules import (
    DURATION_BUTTONS,
    check_day,
    check_minutes,
    entry_line,
    hours_text,
)
from handlers.registry import Feature
from handlers.types import Button, Reply
from i18n import Translator
from storage.buddies import active_pair_of
from storage.hours import HourEntry, entries_of, get_entry, loggable_offer, undo_entry

feature = Feature("handlers.hours.my_hours")

LISTED = 10  # entries in "my hours"


# --- undo and my hours ---------------------------------------------------------------------
@feature.action("hu")
async def undo_action(ctx: Context, args: list[str]) -> list[Reply]:
    entry_id = (int_arg(args[0]) if len(args) == 1 else None) or 0
    entry = await get_entry(ctx.tx, entry_id) if entry_id else None
    if entry is None or ctx.person.id not in (entry.person_id, entry.logged_by_person_id):
        return await stale_button(ctx)
    line = entry_line(ctx.t, entry)
    if entry.status == "undone":
        return [Reply(text=ctx._("👌 Already removed:") + " " + line)]
    if not await undo_entry(ctx.tx, entry.id, ctx.now):
        return [Reply(text=ctx._("🔒 These hours are confirmed already. You cannot remove "
                                 "them.") + "\n" + line)]  # fmt: skip
    done = Reply(text=ctx._("🗑️ Removed:") + " " + line, edit=True)
    return [done, Reply(text=ctx._("⏱️ Log hours again?"), buttons=[
        [Button(label=ctx._("⏱️ Log hours"), data="m:log"),
         Button(label=ctx._("🗂️ My hours"), data="hm")]])]  # fmt: skip


async def my_hours_lines(ctx: Context, entries: list[HourEntry]) -> list[str]:
    return [
        f"{STATUS_ICONS.get(e.status, '')} " + entry_line(ctx.t, e, await buddy_name_of(ctx.tx, e))
        for e in entries
    ]


@feature.action("hm")
async def my_hours_action(ctx: Context, args: list[str]) -> list[Reply]:
    if args or ctx.person.role != "newcomer":
        return await stale_button(ctx)
    entries = await entries_of(ctx.tx, ctx.person.id, statuses=STATUS_ICONS.keys(), limit=LISTED)
    if not entries:
        return [Reply(text=ctx._("🗂️ No hours yet. Log them with /log."))]
    lines = [ctx._("🗂️ Your last hours:"), *await my_hours_lines(ctx, entries)]
    lines.append(ctx._("✅ confirmed · ⏳ waiting · ❌ not right · ✍️ noted yourself"))
    undoable = [
        # Translators: a button that removes these hours: the day and the hours.
        Button(label=ctx._("🗑️ {day} · {hours}", day=ctx.t.short_date(e.day),
                           hours=hours_text(ctx.t, e.minutes)), data=f"hu:{e.id}")
        for e in entries if e.status in ("pending", "self_declared")
    ]  # fmt: skip
    return [Reply(text="\n".join(lines), buttons=rows(undoable, 2))]


# --- one tap from a reminder ---------------------------------------------------------------
def quick_log_buttons(t: Translator, source: str, ref: int, day: date) -> list[list[Button]]:
    """Buttons "1 h / 1½ h / 2 h / 3 h" that log hours for an offer (`source` "o") or a buddy
    pair ("b") on `day`, for a reminder such as "how did it go?". Rights are checked on press."""
    return rows(
        [
            Button(label=hours_text(t, minutes),
                   data=f"hq:{source}:{ref}:{minutes}:{day:%Y%m%d}")
            for minutes in DURATION_BUTTONS
        ],
        4,
    )  # fmt: skip


@feature.action("hq")
async def quick_log_action(ctx: Context, args: list[str]) -> list[Reply]:
    if (
        ctx.person.role != "newcomer"
        or len(args) != 4
        or args[0] not in ("o", "b")
        or any(int_arg(a) is None for a in args[1:])
    ):
        return await stale_button(ctx)
    try:
        day = date(int(args[3][:4]), int(args[3][4:6]), int(args[3][6:8]))
    except ValueError:
        return await stale_button(ctx)
    source: Literal["offer", "buddy"] = "offer" if args[0] == "o" else "buddy"
    ref, kind = int(args[1]), "buddy"
    if source == "offer":
        offer = await loggable_offer(ctx.tx, ctx.person.id, ref)
        if offer is None:
            return await stale_button(ctx)
        kind = offer.kind
    else:
        pair = await active_pair_of(ctx.tx, ref, ctx.person.id)
        if pair is None or pair.newcomer_id != ctx.person.id:
            return await stale_button(ctx)
    minutes = int(args[2])
    refusal = check_minutes(minutes) or check_day(day, ctx.today, ctx.config.max_log_age_days)
    if refusal is not None:
        return [Reply(text=refusal_text(ctx, refusal))]
    ctx.finish()
    ctx.state.flow = "log"
    ctx.keep(LogDraft(mode="n", source=source, ref=ref, kind=kind, minutes=minutes, day=day))
    return await save_entry(ctx)
