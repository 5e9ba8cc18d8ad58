"""/matches for staff: newcomers who asked for a buddy, the buddies that fit them best, and a
proposal in one tap. Both people are invited and are paired once both accept.

The network comes from the staff account; a forged newcomer or buddy id of another network
is an old button. Only the two people of a proposal can answer it.
"""

from __future__ import annotations

from collections.abc import Callable

from handlers.common import int_arg, menu_replies, stale_button
from handlers.context import Context, notify_person
from handlers.registry import N_, Feature
from handlers.staff.matching import best_matches, match_line
from handlers.types import Button, Reply
from i18n import Translator
from storage.buddies import ClaimResult, claim_invite, create_invite, get_invite
from storage.matches import (
    answer_proposal,
    available_buddies,
    create_proposal,
    get_proposal,
    newcomers_wanting_buddy,
    open_proposal,
)
from storage.people import Person, get_person, update_person
from storage.staff import staff_for_person

feature = Feature("handlers.staff.matches")

SHOWN = 10


@feature.command("matches", N_("🤝 Find a buddy for a newcomer"), needs_onboarding=False,
                 roles={"staff"})  # fmt: skip
async def matches_command(ctx: Context, _args: str) -> list[Reply]:
    account = await staff_for_person(ctx.tx, ctx.person.id)
    if account is None:
        return [Reply(text=ctx._("🚫 This is not available for you."))]
    ctx.finish()
    newcomers = await newcomers_wanting_buddy(ctx.tx, [account.network_id])
    if not newcomers:
        return [Reply(text=ctx._("👌 Nobody is waiting for a buddy."))]
    buddies = await available_buddies(ctx.tx, [account.network_id])
    replies = [
        Reply(
            text=ctx.ngettext(
                "🤝 {n} newcomer would like a buddy:",
                "🤝 {n} newcomers would like a buddy:",
                len(newcomers),
            )
        )
    ]
    for newcomer, matches in best_matches(newcomers[:SHOWN], buddies):
        head = ctx._(
            "👤 {name} — 📍 {place}",
            name=newcomer.display_name or "?",
            place=newcomer.place or newcomer.postcode or "?",
        )
        lines, buttons = [head], []
        for match in matches:
            lines.append(match_line(ctx.t, match))
            if await open_proposal(ctx.tx, newcomer.id, match.buddy.id) is not None:
                lines.append(ctx._("⏳ Proposed; waiting for both to say yes."))
                continue
            buttons.append(
                [
                    Button(
                        label=ctx._("🤝 Propose {name}", name=match.buddy.name),
                        data=f"mp:{newcomer.id}:{match.buddy.id}",
                    )
                ]
            )
        if not matches:
            lines.append(ctx._("➖ No buddy with room lives near enough."))
        replies.append(Reply(text="\n".join(lines), buttons=buttons))
    return replies  # fmt: skip


def _invitation(
    network: str, other: Person, as_buddy: bool, proposal_id: int
) -> Callable[[Translator], list[Reply]]:
    def build(t: Translator) -> list[Reply]:
        name = other.display_name or "?"
        if as_buddy:
            text = t._(
                "🤝 The staff of {network} propose you as buddy for {name} from "
                "{place}. Do you agree?",
                network=network,
                name=name,
                place=other.place or "?",
            )
        else:
            text = t._(
                "🤝 The staff of {network} propose {name} as your buddy. A buddy is a "
                "volunteer who meets you and helps you. Do you agree?",
                network=network,
                name=name,
            )
        return [Reply(text=text, buttons=[[
            Button(label=t._("✅ Yes"), data=f"mq:y:{proposal_id}"),
            Button(label=t._("❌ No"), data=f"mq:n:{proposal_id}"),
        ]])]  # fmt: skip

    return build


@feature.action("mp", needs_onboarding=False)
async def propose_action(ctx: Context, args: list[str]) -> list[Reply]:
    account = await staff_for_person(ctx.tx, ctx.person.id)
    ids = [int_arg(a) for a in args] if len(args) == 2 else []
    if account is None or len(ids) != 2 or None in ids:
        return await stale_button(ctx)
    newcomer_id, buddy_id = ids[0] or 0, ids[1] or 0
    newcomers = {p.id: p for p in await newcomers_wanting_buddy(ctx.tx, [account.network_id])}
    buddies = {p.id: p for p in await available_buddies(ctx.tx, [account.network_id])}
    newcomer, buddy = newcomers.get(newcomer_id), buddies.get(buddy_id)
    if newcomer is None or buddy is None:
        return await stale_button(ctx)
    if await open_proposal(ctx.tx, newcomer.id, buddy.id) is not None:
        return [Reply(text=ctx._("⏳ Proposed; waiting for both to say yes."))]
    invite = await create_invite(ctx.tx, buddy.id, ctx.now, created_by=ctx.person.id)
    proposal = await create_proposal(ctx.tx, account.network_id, newcomer.id, buddy.id,
                                     invite.code, account.email, ctx.now)  # fmt: skip
    for person, other, as_buddy in ((newcomer, buddy, False), (buddy, newcomer, True)):
        await notify_person(ctx.tx, ctx.now, person.id,
                            _invitation(account.network_name, other, as_buddy, proposal.id),
                            key=f"proposal:{proposal.id}:{person.id}",
                            purpose="buddy_proposal")  # fmt: skip
    return [Reply(text=ctx._("📨 Proposed: {newcomer} and {buddy} are both asked.",
                             newcomer=newcomer.display_name or "?",
                             buddy=buddy.display_name or "?"))]  # fmt: skip


@feature.action("mq")
async def proposal_answer_action(ctx: Context, args: list[str]) -> list[Reply]:
    """The newcomer or the buddy of a proposal says yes or no."""
    proposal_id = int_arg(args[1]) if len(args) == 2 and args[0] in ("y", "n") else None
    proposal = await get_proposal(ctx.tx, proposal_id) if proposal_id else None
    invite = await get_invite(ctx.tx, proposal.invite_code) if proposal else None
    if (proposal is None or invite is None or proposal.declined_at is not None
            or invite.used_at is not None):  # fmt: skip
        return await stale_button(ctx)
    if invite.expires_at <= ctx.now:
        return [Reply(text=ctx._("⌛ This proposal is too old. Staff can propose again."))]
    answered = await answer_proposal(ctx.tx, proposal, ctx.person.id, args[0] == "y", ctx.now)
    if answered is None:
        return await stale_button(ctx)
    if answered.declined_at is not None:
        return await menu_replies(ctx, ctx._("👍 OK. You are not paired."))
    other_id = answered.buddy_id if ctx.person.id == answered.newcomer_id else answered.newcomer_id
    other = await get_person(ctx.tx, other_id)
    other_name = (other.display_name if other else None) or "?"
    if answered.newcomer_ok_at is None or answered.buddy_ok_at is None:
        return [Reply(text=ctx._("👍 Thank you. We wait until {name} says yes too.",
                                 name=other_name), edit=True)]  # fmt: skip
    result = await claim_invite(ctx.tx, answered.invite_code, answered.newcomer_id, ctx.now)
    if result not in (ClaimResult.PAIRED, ClaimResult.ALREADY):
        return await stale_button(ctx)
    await update_person(ctx.tx, answered.newcomer_id, wants_buddy=False)
    me = ctx.person.display_name or "?"

    def tell_other(t: Translator) -> list[Reply]:
        return [Reply(text=t._("🎉 {name} said yes too. You are now paired.", name=me))]

    await notify_person(ctx.tx, ctx.now, other_id, tell_other,
                        key=f"proposal:{answered.id}:paired", purpose="paired")  # fmt: skip
    return await menu_replies(ctx, ctx._("🎉 You and {name} are now paired.", name=other_name))
