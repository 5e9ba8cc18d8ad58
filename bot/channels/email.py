"""The e-mail channel: SMTP delivery of outbox messages and an IMAP watcher for replies.

Outgoing: the same `Reply` values every channel gets become one mail — HTML (Telegram's subset
is valid HTML) with a plain-text alternative, pictures inline (cid:), documents attached, and
buttons as numbered choices a person answers with the number. The outbox address may be a
`mailto:` envelope (`handlers.mail_commands.MailEnvelope`) for In-Reply-To, References and a
reply token (plus-address and `[#TOKEN]` in the subject).

Incoming: new messages in INBOX are fetched (IMAP IDLE, or polling when the server has no
IDLE), parsed by `mail_parse`, and handed to `handlers.mail_commands`; the message is flagged
\\Seen afterwards. A crash in between only means the mail is fetched again, and its Message-ID
is handled once.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import hashlib
import html
import logging
import re
import ssl
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr

import aiosmtplib

from bot import staff_files
from bot.channels import mail_parse
from bot.channels.text import plain
from bot.outbox_sender import DeliveryError
from bot.settings import Settings
from handlers import mail_commands
from handlers.context import Config, dump_replies
from handlers.mail_commands import MailEnvelope
from handlers.types import Reply
from i18n import Translator, translator
from storage import mail as mail_store
from storage.clock import utcnow
from storage.db import Database

log = logging.getLogger(__name__)

SUBJECT_MAX = 110
SMTP_TIMEOUT = 30.0
PERMANENT_SMTP_CODES = range(500, 600)

_SPOILER = re.compile(r"</?tg-spoiler>")


# --- rendering ---------------------------------------------------------------------------------


def _domain(address: str) -> str:
    return address.rpartition("@")[2] or "localhost"


def subject_of(replies: list[Reply], envelope: MailEnvelope) -> str:
    """The envelope's subject, else the first line of the first reply, in plain text."""
    subject = envelope.subject
    if not subject:
        first = next((r.text for r in replies if r.text.strip()), "Meedoen")
        subject = plain(first, keep_isolates=False).strip().split("\n")[0]
    subject = " ".join(subject.split())
    if len(subject) > SUBJECT_MAX:
        subject = subject[: SUBJECT_MAX - 1].rstrip() + "…"
    if envelope.token and f"[#{envelope.token}]" not in subject:
        subject = f"{subject} [#{envelope.token}]"
    return subject


def _html_text(text: str) -> str:
    return _SPOILER.sub("", text).replace("\n", "<br>\n")


def render_mail(
    replies: list[Reply],
    envelope: MailEnvelope,
    *,
    mail_from: str,
    message_id: str,
    t: Translator,
    now: datetime,
) -> tuple[EmailMessage, list[str]]:
    """One mail for a list of replies; also returns the numbered choices' button payloads."""
    choices: list[str] = []
    text_parts: list[str] = []
    html_parts: list[str] = []
    images: list[tuple[str, bytes, str]] = []
    documents = []
    for reply in replies:
        text_block = [plain(reply.text)]
        html_block = [f"<p>{_html_text(reply.text)}</p>"]
        if reply.image is not None:
            cid = f"img{len(images) + 1}.{uuid.uuid4().hex[:12]}@{_domain(mail_from)}"
            images.append((cid, reply.image.content, reply.image.mime))
            html_block.append(
                f'<p><img src="cid:{cid}" alt="{html.escape(reply.image.filename)}" '
                f'style="max-width:100%;height:auto"></p>'
            )
            text_block.append(f"🖼️ {reply.image.filename}")
        if reply.document is not None:
            documents.append(reply.document)
            text_block.append(f"📎 {reply.document.filename}")
            html_block.append(f"<p>📎 {html.escape(reply.document.filename)}</p>")
        items_text: list[str] = []
        items_html: list[str] = []
        for row in reply.buttons:
            for button in row:
                if button.url:
                    items_text.append(f"🔗 {plain(button.label)}: {button.url}")
                    items_html.append(
                        f'<li style="list-style:none">🔗 <a href="{html.escape(button.url)}">'
                        f"{html.escape(plain(button.label), quote=False)}</a></li>"
                    )
                elif button.data:
                    choices.append(button.data)
                    number = len(choices)
                    items_text.append(f"  {number}. {plain(button.label)}")
                    label = html.escape(plain(button.label), quote=False)
                    items_html.append(f'<li value="{number}">{label}</li>')
        if items_text:
            text_block.append("\n".join(items_text))
            html_block.append("<ol>" + "".join(items_html) + "</ol>")
        text_parts.append("\n".join(text_block))
        html_parts.append("\n".join(html_block))
    if choices:
        hint = t._("↩️ Answer this mail with the number of your choice.")
        text_parts.append(plain(hint))
        html_parts.append(f"<p><i>{hint}</i></p>")

    direction = "rtl" if t.rtl else "ltr"
    body_html = (
        f'<!DOCTYPE html><html lang="{t.locale.replace("_", "-")}" dir="{direction}"><head>'
        '<meta charset="utf-8"><meta name="viewport" content="width=device-width">'
        "</head><body style=\"font-family:'Noto Sans',Arial,sans-serif;font-size:16px;"
        'line-height:1.45;color:#1d1d1f;max-width:640px">\n'
        + "\n".join(html_parts)
        + "\n</body></html>\n"
    )
    message = EmailMessage()
    message["From"] = formataddr(("Meedoen", mail_from))
    message["To"] = envelope.to
    message["Subject"] = subject_of(replies, envelope)
    message["Date"] = format_datetime(now)
    message["Message-ID"] = message_id
    if envelope.in_reply_to:
        message["In-Reply-To"] = envelope.in_reply_to
        message["References"] = " ".join(
            dict.fromkeys([*envelope.references, envelope.in_reply_to])
        )
    if envelope.token:
        message["Reply-To"] = mail_parse.plus_address(mail_from, envelope.token)
    # RFC 3834: answers are "auto-replied", everything else we send unprompted is generated.
    message["Auto-Submitted"] = "auto-replied" if envelope.answer else "auto-generated"
    message["X-Auto-Response-Suppress"] = "All"
    message.set_content("\n\n".join(text_parts) + "\n", cte="quoted-printable")
    message.add_alternative(body_html, subtype="html", cte="quoted-printable")
    if images:
        parts = message.get_payload()  # multipart/alternative: [text, html]
        assert isinstance(parts, list) and isinstance(parts[1], EmailMessage)
        html_part = parts[1]
        for cid, content, mime in images:
            maintype, _, subtype = mime.partition("/")
            html_part.add_related(
                content, maintype=maintype, subtype=subtype or "png", cid=f"<{cid}>",
                disposition="inline",
            )  # fmt: skip
    for document in documents:
        maintype, _, subtype = document.mime.partition("/")
        message.add_attachment(
            document.content,
            maintype=maintype,
            subtype=subtype or "octet-stream",
            filename=document.filename,
        )
    message["Content-Language"] = t.locale.replace("_", "-")  # after set_content, which drops it
    return message, choices


# --- the channel -------------------------------------------------------------------------------


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
        payload = dump_replies(replies)
        bad_token = envelope.token is not None and not mail_parse.TOKEN_RE.match(envelope.token)
        if bad_token or "@" not in envelope.to:
            raise DeliveryError(f"not a mail address: {envelope.to!r}", permanent=True)
        now = self.clock()
        async with self.db.transaction() as tx:
            if await mail_store.is_failing(tx, envelope.to):
                raise DeliveryError(f"{envelope.to} bounced before", unreachable=True)
            locale, person_id = await mail_commands.recipient_locale(
                tx, envelope.to, self.config.default_locale
            )
            if envelope.token is None:
                token, replies = await mail_commands.prepare_confirmation_mail(
                    tx, envelope.to, replies, now, self.config.default_locale
                )
                if token is not None:
                    envelope = dataclasses.replace(envelope, token=token)
            key = await tx.scalar(
                "SELECT idempotency_key FROM outbox WHERE channel = 'email' AND address = ? "
                "AND status = 'sending' AND payload = ? ORDER BY id LIMIT 1",
                (address, payload),
            )
        seed = key or uuid.uuid4().hex
        message_id = (
            f"<meedoen.{hashlib.sha256(seed.encode()).hexdigest()[:32]}@{_domain(self.mail_from)}>"
        )
        message, choices = render_mail(
            replies,
            envelope,
            mail_from=self.mail_from,
            message_id=message_id,
            t=translator(locale),
            now=now,
        )
        await self.send_message(message, envelope.to)
        if person_id is not None:
            async with self.db.transaction() as tx:
                await mail_store.save_choices(tx, person_id, message_id, choices, now)

    async def send_message(self, message: EmailMessage, recipient: str) -> None:
        """Hand one mail to the SMTP server; permanent refusals mark the address failing."""
        settings = self.settings
        if not settings.smtp_host:
            raise DeliveryError("SMTP_HOST is not set")
        try:
            await aiosmtplib.send(
                message,
                sender=self.mail_from,
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
                self.db, fallback_id, "unreadable", [], self.clock()
            )

    async def _receive(self, raw: bytes, fallback_id: str) -> str:
        parsed = mail_parse.parse_mail(raw)
        message_id = parsed.message_id or fallback_id
        bounced = mail_parse.bounced_addresses(parsed)
        reason = mail_parse.noise_reason(parsed, self.own_addresses)
        if bounced or reason:
            outcome = await mail_commands.record_ignored(
                self.db, message_id, reason or "bounce", bounced, self.clock()
            )
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


# --- IMAP --------------------------------------------------------------------------------------


class ImapWatcher:
    """Watches INBOX: IDLE when the server offers it, polling otherwise; reconnects on errors."""

    def __init__(
        self,
        settings: Settings,
        on_mail: Callable[[bytes], Awaitable[object]],
        *,
        poll_seconds: float = 60.0,
        idle_seconds: float = 25 * 60.0,
        use_idle: bool = True,
        retry_seconds: float = 2.0,
    ) -> None:
        self.settings = settings
        self.on_mail = on_mail
        self.poll_seconds = poll_seconds
        self.retry_seconds = retry_seconds
        self.idle_seconds = idle_seconds
        self.use_idle = use_idle
        self.client = None
        self.idle_used = False  # for tests and logs: did the last wait use IDLE?
        self._stop = asyncio.Event()
        self._lost = asyncio.Event()  # the server closed the connection

    async def connect(self) -> None:
        import aioimaplib

        s = self.settings
        assert s.imap_host
        if s.imap_security == "tls":
            client = aioimaplib.IMAP4_SSL(host=s.imap_host, port=s.imap_port, timeout=30)
        else:
            client = aioimaplib.IMAP4(host=s.imap_host, port=s.imap_port, timeout=30)
        lost = self._lost = asyncio.Event()
        client.protocol.conn_lost_cb = lambda _exc: lost.set()
        await client.wait_hello_from_server()
        if s.imap_security == "starttls":
            await _starttls(client, s.imap_host)
        password = s.imap_password.get_secret_value() if s.imap_password else ""
        response = await client.login(s.imap_username or "", password)
        if response.result != "OK":
            raise ConnectionError("IMAP login refused")
        response = await client.select("INBOX")
        if response.result != "OK":
            raise ConnectionError("IMAP could not select INBOX")
        self.client = client

    async def close(self) -> None:
        client, self.client = self.client, None
        if client is None:
            return
        if not self._lost.is_set():
            with contextlib.suppress(Exception):
                await asyncio.wait_for(client.logout(), 5)
        transport = client.protocol.transport
        if transport is not None:
            transport.close()

    async def fetch_new(self) -> int:
        """Hand every unseen message to `on_mail`, then flag it \\Seen; return how many."""
        client = self.client
        assert client is not None
        response = await client.uid_search("UNSEEN", charset=None)
        if response.result != "OK":
            raise ConnectionError("IMAP search failed")
        # aioimaplib drops the "SEARCH" word of the untagged answer; the last line is the status.
        uids = [
            word
            for line in response.lines[:-1]
            for word in bytes(line).decode(errors="replace").split()
            if word.isdigit()
        ]
        handled = 0
        for uid in uids:
            fetched = await client.uid("fetch", uid, "(BODY.PEEK[])")
            raw = _literal(fetched.lines)
            if fetched.result != "OK" or raw is None:
                log.warning("IMAP fetch of uid %s failed", uid)
                continue
            await self.on_mail(raw)
            await client.uid("store", uid, "+FLAGS.SILENT (\\Seen)")
            handled += 1
        return handled

    async def wait_for_news(self) -> None:
        """Block until the server says something changed (IDLE) or the poll interval passed."""
        client = self.client
        assert client is not None
        if self.use_idle and client.has_capability("IDLE"):
            self.idle_used = True
            idle = await client.idle_start(timeout=self.idle_seconds)
            stop = asyncio.ensure_future(self._stop.wait())
            lost = asyncio.ensure_future(self._lost.wait())
            push = asyncio.ensure_future(client.wait_server_push(timeout=self.idle_seconds + 5))
            try:
                await asyncio.wait({push, stop, lost}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for task in (push, stop, lost):
                    task.cancel()
                if self._lost.is_set():
                    idle.cancel()
                    raise ConnectionError("IMAP connection lost")
                if client.has_pending_idle():
                    client.idle_done()
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(idle, 10)
        else:
            self.idle_used = False
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), timeout=self.poll_seconds)
            if self._lost.is_set():
                raise ConnectionError("IMAP connection lost")
            if not self._stop.is_set():
                await client.noop()

    async def run_forever(self) -> None:
        failures = 0
        while not self._stop.is_set():
            try:
                if self.client is None:
                    await self.connect()
                await self.fetch_new()
                failures = 0
                await self.wait_for_news()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                failures += 1
                log.warning("IMAP watcher: %s: %s", type(exc).__name__, exc)
                await self.close()
                with contextlib.suppress(TimeoutError):
                    wait = min(300.0, self.retry_seconds * 2 ** (failures - 1))
                    await asyncio.wait_for(self._stop.wait(), timeout=wait)
        await self.close()

    def stop(self) -> None:
        self._stop.set()


def _literal(lines: list[bytes | bytearray]) -> bytes | None:
    """The message bytes in a FETCH response (aioimaplib gives the literal as its own line)."""
    for index, line in enumerate(lines):
        literal = isinstance(line, bytes | bytearray) and re.search(rb"\{\d+\}$", bytes(line))
        if literal and index + 1 < len(lines):
            return bytes(lines[index + 1])
    return None


async def _starttls(client: object, host: str) -> None:
    """Upgrade a plain IMAP connection with STARTTLS (aioimaplib has no helper for it)."""
    from aioimaplib import aioimaplib as imap

    protocol = client.protocol  # type: ignore[attr-defined]
    response = await protocol.execute(imap.Command("STARTTLS", protocol.new_tag()))
    if response.result != "OK":
        raise ConnectionError("IMAP server refused STARTTLS")
    loop = asyncio.get_running_loop()
    context = ssl.create_default_context()
    protocol.transport = await loop.start_tls(
        protocol.transport, protocol, context, server_hostname=host
    )
    await protocol.capability()


def start_mail_watcher(
    settings: Settings,
    db: Database,
    config: Config,
    *,
    wake: Callable[[], None] | None = None,
    clock: Callable[[], datetime] = utcnow,
) -> asyncio.Task[None] | None:
    """Watch the IMAP mailbox in the background when IMAP_HOST is set; None otherwise."""
    if not settings.imap_host:
        return None
    channel = EmailChannel(settings, db, config, clock=clock, on_commit=wake)
    watcher = ImapWatcher(settings, channel.receive)
    return asyncio.create_task(watcher.run_forever(), name="imap-watcher")
