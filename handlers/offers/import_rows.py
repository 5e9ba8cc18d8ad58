"""What every offer import shares: errors, the report, a checked record and small normalisers.

A file is read row by row (import_csv, uitdatabank); each row becomes a `Record` or a
`RowError` with the reason shown to staff; import_write stores the good ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from handlers.common import int_arg
from handlers.offers.ranking import KIND_INTEREST, interest_bits
from handlers.schedule import last_day, slot_bits, slots_of
from i18n import LOCALES
from storage.postcodes import fold, postcodes

REQUIRED_COLUMNS = ("external_id", "title_nl", "kind", "postcode", "dutch_level")
MAX_TITLE = 200
MAX_DESCRIPTION = 2000
# docs/offers-csv.md: what a CSV row must have (UiTdatabank events are taken as they come).
CSV_MAX_TITLE = 60
CSV_MAX_DESCRIPTION = 280
CSV_MAX_INTERESTS = 3
MAX_ROWS = 100_000
# Belgium, generously: coordinates outside are a mistake (often latitude and longitude swapped).
LAT_RANGE = (49.4, 51.6)
LON_RANGE = (2.4, 6.5)
# A UiTdatabank event without taaliconen labels: assume Dutch for daily life.
DEFAULT_JSONLD_DUTCH = 3
CHILD_AGE = 12  # an age range starting at or below this welcomes children

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_TELEGRAM = re.compile(r"^@?[A-Za-z][A-Za-z0-9_]{4,31}$")
_NUMBER_WORDS = {"een": 1, "eén": 1, "één": 1, "twee": 2, "drie": 3, "vier": 4}
OTHER_LOCALES = tuple(locale for locale in LOCALES if locale != "nl")


class ImportFileError(Exception):
    """The file as a whole cannot be read (format, missing columns, unknown network)."""


class RowError(ValueError):
    """One row is unusable; the message is the reason shown to staff."""


@dataclass
class Rejected:
    row: str  # "line 7" or the UiTdatabank id
    reason: str


@dataclass
class ImportReport:
    source: str
    networks: list[str] = field(default_factory=list)
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # about the file, once each
    new_ids: list[int] = field(default_factory=list)

    def summary(self) -> str:
        lines = [
            f"source {self.source}, network {', '.join(self.networks) or '-'}: "
            f"{self.new} new, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.deactivated} deactivated, {len(self.rejected)} rejected"
        ]
        lines += [f"  warning: {w}" for w in self.warnings]
        lines += [f"  rejected {r.row}: {r.reason}" for r in self.rejected]
        return "\n".join(lines)


@dataclass
class Record:
    """One offer as read from a file, checked and normalised, ready for the store."""

    label: str
    external_id: str
    network: str | None
    provider: dict[str, Any] | None
    fields: dict[str, Any]
    source_hash: str | None = None  # of the UiTdatabank document as received


@dataclass
class Unchanged:
    """A UiTdatabank document identical to the one its active offer was made from: not read
    again (a re-sync with nothing changed stays fast)."""

    external_id: str


# --- small normalisers ---------------------------------------------------------------------
def clean(text: object, limit: int | None = None, what: str = "text") -> str:
    value = " ".join(str(text or "").split())
    if limit is not None and len(value) > limit:
        raise RowError(f"{what} is longer than {limit} characters")
    return value


@lru_cache(maxsize=4096)
def folded(text: str) -> str:
    """`fold` for the short texts that repeat across a file (labels, themes, types)."""
    return fold(text)


@lru_cache(maxsize=4096)
def taal_level(text: str) -> int | None:
    """'één taalicoon', 'Drie taaliconen', 'taaliconen: 2', '3' → 1..4; None if not a level."""
    folded = text.strip().casefold()
    if folded.isdigit():
        level = int_arg(folded)  # not int(): "²" is a digit to isdigit() only
        return level if level is not None and 1 <= level <= 4 else None
    if "taalicoon" not in folded and "taaliconen" not in folded:
        return None
    for word in re.findall(r"[a-zéë]+|\d", folded):
        if word.isdigit() and 1 <= int(word) <= 4:
            return int(word)
        if word in _NUMBER_WORDS:
            return _NUMBER_WORDS[word]
        if fold(word) in _NUMBER_WORDS:
            return _NUMBER_WORDS[fold(word)]
    return None


def taal_level_of(labels: list[str]) -> int | None:
    """The level the taaliconen labels give: one label, that level; several (publiq then shows
    none), the lowest, since "when in doubt, the lower level" (docs/offers-csv.md)."""
    levels = {level for label in labels if (level := taal_level(label)) is not None}
    return min(levels) if levels else None


_YES = {"yes", "y", "ja", "j", "true", "1", "x", "oui", "waar"}
_NO = {"no", "n", "nee", "false", "0", "", "non", "onwaar"}


def yes_no(text: str, what: str) -> bool:
    value = text.strip().casefold()
    if value in _YES:
        return True
    if value in _NO:
        return False
    raise RowError(f"{what} must be yes or no, not {text!r}")


def parse_day(text: str, what: str) -> date | None:
    value = text.strip()
    if not value:
        return None
    try:
        if re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}", value):
            d, m, y = (int(x) for x in value.split("/"))
            return date(y, m, d)
        return date.fromisoformat(value)
    except ValueError:
        raise RowError(f"{what} {value!r} is not a date (use 2027-01-31)") from None


def parse_cost(text: str) -> str:
    value = text.strip().casefold().replace("€", "").replace("eur", "").strip()
    if value in ("free", "gratis", "0", "0.00", "0,00"):
        return "free"
    if value in ("", "unknown", "onbekend", "?"):
        return "unknown"
    if value in ("paid", "betalend", "betaald", "paying"):
        return "paid"
    try:
        return "free" if float(value.replace(",", ".")) == 0 else "paid"
    except ValueError:
        raise RowError(f"cost must be free or paid, not {text!r}") from None


def place_for(postcode: str, latitude: str, longitude: str) -> tuple[float, float]:
    """Coordinates as given, or the postcode's centre when both are empty."""
    if not latitude.strip() and not longitude.strip():
        places = postcodes().by_code.get(postcode)
        if not places:
            raise RowError(f"no coordinates and unknown postcode {postcode!r}")
        return places[0].latitude, places[0].longitude
    try:
        lat = float(latitude.strip().replace(",", "."))
        lon = float(longitude.strip().replace(",", "."))
    except ValueError:
        raise RowError(f"coordinates {latitude!r}, {longitude!r} are not numbers") from None
    if not (LAT_RANGE[0] <= lat <= LAT_RANGE[1] and LON_RANGE[0] <= lon <= LON_RANGE[1]):
        raise RowError(f"coordinates {lat}, {lon} are not in Belgium (swapped?)")
    return lat, lon


def check_postcode(text: str) -> str:
    value = text.strip()
    if not re.fullmatch(r"\d{4}", value):
        raise RowError(f"postcode {text!r} is not 4 digits")
    if value not in postcodes().by_code:
        raise RowError(f"unknown postcode {value}")
    return value


def provider_record(name: str, email: str, phone: str, telegram: str) -> dict[str, Any] | None:
    name, email, phone, telegram = (clean(v) for v in (name, email, phone, telegram))
    if email and not EMAIL.match(email):
        raise RowError(f"provider e-mail {email!r} is not an address")
    if telegram and not _TELEGRAM.match(telegram):
        raise RowError(f"provider Telegram {telegram!r} is not a @username")
    if len(phone) > 40 or len(name) > 200:
        raise RowError("provider phone or name is too long")
    if not (name or email):
        return None
    key = email.casefold() if email else "name:" + fold(name)
    return {
        "match_key": key,
        "name": name or email,
        "email": email or None,
        "phone": phone or None,
        "telegram": ("@" + telegram.lstrip("@")) if telegram else None,
    }


def finish_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """Derived columns: the kind's own interest, bit sets, free-time slots, last day."""
    interests = list(dict.fromkeys(fields["interests"]))
    own = KIND_INTEREST.get(fields["kind"])
    if own and own not in interests:
        interests.insert(0, own)
    fields["interests"] = interests
    fields["interest_bits"] = interest_bits(interests)
    fields["slot_bits"] = slot_bits(slots_of(fields["schedule"]))
    fields["last_day"] = last_day(fields["schedule"], fields.get("active_until"))
    start, end = fields.get("active_from"), fields.get("active_until")
    if start and end and end < start:
        raise RowError("active_until is before active_from")
    return fields
