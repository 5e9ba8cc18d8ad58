"""The e-mail channel: SMTP delivery of outbox messages, and the handling of incoming mail.

Outgoing: `mail_render` turns the replies into one mail. Every mail to a person carries a fresh
single-use reply token (Reply-To plus-address and `[#TOKEN]` in the subject) bound to their
address; a confirmation request carries one bound to the entry. Message-IDs are random, and
the SMTP return address carries a random VERP tag, so a bounce can be matched to our mail.

Incoming (`imap.ImapWatcher` fetches it): a mail that failed the receiving server's DMARC,
DKIM or SPF check is refused; a delivery report counts only for a mail we sent; noise is
never answered; the rest goes to `handlers.mail_commands`, which acts only on a token.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import logging
import secrets
from collections.abc import Callable
from datetime import datetime
from email.message import EmailMessage

import aiosmtplib

from bot import staff_files
from bot.channels import mail_parse, mail_reports
from bot.channels.imap import ImapWatcher
from bot.channels.mail_render import SUBJECT_MAX, render_mail, subject_of
from bot.outbox_sender import DeliveryError
from bot.settings import Settings
from handlers import mail_commands
from handlers.context import Config
from handlers.mail_confirm import prepare_confirmation_mail
from handlers.mail_envelope import MailEnvelope, recipient_locale
from handlers.pictures import with_pictures
from handlers.types import Reply
from i18n import translator
from storage import mail as mail_store
from storage.clock import utcnow
from storage.db import Database

log = logging.getLogger(__name__)

__all__ = ["SUBJECT_MAX", "EmailChannel", "ImapWatcher", "render_mail", "start_mail_watcher",
           "subject_of"]  # fmt: skip

SMTP_TIMEOUT = 30.0
PERMANENT_SMTP_CODES = range(500, 600)


def _domain(address: str) -> str:
    return address.rpartition("@")[2] or "localhost"


class EmailChannel:
    """SMTP deliverer for the outbox (channel "email") and the handler of incoming mail."""

    def __init__(
        self,
        settings: Settings,
        db: Database,
        config: Config,
        *,
        clock: Callable[[], datetime] = utcnow,
        on_commit: Callable[[], None] | None = None,
    ) -> None:
        self.settings = settings
        self.db = db
        self.config = config
        self.clock = clock
        self.on_commit = on_commit  # e.g. wake the outbox sender after an answer was queued
        self.mail_from = settings.mail_from

    # --- outgoing -----------------------------------------------------------------------------
    async def deliver(self, address: str, replies: list[Reply]) -> None:
        """Outbox delivery: render and send; raise DeliveryError with the retry decision."""
        envelope = MailEnvelope.parse(address)
        bad_token = envelope.token is not None and not mail_parse.TOKEN_RE.match(envelope.token)
        if bad_token or "@" not in envelope.to:
            raise DeliveryError(f"not a mail address: {envelope.to!r}", permanent=True)
        now = self.clock()
        message_id = f"<meedoen.{secrets.token_hex(16)}@{_domain(self.mail_from)}>"
        bounce_tag = mail_store.new_token()
        async with self.db.transaction() as tx:
            if await mail_store.is_failing(tx, envelope.to):
                raise DeliveryError(f"{envelope.to} bounced before", unreachable=True)
            locale, person_id = await recipient_locale(tx, envelope.to, self.config.default_locale)
            if envelope.token is None:
                token, replies = await prepare_confirmation_mail(
                    tx, envelope.to, replies, now, self.config.default_locale
                )
                if token is None and person_id is not None:
                    await mail_store.purge_tokens(tx, now)
                    token = await mail_store.create_token(
                        tx, person_id=person_id, purpose=mail_commands.TURN, subject_id=0,
                        address=envelope.to, now=now,
                    )  # fmt: skip
                elif token is None and envelope.invite:
                    token = await mail_store.create_start_token(tx, envelope.to, now)
                if token is not None:
                    envelope = dataclasses.replace(envelope, token=token)
            await mail_store.record_sent(tx, message_id, bounce_tag, envelope.to, now)
        await with_pictures(replies)  # drawn after the transaction: a mail carries the bytes
        message, choices = render_mail(
            replies,
            envelope,
            mail_from=self.mail_from,
            message_id=message_id,
            t=translator(locale),
            now=now,
        )
        await self.send_message(message, envelope.to, bounce_tag=bounce_tag)
        if person_id is not None:
            async with self.db.transaction() as tx:
                await mail_store.save_choices(tx, person_id, message_id, choices, now)

    async def send_message(
        self, message: EmailMessage, recipient: str, *, bounce_tag: str | None = None
    ) -> None:
        """Hand one mail to the SMTP server; permanent refusals mark the address failing.

        With a `bounce_tag` the return address is `local+TAG@domain` (VERP), so a delivery
        report for this mail comes back to an address only we know.
        """
        settings = self.settings
        sender = mail_parse.plus_address(self.mail_from, bounce_tag) if bounce_tag else None
        if not settings.smtp_host:
            raise DeliveryError("SMTP_HOST is not set")
        try:
            await aiosmtplib.send(
                message,
                sender=sender or self.mail_from,
                recipients=[recipient],
                hostname=settings.smtp_host,
                port=settings.smtp_port,
                username=settings.smtp_username or None,
                password=(
                    settings.smtp_password.get_secret_value() if settings.smtp_password else None
                ),
                use_tls=settings.smtp_security == "tls",
                start_tls=settings.smtp_security == "starttls",
                timeout=SMTP_TIMEOUT,
            )
        except aiosmtplib.SMTPRecipientsRefused as exc:
            codes = [error.code for error in exc.recipients]
            if codes and all(code in PERMANENT_SMTP_CODES for code in codes):
                await self._mark_failing(recipient, f"refused: {codes[0]}")
                raise DeliveryError(f"recipient refused ({codes[0]})", unreachable=True) from exc
            raise DeliveryError(f"recipient deferred ({codes})") from exc
        except aiosmtplib.SMTPDataError as exc:
            permanent = exc.code in PERMANENT_SMTP_CODES
            raise DeliveryError(f"message refused ({exc.code})", permanent=permanent) from exc
        except aiosmtplib.SMTPException as exc:
            raise DeliveryError(f"smtp: {type(exc).__name__}") from exc
        except (OSError, TimeoutError) as exc:
            raise DeliveryError(f"network: {type(exc).__name__}") from exc

    async def _mark_failing(self, address: str, reason: str) -> None:
        async with self.db.transaction() as tx:
            await mail_store.mark_failing(tx, address, reason, self.clock())

    # --- incoming -----------------------------------------------------------------------------
    @property
    def own_addresses(self) -> tuple[str, ...]:
        return tuple(a for a in (self.mail_from, self.settings.imap_username) if a and "@" in a)

    async def receive(self, raw: bytes) -> str:
        """Handle one raw mail; return what happened (for logs and tests).

        Never raises for what a mail contains: a mail that cannot be read is recorded as such,
        so it is not fetched and tried again forever.
        """
        fallback_id = f"<sha256.{hashlib.sha256(raw).hexdigest()[:40]}@meedoen.invalid>"
        try:
            return await self._receive(raw, fallback_id)
        except Exception:
            log.exception("mail %s could not be handled", fallback_id)
            return await mail_commands.record_ignored(
                self.db, fallback_id, "unreadable", self.clock()
            )

    async def _receive(self, raw: bytes, fallback_id: str) -> str:
        parsed = mail_parse.parse_mail(raw)
        message_id = parsed.message_id or fallback_id
        report = mail_reports.delivery_report(parsed)
        if report is not None:
            tags = mail_reports.bounce_tags(parsed.recipients, self.mail_from)
            outcome = await mail_commands.record_ignored(
                self.db, message_id, "bounce", self.clock(), failed=report.failed,
                original_ids=report.original_ids, bounce_tags=tags,
            )  # fmt: skip
            log.info("mail %s: %s", message_id, outcome)
            return outcome
        reason = mail_reports.authentication_failure(parsed) or mail_parse.noise_reason(
            parsed, self.own_addresses
        )
        if reason:
            outcome = await mail_commands.record_ignored(self.db, message_id, reason, self.clock())
            log.info("mail %s ignored: %s", message_id, outcome)
            return outcome
        text = mail_parse.strip_quoted(parsed.text)
        incoming = mail_commands.IncomingMail(
            message_id=message_id,
            sender=parsed.sender,
            sender_name=parsed.sender_name,
            subject=parsed.subject,
            text=text,
            answer=mail_parse.yes_no(text),
            token=mail_parse.find_token(parsed.recipients, parsed.subject, self.mail_from),
            in_reply_to=parsed.in_reply_to,
            references=tuple(parsed.references),
            language=parsed.language,
        )
        staff = await staff_files.offer_mail(self.db, raw, incoming, self.clock())
        # Anything but an offers file from staff (bot.staff_files) is a mail to answer.
        outcome = staff or await mail_commands.receive(self.db, self.config, incoming, self.clock())
        if self.on_commit is not None:
            self.on_commit()
        log.info("mail %s: %s", message_id, outcome)
        return outcome


def start_mail_watcher(
    settings: Settings,
    db: Database,
    config: Config,
    *,
    wake: Callable[[], None] | None = None,
    clock: Callable[[], datetime] = utcnow,
    health: Callable[[bool], None] | None = None,
) -> asyncio.Task[None] | None:
    """Watch the IMAP mailbox in the background when IMAP_HOST is set; None otherwise."""
    if not settings.imap_host:
        return None
    channel = EmailChannel(settings, db, config, clock=clock, on_commit=wake)
    watcher = ImapWatcher(settings, channel.receive, health=health)
    return asyncio.create_task(watcher.run_forever(), name="imap-watcher")
