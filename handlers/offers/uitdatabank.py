"""Read UiTdatabank JSON-LD (events and places) into checked offer records.

The shapes follow publiq's published models (cultuurnet/apidocs,
projects/uitdatabank/models/event.json, place.json and their read examples): texts are
localised objects and only `mainLanguage` is required; contact points hold arrays; a location
may be only `{"@id": …}`; addresses may exist in one language only; times are H:MM or HH:MM.
Only what truly cannot be an offer is refused: no location, members or schools only,
deleted, rejected or still a draft, cancelled or postponed, fully booked, online only.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from datetime import date, datetime
from typing import Any

from handlers.common import int_arg
from handlers.offers.import_rows import (
    CHILD_AGE,
    DEFAULT_JSONLD_DUTCH,
    EMAIL,
    MAX_DESCRIPTION,
    MAX_ROWS,
    MAX_TITLE,
    OTHER_LOCALES,
    ImportFileError,
    Record,
    RowError,
    Unchanged,
    check_postcode,
    clean,
    finish_fields,
    folded,
    place_for,
    provider_record,
    taal_level,
    taal_level_of,
)
from handlers.offers.uitdatabank_calendar import STATUS, TZ, is_open, schedule_of
from handlers.offers.uitdatabank_terms import kind_and_interests

_GONE = {
    "DELETED": "deleted in UiTdatabank",
    "REJECTED": "rejected by UiTdatabank",
    "DRAFT": "a draft, not published yet",
}
_AUDIENCE = {"members": "for members only", "education": "for schools only"}
# Fields the UiTdatabank export keeps only when ticked; missing from every item → one warning.
EXPORT_FIELDS = {
    "labels": "labels (taaliconen, UiTPAS): Dutch level 3 assumed",
    "organizer": "organizer: no organisation to tell",
    "priceInfo": "priceInfo: cost unknown",
}
Rows = list[tuple[str, Record | RowError | Unchanged]]
LOCALE_OF = {locale.split("_")[0]: locale for locale in OTHER_LOCALES}  # "fa" → "fa_AF"


def text_of(value: object, lang: str = "nl", main: str | None = None) -> str:
    """A UiTdatabank text (a string or {"nl": …, "fr": …}) in `lang`, else the main language."""
    if isinstance(value, str):
        return value
    if not isinstance(value, dict):
        return ""
    for key in (lang, main):
        if key and isinstance(value.get(key), str) and value[key].strip():
            return str(value[key])
    return ""


def strip_html(text: str) -> str:
    if "<" not in text and "&" not in text:
        return " ".join(text.split())
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())


def uuid_of(document: dict[str, Any]) -> str:
    return str(document.get("@id") or document.get("id") or "").rstrip("/").rsplit("/", 1)[-1]


def is_place(document: dict[str, Any]) -> bool:
    return document.get("@type") == "Place" or "/places/" in str(document.get("@id") or "")


def children_welcome(item: dict[str, Any], labels: list[str], today: date) -> bool:
    """childrenOnly, the label 'ook voor kinderen', an age range from CHILD_AGE or younger
    ('-' is all ages), or a birthdate range whose youngest is CHILD_AGE or younger."""
    if item.get("childrenOnly") is True or any("ook voor kinderen" in folded(x) for x in labels):
        return True
    births = item.get("birthdateRange")
    if isinstance(births, dict) and isinstance(births.get("to"), str):
        youngest = date.fromisoformat(births["to"][:10])
        return (today - youngest).days // 365 <= CHILD_AGE
    age_range = item.get("typicalAgeRange")
    if not isinstance(age_range, str):
        return False
    low = age_range.split("-", 1)[0].strip()
    age = int_arg(low)
    return low == "" or (age is not None and age <= CHILD_AGE)


def _first(value: object) -> str:
    """A contact value: a string (bookingInfo) or the first of an array (contactPoint)."""
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str) and v.strip()), "")
    return value.strip() if isinstance(value, str) else ""


def _email(value: object) -> str:
    """The first e-mail address that looks like one; a malformed one is left out, not fatal."""
    values = value if isinstance(value, list) else [value]
    return next((v.strip() for v in values if isinstance(v, str) and EMAIL.match(v.strip())), "")


def contact_of(item: dict[str, Any], organizer: dict[str, Any]) -> dict[str, str | None]:
    """E-mail, phone and web address: bookingInfo, then the event's contactPoint, then the
    organizer's contactPoint (each field on its own)."""
    sources = [item.get("bookingInfo"), item.get("contactPoint"), organizer.get("contactPoint")]
    found: dict[str, str | None] = {}
    for key in ("email", "phone", "url"):
        read = _email if key == "email" else _first
        values = (read(s.get(key)) for s in sources if isinstance(s, dict))
        found[key] = next((v for v in values if v), None)
    return found


def address_of(location: dict[str, Any], main: str | None) -> dict[str, Any]:
    """The address in Dutch, else the main language, else any (an address only in `fr`)."""
    every = location.get("address") or {}
    if not isinstance(every, dict):
        return {}
    if "postalCode" in every:  # an old export: not localised
        return every
    for lang in ("nl", main, *every):
        if lang and isinstance(every.get(lang), dict):
            return dict(every[lang])
    return {}


def place_of(item: dict[str, Any], places: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The document holding the address: the Place itself, its embedded location, or the Place
    its `{"@id": …}` points to (in the same file or fetched)."""
    if is_place(item):
        return item
    location = item.get("location")
    if not isinstance(location, dict) or not location:
        raise RowError("no location")
    if location.get("address"):
        return location
    linked = places.get(uuid_of(location))
    if linked is None:
        raise RowError(
            f"location is only a link ({location.get('@id') or '?'}) to a place not in this "
            "file: export the places too, or use the Search API"
        )
    return linked


def uitpas_of(labels: list[str], prices: list[dict[str, Any]]) -> bool:
    return any(p.get("category") == "uitpas" for p in prices) or any(
        "uitpas" in folded(x) or "paspartoe" in folded(x) for x in labels
    )


def jsonld_record(index: int, item: Any, places: dict[str, dict[str, Any]], today: date) -> Record:
    if not isinstance(item, dict):
        raise RowError("not an object")
    external_id = uuid_of(item)
    if not external_id:
        raise RowError("no @id")
    workflow = str(item.get("workflowStatus") or "").upper()
    if workflow in _GONE:
        raise RowError(_GONE[workflow])
    status = (item.get("status") or {}).get("type")
    if status in STATUS:
        raise RowError(STATUS[status])
    audience = (item.get("audience") or {}).get("audienceType")
    if audience in _AUDIENCE:
        raise RowError(_AUDIENCE[audience])
    if item.get("attendanceMode") == "online":
        raise RowError("online only")
    if not is_open(item):
        raise RowError("fully booked")
    main = item.get("mainLanguage") if isinstance(item.get("mainLanguage"), str) else None
    title = clean(strip_html(text_of(item.get("name"), "nl", main)))[:MAX_TITLE]
    if not title:
        raise RowError("no name in Dutch or in its main language")
    description = strip_html(text_of(item.get("description"), "nl", main))[:MAX_DESCRIPTION]
    place = place_of(item, places)
    address = address_of(place, main)
    postcode = check_postcode(str(address.get("postalCode") or ""))
    geo = place.get("geo") or {}
    latitude, longitude = place_for(
        postcode, str(geo.get("latitude", "")), str(geo.get("longitude", ""))
    )
    labels = [str(x) for x in (item.get("labels") or []) + (item.get("hiddenLabels") or [])]
    terms = [t for t in item.get("terms") or [] if isinstance(t, dict)]
    words = [x for x in labels if taal_level(x) is None and not uitpas_of([x], [])]
    kind, interests = kind_and_interests(terms, words, title)
    prices = [p for p in item.get("priceInfo") or [] if isinstance(p, dict)]
    base_price = next((p.get("price") for p in prices if p.get("category") == "base"), None)
    cost = "unknown" if base_price is None else ("free" if float(base_price) == 0 else "paid")
    schedule, active_from, active_until = schedule_of(item)
    translations = {}
    names = item["name"] if isinstance(item.get("name"), dict) else {}
    for lang in names:
        other = text_of(names, lang)
        locale = LOCALE_OF.get(lang)
        if locale and other and (other != title or lang == main):
            text = strip_html(text_of(item.get("description"), lang))
            translations[locale] = {
                "title": clean(strip_html(other))[:MAX_TITLE],
                "description": text[:MAX_DESCRIPTION],
            }
    organizer = item["organizer"] if isinstance(item.get("organizer"), dict) else {}
    contact = contact_of(item, organizer)
    own: dict[str, Any] = (
        organizer["contactPoint"] if isinstance(organizer.get("contactPoint"), dict) else {}
    )
    provider = provider_record(
        clean(text_of(organizer.get("name"), "nl", organizer.get("mainLanguage")))[:200],
        _email(own.get("email")) or _email(organizer.get("email")) or contact["email"] or "",
        (_first(own.get("phone")) or _first(organizer.get("phone")) or contact["phone"] or "")[:40],
        "",
    )  # fmt: skip
    same_as = [u for u in item.get("sameAs") or [] if isinstance(u, str)]
    links = [u for u in same_as if re.match(r"^https?://\S+$", u)]
    url = next((u for u in links if u.startswith("https://")), links[0] if links else None)
    booking = item.get("bookingAvailability") or {}
    remaining = booking.get("remainingCapacity")
    venue = strip_html(text_of(place.get("name"), "nl", place.get("mainLanguage") or main))
    fields = {
        "title_nl": title,
        "description_nl": description,
        "translations": translations,
        "kind": kind,
        "interests": interests,
        "address": clean(address.get("streetAddress"))[:200] or None,
        "postcode": postcode,
        "municipality": clean(address.get("addressLocality"))[:100] or None,
        "latitude": latitude,
        "longitude": longitude,
        "schedule": schedule,
        "dutch_level": taal_level_of(labels) or DEFAULT_JSONLD_DUTCH,
        "children_welcome": children_welcome(item, labels, today),
        "cost": cost,
        "uitpas": uitpas_of(labels, prices),
        "capacity": None,
        "url": url,  # https:// when there is one, else http:// (UiTinVlaanderen's are)
        "active_from": active_from,
        "active_until": active_until,
        "venue": clean(venue)[:200] or None,
        "contact_email": contact["email"],
        "contact_phone": (contact["phone"] or "")[:40] or None,
        "contact_url": contact["url"],
        "facilities": [str(t.get("label")) for t in terms if t.get("domain") == "facility"],
        "remaining_capacity": remaining if isinstance(remaining, int) else None,
    }
    return Record(f"item {index} ({external_id})", external_id, None, provider,
                  finish_fields(fields))  # fmt: skip


def members_of(document: Any) -> list[Any]:
    """The items of a file: a list, a Hydra collection's `member`, or a single document."""
    if isinstance(document, dict) and isinstance(document.get("member"), list):
        members = document["member"]
    elif isinstance(document, dict) and document.get("@id"):
        members = [document]
    elif isinstance(document, list):
        members = document
    else:
        raise ImportFileError('expected a list of events or places, or {"member": [...]}')
    if members and all(isinstance(m, dict) and set(m) <= {"@id", "@type"} for m in members):
        raise ImportFileError(
            "the items are only links (@id and @type): fetch the page with embed=true"
        )
    if len(members) > MAX_ROWS:
        raise ImportFileError(f"more than {MAX_ROWS} items")
    return members


def export_warnings(members: list[Any]) -> list[str]:
    """One warning per field that no item has: the export left it out."""
    items = [m for m in members if isinstance(m, dict) and not is_place(m)]
    return [
        f"no item has {text}; tick it when exporting"
        for key, text in EXPORT_FIELDS.items()
        if items and not any(key in m or (key == "labels" and "hiddenLabels" in m) for m in items)
    ]


def document_hash(item: dict[str, Any], places: dict[str, dict[str, Any]], today: date) -> str:
    """The document as received, with the place its location links to, and the year (ages
    from a birthdate range move on)."""
    location = item.get("location")
    linked = places.get(uuid_of(location)) if isinstance(location, dict) else None
    # Keys in the order received: the same API writes a document the same way; if it did not,
    # the document is only read again, never missed.
    blob = json.dumps([item, linked, today.year], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha1(blob.encode()).hexdigest()[:20]


def read_documents(
    members: list[Any],
    places: dict[str, dict[str, Any]] | None = None,
    today: date | None = None,
    known: dict[str, str] | None = None,
) -> tuple[Rows, list[str]]:
    """Records (or the reason why not) for each item, and the warnings about the file.

    `places` are Places fetched apart, for locations given only as an @id; the Places in
    `members` are used too. `known` (external id → document hash of an active offer) marks
    identical documents Unchanged instead of reading them again."""
    found = dict(places or {})
    found.update({uuid_of(m): m for m in members if isinstance(m, dict) and is_place(m)})
    day = today or datetime.now(TZ).date()
    rows: Rows = []
    for index, item in enumerate(members, start=1):
        try:
            digest = document_hash(item, found, day) if isinstance(item, dict) else None
            if known and digest and known.get(uuid_of(item)) == digest:
                rows.append((f"item {index} ({uuid_of(item)})", Unchanged(uuid_of(item))))
                continue
            record = jsonld_record(index, item, found, day)
            record.source_hash = digest
            rows.append((record.label, record))
        except (RowError, ValueError, TypeError, AttributeError) as error:
            label = f"item {index}"
            if isinstance(item, dict) and item.get("@id"):
                label = f"{label} ({uuid_of(item)})"
            rows.append((label, error if isinstance(error, RowError) else RowError(str(error))))
    return rows, export_warnings(members)


def read_jsonld(text: str) -> tuple[Rows, list[str]]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportFileError(f"not JSON: {error}") from None
    return read_documents(members_of(document))
