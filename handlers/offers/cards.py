"""/offers: one card at a time with what fits the person; the card's buttons.

A word typed outside any question searches offers by kind and title (handlers.offers.
search_words). Buttons (all actions; each checks the ids it gets):
  an:OFFER 👎 not for me · ax:OFFER ➡️ another · ac:OFFER 📅 calendar · ak:OFFER ☎️ contact ·
  ad:OFFER 📖 more · ai:OFFER ℹ️ signs
(👍 and /myoffers: handlers.offers.enrol)
"""

from __future__ import annotations

from pydantic import Field

from handlers.common import not_for_role, stale_button
from handlers.context import Context, Draft
from handlers.offers.calendar_ics import event_ics
from handlers.offers.card_view import card_buttons, card_text, contact_text, legend_text, short
from handlers.offers.ranking import VARIETY_WINDOW
from handlers.offers.search import Found, look_up, offer_for, seeker_for, word_look_up
from handlers.registry import N_, Feature
from handlers.schedule import next_sessions
from handlers.types import Attachment, Button, Reply
from handlers.vocab import KINDS
from storage import offers as store
from storage.offers import Offer

feature = Feature("handlers.offers.cards")

MAX_SEEN = 100


class CardsDraft(Draft):
    """A round of offer cards: the offers shown so far, the kinds of the last ones (so the
    next card varies), and the word searched for, if any."""

    seen: list[int] = Field(default_factory=list)
    kinds: list[str] = Field(default_factory=list)
    query: str | None = None


def _round(ctx: Context) -> CardsDraft:
    return ctx.draft(CardsDraft) if ctx.state.flow == "offers" else CardsDraft()


# --- showing cards -------------------------------------------------------------------------
def seen_ids(ctx: Context) -> list[int]:
    return _round(ctx).seen


def _recent_kinds(ctx: Context) -> tuple[str, ...]:
    """Kinds of the last cards shown in this round, so the next one varies from them."""
    return tuple(k for k in _round(ctx).kinds if k in KINDS)


def current_query(ctx: Context) -> str | None:
    """The word the person searched for in this round of cards, if any."""
    return _round(ctx).query


async def show_next(
    ctx: Context,
    *,
    seen: list[int],
    fresh: bool,
    intro: str | None = None,
    edit: bool = False,
    query: str | None = None,
    found: Found | None = None,
) -> list[Reply]:
    """Show the best card the person has not seen in this round (of a search, with `query`)."""
    if ctx.person.latitude is None:
        return [
            Reply(
                text=ctx._("📍 Tell me where you live first, then I can look."),
                buttons=[[Button(label=ctx._("📍 Place"), data="pf:oc")]],
            )
        ]
    declined = await store.declined_ids(ctx.tx, ctx.person.id)
    seeker = seeker_for(ctx.person, declined)
    assert seeker is not None
    recent = _recent_kinds(ctx) if seen else ()
    skip = frozenset(seen) | await store.enrolled_offer_ids(ctx.tx, ctx.person.id)
    if found is None and query is not None:
        found = await word_look_up(ctx.tx, seeker, ctx.today, skip, query)
    if found is None:
        found = await look_up(ctx, seeker, skip, recent, fresh)
    ctx.finish()
    ctx.state.flow = "offers"
    draft = CardsDraft(seen=seen[-MAX_SEEN:], query=query)
    ctx.keep(draft)
    lines = [intro] if intro else []
    reach = round(seeker.travel_km)
    if not found.suggestions:
        if query is not None and not seen:
            text = ctx._("🔎 I found no activity for “{word}” near you.", word=query)
        elif seen:
            text = ctx._("🙌 That is all I have near you for now. Try again in a few days.")
        else:
            text = ctx._("😌 I found nothing near you for now. Try a bigger distance in /profile.")
        buttons = [[Button(label=ctx._("🧭 Distance"), data="pf:ot")]]
        if seen:
            buttons[0].insert(0, Button(label=ctx._("🔁 Start again"), data="ax:0"))
        if query is not None:
            buttons.append([Button(label=ctx._("🔎 Find activities"), data="m:offers")])
        buttons.append([Button(label=ctx._("🏠 Menu"), data="m:home")])
        return [Reply(text="\n\n".join([*lines, text]), buttons=buttons, edit=edit)]
    first = found.suggestions[0]
    offer = await store.get_offer(ctx.tx, first.offer_id)
    assert offer is not None
    if found.nothing_near and not seen:
        lines.append(
            ctx.ngettext(
                "🔭 Nothing within {n} km of you. This one is farther away.",
                "🔭 Nothing within {n} km of you. This one is farther away.",
                reach,
            )
        )
    draft.seen = [*seen, offer.id][-MAX_SEEN:]
    draft.kinds = [*recent, offer.kind][-(VARIETY_WINDOW - 1) :]
    ctx.keep(draft)
    lines.append(card_text(ctx, offer, first))
    return [Reply(text="\n\n".join(lines), buttons=card_buttons(ctx, offer), edit=edit)]


async def start_offers(ctx: Context) -> list[Reply]:
    if ctx.person.role != "newcomer":
        return await not_for_role(ctx)
    return await show_next(ctx, seen=[], fresh=True)


MAX_SEARCH_WORDS = 3


@feature.typed_text
async def typed_search(ctx: Context, text: str) -> list[Reply] | None:
    """A word typed outside any question ("koken", "طبخ", "футбол") searches offers by kind
    and title, in any shipped language. Not a search word: None (the router carries on)."""
    if ctx.person.role != "newcomer" or len(text.split()) > MAX_SEARCH_WORDS:
        return None
    if ctx.person.latitude is None:
        return None
    declined = await store.declined_ids(ctx.tx, ctx.person.id)
    seeker = seeker_for(ctx.person, declined)
    assert seeker is not None
    skip = declined | await store.enrolled_offer_ids(ctx.tx, ctx.person.id)
    found = await word_look_up(ctx.tx, seeker, ctx.today, skip, text)
    if found is None:
        return None
    intro = ctx._("🔎 {word}", word=text)
    return await show_next(ctx, seen=[], fresh=False, intro=intro, query=text, found=found)


@feature.command("offers", N_("Find activities"), roles={"newcomer", "staff"})
async def offers_command(ctx: Context, args: str) -> list[Reply]:
    if ctx.person.role == "staff" and "offers_staff" in ctx.registry.commands:
        return await ctx.registry.commands["offers_staff"].run(ctx, args)  # handlers.staff.offers
    return await start_offers(ctx)


@feature.menu_item("offers", N_("🔎 Find activities"), order=10, roles={"newcomer"})
async def offers_menu(ctx: Context) -> list[Reply]:
    return await start_offers(ctx)


def gone(ctx: Context) -> Reply:
    return Reply(text=ctx._("⌛ This activity is not available any more."))


# --- 👎 ➡️ -----------------------------------------------------------------------------------
@feature.action("ax")
async def another(ctx: Context, args: list[str]) -> list[Reply]:
    if args == ["0"] and ctx.person.role == "newcomer":
        return await show_next(ctx, seen=[], fresh=False, edit=True, query=current_query(ctx))
    offer = await offer_for(ctx, args)
    if offer is None:
        return await stale_button(ctx)
    seen = [*(i for i in seen_ids(ctx) if i != offer.id), offer.id]
    return await show_next(ctx, seen=seen, fresh=False, edit=True, query=current_query(ctx))


@feature.action("an")
async def not_for_me(ctx: Context, args: list[str]) -> list[Reply]:
    offer = await offer_for(ctx, args)
    if offer is None:
        return await stale_button(ctx)
    await store.decline(ctx.tx, ctx.person.id, offer.id, ctx.now)
    seen = [*(i for i in seen_ids(ctx) if i != offer.id), offer.id]
    intro = ctx._("👌 OK, I will not show {title} again.", title=offer.title_nl)
    return await show_next(
        ctx, seen=seen, fresh=False, intro=intro, edit=True, query=current_query(ctx)
    )


# --- 📅 ☎️ -----------------------------------------------------------------------------------
@feature.action("ac")
async def calendar(ctx: Context, args: list[str]) -> list[Reply]:
    offer = await offer_for(ctx, args)
    if offer is None:
        return await stale_button(ctx)
    sessions = next_sessions(offer, ctx.now, ctx.config.tz, limit=1)
    if not offer.still_on(ctx.today) or not sessions:
        text = ctx._("🗓️ There is no date for this activity yet. Ask the organisation.")
        return [Reply(text=text, buttons=next_buttons(ctx, offer))]
    start, end = sessions[0]
    where = ", ".join(x for x in (offer.address, offer.postcode, offer.municipality) if x)
    content = event_ics(
        uid=f"offer-{offer.id}-{start:%Y%m%dT%H%M}@meedoen",
        start=start,
        end=end,
        title=offer.title_nl,
        now=ctx.now,
        location=where,
        description=short(offer.description_nl, 500),
        url=offer.url,
        geo=(offer.latitude, offer.longitude),
    )
    return [
        Reply(
            text=ctx._("📅 {title}: {when}", title=offer.title_nl, when=start),
            document=Attachment(
                filename=f"meedoen-{offer.id}.ics", content=content, mime="text/calendar"
            ),
            buttons=next_buttons(ctx, offer),
        )
    ]


@feature.action("ak")
async def contact(ctx: Context, args: list[str]) -> list[Reply]:
    offer = await offer_for(ctx, args)
    if offer is None:
        return await stale_button(ctx)
    provider = await store.get_provider(ctx.tx, offer.provider_id) if offer.provider_id else None
    if provider is None:
        text = ctx._("☎️ I have no contact for this activity.")
        return [Reply(text=text, buttons=next_buttons(ctx, offer))]
    return [Reply(text=contact_text(ctx.t, provider, offer), buttons=next_buttons(ctx, offer))]


def next_buttons(ctx: Context, offer: Offer) -> list[list[Button]]:
    """The way on under a message about a card: go, or see another."""
    return [
        [
            Button(label=ctx._("👍 I want to go"), data=f"ay:{offer.id}"),
            Button(label=ctx._("➡️ Another"), data=f"ax:{offer.id}"),
        ]
    ]


# --- 📖 ℹ️ -----------------------------------------------------------------------------------
MAX_DESCRIPTION = 3000


@feature.action("ad")
async def more(ctx: Context, args: list[str]) -> list[Reply]:
    """The whole Dutch description (the card shows two short lines)."""
    offer = await offer_for(ctx, args)
    if offer is None:
        return await stale_button(ctx)
    text = "\n\n".join(
        [f"📖 <b>{ctx.t.value(offer.title_nl)}</b>",
         f"<i>{ctx.t.value(short(offer.description_nl, MAX_DESCRIPTION))}</i>"]
    )  # fmt: skip
    return [Reply(text=text, buttons=next_buttons(ctx, offer))]


@feature.action("ai")
async def signs(ctx: Context, args: list[str]) -> list[Reply]:
    """What the signs on a card mean (Dutch level, children, free, UiTPAS...)."""
    offer = await offer_for(ctx, args)
    if offer is None:
        return await stale_button(ctx)
    return [Reply(text=legend_text(ctx.t), buttons=next_buttons(ctx, offer))]
