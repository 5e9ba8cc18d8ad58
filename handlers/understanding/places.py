"""Find the place a person typed: a postcode in any digits, a town or village name in any
spelling or script (`places.csv`, extendable), or the nearest postcode to a shared location.

A near miss ('iper') gives suggestions to ask "Did you mean Ieper?"; nothing is guessed.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

from handlers.understanding.text import close, distance, fold, typos_allowed
from storage.postcodes import Place, haversine_km, postcodes

ALIASES_FILE = Path(__file__).parent / "places.csv"
MAX_SUGGESTIONS = 3
# Short forms people write for "Sint"/"Saint" in place names.
_SAINTS = {"st": ("sint", "saint"), "ste": ("sinte", "sainte"), "s": ("sint",)}
_REGION_SUFFIXES = (" waas",)  # 'Sinaai-Waas' is just 'Sinaai' to the people who live there
# Postcodes of institutions rather than places (parliaments, broadcasters): never "nearest".
_INSTITUTION_WORDS = (
    "conseil", "raad", "commiss", "chambre", "senat", "cite administrative", "parlement",
    "organisations", "press", "vrt", "rtbf", "d.i.v", "u.e", "postcheque", "soc", "otan",
    "r.t.l", "spf", "ministere", "bpost",
)  # fmt: skip


@dataclass(frozen=True)
class PlaceMatch:
    place: Place | None = None
    suggestions: list[Place] = field(default_factory=list)


@cache
def _names() -> dict[str, Place]:
    """Every known name, folded, → its place: the postcode file, then the other names."""
    index: dict[str, Place] = {}
    for place in postcodes().places:
        key = fold(place.name)
        index.setdefault(key, place)
        for suffix in _REGION_SUFFIXES:
            if key.endswith(suffix):
                index.setdefault(key.removesuffix(suffix), place)
    with ALIASES_FILE.open(encoding="utf-8", newline="") as handle:
        lines = (line for line in handle if not line.startswith("#"))
        for row in csv.DictReader(lines):
            found = postcodes().by_code.get(row["postcode"])
            if not found:
                continue
            official = next((p for p in found if fold(p.name) == fold(row["place"])), None)
            place = official or replace(found[0], name=row["place"])
            index.setdefault(fold(row["name"]), place)
            index.setdefault(fold(row["place"]), place)
    return index


def _spellings(folded: str) -> list[str]:
    """'st niklaas' → also 'sint niklaas' and 'saint niklaas'."""
    variants = [folded]
    words = folded.split()
    for i, word in enumerate(words):
        for long in _SAINTS.get(word, ()):
            variants.append(" ".join([*words[:i], long, *words[i + 1 :]]))
    return variants


def find_place(text: str) -> PlaceMatch:
    """The place for a postcode or name, else up to three near names to suggest."""
    folded = fold(text).replace("/", " ").replace(".", " ")
    folded = " ".join(folded.split())
    if not folded:
        return PlaceMatch()
    compact = folded.replace(" ", "")
    if compact.isdigit():
        found = postcodes().by_code.get(compact)
        return PlaceMatch(place=found[0] if found else None)
    names = _names()
    for spelling in _spellings(folded):
        if spelling in names:
            return PlaceMatch(place=names[spelling])
        if spelling.replace(" ", "") in names:
            return PlaceMatch(place=names[spelling.replace(" ", "")])
    return PlaceMatch(suggestions=_near(folded))


@cache
def _by_length() -> dict[int, list[tuple[str, frozenset[str], Place]]]:
    """Known names (spaces taken out) by length, with their letters: a near miss differs by
    two edits at most, so by two in length and by four letters in its set of letters."""
    buckets: dict[int, list[tuple[str, frozenset[str], Place]]] = {}
    for name, place in _names().items():
        compact = name.replace(" ", "")
        buckets.setdefault(len(compact), []).append((compact, frozenset(compact), place))
    return buckets


def _near(folded: str) -> list[Place]:
    typed = folded.replace(" ", "")
    letters = frozenset(typed)
    scored: list[tuple[int, str, Place]] = []
    for length in range(len(typed) - 2, len(typed) + 3):
        for name, name_letters, place in _by_length().get(length, []):
            if len(letters ^ name_letters) <= 4 and close(typed, name):
                scored.append((distance(typed, name, typos_allowed(name)), place.postcode, place))
    scored.sort(key=lambda item: (item[0], item[1]))
    suggestions: list[Place] = []
    for _score, code, place in scored:
        if all(code != known.postcode for known in suggestions):
            suggestions.append(place)
    return suggestions[:MAX_SUGGESTIONS]


def _is_place(place: Place) -> bool:
    name = fold(place.name)
    if any(word in name for word in _INSTITUTION_WORDS):
        return False
    code = int(place.postcode)
    return not (1000 <= code < 1300 and code % 10)  # Brussels: only the communes' codes


def nearest_place(latitude: float, longitude: float) -> Place | None:
    """The place nearest to a shared location (for its postcode; the point is not kept)."""
    candidates = [p for p in postcodes().places if _is_place(p)]
    if not candidates:
        return None
    return min(candidates, key=lambda p: haversine_km(latitude, longitude, p.latitude, p.longitude))
