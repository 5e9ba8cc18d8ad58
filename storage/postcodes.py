"""Belgian postcodes with approximate coordinates (contains data from GeoNames, CC BY 4.0).

Loaded once; a typed postcode or place name (case- and accent-insensitive) resolves to a place.
"""

from __future__ import annotations

import csv
import math
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_FILE = Path(__file__).parent / "be-postcodes.csv"
EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True)
class Place:
    postcode: str
    name: str
    latitude: float
    longitude: float


def fold(text: str) -> str:
    """Lower-case, accents removed, separators unified: 'Sint-Niklaas' == 'sint niklaas'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.replace("-", " ").replace("'", " ").split())


class Postcodes:
    def __init__(self, places: list[Place]) -> None:
        self.places = places
        self.by_code: dict[str, list[Place]] = {}
        self.by_name: dict[str, list[Place]] = {}
        for place in places:
            self.by_code.setdefault(place.postcode, []).append(place)
            self.by_name.setdefault(fold(place.name), []).append(place)

    def resolve(self, text: str) -> Place | None:
        """A place for a typed postcode ('8900') or name ('ieper', 'Sint-Niklaas'), or None."""
        query = text.strip()
        if query.isdigit():
            found = self.by_code.get(query)
            return found[0] if found else None
        found = self.by_name.get(fold(query))
        return found[0] if found else None

    def names_for(self, postcode: str) -> list[str]:
        return [place.name for place in self.by_code.get(postcode, [])]


@cache
def postcodes() -> Postcodes:
    with DATA_FILE.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return Postcodes(
        [
            Place(row["postcode"], row["place"], float(row["latitude"]), float(row["longitude"]))
            for row in rows
        ]
    )


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlmb = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))
