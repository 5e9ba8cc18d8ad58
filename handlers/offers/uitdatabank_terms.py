"""Our kind of offer from UiTdatabank taxonomy terms, with a keyword fallback.

Term ids are stable (taxonomy.uitdatabank.be; the eventtype table in publiq's
cultuurnet/apidocs, docs/entry-api/events/create-school.md, and the theme list of the
UiTdatabank categorisation guide); labels may be renamed or translated. So the eventtype's id
decides first, then a theme's id, and only when neither says anything do the words in labels,
term labels and the title. "Nederlandstalige film" is a film, not language practice.
"""

from __future__ import annotations

import re
from typing import Any

from handlers.offers.import_rows import folded
from handlers.offers.ranking import KIND_INTEREST

# eventtype (events) and place type ids → kind. Generic types (Lessenreeks 0.3.1.0.0, Cursus
# met open sessies 0.3.1.0.1, Opendeurdag 0.12.0.0.0, Zaal of expohal …) are left to the theme.
EVENTTYPE_KIND: dict[str, str] = {
    "0.59.0.0.0": "sport",  # Sportactiviteit
    "0.19.0.0.0": "sport",  # Sportwedstrijd bekijken
    "0.17.0.0.0": "sport",  # Fiets- of wandelroute
    "eBwaUAAhw0ur0Z02i5ttnw": "sport",  # Sportcentrum (place)
    "0.15.0.0.0": "nature",  # Natuurgebied of park
    "0.16.0.0.0": "nature",  # Park of tuin
    "0.53.0.0.0": "nature",  # Recreatiedomein of centrum
    "0.50.4.0.0": "music",  # Concert
    "0.0.0.0.0": "culture",  # Tentoonstelling
    "0.5.0.0.0": "culture",  # Festival
    "0.7.0.0.0": "culture",  # Begeleide uitstap of rondleiding
    "0.14.0.0.0": "culture",  # Monument
    "0.3.2.0.0": "culture",  # Lezing of congres
    "0.50.6.0.0": "culture",  # Film
    "0.54.0.0.0": "culture",  # Dansvoorstelling
    "0.55.0.0.0": "culture",  # Theatervoorstelling
    "GnPFp9uvOUyqhOckIFMKmg": "culture",  # Museum of galerij (place)
    "BtVNd33sR0WntjALVbyp3w": "culture",  # Bioscoop (place)
    "0.57.0.0.0": "youth",  # Kamp of vakantie
    "JCjA0i5COUmdjMwcyjNAFA": "youth",  # Jeugdhuis of jeugdcentrum (place)
    "1.50.0.0.0": "cooking",  # Eet- of drankfestijn
    "0.28.0.0.0": "neighbourhood",  # Festiviteit
    "0.37.0.0.0": "neighbourhood",  # Markt, braderie of kermis
    "Yf4aZBfsUEu2NsQqsprngw": "neighbourhood",  # Cultuur- of ontmoetingscentrum (place)
    "kI7uAyn2uUu9VV6Z3uWZTA": "library",  # Bibliotheek of documentatiecentrum (place)
}
# theme ids (exact, or a prefix ending in '.' for a whole branch) → kind, first match wins.
THEME_KIND: tuple[tuple[str, str], ...] = (
    ("1.51.", "sport"),  # Sportdiscipline: bal en racket, atletiek, zwemmen, …
    ("1.58.8.0.0", "sport"),  # Lucht- en motorsport
    ("1.8.", "music"),  # Muziekgenre
    ("1.10.", "library"),  # Literatuur
    ("1.42.0.0.0", "crafts"),  # Creativiteit
    ("1.64.0.0.0", "nature"),  # Milieu en natuur
    ("1.63.0.0.0", "nature"),  # Landbouw en platteland
    ("1.37.1.0.0", "care"),  # Gezondheid en zorg
    ("1.37.2.0.0", "neighbourhood"),  # Samenleving
    ("1.52.0.0.0", "neighbourhood"),  # Politiek en maatschappij
    ("1.0.", "culture"),  # Beeldende en toegepaste kunst
    ("1.1.0.0.0", "culture"),
    ("1.2.", "culture"),  # Architectuur, design
    ("1.3.", "culture"),  # Theater
    ("1.4.0.0.0", "culture"),  # Musical
    ("1.5.0.0.0", "culture"),  # Opera
    ("1.7.", "culture"),  # Filmgenre
    ("1.9.", "culture"),  # Dansstijl
    ("1.11.0.0.0", "culture"),  # Geschiedenis
    ("1.17.0.0.0", "culture"),  # Antiek en brocante
    ("1.40.0.0.0", "culture"),  # Erfgoed
    ("1.41.0.0.0", "culture"),  # Kunst en kunsteducatie
    ("0.52.0.0.0", "culture"),  # Circus
)

# The fallback: words (folded) in labels, term labels and the title → kind, in priority order.
KIND_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("buddy", ("buddy", "maatje", "duoproject")),
    ("placement", ("snuffelstage", "inleefstage", "stageplaats", "werkervaring")),
    ("volunteering", ("vrijwilligerswerk", "vrijwilliger")),
    ("language", ("taal en communicatie", "praatcafe", "praattafel", "taalcafe", "nederlands")),
    ("music", ("muziek", "concert", "koor", "zang")),
    ("cooking", ("koken", "kookles", "eten en drinken", "culinair", "gastronomie")),
    ("crafts", ("creativiteit", "ambacht", "maker", "repair", "herstel", "handwerk")),
    ("library", ("bibliotheek", "literatuur", "voorlezen", "boeken", "lezen")),
    ("nature", ("natuur", "milieu", "tuin", "dieren", "groen")),
    ("sport", ("sport", "beweging", "atletiek", "wandel", "fiets", "zwem", "fitness", "yoga")),
    ("youth", ("kinderen", "jeugd", "jongeren", "speelplein", "kamp")),
    ("care", ("zorg", "senioren", "ouderen", "welzijn")),
    ("neighbourhood", ("buurt", "wijk", "samenleving", "gemeenschap")),
    (
        "culture",
        ("cultuur", "theater", "film", "tentoonstelling", "erfgoed", "geschiedenis", "lezing",
         "museum", "kunst", "voorstelling", "dans", "festival"),
    ),
)  # fmt: skip
_KIND_PATTERNS = [
    (kind, re.compile("|".join(re.escape(word) for word in words))) for kind, words in KIND_WORDS
]


def kinds_in(texts: list[str]) -> list[str]:
    """Our kinds whose words occur in the texts, in priority order."""
    blob = " | ".join(folded(t) for t in texts)
    return [kind for kind, pattern in _KIND_PATTERNS if pattern.search(blob)]


def theme_kind(term_id: str) -> str | None:
    for key, kind in THEME_KIND:
        if term_id == key or (key.endswith(".") and term_id.startswith(key)):
            return kind
    return None


def kind_and_interests(
    terms: list[dict[str, Any]], words: list[str], title: str
) -> tuple[str, list[str]]:
    """(kind, interests): eventtype id, then theme ids, then words; interests from all."""
    by_id: list[str] = []
    for term in terms:
        term_id = str(term.get("id") or "")
        if term.get("domain") == "eventtype" and term_id in EVENTTYPE_KIND:
            by_id.insert(0, EVENTTYPE_KIND[term_id])
        elif term.get("domain") == "theme" and (found := theme_kind(term_id)):
            by_id.append(found)
    labels = [str(t.get("label") or "") for t in terms if t.get("domain") != "facility"]
    by_word = kinds_in(words) or kinds_in(labels) or kinds_in([title])
    kinds = list(dict.fromkeys(by_id + by_word))
    kind = kinds[0] if kinds else "other"
    return kind, [KIND_INTEREST[k] for k in kinds if k in KIND_INTEREST]
