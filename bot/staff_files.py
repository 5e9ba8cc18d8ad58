"""Offers by file from staff: a CSV or UiTdatabank JSON-LD document sent to the bot.

Telegram hands the document to `offer_file_replies` (see `TelegramChannel._on_update`); a mail
attachment from a staff address with a valid token can take the same way. Only a staff
member's file is imported, always into their own network, through the catalog import's
public entry point `import_file`; everyone else's document goes on to the router as before.
Offers missing from the file stay active unless the caption (or mail subject) says
`volledig` / `full`: one new offer in a file must not end all the others.

By mail (`offer_mail`, hooked in `EmailChannel._receive`): attachments from a staff address
with their digest reply token; the report is the answer. The import is its own transaction
after the Message-ID is claimed: a crash between them loses the report, not the import.
"""

from __future__ import annotations

import hashlib
import logging
import tempfile
from datetime import datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from handlers.context import dump_replies
from handlers.mail_commands import IncomingMail, answer_envelope
from handlers.offers.catalog_import import ImportFileError, ImportReport, import_file
from handlers.staff.mail_replies import STAFF_DIGEST
from handlers.types import Reply
from i18n import Translator, translator
from storage import mail as mail_store
from storage import outbox
from storage.db import Database
from storage.people import find_by_identity
from storage.staff import StaffAccount, staff_for_person
from storage.staff import list_staff as list_staff_accounts

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
    return await _import(db, account, t, filename, content, caption, fmt)


async def _import(
    db: Database, account: StaffAccount, t: Translator, filename: str, content: bytes,
    caption: str | None, fmt: str,
) -> list[Reply]:  # fmt: skip
    full = bool(caption) and bool(FULL_WORDS & set((caption or "").casefold().split()))
    with tempfile.TemporaryDirectory(prefix="meedoen-offers-") as folder:
        path = Path(folder) / f"offers{Path(filename).suffix.casefold()}"
        path.write_bytes(content)
        try:
            report = await import_file(db, path, account.network_name, full=full, fmt=fmt)
        except ImportFileError as error:
            log.info("offers file from %s refused: %s", account.email, error)
            return [Reply(text=t._("🚫 I could not read this file: {reason}", reason=str(error)))]
    log.info("offers file from %s: %s", account.email, report.summary().splitlines()[0])
    return [Reply(text=report_text(t, report, full))]


def mail_attachments(raw: bytes) -> list[tuple[str, bytes]]:
    """The offers files attached to a mail: (file name, bytes) of .csv/.json/.jsonld parts."""
    message = message_from_bytes(raw, policy=policy.default)
    if not isinstance(message, EmailMessage):
        return []
    found = []
    for part in message.iter_attachments():
        name = part.get_filename() or ""
        if Path(name).suffix.casefold() in SUFFIXES:
            content = part.get_payload(decode=True)
            if isinstance(content, bytes):
                found.append((name, content))
    return found


async def offer_mail(db: Database, raw: bytes, mail: IncomingMail, now: datetime) -> str | None:
    """A mail with an offers file from a staff address that carries their digest reply token:
    import it and answer with the report. None when this is not such a mail (it then goes on
    to `handlers.mail_commands.receive` as before). The token is what is trusted; the From
    header must match the address it was given to."""
    files = mail_attachments(raw) if mail.token else []
    if not files or mail.token is None:
        return None
    async with db.transaction() as tx:
        found = await mail_store.find_token(tx, mail.token, STAFF_DIGEST, now)
        if found is None or found.address.lower() != mail.sender.strip().lower():
            return None
        account = next((a for a in await list_staff_accounts(tx) if a.id == found.subject_id), None)
        if account is None or account.email != found.address.lower():
            return None
        if not await mail_store.claim_message(tx, mail.message_id, "staff offers file", now):
            return "duplicate"
    t = translator("nl")
    replies: list[Reply] = []
    for filename, content in files[:3]:
        replies += await _import(db, account, t, filename, content, mail.subject,
                                 SUFFIXES[Path(filename).suffix.casefold()])  # fmt: skip
    key = "mail-answer:" + hashlib.sha256(mail.message_id.encode()).hexdigest()[:32]
    async with db.transaction() as tx:
        await outbox.enqueue(
            tx, key=key, person_id=found.person_id, channel="email",
            address=answer_envelope(mail).address(), purpose="mail_answer",
            payload=dump_replies(replies), now=now,
        )  # fmt: skip
        await mail_store.set_outcome(tx, mail.message_id, f"staff offers: {len(files)} file(s)")
    return f"staff offers: {len(files)} file(s)"
