"""Write checked records in one transaction, matched on (source, external_id).

A re-import updates instead of duplicating (a content hash tells what changed); with
`full=True` an offer of the same source and network missing from the file is deactivated
(never deleted: enrolments and hours keep pointing at it). Every run leaves a report.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from handlers.offers.import_csv import read_csv
from handlers.offers.import_rows import (
    ImportFileError,
    ImportReport,
    Record,
    Rejected,
    RowError,
    Unchanged,
)
from handlers.offers.uitdatabank import read_documents, read_jsonld
from storage import offer_import as store
from storage.clock import utcnow
from storage.db import Database, Tx
from storage.networks import find_network
from storage.offers import count_offers
from storage.postcodes import fold, postcodes
from storage.providers import upsert_providers

DEMO_FILE = Path(__file__).resolve().parents[2] / "data" / "demo" / "offers.csv"


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
    rows, warnings = (list(read_csv(text)), []) if fmt == "csv" else read_jsonld(text)
    source = source or ("uitdatabank" if fmt == "jsonld" else "csv")
    async with db.transaction() as tx:
        report = await write_records(tx, rows, source, network_name, full, now or utcnow())
        report.warnings = warnings
        await save_report(tx, report, now or utcnow())
        return report


async def save_report(tx: Tx, report: ImportReport, now: datetime) -> None:
    """Keep the report for the weekly digest (storage.offer_import.import_runs)."""
    network_ids = [n for n in (await _network_ids(tx, report.networks))]
    counts = {
        "new": report.new, "updated": report.updated, "unchanged": report.unchanged,
        "deactivated": report.deactivated,
    }  # fmt: skip
    await store.save_import_run(
        tx, network_ids[0] if len(network_ids) == 1 else None, report.source, now,
        counts=counts, rejected=[(r.row, r.reason) for r in report.rejected],
        warnings=report.warnings,
    )  # fmt: skip


async def _network_ids(tx: Tx, names: list[str]) -> list[int]:
    found = [await find_network(tx, name) for name in names]
    return [n.id for n in found if n is not None]


async def write_records(
    tx: Tx,
    rows: Sequence[tuple[str, Record | RowError | Unchanged]],
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
        if isinstance(item, Unchanged):  # only offered for active offers of this network
            if item.external_id not in first_seen:
                first_seen[item.external_id] = label
                report.unchanged += 1
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
    provider_ids = await upsert_providers(tx, list(providers.values()))
    catalogued = await store.known_offers(tx, source)
    inserts: list[dict[str, Any]] = []
    updates: list[tuple[int, dict[str, Any]]] = []
    renamed: list[tuple[int, str | None]] = []  # same offer, document written differently
    for record, network_id in good:
        key = record.provider["match_key"] if record.provider else None
        digest = content_hash(record, network_id, key)
        row = {
            **record.fields,
            "external_id": record.external_id,
            "network_id": network_id,
            "provider_id": provider_ids.get(key) if key else None,
            "content_hash": digest,
            "source_hash": record.source_hash,
        }
        existing = catalogued.get(record.external_id)
        if existing is None:
            inserts.append(row)
            report.new += 1
        elif existing.content_hash == digest and (
            existing.active or existing.deactivated_by == "staff"
        ):
            report.unchanged += 1
            if record.source_hash != existing.source_hash:
                renamed.append((existing.id, record.source_hash))
        else:
            updates.append((existing.id, row))
            report.updated += 1
    await store.insert_offers(tx, source, inserts, now)
    report.new_ids = await store.offer_ids(tx, source, [row["external_id"] for row in inserts])
    await store.update_offers(tx, updates, now)
    await store.set_source_hashes(tx, renamed)
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


async def import_documents(
    db: Database,
    members: list[Any],
    network_name: str,
    *,
    places: dict[str, dict[str, Any]] | None = None,
    now: datetime | None = None,
) -> ImportReport:
    """A complete set of UiTdatabank documents for one network (a Search API sync): new and
    changed offers are written and those that disappeared are deactivated.

    Refuses (ImportFileError, nothing changed) a set in which no item can be used: an empty
    or broken answer must never empty the catalogue."""
    async with db.transaction() as tx:
        network = await find_network(tx, network_name)
        known = await store.source_hashes(tx, "uitdatabank", network.id) if network else {}
    rows, warnings = read_documents(members, places, known=known)
    if not any(not isinstance(item, RowError) for _, item in rows):
        raise ImportFileError(f"none of the {len(rows)} item(s) can be used; nothing changed")
    async with db.transaction() as tx:
        report = await write_records(tx, rows, "uitdatabank", network_name, True, now or utcnow())
        report.warnings = warnings
        await save_report(tx, report, now or utcnow())
        return report


async def import_demo(db: Database) -> ImportReport | None:
    """Load the demo catalog (each row names its network) into an empty catalog only."""
    async with db.transaction() as tx:
        if await count_offers(tx) > 0:
            return None
    if not DEMO_FILE.exists():
        return None
    return await import_file(db, DEMO_FILE, None, source="demo")
