"""A buddy plans a meeting (who, which day, what time; the newcomer is told), cancels it, and
logs it in one tap afterwards. Days and times may be typed in words and any digits."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from handlers.common import int_arg, menu_replies, rows, stale_button
from handlers.context import Context, Draft
from handlers.hours.confirmations import name_of
from handlers.hours.log import _day_label, refusal_text
from handlers.hours.log_draft import LogDraft
from handlers.hours.rules import DAY_CHOICES, check_minutes
from handlers.registry import Feature, Input
from handlers.types import Button, Reply
from handlers.understanding.quantities import parse_date, parse_time
from handlers.understanding.screen import with_hint
from i18n import Translator
from storage.buddies import (
    BuddyPair,
    PlannedMeeting,
    active_pair_of,
    cancel_planned,
    drop_pending,
    get_planned,
    pairs_of,
    plan_meeting,
)

feature = Feature("handlers.people.buddy_plans")

PLAN_TIMES = ("1000", "1400", "1700", "1900")  # HHMM buttons; other times may be typed
PLAN_AHEAD_DAYS = 60  # a meeting further away than this is refused
MAX_LISTED_PLANNED = 5


class PlanDraft(Draft):
    """A meeting a buddy is planning: with which pair, on which day (the time comes last)."""

    pair: int | None = None
    day: date | None = None


# --- a buddy plans a meeting: who → which day → what time ---------------------------------
def plan_reminder_key(kind: str, meeting_id: int, person_id: int | None = None) -> str:
    """The reminder (and outbox) key of a planned meeting's reminder; without a person, the
    prefix of every such key."""
    return f"reminder:{kind}:plan{meeting_id}:" + ("" if person_id is None else str(person_id))


def when_text(t: Translator, starts_at: datetime, tz: ZoneInfo) -> str:
    """'Wednesday 25 November · 19:00' in local time."""
    local = starts_at.astimezone(tz)
    return f"{t.date(local.date())} · {t.time(local)}"


async def _my_pairs(ctx: Context) -> list[BuddyPair]:
    if ctx.person.role != "buddy":
        return []
    return [p for p in await pairs_of(ctx.tx, ctx.person.id) if p.buddy_id == ctx.person.id]


async def _plan_pair(ctx: Context, pair_id: object) -> BuddyPair | None:
    """The pair, when it is active and the person is its buddy (checked on every press)."""
    ref = int_arg(str(pair_id)) if pair_id is not None else None
    pair = await active_pair_of(ctx.tx, ref, ctx.person.id) if ref is not None else None
    if pair is None or pair.buddy_id != ctx.person.id or ctx.person.role != "buddy":
        return None
    return pair


@feature.action("bm")
async def plan_action(ctx: Context, args: list[str]) -> list[Reply]:
    """`bm`: start planning a meeting (a buddy with at least one newcomer)."""
    mine = await _my_pairs(ctx)
    if args or not mine:
        return await stale_button(ctx)
    ctx.finish()
    ctx.state.flow = "plan"
    if len(mine) == 1:
        return await ctx.goto("bd", PlanDraft(pair=mine[0].id))
    return await ctx.goto("bn")


async def _plan_who_prompt(ctx: Context) -> list[Reply]:
    buttons = [
        Button(label=f"👤 {name_of(ctx.t, None, pair.newcomer_name)}", data=f"bn:{pair.id}")
        for pair in await _my_pairs(ctx)
    ]
    return [Reply(text=ctx._("👥 Who do you want to meet?"), buttons=rows(buttons))]


@feature.step("bn", _plan_who_prompt)
async def plan_who_answer(ctx: Context, given: Input) -> list[Reply]:
    pair = await _plan_pair(ctx, given.args[0]) if len(given.args) == 1 else None
    if pair is None:
        if given.pressed:
            ctx.finish()
        return await stale_button(ctx)
    draft = ctx.draft(PlanDraft)
    draft.pair = pair.id
    return await ctx.goto("bd", draft)


async def _plan_day_prompt(ctx: Context) -> list[Reply]:
    days = [
        Button(label=_day_label(ctx, ctx.today + timedelta(days=n)), data=f"bd:{n}")
        for n in range(DAY_CHOICES)
    ]
    return [Reply(text=ctx._("📅 Which day do you meet?"), buttons=rows(days, 3))]


@feature.step("bd", _plan_day_prompt, reads_text=True)
async def plan_day_answer(ctx: Context, given: Input) -> list[Reply]:
    ahead = int_arg(given.args[0], 4) if len(given.args) == 1 else None
    if given.text is not None:  # 'завтра', 'vendredi', '25/12': the next such day
        day = parse_date(given.text, ctx.today, ctx.person.locale, "future")
        if day is None:
            text = ctx._("🤔 I cannot read that date. Type it like 21/11, or press a button.")
            return with_hint(text, await ctx.reprompt())
        if day < ctx.today:
            text = ctx._("☝️ That time is over. Choose a later time.")
            return with_hint(text, await ctx.reprompt())
        ahead = (day - ctx.today).days
    if ahead is None:
        return await stale_button(ctx)
    draft = ctx.draft(PlanDraft)
    if await _plan_pair(ctx, draft.pair) is None:
        ctx.finish()
        return await stale_button(ctx)
    if ahead > PLAN_AHEAD_DAYS:
        return with_hint(_too_far(ctx), await ctx.reprompt())
    draft.day = ctx.today + timedelta(days=ahead)
    return await ctx.goto("bt", draft)


def _too_far(ctx: Context) -> str:
    return ctx.ngettext(
        "☝️ At most {n} day ahead. Choose an earlier day.",
        "☝️ At most {n} days ahead. Choose an earlier day.",
        PLAN_AHEAD_DAYS,
    )


async def _plan_time_prompt(ctx: Context) -> list[Reply]:
    day = ctx.draft(PlanDraft).day or ctx.today
    buttons = [Button(label=f"{hhmm[:2]}:{hhmm[2:]}", data=f"bt:{hhmm}") for hhmm in PLAN_TIMES]
    text = (
        ctx._("📅 {day}", day=_day_label(ctx, day))
        + "\n"
        + ctx._("🕖 What time? Or type it, for example 18:30.")
    )
    return [Reply(text=text, buttons=rows(buttons, 4))]


@feature.step("bt", _plan_time_prompt, reads_text=True)
async def plan_time_answer(ctx: Context, given: Input) -> list[Reply]:
    if given.pressed:
        raw = given.args[0] if len(given.args) == 1 else ""
        if raw not in PLAN_TIMES:
            return await stale_button(ctx)
        at = time(int(raw[:2]), int(raw[2:]))
    else:
        typed = parse_time(given.text or "", ctx.person.locale)
        if typed is None:
            text = ctx._("🤔 I cannot read that time. Type it like 18:30, or press a button.")
            return with_hint(text, await ctx.reprompt())
        at = typed
    draft = ctx.draft(PlanDraft)
    pair = await _plan_pair(ctx, draft.pair)
    if pair is None or draft.day is None:
        ctx.finish()
        return await stale_button(ctx)
    tz = ctx.config.tz
    starts_at = datetime.combine(draft.day, at, tzinfo=tz).astimezone(UTC)
    if starts_at <= ctx.now:
        return with_hint(ctx._("☝️ That time is over. Choose a later time."), await ctx.reprompt())
    if starts_at > ctx.now + timedelta(days=PLAN_AHEAD_DAYS):
        return [Reply(text=_too_far(ctx)), *await ctx.goto("bd")]
    meeting = await plan_meeting(ctx.tx, pair.id, starts_at, ctx.person.id, ctx.now)
    ctx.finish()
    buddy = ctx.person

    def tell_newcomer(t: Translator) -> list[Reply]:
        text = t._("📅 {name} planned a meeting with you: {when}.",
                   name=name_of(t, buddy), when=when_text(t, starts_at, tz))  # fmt: skip
        return [Reply(text=text)]

    await ctx.notify(pair.newcomer_id, tell_newcomer, key=f"plan:{meeting.id}", purpose="plan")
    done = ctx._("✅ Planned: {when} with {name}.", when=when_text(ctx.t, starts_at, tz),
                 name=name_of(ctx.t, None, pair.newcomer_name))  # fmt: skip
    return await menu_replies(ctx, done)


@feature.action("bx")
async def cancel_plan_action(ctx: Context, args: list[str]) -> list[Reply]:
    """`bx:<meeting id>`: the buddy cancels a meeting that has not started; the newcomer is
    told."""
    meeting = await _own_meeting(ctx, args)
    if meeting is None or meeting.starts_at <= ctx.now:
        return await stale_button(ctx)
    await cancel_planned(ctx.tx, meeting.id, ctx.now)
    tz = ctx.config.tz
    buddy = ctx.person

    def tell_newcomer(t: Translator) -> list[Reply]:
        text = t._("✖️ {name} cancelled the meeting of {when}.",
                   name=name_of(t, buddy), when=when_text(t, meeting.starts_at, tz))  # fmt: skip
        return [Reply(text=text)]

    await ctx.notify(meeting.newcomer_id, tell_newcomer, key=f"plan:{meeting.id}:cancel",
                     purpose="plan")  # fmt: skip
    await drop_pending(ctx.tx, plan_reminder_key("session", meeting.id))  # not sent yet: drop
    text = ctx._("✖️ Cancelled: {when} with {name}.", when=when_text(ctx.t, meeting.starts_at, tz),
                 name=name_of(ctx.t, None, meeting.newcomer_name))  # fmt: skip
    return [Reply(text=text), *await ctx.registry.menu["buddy"].run(ctx)]


async def _own_meeting(ctx: Context, args: list[str]) -> PlannedMeeting | None:
    """A live meeting of an active pair of which the person is the buddy, else None."""
    meeting_id = int_arg(args[0]) if len(args) == 1 else None
    meeting = await get_planned(ctx.tx, meeting_id) if meeting_id is not None else None
    if (
        meeting is None
        or meeting.cancelled_at is not None
        or await _plan_pair(ctx, meeting.pair_id) is None
    ):
        return None
    return meeting


@feature.action("bl")
async def log_planned_action(ctx: Context, args: list[str]) -> list[Reply]:
    """`bl:<meeting id>:<minutes>`: one tap from "how did it go?" after a planned meeting. It
    fills who, how long and which day of the buddy's meeting log; "what" is the next tap."""
    meeting = await _own_meeting(ctx, args[:1])
    minutes = int_arg(args[1], 5) if len(args) == 2 else None
    if meeting is None or minutes is None or meeting.starts_at > ctx.now:
        return await stale_button(ctx)
    refusal = check_minutes(minutes)
    if refusal is not None:
        return [Reply(text=refusal_text(ctx, refusal))]
    day = meeting.starts_at.astimezone(ctx.config.tz).date()
    ctx.finish()
    ctx.state.flow = "log"
    draft = LogDraft(mode="b", source="buddy", ref=meeting.pair_id, kind="buddy",
                     minutes=minutes, day=day)  # fmt: skip
    return await ctx.goto("ba", draft)


def planned_lines(ctx: Context, meetings: list[PlannedMeeting], is_buddy: bool) -> list[str]:
    if not meetings:
        return []
    lines = [ctx._("📅 Planned meetings:")]
    for meeting in meetings:
        other = meeting.newcomer_name if is_buddy else meeting.buddy_name
        when = when_text(ctx.t, meeting.starts_at, ctx.config.tz)
        lines.append(f"• {ctx.t.value(when)} · {ctx.t.value(name_of(ctx.t, None, other))}")
    return lines
