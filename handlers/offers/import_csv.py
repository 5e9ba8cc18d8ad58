"""Read the offer CSV (docs/offers-csv.md) into checked records, one row at a time."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import date

from handlers.common import int_arg
from handlers.offers.import_rows import (
    CSV_MAX_DESCRIPTION,
    CSV_MAX_INTERESTS,
    CSV_MAX_TITLE,
    MAX_DESCRIPTION,
    MAX_ROWS,
    MAX_TITLE,
    OTHER_LOCALES,
    REQUIRED_COLUMNS,
    ImportFileError,
    Record,
    RowError,
    check_postcode,
    clean,
    finish_fields,
    parse_cost,
    parse_day,
    place_for,
    provider_record,
    taal_level,
    yes_no,
)
from handlers.schedule import parse_schedule
from handlers.vocab import INTERESTS, KINDS


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
