"""Import offers from a CSV file (docs/offers-csv.md) or UiTdatabank JSON-LD.

Each row is read and checked on its own: a bad row is rejected with a reason and the rest
goes on. Then everything is written in one transaction: offers are matched on
(source, external_id), so a re-import updates instead of duplicating, and with `full=True`
an offer of the same source and network that is missing from the file is deactivated
(never deleted: enrolments and hours keep pointing at it).
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from handlers.common import int_arg
from handlers.offers.ranking import KIND_INTEREST, interest_bits
from handlers.schedule import DAYS, day_index, last_day, parse_schedule, slot_bits, slots_of
from handlers.vocab import INTERESTS, KINDS
from i18n import LOCALES
from storage import offers as store
from storage.clock import utcnow
from storage.db import Database, Tx
from storage.networks import find_network
from storage.postcodes import fold, postcodes

DEMO_FILE = Path(__file__).resolve().parents[2] / "data" / "demo" / "offers.csv"
TZ = ZoneInfo("Europe/Brussels")

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

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
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

    def summary(self) -> str:
        lines = [
            f"source {self.source}, network {', '.join(self.networks) or '-'}: "
            f"{self.new} new, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.deactivated} deactivated, {len(self.rejected)} rejected"
        ]
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


def highest_taal_level(labels: list[str]) -> int | None:
    levels = [level for label in labels if (level := taal_level(label)) is not None]
    return max(levels) if levels else None


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
    if email and not _EMAIL.match(email):
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


# --- CSV -----------------------------------------------------------------------------------
def read_csv(text: str) -> Iterator[tuple[str, Record | RowError]]:
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    columns = [c.strip().casefold() for c in reader.fieldnames or []]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise ImportFileError(f"missing column(s): {', '.join(missing)}")
    reader.fieldnames = columns
    for count, row in enumerate(reader, start=1):
        label = f"line {reader.line_num}"
        if count > MAX_ROWS:
            raise ImportFileError(f"more than {MAX_ROWS} rows")
        values = {k: (v or "") for k, v in row.items() if isinstance(k, str)}
        if not any(v.strip() for v in values.values()):
            continue
        if None in row:
            yield label, RowError("more values than columns (a comma inside a value?)")
            continue
        try:
            yield label, csv_record(label, values)
        except RowError as error:
            yield label, error


def csv_record(label: str, row: dict[str, str]) -> Record:
    """One CSV row checked against docs/offers-csv.md; RowError says what is wrong."""
    get = lambda key: (row.get(key) or "").strip()  # noqa: E731
    external_id = clean(get("external_id"), 100, "external_id")
    if not external_id:
        raise RowError("external_id is empty")
    title = clean(get("title_nl"), CSV_MAX_TITLE, "title_nl")
    if not title:
        raise RowError("title_nl is empty")
    description = clean(get("description_nl"), CSV_MAX_DESCRIPTION, "description_nl")
    if not description:
        raise RowError("description_nl is empty")
    kind = get("kind").casefold()
    if kind not in KINDS:
        raise RowError(f"kind {get('kind')!r} is not one of {', '.join(KINDS)}")
    interests = [i.strip().casefold() for i in re.split(r"[;,|]", get("interests")) if i.strip()]
    unknown = [i for i in interests if i not in INTERESTS]
    if unknown:
        raise RowError(f"unknown interest {unknown[0]!r} (use {', '.join(INTERESTS)})")
    if not 1 <= len(interests) <= CSV_MAX_INTERESTS:
        raise RowError(f"interests: give 1 to {CSV_MAX_INTERESTS}, separated by ;")
    level = taal_level(get("dutch_level"))
    if level is None:
        raise RowError(f"dutch_level {get('dutch_level')!r} is not 1 to 4")
    postcode = check_postcode(get("postcode"))
    latitude, longitude = place_for(postcode, get("latitude"), get("longitude"))
    try:
        schedule = parse_schedule(get("schedule"))
    except ValueError as error:
        raise RowError(f"schedule: {error}") from None
    if not schedule["weekly"] and not schedule["dates"]:
        raise RowError("schedule is empty (give a time like tue 19:00-21:00)")
    capacity_text = get("capacity")
    capacity = int_arg(capacity_text) if capacity_text else None
    if capacity_text and not (capacity is not None and 1 <= capacity <= 10_000):
        raise RowError(f"capacity {capacity_text!r} is not a number from 1 to 10000")
    url = get("url")
    if url and not re.match(r"^https?://\S+$", url):
        raise RowError(f"url {url!r} does not start with http:// or https://")
    translations = {}
    for locale in OTHER_LOCALES:
        title_key, text_key = f"title_{locale.casefold()}", f"description_{locale.casefold()}"
        if title_key not in row and text_key not in row:
            continue
        title_other = clean(get(title_key), MAX_TITLE, title_key)
        text_other = clean(get(text_key), MAX_DESCRIPTION, text_key)
        if title_other or text_other:
            translations[locale] = {"title": title_other, "description": text_other}
    start = parse_day(get("active_from"), "active_from")
    end = parse_day(get("active_until"), "active_until")
    for session in schedule["dates"]:
        day = date.fromisoformat(session["date"])
        if (start and day < start) or (end and day > end):
            raise RowError(f"session on {day} is outside active_from/active_until")
    provider = provider_record(
        get("provider_name"), get("provider_email"), get("provider_phone"),
        get("provider_telegram"),
    )  # fmt: skip
    if provider is None or not get("provider_name"):
        raise RowError("provider_name is empty")
    if not (provider["email"] or provider["phone"] or provider["telegram"]):
        raise RowError("give provider_email, provider_phone or provider_telegram")
    fields = {
        "title_nl": title,
        "description_nl": description,
        "translations": translations,
        "kind": kind,
        "interests": interests,
        "address": clean(get("address"), 200, "address") or None,
        "postcode": postcode,
        "municipality": clean(get("municipality"), 100, "municipality") or None,
        "latitude": latitude,
        "longitude": longitude,
        "schedule": schedule,
        "dutch_level": level,
        "children_welcome": yes_no(get("children_welcome"), "children_welcome"),
        "cost": parse_cost(get("cost")),
        "uitpas": yes_no(get("uitpas"), "uitpas"),
        "capacity": capacity,
        "url": url or None,
        "active_from": start,
        "active_until": end,
    }
    return Record(label, external_id, get("network") or None, provider, finish_fields(fields))


# --- UiTdatabank JSON-LD ---------------------------------------------------------------------
# Words in UiTdatabank themes, types and labels (folded) → our kind, in priority order.
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
_UNPUBLISHED = {"DRAFT", "REJECTED", "DELETED"}


def _text(value: object, lang: str = "nl") -> str:
    """A UiTdatabank text: a plain string or {"nl": …, "fr": …}."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        text = value.get(lang)
        return text if isinstance(text, str) else ""
    return ""


def strip_html(text: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())


_KIND_PATTERNS = [
    (kind, re.compile("|".join(re.escape(word) for word in words))) for kind, words in KIND_WORDS
]


def kinds_in(texts: list[str]) -> list[str]:
    """Our kinds whose words occur in UiTdatabank themes, types or labels, in priority order."""
    blob = " | ".join(folded(t) for t in texts)
    return [kind for kind, pattern in _KIND_PATTERNS if pattern.search(blob)]


def _local(value: str) -> datetime:
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment.astimezone(TZ) if moment.tzinfo else moment.replace(tzinfo=TZ)


def jsonld_schedule(item: dict[str, Any]) -> tuple[dict[str, Any], date | None, date | None]:
    """(schedule, active_from, active_until) from calendarType, subEvent and openingHours."""
    calendar = item.get("calendarType")
    start, end = item.get("startDate"), item.get("endDate")
    active_from = _local(start).date() if isinstance(start, str) else None
    active_until = _local(end).date() if isinstance(end, str) else None
    weekly: list[dict[str, str]] = []
    dates: list[dict[str, str]] = []
    if calendar in ("single", "multiple"):
        events = item.get("subEvent") or [{"startDate": start, "endDate": end}]
        for event in events:
            if not isinstance(event, dict) or not isinstance(event.get("startDate"), str):
                continue
            if (event.get("status") or {}).get("type") == "Unavailable":
                continue
            begin = _local(event["startDate"])
            finish = _local(event.get("endDate") or event["startDate"])
            opens = f"{begin.hour:02d}:{begin.minute:02d}"
            stop = f"{finish.hour:02d}:{finish.minute:02d}"
            if finish.date() != begin.date() or stop <= opens:
                stop = "23:59"
            dates.append({"date": begin.date().isoformat(), "start": opens, "end": stop})
    for hours in item.get("openingHours") or []:
        opens, closes = hours.get("opens", ""), hours.get("closes", "")
        if not re.fullmatch(r"\d{2}:\d{2}", opens) or not re.fullmatch(r"\d{2}:\d{2}", closes):
            continue
        for name in hours.get("dayOfWeek") or []:
            day = day_index(str(name))
            if day is not None and closes > opens:
                weekly.append({"day": DAYS[day], "start": opens, "end": closes})
    dates.sort(key=lambda d: (d["date"], d["start"]))
    return {"weekly": weekly, "dates": dates}, active_from, active_until


def children_welcome(age_range: object) -> bool:
    """'-' or '' (all ages) or a range starting at or below CHILD_AGE."""
    if not isinstance(age_range, str):
        return False
    low = age_range.split("-", 1)[0].strip()
    age = int_arg(low)
    return low == "" or (age is not None and age <= CHILD_AGE)


def jsonld_record(index: int, item: Any) -> Record:
    if not isinstance(item, dict):
        raise RowError("not an object")
    raw_id = str(item.get("@id") or item.get("id") or "").rstrip("/")
    external_id = raw_id.rsplit("/", 1)[-1]
    if not external_id:
        raise RowError("no @id")
    status = str(item.get("workflowStatus") or "").upper()
    if status in _UNPUBLISHED:
        raise RowError(f"not published ({status})")
    if (item.get("status") or {}).get("type") == "Unavailable":
        raise RowError("cancelled")
    title = clean(strip_html(_text(item.get("name"))), MAX_TITLE, "name.nl")
    if not title:
        raise RowError("no Dutch title (name.nl)")
    description = strip_html(_text(item.get("description")))[:MAX_DESCRIPTION]
    location: dict[str, Any] = item["location"] if isinstance(item.get("location"), dict) else {}
    if item.get("attendanceMode") == "online":
        raise RowError("online only")
    address_all = location.get("address") or {}
    address = address_all.get("nl", address_all) if isinstance(address_all, dict) else {}
    postcode = check_postcode(str(address.get("postalCode") or ""))
    geo = location.get("geo") or {}
    latitude, longitude = place_for(
        postcode, str(geo.get("latitude", "")), str(geo.get("longitude", ""))
    )
    labels = [str(x) for x in (item.get("labels") or []) + (item.get("hiddenLabels") or [])]
    terms = [t for t in item.get("terms") or [] if isinstance(t, dict)]
    themes = [str(t.get("label", "")) for t in terms if t.get("domain") == "theme"]
    types = [str(t.get("label", "")) for t in terms if t.get("domain") != "theme"]
    words = [x for x in labels if taal_level(x) is None and "uitpas" not in folded(x)]
    kinds = kinds_in(themes + types + words + [title])
    kind = kinds[0] if kinds else "other"
    interests = [KIND_INTEREST[k] for k in kinds if k in KIND_INTEREST]
    prices = [p for p in item.get("priceInfo") or [] if isinstance(p, dict)]
    base_price = next((p.get("price") for p in prices if p.get("category") == "base"), None)
    cost = "unknown" if base_price is None else ("free" if float(base_price) == 0 else "paid")
    uitpas = (
        bool(item.get("uitpas"))
        or any("uitpas" in folded(label) for label in labels)
        or any(p.get("category") == "uitpas" for p in prices)
    )
    schedule, active_from, active_until = jsonld_schedule(item)
    translations = {}
    names: dict[str, Any] = item["name"] if isinstance(item.get("name"), dict) else {}
    for locale in OTHER_LOCALES:
        other = _text(names, locale.split("_")[0]) if len(names) > 1 else ""
        if other:
            text = strip_html(_text(item.get("description"), locale.split("_")[0]))
            translations[locale] = {
                "title": clean(other)[:MAX_TITLE],
                "description": text[:MAX_DESCRIPTION],
            }
    organizer: dict[str, Any] = (
        item["organizer"] if isinstance(item.get("organizer"), dict) else {}
    )
    first = lambda v: (v[0] if isinstance(v, list) and v else v) or ""  # noqa: E731
    provider = provider_record(
        clean(_text(organizer.get("name"))), str(first(organizer.get("email"))),
        str(first(organizer.get("phone"))), "",
    )  # fmt: skip
    same_as = [u for u in item.get("sameAs") or [] if isinstance(u, str)]
    street = clean(address.get("streetAddress"), 200, "streetAddress")
    fields = {
        "title_nl": title,
        "description_nl": description,
        "translations": translations,
        "kind": kind,
        "interests": interests,
        "address": street or None,
        "postcode": postcode,
        "municipality": clean(address.get("addressLocality"), 100) or None,
        "latitude": latitude,
        "longitude": longitude,
        "schedule": schedule,
        "dutch_level": highest_taal_level(labels) or DEFAULT_JSONLD_DUTCH,
        "children_welcome": children_welcome(item.get("typicalAgeRange")),
        "cost": cost,
        "uitpas": uitpas,
        "capacity": None,
        "url": next((u for u in same_as if u.startswith("https://")), None),
        "active_from": active_from,
        "active_until": active_until,
    }
    return Record(f"item {index} ({external_id})", external_id, None, provider,
                  finish_fields(fields))  # fmt: skip


def read_jsonld(text: str) -> Iterator[tuple[str, Record | RowError]]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportFileError(f"not JSON: {error}") from None
    members = document.get("member") if isinstance(document, dict) else document
    if not isinstance(members, list):
        raise ImportFileError('expected a list of events or {"member": [...]}')
    if len(members) > MAX_ROWS:
        raise ImportFileError(f"more than {MAX_ROWS} events")
    for index, item in enumerate(members, start=1):
        label = f"item {index}"
        try:
            record = jsonld_record(index, item)
            yield record.label, record
        except (RowError, ValueError, TypeError, AttributeError) as error:
            if isinstance(item, dict) and item.get("@id"):
                label = f"{label} ({str(item['@id']).rsplit('/', 1)[-1]})"
            yield label, error if isinstance(error, RowError) else RowError(str(error))


# --- writing -------------------------------------------------------------------------------
def content_hash(record: Record, network_id: int | None, provider_key: str | None) -> str:
    blob = json.dumps(
        {"f": record.fields, "n": network_id, "p": provider_key}, sort_keys=True, default=str
    )
    return hashlib.sha1(blob.encode()).hexdigest()[:20]


def detect_format(path: Path, text: str) -> str:
    if path.suffix.casefold() in (".json", ".jsonld") or text.lstrip()[:1] in ("{", "["):
        return "jsonld"
    return "csv"


async def import_file(
    db: Database,
    path: Path | str,
    network_name: str | None,
    *,
    source: str | None = None,
    full: bool = True,
    fmt: str | None = None,
    now: datetime | None = None,
) -> ImportReport:
    """Import one file into `network_name`; without it, a row goes to the network its CSV
    `network` column names, else to the network its postcode belongs to.

    `source` defaults to 'uitdatabank' for JSON-LD and 'csv' for CSV; deactivation of
    missing offers (`full`) only touches offers of that source in the networks imported.
    Raises ImportFileError when the file as a whole cannot be used.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise ImportFileError(f"cannot read {path}: {error}") from None
    fmt = fmt or detect_format(path, text)
    if fmt not in ("csv", "jsonld"):
        raise ImportFileError(f"unknown format {fmt!r}")
    rows = list(read_csv(text) if fmt == "csv" else read_jsonld(text))
    source = source or ("uitdatabank" if fmt == "jsonld" else "csv")
    async with db.transaction() as tx:
        return await write_records(tx, rows, source, network_name, full, now or utcnow())


async def write_records(
    tx: Tx,
    rows: list[tuple[str, Record | RowError]],
    source: str,
    network_name: str | None,
    full: bool,
    now: datetime,
) -> ImportReport:
    report = ImportReport(source=source)
    networks: dict[str, int] = {}
    if network_name is not None:
        network = await find_network(tx, network_name)
        if network is None:
            known = ", ".join(row[0] for row in await tx.all("SELECT name FROM networks"))
            raise ImportFileError(f"unknown network {network_name!r} (known: {known})")
        networks[fold(network.name)] = network.id
        report.networks.append(network.name)
    by_postcode = {
        row[0]: (row[1], row[2])
        for row in await tx.all("SELECT postcode, network_id, municipality FROM network_postcodes")
    }
    names = {row[0]: row[1] for row in await tx.all("SELECT id, name FROM networks")}
    good: list[tuple[Record, int]] = []
    first_seen: dict[str, str] = {}
    for label, item in rows:
        if isinstance(item, RowError):
            report.rejected.append(Rejected(label, str(item)))
            continue
        if item.external_id in first_seen:
            report.rejected.append(
                Rejected(label, f"duplicate external_id (first at {first_seen[item.external_id]})")
            )
            continue
        if network_name is not None and item.network and fold(item.network) != fold(network_name):
            report.rejected.append(
                Rejected(label, f"row is for network {item.network!r}, not {network_name!r}")
            )
            continue
        home = by_postcode.get(item.fields["postcode"])
        wanted = network_name or item.network or (names.get(home[0]) if home else None)
        if wanted is None:
            report.rejected.append(
                Rejected(label, "no network: the postcode is in none (use --network)")
            )
            continue
        if fold(wanted) not in networks:
            found = await find_network(tx, wanted)
            if found is None:
                report.rejected.append(Rejected(label, f"unknown network {wanted!r}"))
                continue
            networks[fold(found.name)] = found.id
            report.networks.append(found.name)
        first_seen[item.external_id] = label
        if not item.fields.get("municipality"):
            item.fields["municipality"] = (home[1] if home else None) or next(
                iter(postcodes().names_for(item.fields["postcode"])), None
            )
        good.append((item, networks[fold(wanted)]))

    providers = {r.provider["match_key"]: r.provider for r, _ in good if r.provider}
    provider_ids = await store.upsert_providers(tx, list(providers.values()))
    catalogued = await store.known_offers(tx, source)
    inserts: list[dict[str, Any]] = []
    updates: list[tuple[int, dict[str, Any]]] = []
    for record, network_id in good:
        key = record.provider["match_key"] if record.provider else None
        digest = content_hash(record, network_id, key)
        row = {
            **record.fields,
            "external_id": record.external_id,
            "network_id": network_id,
            "provider_id": provider_ids.get(key) if key else None,
            "content_hash": digest,
        }
        existing = catalogued.get(record.external_id)
        if existing is None:
            inserts.append(row)
            report.new += 1
        elif existing.content_hash == digest and (
            existing.active or existing.deactivated_by == "staff"
        ):
            report.unchanged += 1
        else:
            updates.append((existing.id, row))
            report.updated += 1
    await store.insert_offers(tx, source, inserts, now)
    await store.update_offers(tx, updates, now)
    if full:
        seen = set(first_seen)
        scope = set(networks.values())
        missing = [
            k.id
            for external_id, k in catalogued.items()
            if external_id not in seen and k.active and k.network_id in scope
        ]
        await store.deactivate_by_import(tx, missing, now)
        report.deactivated = len(missing)
    return report


async def import_demo(db: Database) -> ImportReport | None:
    """Load the demo catalog (each row names its network) into an empty catalog only."""
    async with db.transaction() as tx:
        if await store.count_offers(tx) > 0:
            return None
    if not DEMO_FILE.exists():
        return None
    return await import_file(db, DEMO_FILE, None, source="demo")
