"""How an offer card reads: title, place and distance, when, a short description, why it
was chosen in words, and its buttons. Also the provider's contact card."""

from __future__ import annotations

from handlers.context import Context
from handlers.offers.ranking import Suggestion, interests_of
from handlers.schedule import next_sessions
from handlers.types import Button
from handlers.vocab import INTERESTS, KINDS, dutch_icons
from i18n import Translator
from storage import offers as store
from storage.offers import Offer

DESCRIPTION_CHARS = 160

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
