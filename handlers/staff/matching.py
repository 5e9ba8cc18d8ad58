"""Which buddy fits a newcomer who asked for one. The ranking is pure (plain values in and
out); `match_person` and `match_line` convert a stored person and show a match.

==============  ==================================================================
language        +40 when they share a language, +5 per extra one (at most +10)
distance        beyond `max_km` between their postcodes: left out; inside: up to
                +20, falling linearly from 0 km (+20) to `max_km` (0); unknown: 0
free time       +10 per free slot they share (weekdays, evenings, weekend)
==============  ==================================================================

A newcomer's languages are the language they chose for Meedoen plus any they named; a buddy's
are the ones they named (Dutch when none). Ties go to the nearer buddy, then the lower id, so
the order is stable.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from handlers.vocab import AVAILABILITY
from i18n import BY_CODE, Translator
from storage.people import Person
from storage.postcodes import haversine_km

MAX_KM = 25.0
SHARED_LANGUAGE = 40
EXTRA_LANGUAGE = 5
MAX_EXTRA_LANGUAGES = 2
NEAR = 20
PER_SLOT = 10
SHOWN = 3


@dataclass(frozen=True)
class MatchPerson:
    id: int
    name: str
    languages: frozenset[str]
    free: frozenset[str]
    latitude: float | None = None
    longitude: float | None = None


@dataclass(frozen=True)
class Match:
    newcomer: MatchPerson
    buddy: MatchPerson
    score: float
    km: float | None
    languages: tuple[str, ...]  # shared, sorted
    free: tuple[str, ...]  # shared slots, sorted


def distance_km(a: MatchPerson, b: MatchPerson) -> float | None:
    if None in (a.latitude, a.longitude, b.latitude, b.longitude):
        return None
    return haversine_km(a.latitude, a.longitude, b.latitude, b.longitude)  # type: ignore[arg-type]


def score(newcomer: MatchPerson, buddy: MatchPerson, max_km: float = MAX_KM) -> Match | None:
    """The match of one newcomer with one buddy, or None when they live too far apart."""
    km = distance_km(newcomer, buddy)
    if km is not None and km > max_km:
        return None
    languages = tuple(sorted(newcomer.languages & buddy.languages))
    free = tuple(sorted(newcomer.free & buddy.free))
    points = 0.0
    if languages:
        points += SHARED_LANGUAGE + EXTRA_LANGUAGE * min(MAX_EXTRA_LANGUAGES, len(languages) - 1)
    if km is not None:
        points += NEAR * (1 - km / max_km)
    points += PER_SLOT * len(free)
    return Match(newcomer, buddy, round(points, 2), km, languages, free)


def rank(
    newcomer: MatchPerson, buddies: Iterable[MatchPerson], limit: int = SHOWN,
    max_km: float = MAX_KM,
) -> list[Match]:  # fmt: skip
    """The best `limit` buddies for the newcomer, best first."""
    matches = [m for b in buddies if b.id != newcomer.id and (m := score(newcomer, b, max_km))]
    matches.sort(key=lambda m: (-m.score, m.km if m.km is not None else float("inf"), m.buddy.id))
    return matches[:limit]


def match_person(person: Person) -> MatchPerson:
    """A newcomer speaks the language they chose and the ones they named; a buddy likewise
    (Dutch when they named none)."""
    languages = {person.locale, *person.languages}
    if person.role == "buddy" and not person.languages:
        languages.add("nl")
    name = person.display_name or f"#{person.id}"
    return MatchPerson(person.id, name, frozenset(languages), frozenset(person.availability),
                       person.latitude, person.longitude)  # fmt: skip


def best_matches(
    newcomers: list[Person], buddies: list[Person]
) -> list[tuple[Person, list[Match]]]:
    pool = [match_person(b) for b in buddies]
    return [(n, rank(match_person(n), pool)) for n in newcomers]


def match_line(t: Translator, match: Match) -> str:
    parts = [f"🤝 {t.value(match.buddy.name)}"]
    if match.languages:
        parts.append("🗣️ " + t.list(BY_CODE[c].native_name for c in match.languages
                                    if c in BY_CODE))  # fmt: skip
    if match.km is not None:
        parts.append(t._("{km} km", km=round(match.km, 1)))
    if match.free:
        parts.append(" ".join(AVAILABILITY[s][0] for s in match.free if s in AVAILABILITY))
    return " — ".join(parts)
