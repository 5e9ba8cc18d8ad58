"""/offers for staff: their network's offers, paused, ended or resumed in one tap.

New and changed offers come by file (a CSV or UiTdatabank JSON-LD document sent to the bot,
see `bot.staff_files`). `/offers` leads staff here (`handlers.offers.cards.start_offers`);
`/offers taal` shows only offers with "taal" in the title.
"""

from __future__ import annotations

from typing import Literal

from handlers.common import int_arg, stale_button
from handlers.context import Context
from handlers.registry import Feature
from handlers.types import Button, Reply
from storage.staff import staff_for_person
from storage.staff_actions import NetworkOffer, network_offer, network_offers, switch_offer

feature = Feature("handlers.staff.offers")

SHOWN = 10
MAX_SEARCH = 60
STATES: dict[str, Literal["pause", "end", "resume"]] = {"p": "pause", "e": "end", "r": "resume"}


def offer_reply(ctx: Context, offer: NetworkOffer) -> Reply:
    if offer.active:
        state = ctx._("🟢 On")
        buttons = [Button(label=ctx._("⏸️ Pause"), data=f"so:p:{offer.id}"),
                   Button(label=ctx._("⏹️ End"), data=f"so:e:{offer.id}")]  # fmt: skip
    elif offer.paused and not (offer.active_until and offer.active_until <= ctx.today.isoformat()):
        state = ctx._("⏸️ Paused")
        buttons = [Button(label=ctx._("▶️ Resume"), data=f"so:r:{offer.id}"),
                   Button(label=ctx._("⏹️ End"), data=f"so:e:{offer.id}")]  # fmt: skip
    else:
        state, buttons = ctx._("⏹️ Ended"), []
    return Reply(text=f"{ctx.t.value(offer.title)} — {state}", buttons=[buttons] if buttons else [])


@feature.command("offers_staff", needs_onboarding=False, roles={"staff"})
async def staff_offers_command(ctx: Context, args: str) -> list[Reply]:
    account = await staff_for_person(ctx.tx, ctx.person.id)
    if account is None:
        return [Reply(text=ctx._("🚫 This is not available for you."))]
    ctx.finish()
    search = args.strip()[:MAX_SEARCH]
    total, offers = await network_offers(ctx.tx, account.network_id, search, SHOWN)
    replies = [
        Reply(
            text=ctx.ngettext(
                "📋 {n} offer in {network}.",
                "📋 {n} offers in {network}.",
                total,
                network=account.network_name,
            )
            + "\n"
            + ctx._("📎 To add or change offers, send me a CSV or JSON-LD file.")
        )
    ]
    replies += [offer_reply(ctx, offer) for offer in offers]
    if total > len(offers):
        replies.append(
            Reply(
                text=ctx._(
                    "🔎 Only the first {n}. Search with /offers and a word "
                    "from the title, like /offers taal.",
                    n=len(offers),
                )
            )
        )
    return replies  # fmt: skip


@feature.action("so", needs_onboarding=False)
async def switch_action(ctx: Context, args: list[str]) -> list[Reply]:
    account = await staff_for_person(ctx.tx, ctx.person.id)
    offer_id = int_arg(args[1]) if len(args) == 2 and args[0] in STATES else None
    if account is None or offer_id is None:
        return await stale_button(ctx)
    state = STATES[args[0]]
    if not await switch_offer(ctx.tx, offer_id, account.network_id, state,
                              ctx.today.isoformat(), ctx.now):  # fmt: skip
        return await stale_button(ctx)
    offer = await network_offer(ctx.tx, offer_id, account.network_id)
    assert offer is not None  # switched just now, in this transaction
    done = offer_reply(ctx, offer)
    done.edit = True
    return [done]
