"""Which offers to suggest to a person, in which order, and why. Pure: plain values in and out.

The score of an offer for a person is a sum of simple parts (weights below):

==================  ==========================================================================
interest            +40 when the offer has one of the person's interests, +5 per extra match
                    (at most +10 extra)
distance            beyond the person's travel radius: excluded; inside it: up to +20, falling
                    linearly from 0 km (+20) to the radius (0)
Dutch level         more than one level above the person's: excluded; one above: -8;
                    at or below: +6 (no level known: no filter, 0)
free time           a session in one of the person's free slots (weekday, evening, weekend):
                    +15; sessions only outside them: -10; no fixed sessions: 0
children            a person who brings children: +10 when children are welcome, else -20
cost                free: +8; paid with an UiTPAS discount: +5
free time (order)   offers with sessions only outside the person's free time come after every
                    offer in (or without) fixed sessions, whatever their score
places              full offers come after every offer with places left
declined            never suggested again
==================  ==========================================================================

Offers beyond the travel radius are never ranked here: the search shows the nearest ones
only when nothing at all is within reach, and the card says so.

Ties go to the nearer offer, then the lower id, so the order is stable. Then some variety:
the first cards avoid repeating a kind (each earlier card of the same kind costs 12 points
while picking the first five). Every suggestion carries the reasons it was chosen, which the
card shows as icons.

`base()` is everything except distance; `near_points()` is the distance part. The search
in handlers/offers.py uses this split to look at nearby offers first, to read farther ones
only when they can still enter the top of the list (`needs`), and to stop when none can
(`best_possible_base`).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from handlers.vocab import INTERESTS
from storage.postcodes import haversine_km

INTEREST = 40
EXTRA_INTEREST = 5
EXTRA_INTEREST_MAX = 10
NEAR = 20
DUTCH_FITS = 6
DUTCH_STRETCH = -8
TIME_FITS = 15
TIME_CLASH = -10
CHILDREN_WELCOME = 10
CHILDREN_NOT_WELCOME = -20
FREE = 8
UITPAS = 5
VARIETY_WINDOW = 5
VARIETY_PENALTY = 12

INTEREST_ORDER = tuple(INTERESTS)

# The interest an offer of a kind always serves, added to the interests its source gives.
KIND_INTEREST = {
    "volunteering": "volunteering",
    "language": "language",
    "sport": "sport",
    "culture": "culture",
    "youth": "youth",
    "nature": "nature",
    "care": "elderly",
    "neighbourhood": "neighbourhood",
    "cooking": "cooking",
    "crafts": "crafts",
    "library": "reading",
    "music": "music",
}


def interest_bits(interests: Iterable[str]) -> int:
    return sum(1 << INTEREST_ORDER.index(i) for i in set(interests) if i in INTEREST_ORDER)


def interests_of(bits: int) -> list[str]:
    return [name for i, name in enumerate(INTEREST_ORDER) if bits & (1 << i)]


@dataclass(frozen=True, slots=True)
class Seeker:
    """The person looking: where, how far, how much Dutch, what they like, when they are free."""

    latitude: float
    longitude: float
    travel_km: float
    dutch_level: int | None
    interests: int  # interest_bits
    free: int  # handlers.schedule.slot_bits
    with_children: bool = False
    declined: frozenset[int] = field(default_factory=frozenset)


class Candidate(NamedTuple):
    """One offer as the ranking sees it (a tuple: thousands are made per look-up)."""

    id: int
    kind: str
    interests: int  # interest_bits
    latitude: float
    longitude: float
    dutch_level: int
    slots: int  # handlers.schedule.slot_bits; 0 when there are no fixed sessions
    children_welcome: bool
    cost: str  # free | paid | unknown
    uitpas: bool
    places_left: int | None  # None: no limit

    @property
    def full(self) -> bool:
        return self.places_left is not None and self.places_left <= 0


# Why an offer was chosen, as bits of `Suggestion.reason_bits`, in the order cards show them.
REASONS = ("interest", "dutch", "time", "children", "free", "uitpas", "near")
_R = {name: 1 << i for i, name in enumerate(REASONS)}


class Suggestion(NamedTuple):
    offer_id: int
    kind: str
    score: float
    distance_km: float
    full: bool
    matched: int  # interest bits shared with the person
    reason_bits: int  # see REASONS
    outside_time: bool = False  # fixed sessions, none in the person's free time

    @property
    def reasons(self) -> tuple[str, ...]:
        return tuple(name for name in REASONS if self.reason_bits & _R[name])


def fits_dutch(seeker_level: int | None, offer_level: int) -> bool:
    return seeker_level is None or offer_level <= seeker_level + 1


def base(seeker: Seeker, c: Candidate) -> tuple[int, int]:
    """The score without distance, and its reason bits. Assumes the Dutch level is allowed."""
    points = reasons = 0
    matched = c.interests & seeker.interests
    if matched:
        points += INTEREST + min(EXTRA_INTEREST_MAX, EXTRA_INTEREST * (matched.bit_count() - 1))
        reasons |= _R["interest"]
    if seeker.dutch_level is not None:
        if c.dutch_level <= seeker.dutch_level:
            points += DUTCH_FITS
            reasons |= _R["dutch"]
        else:
            points += DUTCH_STRETCH
    if c.slots:
        if c.slots & seeker.free:
            points += TIME_FITS
            reasons |= _R["time"]
        else:
            points += TIME_CLASH
    if seeker.with_children:
        if c.children_welcome:
            points += CHILDREN_WELCOME
            reasons |= _R["children"]
        else:
            points += CHILDREN_NOT_WELCOME
    if c.cost == "free":
        points += FREE
        reasons |= _R["free"]
    elif c.uitpas:
        points += UITPAS
        reasons |= _R["uitpas"]
    return points, reasons


def best_possible_base(seeker: Seeker, *, sharing_interest: bool = True) -> int:
    """No offer can have a higher `base` for this person (used to stop searching early);
    with `sharing_interest=False`, no offer that shares none of their interests."""
    points = FREE  # FREE >= UITPAS
    if seeker.interests and sharing_interest:
        extra = EXTRA_INTEREST * (seeker.interests.bit_count() - 1)
        points += INTEREST + min(EXTRA_INTEREST_MAX, extra)
    if seeker.dutch_level is not None:
        points += DUTCH_FITS
    points += TIME_FITS if seeker.free else 0
    points += CHILDREN_WELCOME if seeker.with_children else 0
    return points


@dataclass(frozen=True, slots=True)
class Needs:
    """What an offer must have for its `base` to reach a given number of points."""

    interest: bool = False  # shares one of the person's interests
    dutch_fits: bool = False  # needs no more Dutch than the person has
    time_fits: bool = False  # has a session in the person's free time
    children: bool = False  # welcomes children
    free: bool = False
    free_or_uitpas: bool = False


def needs(seeker: Seeker, points: float) -> Needs:
    """An offer lacking a feature scores at most `best_possible_base` minus what that feature
    is worth; when that is below `points`, the feature is needed. (The search uses this to
    read only offers that can still enter the list.)"""
    ceiling = best_possible_base(seeker)
    without_interest = best_possible_base(seeker, sharing_interest=False)
    return Needs(
        interest=bool(seeker.interests) and without_interest < points,
        dutch_fits=seeker.dutch_level is not None
        and ceiling - (DUTCH_FITS - DUTCH_STRETCH) < points,
        time_fits=bool(seeker.free) and ceiling - TIME_FITS < points,
        children=seeker.with_children
        and ceiling - (CHILDREN_WELCOME - CHILDREN_NOT_WELCOME) < points,
        free=ceiling - (FREE - UITPAS) < points,
        free_or_uitpas=ceiling - FREE < points,
    )


def meets(seeker: Seeker, c: Candidate, wanted: Needs) -> bool:
    """Does the offer have every feature `wanted`?"""
    return not (
        (wanted.interest and not c.interests & seeker.interests)
        or (wanted.dutch_fits and seeker.dutch_level is not None
            and c.dutch_level > seeker.dutch_level)
        or (wanted.time_fits and not c.slots & seeker.free)
        or (wanted.children and not c.children_welcome)
        or (wanted.free and c.cost != "free")
        or (wanted.free_or_uitpas and c.cost != "free" and not c.uitpas)
    )  # fmt: skip


def near_points(distance_km: float, scale_km: float) -> float:
    """The distance part: NEAR at 0 km, 0 at `scale_km` (the travel radius) and beyond."""
    return max(0.0, NEAR * (1.0 - distance_km / max(scale_km, 0.1)))


def score(seeker: Seeker, c: Candidate, *, max_km: float | None = None) -> Suggestion | None:
    """Score one offer, or None when it is excluded.

    `max_km` is the distance limit, by default the person's travel radius; a larger one is
    used to show the nearest offers when nothing is within reach.
    """
    if c.id in seeker.declined or not fits_dutch(seeker.dutch_level, c.dutch_level):
        return None
    distance = haversine_km(seeker.latitude, seeker.longitude, c.latitude, c.longitude)
    if distance > (seeker.travel_km if max_km is None else max_km):
        return None
    points, reasons = base(seeker, c)
    if distance <= max(2.0, seeker.travel_km / 4):
        reasons |= _R["near"]
    return Suggestion(
        c.id,
        c.kind,
        points + near_points(distance, seeker.travel_km),
        distance,
        c.places_left is not None and c.places_left <= 0,
        c.interests & seeker.interests,
        reasons,
        outside_time(seeker, c),
    )


def outside_time(seeker: Seeker, c: Candidate) -> bool:
    """The offer has fixed sessions and none falls in the person's (known) free time."""
    return bool(seeker.free and c.slots) and not c.slots & seeker.free


def order_key(s: Suggestion) -> tuple[bool, bool, float, float, int]:
    """Places left first, then sessions in the person's free time, then the higher score,
    the nearer offer, the lower id."""
    return (s.full, s.outside_time, -s.score, s.distance_km, s.offer_id)


def best(
    seeker: Seeker,
    candidates: Iterable[Candidate],
    *,
    limit: int | None = None,
    max_km: float | None = None,
    exclude: frozenset[int] = frozenset(),
) -> list[Suggestion]:
    """Every allowed candidate scored, in `order_key` order (only the first `limit` if given)."""
    scored = (
        s
        for c in candidates
        if c.id not in exclude and (s := score(seeker, c, max_km=max_km)) is not None
    )
    if limit is None:
        return sorted(scored, key=order_key)
    return heapq.nsmallest(limit, scored, key=order_key)


def with_variety(
    ordered: list[Suggestion],
    window: int = VARIETY_WINDOW,
    penalty: float = VARIETY_PENALTY,
    shown: Iterable[str] = (),
) -> list[Suggestion]:
    """Re-pick the first `window` cards so kinds vary: each earlier card of the same kind
    (including the kinds of cards `shown` already) costs `penalty` points. Full offers stay
    after the others, and offers outside the person's free time after those inside it.
    The result is a permutation of `ordered`."""
    remaining = list(ordered)
    picked: list[Suggestion] = []
    seen: dict[str, int] = {}
    for kind in shown:
        seen[kind] = seen.get(kind, 0) + 1
    while remaining and len(picked) < window:
        choice = 0
        choice_key: tuple[float, float, int] | None = None
        for index, s in enumerate(remaining):
            if (s.full, s.outside_time) != (remaining[0].full, remaining[0].outside_time):
                break
            if choice_key is not None and s.score < -choice_key[0]:
                break  # later scores are no higher, so nothing later can win
            key = (-(s.score - penalty * seen.get(s.kind, 0)), s.distance_km, s.offer_id)
            if choice_key is None or key < choice_key:
                choice, choice_key = index, key
        pick = remaining.pop(choice)
        seen[pick.kind] = seen.get(pick.kind, 0) + 1
        picked.append(pick)
    return picked + remaining


def rank(
    seeker: Seeker,
    candidates: Iterable[Candidate],
    *,
    limit: int | None = None,
    max_km: float | None = None,
    exclude: frozenset[int] = frozenset(),
    shown: Iterable[str] = (),
) -> list[Suggestion]:
    """The suggestions for one person: scored, ordered, with variety among the first cards
    (`shown`: kinds of the cards seen just before, when the list is asked for again)."""
    return with_variety(
        best(seeker, candidates, limit=limit, max_km=max_km, exclude=exclude), shown=shown
    )
