"""Offers by file from staff: a CSV or UiTdatabank JSON-LD document sent to the bot.

Telegram hands the document to `offer_file_replies` (see `TelegramChannel._on_update`); a mail
attachment from a staff address with a valid token can take the same way. Only a staff
member's file is imported, always into their own network, through the catalog import's
public entry point `import_file`; everyone else's document goes on to the router as before.
Offers missing from the file stay active unless the caption (or mail subject) says
`volledig` / `full`: one new offer in a file must not end all the others.
"""

from __future__ import annotations

import logging
import tempfile
from datetime import datetime
from pathlib import Path

from handlers.offers.catalog_import import ImportFileError, ImportReport, import_file
from handlers.types import Reply
from i18n import Translator, translator
from storage.db import Database
from storage.people import find_by_identity
from storage.staff import StaffAccount, staff_for_person

log = logging.getLogger(__name__)

MAX_BYTES = 5_000_000
SUFFIXES = {".csv": "csv", ".json": "jsonld", ".jsonld": "jsonld"}
FULL_WORDS = {"volledig", "full", "alles"}
REJECTED_SHOWN = 15


async def staff_account(
    db: Database, channel: str, address: str
) -> tuple[StaffAccount, str] | None:
    """The staff account behind a channel address, with the person's locale."""
    async with db.transaction() as tx:
        person = await find_by_identity(tx, channel, address)
        if person is None:
            return None
        account = await staff_for_person(tx, person.id)
        return None if account is None else (account, person.locale)


def report_text(t: Translator, report: ImportReport, full: bool) -> str:
    lines = [
        t._("📥 Offers imported into {network}:", network=", ".join(report.networks) or "–"),
        t._("🆕 New: {n}", n=report.new),
        t._("✏️ Updated: {n}", n=report.updated),
        t._("➖ Unchanged: {n}", n=report.unchanged),
        t._("⏹️ Ended (not in the file): {n}", n=report.deactivated),
        t._("🚫 Refused: {n}", n=len(report.rejected)),
    ]
    lines += [f"• {t.value(r.row)}: {t.value(r.reason)}" for r in report.rejected[:REJECTED_SHOWN]]
    if len(report.rejected) > REJECTED_SHOWN:
        lines.append(f"… +{len(report.rejected) - REJECTED_SHOWN}")
    if not full:
        lines.append(t._("ℹ️ Offers that are not in the file stay on. To end them, send the "
                         "whole list with the word “volledig” as caption."))  # fmt: skip
    return "\n".join(lines)


async def offer_file_replies(
    db: Database,
    channel: str,
    address: str,
    filename: str,
    content: bytes | None,
    caption: str | None,
    now: datetime,
) -> list[Reply] | None:
    """Import a staff member's offers file and answer with the report; None when the sender
    is not staff (the router answers them as usual). `content` None: too big to fetch."""
    found = await staff_account(db, channel, address)
    if found is None:
        return None
    account, locale = found
    t = translator(locale)
    fmt = SUFFIXES.get(Path(filename).suffix.casefold())
    if fmt is None or content is None or len(content) > MAX_BYTES:
        return [Reply(text=t._("📎 Send the offers as a CSV file or a UiTdatabank JSON-LD file "
                               "(.csv, .json or .jsonld, at most 5 MB)."))]  # fmt: skip
    full = bool(caption) and bool(FULL_WORDS & set((caption or "").casefold().split()))
    with tempfile.TemporaryDirectory(prefix="meedoen-offers-") as folder:
        path = Path(folder) / f"offers{Path(filename).suffix.casefold()}"
        path.write_bytes(content)
        try:
            report = await import_file(db, path, account.network_name, full=full, fmt=fmt,
                                       now=now)  # fmt: skip
        except ImportFileError as error:
            log.info("offers file from %s refused: %s", account.email, error)
            return [Reply(text=t._("🚫 I could not read this file: {reason}", reason=str(error)))]
    log.info("offers file from %s: %s", account.email, report.summary().splitlines()[0])
    return [Reply(text=report_text(t, report, full))]
