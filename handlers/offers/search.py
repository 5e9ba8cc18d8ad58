"""Finding the offers to suggest: a look-up in growing rings around the person, the nearest
offers when nothing fits within reach, and which offer a button may act on."""

from __future__ import annotations

import heapq
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from handlers.common import int_arg
from handlers.context import Config, Context
from handlers.offers.ranking import (
    Candidate,
    Needs,
    Seeker,
    Suggestion,
    best,
    best_possible_base,
    interest_bits,
    near_points,
    needs,
    order_key,
    rank,
    with_variety,
)
from handlers.offers.search_words import in_title, kinds_for
from handlers.schedule import slot_bits
from storage import offers as store
from storage.db import Tx, loads
from storage.networks import municipality_for_postcode
from storage.offer_titles import titles_in_box
from storage.offers import Offer
from storage.people import Person
from storage.postcodes import haversine_km

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
        if len(top) >= limit and not top[-1].outside_time:  # else any time fit farther wins
            need = top[-1].score - near_points(ring, radius)
            if need > ceiling:
                break
            wanted = needs(seeker, need)
        ring, inner = min(radius, ring * 2), outer
    return with_variety(heapq.nsmallest(limit, scored, key=order_key), shown=shown)


async def nearest_matches(
    tx: Tx, seeker: Seeker, today: date, limit: int = 3, exclude: frozenset[int] = frozenset()
) -> list[Suggestion]:
    """The nearest offers beyond the travel radius (up to fallback_km), those sharing an
    interest first: shown only when nothing at all is within reach."""
    reach = fallback_km(seeker.travel_km)
    rows = await store.offers_in_box(
        tx, box(seeker.latitude, seeker.longitude, reach), max_level(seeker), today
    )
    scored = best(seeker, map(candidate, rows), max_km=reach, exclude=exclude)
    open_first = sorted(
        scored, key=lambda s: (s.full, not s.matched, s.outside_time, s.distance_km, s.offer_id)
    )
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
    nothing_near: bool  # nothing at all within reach: the nearest ones beyond it, said so


async def look_up(
    ctx: Context, seeker: Seeker, seen: frozenset[int], shown: tuple[str, ...], fresh: bool
) -> Found:
    suggestions = await find_suggestions(ctx.tx, seeker, ctx.today, exclude=seen, shown=shown)
    nothing_near = not suggestions
    if nothing_near:  # never beyond the person's distance while anything is within it
        suggestions = await nearest_matches(ctx.tx, seeker, ctx.today, exclude=seen)
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


async def word_look_up(
    tx: Tx, seeker: Seeker, today: date, seen: frozenset[int], word: str
) -> Found | None:
    """Offers of the kinds a typed word names, or with the word in a title, best first:
    within reach only, or the nearest beyond it when none is within (`nothing_near`).
    None when the word names no kind and no title within reach: not a search word."""
    kinds = kinds_for(word)
    within = await _word_matches(tx, seeker, today, seen, word, kinds, seeker.travel_km)
    if within is None or within:
        return None if within is None else Found(within, False)
    reach = fallback_km(seeker.travel_km)
    farther = await _word_matches(tx, seeker, today, seen, word, kinds, reach) or []
    nearest = sorted(farther, key=lambda s: (s.full, s.outside_time, s.distance_km, s.offer_id))
    return Found(nearest, bool(nearest))


async def _word_matches(
    tx: Tx,
    seeker: Seeker,
    today: date,
    seen: frozenset[int],
    word: str,
    kinds: frozenset[str],
    km: float,
) -> list[Suggestion] | None:
    """The ranked offers within `km` of the kinds or with the word in a title; None when
    the word names no kind and no title there."""
    area = box(seeker.latitude, seeker.longitude, km)
    titled = set()
    for offer_id, title, translations in await titles_in_box(tx, area, today):
        if in_title(word, [title]) or (
            translations not in (None, "", "{}")
            and in_title(word, [v.get("title", "") for v in loads(translations, {}).values()])
        ):
            titled.add(offer_id)
    if not kinds and not titled:
        return None
    rows = await store.offers_in_box(tx, area, max_level(seeker), today)
    matching = [c for c in map(candidate, rows) if c.kind in kinds or c.id in titled]
    return rank(seeker, matching, max_km=km, exclude=seen)


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


# --- which offer a button may act on --------------------------------------------------------
def id_arg(args: list[str]) -> int | None:
    return int_arg(args[0]) if len(args) == 1 else None


async def offer_for(ctx: Context, args: list[str]) -> Offer | None:
    """The offer a button names, if this person may act on it: a newcomer, and an offer
    that is still on and in their network or near enough to have been suggested."""
    offer_id = id_arg(args)
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
