"""/log: which activity → how long → which day → saved, with the new total; undo; my hours.

A newcomer logs for an offer they joined, for a meeting with their buddy, or for "something
else" (self-declared, shown apart). A buddy logs a meeting for their newcomer (the steps of
that flow are in `handlers.people.buddies`; they share "how long", "which day", "add again?" and the
saving here). The draft is a `LogDraft` (`handlers.hours.log_draft`).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal

from handlers.common import int_arg, menu_replies, rows, stale_button
from handlers.context import Context
from handlers.hours.confirmations import (
    buddy_name_of,
    name_of,
    offer_confirmer,
    request_confirmation,
)
from handlers.hours.contact_confirm import ask_button
from handlers.hours.log_draft import LogDraft
from handlers.hours.progress import celebrate, counted_minutes, text_bar
from handlers.hours.rules import (
    DAY_CHOICES,
    DURATION_BUTTONS,
    Refusal,
    check_day,
    check_day_total,
    check_minutes,
    entry_line,
    hours_text,
    parse_duration,
)
from handlers.registry import N_, Feature, Input
from handlers.types import Button, Reply
from handlers.understanding.quantities import parse_date as read_date
from handlers.understanding.quantities import parse_duration as read_duration
from handlers.understanding.screen import with_hint
from handlers.vocab import KINDS
from storage.buddies import BuddyPair, active_pair_of, pairs_of
from storage.hours import (
    HourEntry,
    add_entry,
    get_entry,
    loggable_offer,
    loggable_offers,
    minutes_on_day,
    same_activity_on_day,
    totals,
)
from storage.people import get_person

feature = Feature("handlers.hours.log")

MAX_TITLE = 40  # characters of an offer title on a button
STATUS_ICONS = {"pending": "⏳", "confirmed": "✅", "disputed": "❌", "self_declared": "✍️"}


# --- refusals ------------------------------------------------------------------------------
def refusal_text(ctx: Context, refusal: Refusal, **values: object) -> str:
    if refusal is Refusal.UNREADABLE:
        return ctx._("🤔 I cannot read that. Type hours like {a} or {b} or {c}, "
                     "or press a button.", **_examples(ctx))  # fmt: skip
    if refusal is Refusal.NOT_POSITIVE:
        return ctx._("☝️ The time must be more than 0.")
    if refusal is Refusal.ENTRY_TOO_LONG:
        return ctx._("☝️ At most 12 hours at a time. Log each day on its own.")
    if refusal is Refusal.DAY_TOO_LONG:
        return ctx._("☝️ At most 16 hours on one day. This day has {hours} already.", **values)
    if refusal is Refusal.FUTURE:
        return ctx._("☝️ That day has not come yet. Choose today or a day before.")
    if ctx.person.role != "newcomer":  # buddies have no counsellor
        return ctx.ngettext(
            "☝️ That is more than {n} day ago. Older meetings cannot be logged.",
            "☝️ That is more than {n} days ago. Older meetings cannot be logged.",
            ctx.config.max_log_age_days,
        )
    return ctx.ngettext(
        "☝️ That is more than {n} day ago. Ask your counsellor about older hours.",
        "☝️ That is more than {n} days ago. Ask your counsellor about older hours.",
        ctx.config.max_log_age_days,
    )


def _examples(ctx: Context) -> dict[str, str]:
    """Typed-duration examples in the person's number format and words: 2, 1,5, 90 min."""
    return {"a": ctx.t.number(2), "b": ctx.t.number(1.5), "c": ctx._("{n} min", n=90)}


def _day_of(ctx: Context) -> date:
    return ctx.draft(LogDraft).day or ctx.today


def _day_label(ctx: Context, day: date) -> str:
    if day == ctx.today:
        # Translators: a button: log hours for today.
        return ctx._("Today")
    if day == ctx.today - timedelta(days=1):
        # Translators: a button: log hours for yesterday.
        return ctx._("Yesterday")
    return ctx.t.short_date(day)


# --- start ---------------------------------------------------------------------------------
async def start_log(ctx: Context) -> list[Reply]:
    ctx.finish()
    ctx.state.flow = "log"
    if ctx.person.role == "buddy":  # a buddy logs a meeting: the buddies' "who" step
        return await ctx.goto("bw", LogDraft(mode="b"))
    return await ctx.goto("hl", LogDraft(mode="n"))


@feature.command("log", N_("Log your hours"), roles={"newcomer", "buddy"})
async def log_command(ctx: Context, _args: str) -> list[Reply]:
    return await start_log(ctx)


@feature.menu_item("log", N_("⏱️ Log hours"), order=20, roles={"newcomer", "buddy"})
async def log_menu(ctx: Context) -> list[Reply]:
    return await start_log(ctx)


# --- which activity ------------------------------------------------------------------------
async def _activity_prompt(ctx: Context) -> list[Reply]:
    buttons = []
    for offer in await loggable_offers(ctx.tx, ctx.person.id):
        icon = KINDS.get(offer.kind, KINDS["other"])[0]
        title = offer.title_nl if len(offer.title_nl) <= MAX_TITLE else (
            offer.title_nl[: MAX_TITLE - 1] + "…")  # fmt: skip
        buttons.append([Button(label=f"{icon} {title}", data=f"hl:o:{offer.id}")])
    for pair in await pairs_of(ctx.tx, ctx.person.id):
        if pair.newcomer_id == ctx.person.id:
            label = ctx._("🤝 Buddy {name}", name=name_of(ctx.t, None, pair.buddy_name))
            buttons.append([Button(label=label, data=f"hl:b:{pair.id}")])
    buttons.append([Button(label=ctx._("✨ Something else"), data="hl:x")])
    note = ctx._("✨ Something else counts only when the person who was there confirms it.")
    return [Reply(text=ctx._("⏱️ What did you do?") + "\n" + note, buttons=buttons)]


@feature.step("hl", _activity_prompt)
async def activity_answer(ctx: Context, given: Input) -> list[Reply]:
    args = given.args
    if args == ("x",):
        return await ctx.goto("hk")
    ref = int_arg(args[1]) if len(args) == 2 else None
    if ref is not None and args[0] == "o":
        offer = await loggable_offer(ctx.tx, ctx.person.id, ref)
        if offer is not None:
            return await activity_chosen(ctx, "offer", offer.id, offer.kind)
    if ref is not None and args[0] == "b":
        pair = await active_pair_of(ctx.tx, ref, ctx.person.id)
        if pair is not None and pair.newcomer_id == ctx.person.id:
            return await activity_chosen(ctx, "buddy", pair.id, "buddy")
    return await stale_button(ctx)


async def activity_chosen(
    ctx: Context, source: Literal["offer", "buddy", "other"], ref: int | None, kind: str
) -> list[Reply]:
    """The activity is known: on to "how long?"."""
    draft = ctx.draft(LogDraft)
    draft.source, draft.ref, draft.kind = source, ref, kind
    return await ctx.goto("hh", draft)


def other_kinds() -> list[str]:
    return [kind for kind in KINDS if kind != "buddy"]


async def _kind_prompt(ctx: Context) -> list[Reply]:
    buttons = [
        Button(label=f"{KINDS[kind][0]} {ctx._(KINDS[kind][1])}", data=f"hk:{kind}")
        for kind in other_kinds()
    ]
    return [Reply(text=ctx._("✨ What kind of activity was it?"), buttons=rows(buttons))]


@feature.step("hk", _kind_prompt)
async def kind_answer(ctx: Context, given: Input) -> list[Reply]:
    if len(given.args) == 1 and given.args[0] in other_kinds():
        return await activity_chosen(ctx, "other", None, given.args[0])
    return await stale_button(ctx)


# --- how long ------------------------------------------------------------------------------
async def _duration_prompt(ctx: Context) -> list[Reply]:
    buttons = [
        Button(label=hours_text(ctx.t, minutes), data=f"hh:{minutes}")
        for minutes in DURATION_BUTTONS
    ]
    keyboard = rows(buttons, 4)
    text = ctx._("⏱️ How long? Or type it, for example {a} or {b} or {c}.", **_examples(ctx))
    if ctx.draft(LogDraft).by_buddy:
        text = ctx._("📅 {day}", day=_day_label(ctx, _day_of(ctx))) + "\n" + text
        keyboard.append([Button(label=ctx._("📅 Another day"), data="hh:day")])
    return [Reply(text=text, buttons=keyboard)]


@feature.step("hh", _duration_prompt, reads_text=True)
async def duration_answer(ctx: Context, given: Input) -> list[Reply]:
    draft = ctx.draft(LogDraft)
    if given.args == ("day",) and draft.by_buddy:
        return await ctx.goto("hd")
    if given.pressed:
        raw = given.args[0] if len(given.args) == 1 else ""
        minutes = int_arg(raw, 5, signed=True)
    else:
        typed = given.text or ""
        minutes = parse_duration(typed)
        if minutes is None:
            minutes = read_duration(typed, ctx.person.locale)
    refusal = Refusal.UNREADABLE if minutes is None else check_minutes(minutes)
    if refusal is not None or minutes is None:
        return with_hint(refusal_text(ctx, refusal or Refusal.UNREADABLE), await ctx.reprompt())
    draft.minutes = minutes
    return await ctx.goto("ba" if draft.by_buddy else "hd", draft)


# --- which day -----------------------------------------------------------------------------
async def _day_prompt(ctx: Context) -> list[Reply]:
    text = ctx._("📅 Which day? Or type a date, for example 21/11.")
    first = [
        # Translators: a button: log hours for today.
        Button(label=ctx._("Today"), data="hd:0"),
        # Translators: a button: log hours for yesterday.
        Button(label=ctx._("Yesterday"), data="hd:1"),
    ]
    if not ctx.draft(LogDraft).more:
        first.append(Button(label=ctx._("📅 Earlier"), data="hd:more"))
        return [Reply(text=text, buttons=[first])]
    earlier = [
        Button(label=ctx.t.short_date(ctx.days_ago(n)), data=f"hd:{n}")
        for n in range(2, DAY_CHOICES)
    ]
    return [Reply(text=text, buttons=[first, *rows(earlier, 3)], edit=True)]


@feature.step("hd", _day_prompt, reads_text=True)
async def day_answer(ctx: Context, given: Input) -> list[Reply]:
    draft = ctx.draft(LogDraft)
    if given.args == ("more",):
        draft.more = True
        ctx.keep(draft)
        return await ctx.reprompt()
    if given.pressed:
        raw = given.args[0] if len(given.args) == 1 else ""
        ago = int_arg(raw, 4, signed=True)
        day = None if ago is None else ctx.days_ago(ago)
    else:
        day = read_date(given.text or "", ctx.today, ctx.person.locale, "past")
    if day is None:
        text = ctx._("🤔 I cannot read that date. Type it like 21/11, or press a button.")
        return with_hint(text, await ctx.reprompt())
    refusal = check_day(day, ctx.today, ctx.config.max_log_age_days)
    if refusal is not None:
        return with_hint(refusal_text(ctx, refusal), await ctx.reprompt())
    draft.more, draft.day = False, day
    if draft.by_buddy:
        return await ctx.goto("hh", draft)
    ctx.keep(draft)
    return await save_entry(ctx)


# --- add again? ----------------------------------------------------------------------------
async def _again_prompt(ctx: Context) -> list[Reply]:
    existing = await get_entry(ctx.tx, ctx.draft(LogDraft).same or 0)
    line = entry_line(ctx.t, existing) if existing else ""
    return [
        Reply(
            text=ctx._("🔁 You logged this on that day already:") + f"\n{line}\n"
            + ctx._("Add it again?"),
            buttons=[
                [
                    Button(label=ctx._("➕ Yes, add again"), data="ha:yes"),
                    Button(label=ctx._("✖️ No"), data="ha:no"),
                ]
            ],
        )
    ]  # fmt: skip


@feature.step("ha", _again_prompt)
async def again_answer(ctx: Context, given: Input) -> list[Reply]:
    if given.args == ("yes",):
        draft = ctx.draft(LogDraft)
        draft.again = True
        ctx.keep(draft)
        return await save_entry(ctx)
    if given.args == ("no",):
        ctx.finish()
        return await menu_replies(ctx, ctx._("👍 OK, nothing was added."))
    return await stale_button(ctx)


# --- saving --------------------------------------------------------------------------------
async def _pair_for(ctx: Context) -> BuddyPair | None:
    """The pair of the draft, if the person is (still) on the right side of it."""
    draft = ctx.draft(LogDraft)
    pair = await active_pair_of(ctx.tx, draft.ref or 0, ctx.person.id)
    if pair is None:
        return None
    mine = pair.buddy_id if draft.by_buddy else pair.newcomer_id
    return pair if mine == ctx.person.id else None


async def save_entry(ctx: Context) -> list[Reply]:
    """Check everything again and store the entry; ask the confirmer; reply with the total."""
    data = ctx.draft(LogDraft)
    source, kind = data.source, data.kind or "other"
    minutes, day = data.minutes, data.day or ctx.today
    refusal = check_minutes(minutes) or check_day(day, ctx.today, ctx.config.max_log_age_days)
    if source is None or refusal is not None:
        ctx.finish()
        return await stale_button(ctx)
    newcomer_id, offer_id, pair_id, confirmer_id = ctx.person.id, None, None, None
    label = provider = None
    if source == "offer":
        offer = await loggable_offer(ctx.tx, ctx.person.id, data.ref or 0)
        if offer is None:
            ctx.finish()
            return await stale_button(ctx)
        offer_id, kind, label, provider = offer.id, offer.kind, offer.title_nl, offer.provider_name
        confirmer_id = await offer_confirmer(ctx.tx, offer.id, ctx.now)
    elif source == "buddy":
        pair = await _pair_for(ctx)
        if pair is None:
            ctx.finish()
            return await stale_button(ctx)
        pair_id, kind = pair.id, "buddy"
        newcomer_id = pair.newcomer_id
        confirmer_id = pair.newcomer_id if data.by_buddy else pair.buddy_id
    already = await minutes_on_day(ctx.tx, newcomer_id, day)
    if check_day_total(already, minutes) is not None:
        text = refusal_text(ctx, Refusal.DAY_TOO_LONG, hours=hours_text(ctx.t, already))
        return [Reply(text=text), *await ctx.goto("hh")]
    if not data.again:
        same = await same_activity_on_day(
            ctx.tx, newcomer_id, day, source, offer_id=offer_id, pair_id=pair_id, kind=kind
        )
        if same is not None:
            data.same = same.id
            return await ctx.goto("ha", data)
    before = await counted_minutes(ctx.tx, ctx.config, newcomer_id)
    entry = await add_entry(
        ctx.tx,
        person_id=newcomer_id,
        source=source,
        kind=kind,
        day=day,
        minutes=minutes,
        status="self_declared" if source == "other" else "pending",
        now=ctx.now,
        logged_by=ctx.person.id,
        offer_id=offer_id,
        pair_id=pair_id,
        icon=data.icon if source == "buddy" else None,
        label=label,
        provider_name=provider,
        confirmer_id=confirmer_id,
    )
    await request_confirmation(ctx.tx, ctx.now, entry)
    if source == "other" and ctx.config.self_declared_counts:
        after = await counted_minutes(ctx.tx, ctx.config, newcomer_id)
        await celebrate(ctx.tx, ctx.config, ctx.now, newcomer_id, before, after)
    ctx.finish()
    return await _saved(ctx, entry, data.by_buddy)


async def _saved(ctx: Context, entry: HourEntry, by_buddy: bool) -> list[Reply]:
    confirmer = await get_person(ctx.tx, entry.confirmer_person_id or 0)
    if by_buddy:
        line = entry_line(ctx.t, entry, met=name_of(ctx.t, confirmer))
    else:
        line = entry_line(ctx.t, entry, await buddy_name_of(ctx.tx, entry))
    lines = [ctx._("✅ Saved:") + " " + line]
    if entry.status == "self_declared":
        if ctx.config.self_declared_counts:
            lines.append(ctx._("✍️ You noted this yourself. It is shown apart."))
        else:
            lines.append(ctx._("✍️ You noted this yourself. It is shown apart and does not "
                               "count for the target."))  # fmt: skip
    elif confirmer is not None:
        lines.append(ctx._("⏳ {name} will confirm it.", name=name_of(ctx.t, confirmer)))
    else:
        lines.append(ctx._("⏳ Waiting for confirmation by {name}.",
                           name=entry.provider_name or ctx._("the organisation")))  # fmt: skip
    asks = [ask_button(ctx.t, entry.id)] if entry.status == "self_declared" else []
    buttons = [
        *asks,
        # Translators: deletes the hours just saved; not "cancel".
        Button(label=ctx._("🗑️ Remove"), data=f"hu:{entry.id}", style="danger"),
        Button(label=ctx._("⏱️ Log more"), data="m:log"),
    ]
    if not by_buddy:
        result = await totals(ctx.tx, entry.person_id)  # the same squares as the picture
        lines += [ctx._("📊 Your total:"), text_bar(ctx.t, result, ctx.config)]
        buttons.append(Button(label=ctx._("📊 My progress"), data="m:progress"))
    return [Reply(text="\n".join(lines), buttons=rows(buttons, 3))]
