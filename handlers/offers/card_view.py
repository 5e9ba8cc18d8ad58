"""How an offer card reads: title, place and distance, when, a short description, why it
was chosen in words, and its buttons. Also the provider's contact card."""

from __future__ import annotations

from handlers.context import Context
from handlers.offers.ranking import Suggestion, interests_of
from handlers.offers.search import DEFAULT_TRAVEL_KM
from handlers.registry import N_
from handlers.schedule import next_sessions
from handlers.types import Button
from handlers.vocab import DUTCH_LEVELS, INTERESTS, KINDS, dutch_icons
from i18n import Markup, Translator
from storage import offers as store
from storage.offers import Offer
from storage.people import Person

DESCRIPTION_CHARS = 110  # about two short lines on a phone; 📖 More shows the rest

# Why an offer was chosen, in the person's words (the interests come first, by name).
REASON_WORDS = {
    "dutch": N_("💬 fits your Dutch"),
    "time": N_("🗓️ in your free time"),
    "children": N_("👶 children welcome"),
    "free": N_("💶 free"),
    "uitpas": N_("🎫 UiTPAS discount"),
    "near": N_("📍 close to you"),
}


def short(text: str, limit: int = DESCRIPTION_CHARS) -> str:
    """At most `limit` characters: whole sentences when they fill at least half of it,
    else cut at a word with "…" (never mid-word)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    head = text[: limit + 1]
    ends = [i + 1 for i, ch in enumerate(head[:-1]) if ch in ".!?" and head[i + 1] == " "]
    if ends and ends[-1] >= limit // 2:
        return text[: ends[-1]]
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",.;:") + "…"


def when_text(ctx: Context, offer: Offer) -> str:
    sessions = next_sessions(offer, ctx.now, ctx.config.tz, limit=1)
    if not sessions:
        return ctx._("🗓️ Ask the organisation when")
    return ctx._("🗓️ {when}", when=sessions[0][0])


def why_words(t: Translator, suggestion: Suggestion) -> str:
    """ "⚽ Sport · 🗓️ in your free time · 📍 close to you": short words, icon first."""
    words = [f"{INTERESTS[i][0]} {t._(INTERESTS[i][1])}" for i in interests_of(suggestion.matched)]
    words += [t._(REASON_WORDS[r]) for r in suggestion.reasons if r in REASON_WORDS]
    return " · ".join(words)


def travel_km(person: Person) -> float:
    return float(person.travel_km or DEFAULT_TRAVEL_KM)


def card_text(ctx: Context, offer: Offer, suggestion: Suggestion | None) -> str:
    """Title, place and distance, when, signs, two short lines of the description, why."""
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
        reach = travel_km(ctx.person)
        if suggestion.distance_km > reach:
            lines.append(ctx._("🚗 Farther than your {km} km", km=round(reach)))
    else:
        lines.append(ctx._("📍 {place}", place=place))
    lines.append(when_text(ctx, offer))
    if suggestion is not None and suggestion.outside_time:
        lines.append(ctx._("🕒 Not in your free time"))
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
    if suggestion is not None and (words := why_words(t, suggestion)):
        # Translators: followed by the reasons this activity was chosen for the person.
        lines.append(ctx._("✨ For you: {reasons}", reasons=Markup(words)))
    return "\n".join(lines)


def legend_text(t: Translator) -> str:
    """What the signs on a card mean."""
    lines = [t._("ℹ️ <b>What the signs mean</b>")]
    for level, label in DUTCH_LEVELS.items():
        lines.append(f"{dutch_icons(level)} {t._(label)}")
    lines += [
        t._("👶 Children are welcome."),
        t._("💶 It is free."),
        t._("🎫 UiTPAS: you pay less with your UiTPAS card."),
        t._("🎟️ Places left."),
        t._("🚗 Farther than the distance you chose."),
        t._("🕒 Not in your free time."),
    ]
    return "\n".join(lines)


def map_url(offer: Offer) -> str:
    lat, lon = f"{offer.latitude:.5f}", f"{offer.longitude:.5f}"
    return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}"


def card_buttons(ctx: Context, offer: Offer) -> list[list[Button]]:
    i = offer.id
    rows = [
        [
            Button(label=ctx._("👍 I want to go"), data=f"ay:{i}"),
            # Translators: a button: never show this activity again.
            Button(label=ctx._("👎 Not for me"), data=f"an:{i}"),
        ],
        [
            # Translators: a button: show the next activity.
            Button(label=ctx._("➡️ Another"), data=f"ax:{i}"),
            # Translators: a button: open the place on a map.
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
    # Translators: a button: explain the small pictures (signs) on an activity card.
    info = [Button(label=ctx._("ℹ️ Signs"), data=f"ai:{i}")]
    if offer.description_nl and short(offer.description_nl) != offer.description_nl:
        # Translators: a button: show the whole description of an activity.
        info.insert(0, Button(label=ctx._("📖 More"), data=f"ad:{i}"))
    rows.append(info)
    return rows


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
