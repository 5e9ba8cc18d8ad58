"""/offers: one card at a time with what fits the person; 👍 enrols and tells the provider.

Also /myoffers (enrolments, with a way to cancel) and `/start prov-CODE`, which makes the
person who opens it the contact of a provider.

Buttons (all actions; each checks the ids it gets):
  ay:OFFER 👍 enrol · an:OFFER 👎 not for me · ax:OFFER ➡️ another · ac:OFFER 📅 calendar ·
  ak:OFFER ☎️ contact · al 📋 my activities · aq:ENROLMENT ask to cancel · ar:ENROLMENT cancel
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from handlers.common import int_arg, stale_button
from handlers.context import Config, Context
from handlers.offers.calendar_ics import event_ics
from handlers.offers.ranking import (
    VARIETY_WINDOW,
    Candidate,
    Needs,
    Seeker,
    Suggestion,
    best,
    best_possible_base,
    interest_bits,
    interests_of,
    near_points,
    needs,
    order_key,
    with_variety,
)
from handlers.registry import N_, Feature
from handlers.schedule import next_sessions, slot_bits
from handlers.types import Attachment, Button, Reply
from handlers.vocab import INTERESTS, KINDS, dutch_icons
from i18n import Translator
from storage import offers as store
from storage.clock import iso
from storage.db import Tx
from storage.networks import municipality_for_postcode
from storage.offers import Offer
from storage.people import Person
from storage.postcodes import haversine_km

feature = Feature("handlers.offers.cards")

SUGGESTIONS = 10  # ranked exactly per look-up; every ➡️ looks up again without the seen
FIRST_RING_KM = 5.0
DEFAULT_TRAVEL_KM = 10
MAX_SEEN = 100
DESCRIPTION_CHARS = 160
KM_PER_DEGREE = 111.19  # on the sphere of storage.postcodes.EARTH_RADIUS_KM


def fallback_km(travel_km: float) -> float:
    """How far to look for the nearest offers when nothing fits within reach."""
    return min(75.0, max(25.0, 3 * travel_km))


# --- finding suggestions -------------------------------------------------------------------
def seeker_for(person: Person, declined: frozenset[int] = frozenset()) -> Seeker | None:
    if person.latitude is None or person.longitude is None:
        return None
    return Seeker(
        latitude=person.latitude,
        longitude=person.longitude,
        travel_km=float(person.travel_km or DEFAULT_TRAVEL_KM),
        dutch_level=person.dutch_level,
        interests=interest_bits(person.interests),
        free=slot_bits(person.availability),
        with_children=bool(person.with_children),
        declined=declined,
    )


def box(latitude: float, longitude: float, km: float) -> tuple[float, float, float, float]:
    """A latitude/longitude box holding every point within `km` (with a small margin)."""
    dlat = km * 1.01 / KM_PER_DEGREE
    far = min(89.0, abs(latitude) + dlat)
    dlon = km * 1.01 / (KM_PER_DEGREE * math.cos(math.radians(far)))
    return latitude - dlat, latitude + dlat, longitude - dlon, longitude + dlon


def candidate(row: Sequence[Any]) -> Candidate:
    """A row of store.CANDIDATE_COLUMNS (same order) as a ranking candidate."""
    return Candidate(*row)


def max_level(seeker: Seeker) -> int:
    return 4 if seeker.dutch_level is None else min(4, seeker.dutch_level + 1)


async def find_suggestions(
    tx: Tx,
    seeker: Seeker,
    today: date,
    *,
    limit: int = SUGGESTIONS,
    exclude: frozenset[int] = frozenset(),
    shown: tuple[str, ...] = (),
) -> list[Suggestion]:
    """The person's first `limit` suggestions, exactly as `ranking.best` orders the whole
    catalog, with variety among them, without reading the whole catalog.

    Read a small box around the person first, then the ring around it (box ×2), up to the
    travel radius. An offer not read yet lies farther than the box, so it scores at most its
    `base` + `near_points(box)`. Once `limit` offers with places left are found, the next
    ring only needs offers whose `base` can still beat the last of them (`ranking.needs`
    says which features that takes; SQLite filters on them), and when no `base` can, the
    search stops.
    """
    radius = seeker.travel_km
    ceiling = best_possible_base(seeker)
    ring, inner = min(radius, FIRST_RING_KM), None
    wanted = Needs()
    scored: list[Suggestion] = []
    while True:
        outer = box(seeker.latitude, seeker.longitude, ring)
        rows = await store.offers_in_box(
            tx,
            outer,
            seeker.dutch_level
            if wanted.dutch_fits and seeker.dutch_level is not None
            else max_level(seeker),
            today,
            interest_mask=seeker.interests if wanted.interest else None,
            slot_mask=seeker.free if wanted.time_fits else None,
            children_only=wanted.children,
            free_only=wanted.free,
            free_or_uitpas=wanted.free_or_uitpas,
            outside=inner,
        )
        scored.extend(best(seeker, map(candidate, rows), exclude=exclude))
        if ring >= radius:
            break
        top = [s for s in heapq.nsmallest(limit, scored, key=order_key) if not s.full]
        if len(top) >= limit:
            need = top[-1].score - near_points(ring, radius)
            if need > ceiling:
                break
            wanted = needs(seeker, need)
        ring, inner = min(radius, ring * 2), outer
    return with_variety(heapq.nsmallest(limit, scored, key=order_key), shown=shown)


async def nearest_matches(
    tx: Tx, seeker: Seeker, today: date, limit: int = 3, exclude: frozenset[int] = frozenset()
) -> list[Suggestion]:
    """The nearest offers sharing an interest, beyond the travel radius (up to fallback_km)."""
    reach = fallback_km(seeker.travel_km)
    rows = await store.offers_in_box(
        tx,
        box(seeker.latitude, seeker.longitude, reach),
        max_level(seeker),
        today,
        interest_mask=seeker.interests,
    )
    scored = best(seeker, map(candidate, rows), max_km=reach, exclude=exclude)
    open_first = sorted(scored, key=lambda s: (s.full, s.distance_km, s.offer_id))
    return open_first[:limit]


async def unmet_interests(tx: Tx, seeker: Seeker, interests: list[str], today: date) -> list[str]:
    """The person's interests that no offer within reach (and their Dutch) serves."""
    unmet = []
    area = box(seeker.latitude, seeker.longitude, seeker.travel_km)
    for interest in interests:
        rows = await store.offers_in_box(
            tx, area, max_level(seeker), today, interest_mask=interest_bits([interest])
        )
        if not any(
            haversine_km(seeker.latitude, seeker.longitude, r[3], r[4]) <= seeker.travel_km
            for r in rows
        ):
            unmet.append(interest)
    return unmet


@dataclass
class Found:
    suggestions: list[Suggestion]
    nothing_near: bool  # nothing within reach shares an interest: the nearest ones lead


async def look_up(
    ctx: Context, seeker: Seeker, seen: frozenset[int], shown: tuple[str, ...], fresh: bool
) -> Found:
    suggestions = await find_suggestions(ctx.tx, seeker, ctx.today, exclude=seen, shown=shown)
    nothing_near = bool(seeker.interests) and not any(s.matched for s in suggestions)
    if nothing_near:
        nearest = await nearest_matches(ctx.tx, seeker, ctx.today, exclude=seen)
        ids = {s.offer_id for s in nearest}
        suggestions = nearest + [s for s in suggestions if s.offer_id not in ids]
    person = ctx.person
    if (
        fresh
        and person.interests
        and person.place
        and not await store.unmet_counted_today(ctx.tx, person.id, ctx.today)
    ):
        unmet = await unmet_interests(ctx.tx, seeker, person.interests, ctx.today)
        if unmet:
            municipality = (
                await municipality_for_postcode(ctx.tx, person.postcode or "") or person.place
            )
            await store.record_unmet(
                ctx.tx, person.id, ctx.today, person.network_id, municipality, unmet
            )
    return Found(suggestions, nothing_near)


# --- the card ------------------------------------------------------------------------------
REASON_ICONS = {
    "near": "📍",
    "dutch": "💬",
    "time": "🗓️",
    "children": "👶",
    "free": "💶",
    "uitpas": "🎫",
}


def short(text: str, limit: int = DESCRIPTION_CHARS) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",.;:") + "…"


def when_text(ctx: Context, offer: Offer) -> str:
    sessions = next_sessions(offer, ctx.now, ctx.config.tz, limit=1)
    if not sessions:
        return ctx._("🗓️ Ask the organisation when")
    return ctx._("🗓️ {when}", when=sessions[0][0])


def why_icons(suggestion: Suggestion) -> str:
    icons = [INTERESTS[i][0] for i in interests_of(suggestion.matched)]
    icons += [REASON_ICONS[r] for r in suggestion.reasons if r in REASON_ICONS]
    return " ".join(icons)


def card_text(ctx: Context, offer: Offer, suggestion: Suggestion | None) -> str:
    t = ctx.t
    icon = KINDS.get(offer.kind, KINDS["other"])[0]
    lines = [f"{icon} <b>{t.value(offer.title_nl)}</b>"]
    translated = offer.translations.get(ctx.person.locale, {}).get("title")
    if translated and translated != offer.title_nl:
        lines.append(f"<i>{t.value(translated)}</i>")
    place = offer.municipality or offer.postcode or ""
    if suggestion is not None:
        lines.append(
            ctx._("📍 {place} · {km} km", place=place, km=round(suggestion.distance_km, 1))
        )
    else:
        lines.append(ctx._("📍 {place}", place=place))
    lines.append(when_text(ctx, offer))
    flags = [dutch_icons(offer.dutch_level)]
    if offer.children_welcome:
        flags.append("👶")
    if offer.cost == "free":
        flags.append(ctx._("💶 free"))
    if offer.uitpas:
        flags.append("🎫 UiTPAS")
    left = offer.places_left
    if left is not None:
        flags.append(
            ctx._("⛔ full")
            if left == 0
            else ctx.ngettext("🎟️ {n} place left", "🎟️ {n} places left", left)
        )
    lines.append(" · ".join(flags))
    if offer.description_nl:
        lines.append(f"<i>{t.value(short(offer.description_nl))}</i>")
    if suggestion is not None and (icons := why_icons(suggestion)):
        lines.append(ctx._("✨ Why: {icons}", icons=icons))
    return "\n".join(lines)


def map_url(offer: Offer) -> str:
    lat, lon = f"{offer.latitude:.5f}", f"{offer.longitude:.5f}"
    return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}"


def card_buttons(ctx: Context, offer: Offer) -> list[list[Button]]:
    i = offer.id
    rows = [
        [
            Button(label=ctx._("👍 I want to go"), data=f"ay:{i}"),
            Button(label=ctx._("👎 Not for me"), data=f"an:{i}"),
        ],
        [
            Button(label=ctx._("➡️ Another"), data=f"ax:{i}"),
            Button(label=ctx._("🗺️ Map"), url=map_url(offer)),
        ],
    ]
    extra = []
    if next_sessions(offer, ctx.now, ctx.config.tz, limit=1):
        extra.append(Button(label=ctx._("📅 Calendar"), data=f"ac:{i}"))
    if offer.provider_id is not None:
        extra.append(Button(label=ctx._("☎️ Contact"), data=f"ak:{i}"))
    if extra:
        rows.append(extra)
    return rows


# --- showing cards -------------------------------------------------------------------------
def _seen(ctx: Context) -> list[int]:
    if ctx.state.flow != "offers":
        return []
    return [i for i in ctx.state.data.get("seen", []) if isinstance(i, int)]


def _recent_kinds(ctx: Context) -> tuple[str, ...]:
    """Kinds of the last cards shown in this round, so the next one varies from them."""
    if ctx.state.flow != "offers":
        return ()
    return tuple(k for k in ctx.state.data.get("kinds", []) if k in KINDS)


async def show_next(
    ctx: Context, *, seen: list[int], fresh: bool, intro: str | None = None, edit: bool = False
) -> list[Reply]:
    """Show the best card the person has not seen in this round."""
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
    found = await look_up(ctx, seeker, skip, recent, fresh)
    ctx.finish()
    ctx.state.flow = "offers"
    ctx.state.data["seen"] = seen[-MAX_SEEN:]
    lines = [intro] if intro else []
    if not found.suggestions:
        text = (
            ctx._("🙌 That is all I have near you for now. Try again in a few days.")
            if seen
            else ctx._("😌 I found nothing near you for now. Try a bigger distance in /profile.")
        )
        buttons = [[Button(label=ctx._("🧭 Distance"), data="pf:ot")]]
        if seen:
            buttons[0].insert(0, Button(label=ctx._("🔁 Start again"), data="ax:0"))
        buttons.append([Button(label=ctx._("🏠 Menu"), data="m:home")])
        return [Reply(text="\n\n".join([*lines, text]), buttons=buttons, edit=edit)]
    first = found.suggestions[0]
    offer = await store.get_offer(ctx.tx, first.offer_id)
    assert offer is not None
    if found.nothing_near and not seen:
        lines.append(
            ctx._(
                "🙏 Sorry, nothing fits your interests close to you yet. "
                "Here is the nearest I found."
            )
        )
    ctx.state.data["seen"] = [*seen, offer.id][-MAX_SEEN:]
    ctx.state.data["kinds"] = [*recent, offer.kind][-(VARIETY_WINDOW - 1) :]
    lines.append(card_text(ctx, offer, first))
    return [Reply(text="\n\n".join(lines), buttons=card_buttons(ctx, offer), edit=edit)]


async def start_offers(ctx: Context) -> list[Reply]:
    if ctx.person.role != "newcomer":
        return [Reply(text=ctx._("🚫 This is not available for you."))]
    return await show_next(ctx, seen=[], fresh=True)


@feature.command("offers", N_("Find activities"))
async def offers_command(ctx: Context, args: str) -> list[Reply]:
    if ctx.person.role == "staff" and "offers_staff" in ctx.registry.commands:
        return await ctx.registry.commands["offers_staff"].run(ctx, args)  # handlers.staff.offers
    return await start_offers(ctx)


@feature.menu_item("offers", N_("🔎 Find activities"), order=10, roles={"newcomer"})
async def offers_menu(ctx: Context) -> list[Reply]:
    return await start_offers(ctx)


# --- button checks ---------------------------------------------------------------------------
def _id(args: list[str]) -> int | None:
    return int_arg(args[0]) if len(args) == 1 else None


async def _offer_for(ctx: Context, args: list[str]) -> Offer | None:
    """The offer a button names, if this person may act on it: a newcomer, and an offer
    that is still on and in their network or near enough to have been suggested."""
    offer_id = _id(args)
    if offer_id is None or ctx.person.role != "newcomer":
        return None
    offer = await store.get_offer(ctx.tx, offer_id)
    if offer is None:
        return None
    if offer.network_id is not None and offer.network_id == ctx.person.network_id:
        return offer
    if ctx.person.latitude is None or ctx.person.longitude is None:
        return None
    distance = haversine_km(
        ctx.person.latitude, ctx.person.longitude, offer.latitude, offer.longitude
    )
    reach = fallback_km(float(ctx.person.travel_km or DEFAULT_TRAVEL_KM))
    return offer if distance <= reach else None


def _gone(ctx: Context) -> Reply:
    return Reply(text=ctx._("⌛ This activity is not available any more."))


# --- 👎 ➡️ -----------------------------------------------------------------------------------
@feature.action("ax")
async def another(ctx: Context, args: list[str]) -> list[Reply]:
    if args == ["0"] and ctx.person.role == "newcomer":
        return await show_next(ctx, seen=[], fresh=False, edit=True)
    offer = await _offer_for(ctx, args)
    if offer is None:
        return await stale_button(ctx)
    seen = [*(i for i in _seen(ctx) if i != offer.id), offer.id]
    return await show_next(ctx, seen=seen, fresh=False, edit=True)


@feature.action("an")
async def not_for_me(ctx: Context, args: list[str]) -> list[Reply]:
    offer = await _offer_for(ctx, args)
    if offer is None:
        return await stale_button(ctx)
    await store.decline(ctx.tx, ctx.person.id, offer.id, ctx.now)
    seen = [*(i for i in _seen(ctx) if i != offer.id), offer.id]
    intro = ctx._("👌 OK, I will not show {title} again.", title=offer.title_nl)
    return await show_next(ctx, seen=seen, fresh=False, intro=intro, edit=True)


# --- 📅 ☎️ -----------------------------------------------------------------------------------
@feature.action("ac")
async def calendar(ctx: Context, args: list[str]) -> list[Reply]:
    offer = await _offer_for(ctx, args)
    if offer is None:
        return await stale_button(ctx)
    sessions = next_sessions(offer, ctx.now, ctx.config.tz, limit=1)
    if not offer.still_on(ctx.today) or not sessions:
        text = ctx._("🗓️ There is no date for this activity yet. Ask the organisation.")
        return [Reply(text=text)]
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
        )
    ]


def contact_text(t: Translator, provider: store.Provider, offer: Offer) -> str:
    lines = [t._("☎️ <b>{name}</b>", name=provider.name)]
    if provider.phone:
        lines.append(t._("📞 {phone}", phone=provider.phone))
    if provider.email:
        lines.append(t._("✉️ {email}", email=provider.email))
    if provider.telegram:
        lines.append(t._("💬 Telegram: {handle}", handle=provider.telegram))
    where = ", ".join(x for x in (offer.address, offer.postcode, offer.municipality) if x)
    if where:
        lines.append(t._("📍 {address}", address=where))
    return "\n".join(lines)


@feature.action("ak")
async def contact(ctx: Context, args: list[str]) -> list[Reply]:
    offer = await _offer_for(ctx, args)
    if offer is None:
        return await stale_button(ctx)
    provider = await store.get_provider(ctx.tx, offer.provider_id) if offer.provider_id else None
    if provider is None:
        return [Reply(text=ctx._("☎️ I have no contact for this activity."))]
    return [Reply(text=contact_text(ctx.t, provider, offer))]


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
    offer = await _offer_for(ctx, args)
    if offer is None:
        return await stale_button(ctx)
    if not offer.still_on(ctx.today):
        return [_gone(ctx), *await show_next(ctx, seen=_seen(ctx), fresh=False)]
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
        seen = [*_seen(ctx), offer.id]
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


@feature.command("myoffers", N_("My activities"))
async def my_offers_command(ctx: Context, _args: str) -> list[Reply]:
    ctx.finish()
    return await my_offers(ctx)


@feature.action("al")
async def my_offers_action(ctx: Context, args: list[str]) -> list[Reply]:
    if args:
        return await stale_button(ctx)
    return await my_offers(ctx)


async def _own_enrolment(ctx: Context, args: list[str]) -> tuple[store.Enrolment, Offer] | None:
    enrolment_id = _id(args)
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
                    Button(label=ctx._("✅ Yes, cancel"), data=f"ar:{enrolment.id}"),
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


# --- for other features ---------------------------------------------------------------------
async def top_suggestions(
    tx: Tx, config: Config, person: Person, now: datetime, limit: int = 2
) -> list[Offer]:
    """The person's best suggestions as offers, leaving out what they are already in
    (for reminders and digests)."""
    declined = await store.declined_ids(tx, person.id)
    seeker = seeker_for(person, declined)
    if seeker is None:
        return []
    today = now.astimezone(config.tz).date()
    enrolled = await store.enrolled_offer_ids(tx, person.id)
    found = await find_suggestions(tx, seeker, today, limit=limit, exclude=enrolled)
    offers = await store.get_offers(tx, [s.offer_id for s in found])
    return [offers[s.offer_id] for s in found if s.offer_id in offers]
