"""Buddies: pairing through a single-use invite (deep link and QR code), a buddy logging a
meeting in three taps (who, how long, what), a buddy planning a meeting (who, which day, what
time; the newcomer is told), and /buddy with pairs, planned meetings and totals."""

from __future__ import annotations

import io
import re

import segno

from handlers.common import int_arg, menu_replies, rows, stale_button
from handlers.context import Context, Draft, notify_person
from handlers.hours.confirmations import name_of
from handlers.hours.log import activity_chosen, save_entry
from handlers.hours.log_draft import LogDraft
from handlers.hours.rules import (
    BUDDY_ACTIVITIES,
    hours_text,
)
from handlers.people.buddy_plans import MAX_LISTED_PLANNED, planned_lines, when_text
from handlers.registry import N_, Feature, Input
from handlers.types import Attachment, Button, Reply
from i18n import Translator
from storage.buddies import (
    INVITE_TTL,
    ClaimResult,
    active_pair_of,
    buddies_in_network,
    claim_invite,
    create_invite,
    get_invite,
    invite_problem,
    pair_stats,
    pairs_of,
    upcoming_planned,
)
from storage.people import get_person
from storage.staff import staff_for_person

feature = Feature("handlers.people.buddies")

START_PREFIX = "pair-"
MAX_LISTED_BUDDIES = 40
CODE_SHAPE = re.compile(r"^[A-Za-z0-9_-]{6,40}$")


def invite_link(bot_username: str | None, code: str) -> str:
    if bot_username:
        return f"https://t.me/{bot_username}?start={START_PREFIX}{code}"
    return f"/start {START_PREFIX}{code}"


def qr_png(text: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=8, border=3)
    return buffer.getvalue()


# --- a buddy (or staff for a buddy) invites a newcomer -------------------------------------
async def invite_replies(ctx: Context, buddy_id: int | None = None) -> list[Reply]:
    buddy_id = ctx.person.id if buddy_id is None else buddy_id
    invite = await create_invite(ctx.tx, buddy_id, ctx.now, created_by=ctx.person.id)
    link = invite_link(ctx.config.bot_username, invite.code)
    if buddy_id == ctx.person.id:
        head = ctx.ngettext(
            "🔗 Give this link or QR code to your newcomer. It works once, for {n} day.",
            "🔗 Give this link or QR code to your newcomer. It works once, for {n} days.",
            INVITE_TTL.days,
        )
    else:
        head = ctx.ngettext(
            "🔗 A link for buddy {name}: give it or the QR code to the newcomer. "
            "It works once, for {n} day.",
            "🔗 A link for buddy {name}: give it or the QR code to the newcomer. "
            "It works once, for {n} days.",
            INVITE_TTL.days,
            name=name_of(ctx.t, None, invite.buddy_name),
        )
    text = "\n".join([head, link])
    if not ctx.config.bot_username:  # no Telegram link to draw: the newcomer types the command
        return [Reply(text=text)]
    image = Attachment(filename="buddy-invite.png", content=qr_png(link), mime="image/png")
    return [Reply(text=text, image=image)]


@feature.action("bi")
async def invite_action(ctx: Context, args: list[str]) -> list[Reply]:
    """`bi`: a buddy's own invite; `bi:<buddy id>`: staff invite for a buddy of their network."""
    if not args and ctx.person.role == "buddy":
        return await invite_replies(ctx)
    buddy_id = int_arg(args[0]) if len(args) == 1 else None
    if buddy_id is not None and ctx.person.role == "staff":
        buddy = await get_person(ctx.tx, buddy_id)
        network_id = await staff_network(ctx)
        if (
            buddy is not None
            and buddy.role == "buddy"
            and network_id is not None
            and buddy.network_id == network_id
        ):
            return await invite_replies(ctx, buddy.id)
    return await stale_button(ctx)


async def staff_network(ctx: Context) -> int | None:
    """The network of the person's staff account. Not `person.network_id`: that follows the
    place in their profile, which they can change themselves."""
    account = await staff_for_person(ctx.tx, ctx.person.id)
    return account.network_id if account is not None else None


async def staff_overview(ctx: Context) -> list[Reply]:
    """Staff: the buddies of their own network, each with a button for an invite."""
    buddies = await buddies_in_network(ctx.tx, await staff_network(ctx))
    if not buddies:
        return [Reply(text=ctx._("🤝 There are no buddies in your region yet."))]
    buttons = [
        Button(label=f"🔗 {name_of(ctx.t, buddy)}", data=f"bi:{buddy.id}")
        for buddy in buddies[:MAX_LISTED_BUDDIES]
    ]
    return [Reply(text=ctx._("🤝 Make an invite link for which buddy?"), buttons=rows(buttons))]


# --- the newcomer opens the link -----------------------------------------------------------
def _problem_text(ctx: Context, problem: ClaimResult) -> str:
    if problem is ClaimResult.EXPIRED:
        return ctx._("⌛ This buddy link is too old. Ask your buddy for a new one.")
    if problem is ClaimResult.USED:
        return ctx._("🔒 This buddy link was used already. Ask your buddy for a new one.")
    if problem is ClaimResult.SELF:
        return ctx._("🙂 This is your own link. Give it to your newcomer.")
    return ctx._("🤔 I do not know this buddy link. Ask your buddy for a new one.")


@feature.start_param(START_PREFIX)
async def pair_link(ctx: Context, code: str) -> list[Reply]:
    if not CODE_SHAPE.match(code):
        return [Reply(text=_problem_text(ctx, ClaimResult.UNKNOWN))]
    invite = await get_invite(ctx.tx, code)
    problem = invite_problem(invite, ctx.person.id, ctx.now)
    if problem is not None:
        return [Reply(text=_problem_text(ctx, problem))]
    if ctx.person.role != "newcomer":
        text = ctx._("🤝 This link is for a newcomer. Give it to the person you meet.")
        return [Reply(text=text)]
    ctx.finish()
    ctx.state.flow = "pair"
    return await ctx.goto("bp", PairDraft(invite=code))


class PairDraft(Draft):
    """A newcomer opened a buddy's invite link and is asked to agree."""

    invite: str = ""


async def _agree_prompt(ctx: Context) -> list[Reply]:
    invite = await get_invite(ctx.tx, ctx.draft(PairDraft).invite)
    name = name_of(ctx.t, None, invite.buddy_name if invite else None)
    return [
        Reply(
            text=ctx._("🤝 {name} wants to be your buddy. Your buddy logs your meetings and "
                       "you confirm them. Do you agree?", name=name),
            buttons=[
                [
                    Button(label=ctx._("✅ Yes"), data="bp:yes", style="success"),
                    Button(label=ctx._("❌ No"), data="bp:no", style="danger"),
                ]
            ],
        )
    ]  # fmt: skip


@feature.step("bp", _agree_prompt)
async def agree_answer(ctx: Context, given: Input) -> list[Reply]:
    code = ctx.draft(PairDraft).invite
    if given.args == ("no",):
        ctx.finish()
        return await menu_replies(ctx, ctx._("👍 OK. You are not paired."))
    if given.args != ("yes",):
        return await stale_button(ctx)
    invite = await get_invite(ctx.tx, code)
    result = await claim_invite(ctx.tx, code, ctx.person.id, ctx.now)
    ctx.finish()
    if result not in (ClaimResult.PAIRED, ClaimResult.ALREADY) or invite is None:
        return [Reply(text=_problem_text(ctx, result))]
    newcomer = ctx.person

    def tell_buddy(t: Translator) -> list[Reply]:
        text = t._("🎉 {name} is now your newcomer. Log a meeting with /log.",
                   name=name_of(t, newcomer))  # fmt: skip
        return [Reply(text=text, buttons=[[Button(label=t._("⏱️ Log hours"), data="m:log")]])]

    await notify_person(ctx.tx, ctx.now, invite.buddy_id, tell_buddy,
                   key=f"paired:{code}", purpose="paired")  # fmt: skip
    done = ctx._("🎉 {name} is now your buddy.", name=name_of(ctx.t, None, invite.buddy_name))
    return await menu_replies(ctx, done)


# --- a buddy logs a meeting: who → how long → what -----------------------------------------
async def _who_prompt(ctx: Context) -> list[Reply]:
    """How /log starts for a buddy: which newcomer they met, skipped when there is one."""
    mine = [p for p in await pairs_of(ctx.tx, ctx.person.id) if p.buddy_id == ctx.person.id]
    if not mine:
        ctx.finish()
        return [
            Reply(
                text=ctx._("🤝 You have no newcomer yet. Invite one with a link or QR code."),
                buttons=[[Button(label=ctx._("➕ Invite a newcomer"), data="bi")]],
            )
        ]
    if len(mine) == 1:
        draft = ctx.draft(LogDraft)
        draft.mode, draft.source, draft.ref, draft.kind = "b", "buddy", mine[0].id, "buddy"
        return await ctx.goto("hh", draft)
    buttons = [
        Button(label=f"👤 {name_of(ctx.t, None, pair.newcomer_name)}", data=f"bw:{pair.id}")
        for pair in mine
    ]
    return [Reply(text=ctx._("👥 Who did you meet?"), buttons=rows(buttons))]


@feature.step("bw", _who_prompt)
async def who_answer(ctx: Context, given: Input) -> list[Reply]:
    ref = int_arg(given.args[0]) if len(given.args) == 1 else None
    pair = await active_pair_of(ctx.tx, ref, ctx.person.id) if ref is not None else None
    if pair is None or pair.buddy_id != ctx.person.id:
        return await stale_button(ctx)
    return await activity_chosen(ctx, "buddy", pair.id, "buddy")


async def _what_prompt(ctx: Context) -> list[Reply]:
    buttons = [
        Button(label=f"{icon} {ctx._(label)}", data=f"ba:{key}")
        for key, (icon, label, _nl) in BUDDY_ACTIVITIES.items()
    ]
    return [Reply(text=ctx._("🎯 What did you do together?"), buttons=rows(buttons, 3))]


@feature.step("ba", _what_prompt)
async def what_answer(ctx: Context, given: Input) -> list[Reply]:
    if len(given.args) != 1 or given.args[0] not in BUDDY_ACTIVITIES:
        return await stale_button(ctx)
    draft = ctx.draft(LogDraft)
    draft.icon = given.args[0]
    ctx.keep(draft)
    return await save_entry(ctx)


# --- /buddy --------------------------------------------------------------------------------
async def buddy_overview(ctx: Context) -> list[Reply]:
    pairs = await pairs_of(ctx.tx, ctx.person.id)
    stats = await pair_stats(ctx.tx, [p.id for p in pairs])
    is_buddy = ctx.person.role == "buddy"
    lines: list[str] = []
    for pair in pairs:
        other = pair.newcomer_name if is_buddy else pair.buddy_name
        meetings, confirmed, pending = stats.get(pair.id, (0, 0, 0))
        line = ctx.ngettext("👤 {name} · {n} meeting · ✅ {done}",
                            "👤 {name} · {n} meetings · ✅ {done}", meetings,
                            name=name_of(ctx.t, None, other),
                            done=hours_text(ctx.t, confirmed))  # fmt: skip
        if pending:
            line += " · ⏳ " + hours_text(ctx.t, pending)
        lines.append(line)
    planned = await upcoming_planned(ctx.tx, [p.id for p in pairs], ctx.now, MAX_LISTED_PLANNED)
    lines += planned_lines(ctx, planned, is_buddy)
    buttons: list[list[Button]] = []
    if is_buddy:
        head = ctx._("🤝 Your newcomers:") if pairs else ctx._("🤝 You have no newcomer yet.")
        if pairs:
            buttons.append([Button(label=ctx._("⏱️ Log a meeting"), data="m:log"),
                            Button(label=ctx._("📅 Plan a meeting"), data="bm")])  # fmt: skip
        for meeting in planned:
            when = when_text(ctx.t, meeting.starts_at, ctx.config.tz)
            label = ctx._("✖️ Cancel {when}", when=when)
            buttons.append([Button(label=label, data=f"bx:{meeting.id}")])
        buttons.append([Button(label=ctx._("➕ Invite a newcomer"), data="bi")])
    elif pairs:
        head = ctx._("🤝 Your buddy:")
        buttons.append([Button(label=ctx._("⏱️ Log hours"), data="m:log")])
    else:
        head = ctx._("🤝 You have no buddy yet. A buddy can give you a link or a QR code.")
    return [Reply(text="\n".join([head, *lines]), buttons=buttons)]


@feature.command("buddy", N_("Your buddy"), roles={"newcomer", "buddy", "staff"})
async def buddy_command(ctx: Context, _args: str) -> list[Reply]:
    ctx.finish()
    if ctx.person.role == "staff":
        return await staff_overview(ctx)
    return await buddy_overview(ctx)


@feature.menu_item("buddy", N_("🤝 Buddy"), order=50, roles={"newcomer", "buddy"})
async def buddy_menu(ctx: Context) -> list[Reply]:
    return await buddy_overview(ctx)
