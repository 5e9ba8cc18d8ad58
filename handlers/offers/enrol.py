"""👍 enrol (and tell the provider), /myoffers with a way to cancel, and `/start prov-CODE`,
which makes the person who opens it the contact of a provider.

Buttons: ay:OFFER 👍 enrol · al 📋 my activities · aq:ENROLMENT ask to cancel ·
ar:ENROLMENT cancel
"""

from __future__ import annotations

from handlers.common import stale_button
from handlers.context import Context
from handlers.offers.card_view import short
from handlers.offers.cards import gone, seen_ids, show_next
from handlers.offers.search import id_arg, offer_for
from handlers.registry import N_, Feature
from handlers.schedule import next_sessions
from handlers.types import Button, Reply
from handlers.vocab import KINDS
from i18n import Translator
from storage import offers as store
from storage.clock import iso
from storage.offers import Offer
from storage.people import Person

feature = Feature("handlers.offers.enrol")


# --- 👍 enrol -------------------------------------------------------------------------------
def provider_message(t: Translator, person: Person, offer: Offer, when: object) -> list[Reply]:
    """What the provider's contact gets (in their own language) when someone enrols."""
    lines = [
        t._("🙋 <b>New participant via Meedoen</b>"),
        t._("📌 {title}", title=offer.title_nl),
        t._("👤 {name}", name=person.display_name or t._("a newcomer")),
    ]
    if person.dutch_level:
        lines.append(t._("💬 Dutch: {level} of 4", level=person.dutch_level))
    if person.with_children:
        lines.append(t._("👶 Comes with children"))
    if when is not None:
        lines.append(t._("🗓️ First time: {when}", when=when))
    lines.append(t._("They are learning Dutch: please speak slowly and simply. Thank you!"))
    return [Reply(text="\n".join(lines))]


def cancel_message(t: Translator, person: Person, offer: Offer) -> list[Reply]:
    name = person.display_name or t._("a newcomer")
    return [Reply(text=t._("↩️ {name} cannot come to {title} after all.", name=name,
                           title=offer.title_nl))]  # fmt: skip


async def _tell_provider(ctx: Context, offer: Offer, key: str, purpose: str, build: object) -> bool:
    if offer.provider_id is None:
        return False
    contact_id = await store.provider_contact_person(ctx.tx, offer.provider_id, ctx.now)
    if contact_id is None:
        return False
    await ctx.notify(contact_id, build, key=key, purpose=purpose)
    return True


@feature.action("ay")
async def want_to_go(ctx: Context, args: list[str]) -> list[Reply]:
    offer = await offer_for(ctx, args)
    if offer is None:
        return await stale_button(ctx)
    if not offer.still_on(ctx.today):
        return [gone(ctx), *await show_next(ctx, seen=seen_ids(ctx), fresh=False)]
    outcome, enrolment = await store.enrol(ctx.tx, ctx.person.id, offer.id, ctx.now)
    after = [
        [
            Button(label=ctx._("📋 My activities"), data="al"),
            Button(label=ctx._("➡️ Another"), data=f"ax:{offer.id}"),
        ]
    ]
    if outcome == "already":
        text = ctx._("✅ You are already on the list for {title}.", title=offer.title_nl)
        return [Reply(text=text, buttons=after)]
    if outcome == "full":
        text = ctx._("😕 Sorry, {title} is full. Here is another one:", title=offer.title_nl)
        seen = [*seen_ids(ctx), offer.id]
        return [Reply(text=text), *await show_next(ctx, seen=seen, fresh=False)]
    assert enrolment is not None
    sessions = next_sessions(offer, ctx.now, ctx.config.tz, limit=1)
    first = sessions[0][0] if sessions else None
    key = f"enrol:{enrolment.id}" if outcome == "new" else f"enrol:{enrolment.id}:{iso(ctx.now)}"
    person = ctx.person
    told = await _tell_provider(
        ctx, offer, key, "provider_enrolment",
        lambda t: provider_message(t, person, offer, first),
    )  # fmt: skip
    provider = await store.get_provider(ctx.tx, offer.provider_id) if offer.provider_id else None
    lines = [ctx._("🎉 You are on the list for {title}!", title=offer.title_nl)]
    where = ", ".join(x for x in (offer.address, offer.municipality) if x)
    if first is not None:
        lines.append(ctx._("👉 Next step: go there on {when}.", when=first))
    if where:
        lines.append(ctx._("📍 {address}", address=where))
    if told and provider is not None:
        lines.append(ctx._("📨 I told {provider} that you are coming.", provider=provider.name))
    elif provider is not None:
        lines.append(ctx._("☎️ Please call or mail {provider} to say you are coming.",
                           provider=provider.name))  # fmt: skip
    buttons = []
    if first is not None:
        buttons.append(Button(label=ctx._("📅 Calendar"), data=f"ac:{offer.id}"))
    if provider is not None:
        buttons.append(Button(label=ctx._("☎️ Contact"), data=f"ak:{offer.id}"))
    return [Reply(text="\n".join(lines), buttons=[buttons, *after] if buttons else after)]


# --- /myoffers -------------------------------------------------------------------------------
async def my_offers(ctx: Context) -> list[Reply]:
    enrolments = await store.active_enrolments(ctx.tx, ctx.person.id)
    if not enrolments:
        buttons = [[Button(label=ctx._("🔎 Find activities"), data="m:offers")]]
        return [Reply(text=ctx._("📋 You are not on any list yet."), buttons=buttons)]
    lines = [ctx._("📋 <b>Your activities</b>")]
    buttons = []
    for enrolment, offer in enrolments:
        icon = KINDS.get(offer.kind, KINDS["other"])[0]
        sessions = next_sessions(offer, ctx.now, ctx.config.tz, limit=1)
        line = f"{icon} <b>{ctx.t.value(offer.title_nl)}</b>"
        if sessions:
            line += " — " + ctx.t.value(sessions[0][0])
        elif not offer.still_on(ctx.today):
            line += " — " + ctx._("⌛ ended")
        lines.append(line)
        label = ctx._("❌ Cancel: {title}", title=short(offer.title_nl, 28))
        buttons.append([Button(label=label, data=f"aq:{enrolment.id}")])
    buttons.append([Button(label=ctx._("🏠 Menu"), data="m:home")])
    return [Reply(text="\n".join(lines), buttons=buttons)]


@feature.command("myoffers", N_("My activities"), roles={"newcomer"})
async def my_offers_command(ctx: Context, _args: str) -> list[Reply]:
    ctx.finish()
    return await my_offers(ctx)


@feature.action("al")
async def my_offers_action(ctx: Context, args: list[str]) -> list[Reply]:
    if args:
        return await stale_button(ctx)
    return await my_offers(ctx)


async def _own_enrolment(ctx: Context, args: list[str]) -> tuple[store.Enrolment, Offer] | None:
    enrolment_id = id_arg(args)
    if enrolment_id is None:
        return None
    enrolment = await store.get_enrolment(ctx.tx, enrolment_id)
    if enrolment is None or enrolment.person_id != ctx.person.id or enrolment.status != "active":
        return None
    offer = await store.get_offer(ctx.tx, enrolment.offer_id)
    return None if offer is None else (enrolment, offer)


@feature.action("aq")
async def ask_cancel(ctx: Context, args: list[str]) -> list[Reply]:
    found = await _own_enrolment(ctx, args)
    if found is None:
        return await stale_button(ctx)
    enrolment, offer = found
    return [
        Reply(
            text=ctx._("❓ Cancel {title}?", title=offer.title_nl),
            buttons=[
                [
                    Button(
                        label=ctx._("✅ Yes, cancel"), data=f"ar:{enrolment.id}", style="danger"
                    ),
                    Button(label=ctx._("↩️ No"), data="al"),
                ]
            ],
        )
    ]


@feature.action("ar")
async def cancel(ctx: Context, args: list[str]) -> list[Reply]:
    found = await _own_enrolment(ctx, args)
    if found is None:
        return await stale_button(ctx)
    enrolment, offer = found
    await store.cancel_enrolment(ctx.tx, enrolment.id, ctx.now)
    person = ctx.person
    await _tell_provider(
        ctx, offer, f"unenrol:{enrolment.id}:{iso(ctx.now)}", "provider_cancellation",
        lambda t: cancel_message(t, person, offer),
    )  # fmt: skip
    done = Reply(text=ctx._("👍 Cancelled: {title}.", title=offer.title_nl), edit=True)
    return [done, *await my_offers(ctx)]


# --- provider deep link ------------------------------------------------------------------------
@feature.start_param("prov-", before_onboarding=True)
async def provider_link(ctx: Context, code: str) -> list[Reply]:
    valid = 8 <= len(code) <= 40 and all(ch.isalnum() or ch in "-_" for ch in code)
    provider_id = await store.provider_for_link(ctx.tx, code, ctx.now) if valid else None
    if provider_id is None:
        text = ctx._("⌛ This link is old or was used already. Ask Meedoen for a new one.")
        return [Reply(text=text)]
    contact_id = await store.link_provider_person(ctx.tx, provider_id, ctx.person.id, ctx.now)
    if contact_id is None:  # the code stays usable from another account
        text = ctx._(
            "🚫 This Telegram account is already used in Meedoen. "
            "Please open the link with another account, or ask Meedoen for help."
        )
        return [Reply(text=text)]
    await store.spend_provider_link(ctx.tx, code, ctx.now)
    provider = await store.get_provider(ctx.tx, provider_id)
    if contact_id != ctx.person.id:
        ctx.forgotten = True  # this person was merged into the provider's contact
    else:
        ctx.person.role = "provider"
        ctx.finish()
    text = ctx._(
        "✅ You are now the contact for {provider}. "
        "I will message you here when someone wants to join.",
        provider=provider.name if provider else "",
    )
    return [Reply(text=text)]
