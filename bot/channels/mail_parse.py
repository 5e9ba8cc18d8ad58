"""Reading incoming e-mail: pure functions, no network and no store.

* `parse_mail(raw)` → `ParsedMail` (addresses, ids, the readable text of the body);
* `noise_reason(mail, own)` says why a mail must never be answered (auto-replies, lists,
  mailer daemons, our own address), `bounced_addresses(mail)` finds permanent failures in a
  delivery status notification;
* `strip_quoted(text)` cuts the quoted history that Gmail, Outlook and Apple Mail add under a
  reply, with their Dutch, French and English reply headers;
* `yes_no(text)` reads a yes or no on the first line, `find_token(...)` the reply token from a
  plus-address (`meedoen+TOKEN@…`) or the subject (`[#TOKEN]`).
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr
from html.parser import HTMLParser

TOKEN_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"
TOKEN_RE = re.compile(r"^[a-z2-7]{12,40}$")
SUBJECT_TOKEN_RE = re.compile(r"\[#([A-Za-z2-7]{12,40})\]")
MAX_BODY_CHARS = 20_000


@dataclass
class ParsedMail:
    message_id: str | None
    sender: str  # lower-cased address from From (or Sender / Return-Path when From is empty)
    sender_name: str
    recipients: list[str]  # To, Cc, Delivered-To, X-Original-To — lower-cased
    subject: str
    text: str  # the readable body (text/plain, or text from text/html), not yet stripped
    in_reply_to: str | None = None
    references: list[str] = field(default_factory=list)
    language: str | None = None  # Content-Language, when the sender's client gave one
    message: Message | None = field(default=None, repr=False)


# --- parsing ---------------------------------------------------------------------------------


def parse_mail(raw: bytes) -> ParsedMail:
    """Parse raw RFC 5322 bytes; never raises on odd input (missing parts become empty)."""
    message = BytesParser(policy=policy.default).parsebytes(raw)
    sender_name, sender = parseaddr(_header(message, "From"))
    if not sender:
        sender = parseaddr(_header(message, "Sender") or _header(message, "Return-Path"))[1]
    recipients = [
        address.lower()
        for _, address in getaddresses(
            [
                _header(message, name)
                for name in ("To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To")
            ]
        )
        if address
    ]
    return ParsedMail(
        message_id=_msgid(_header(message, "Message-ID")),
        sender=sender.strip().lower(),
        sender_name=sender_name.strip(),
        recipients=recipients,
        subject=" ".join(_header(message, "Subject").split()),
        text=body_text(message)[:MAX_BODY_CHARS],
        in_reply_to=_msgid(_header(message, "In-Reply-To")),
        references=re.findall(r"<[^<>\s]+>", _header(message, "References")),
        language=(_header(message, "Content-Language").split(",")[0].strip() or None),
        message=message,
    )


def _header(message: Message, name: str) -> str:
    try:
        values = message.get_all(name) or []
    except Exception:  # a malformed header the parser could not fold
        return ""
    return ", ".join(str(value) for value in values if value is not None)


def _msgid(value: str) -> str | None:
    found = re.search(r"<[^<>\s]+>", value)
    if found:
        return found.group(0)
    value = value.strip()
    return f"<{value}>" if value and " " not in value else None


def body_text(message: Message) -> str:
    """The text a person wrote: the first text/plain part, else the first text/html as text."""
    plain = html_part = None
    parts = message.walk() if message.is_multipart() else iter([message])
    for part in parts:
        if part.is_multipart() or part.get_content_disposition() == "attachment":
            continue
        kind = part.get_content_type()
        if kind == "message/rfc822":
            break  # a forwarded or returned message: not the sender's own words
        if kind == "text/plain" and plain is None:
            plain = _decoded(part)
        elif kind == "text/html" and html_part is None:
            html_part = _decoded(part)
    if plain is not None and plain.strip():
        return _normalise_newlines(plain)
    if html_part:
        return _normalise_newlines(html_to_text(html_part))
    return ""


def _decoded(part: Message) -> str:
    try:
        content = part.get_content() if isinstance(part, EmailMessage) else part.get_payload()
    except (LookupError, ValueError, AssertionError):
        payload = part.get_payload(decode=True) or b""
        content = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else payload
    return content if isinstance(content, str) else ""


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


class _TextFromHtml(HTMLParser):
    """HTML → text: block tags become new lines; quoted blocks (Gmail, Outlook) are dropped."""

    BLOCKS = frozenset({"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "table", "hr"})
    SKIP = frozenset({"style", "script", "head", "title"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skip = 0
        self.quote_depth = 0
        self.stack: list[tuple[str, bool]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = " ".join(v or "" for _, v in attrs).lower()
        quoted = tag == "blockquote" or any(
            marker in values
            for marker in ("gmail_quote", "divrplyfwdmsg", "appendonsend", "moz-cite-prefix")
        )
        if tag not in ("br", "hr", "img", "meta", "link", "input"):
            self.stack.append((tag, quoted))
        if quoted:
            self.quote_depth += 1
            self.out.append("\n\u2063QUOTE\u2063\n")  # marks where the history began
        if tag in self.SKIP:
            self.skip += 1
        if tag in self.BLOCKS:
            self.out.append("\n")

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            open_tag, quoted = self.stack.pop()
            if quoted:
                self.quote_depth -= 1
            if open_tag in self.SKIP:
                self.skip -= 1
            if open_tag == tag:
                break
        if tag in self.BLOCKS:
            self.out.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip and not self.quote_depth:
            self.out.append(data)


def html_to_text(markup: str) -> str:
    parser = _TextFromHtml()
    try:
        parser.feed(markup)
        parser.close()
    except Exception:  # broken markup: fall back to a crude tag strip
        return html.unescape(re.sub(r"<[^>]+>", " ", markup))
    text = "".join(parser.out).split("\u2063QUOTE\u2063")[0]
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


# --- noise and loops -------------------------------------------------------------------------

DAEMON_LOCALPARTS = frozenset(
    {"mailer-daemon", "postmaster", "mailerdaemon", "mail-daemon", "noreply", "no-reply",
     "do-not-reply", "donotreply", "bounce", "bounces"}
)  # fmt: skip


def _localpart(address: str) -> str:
    return address.split("@", 1)[0].split("+", 1)[0].lower()


def same_mailbox(a: str, b: str) -> bool:
    """Equal addresses, ignoring case and a +tag in the local part."""
    try:
        local_a, domain_a = a.lower().rsplit("@", 1)
        local_b, domain_b = b.lower().rsplit("@", 1)
    except ValueError:
        return False
    return domain_a == domain_b and local_a.split("+", 1)[0] == local_b.split("+", 1)[0]


def noise_reason(mail: ParsedMail, own_addresses: tuple[str, ...] = ()) -> str | None:
    """Why this mail must never be answered, or None when a person wrote it."""
    message = mail.message
    if not mail.sender or "@" not in mail.sender:
        return "no sender"
    if any(same_mailbox(mail.sender, own) for own in own_addresses if own):
        return "our own address"
    if _localpart(mail.sender) in DAEMON_LOCALPARTS:
        return "mailer daemon"
    if message is None:
        return None
    auto = _header(message, "Auto-Submitted").strip().lower()
    if auto and auto.split(";")[0].strip() != "no":
        return f"Auto-Submitted: {auto}"
    precedence = _header(message, "Precedence").strip().lower()
    if precedence in ("bulk", "list", "junk", "auto_reply"):
        return f"Precedence: {precedence}"
    if _header(message, "X-Auto-Response-Suppress").strip():
        return "X-Auto-Response-Suppress"
    for name in ("List-Id", "List-Unsubscribe", "X-Autoreply", "X-Autorespond", "Feedback-ID"):
        if _header(message, name).strip():
            return name
    if message.get_content_type() == "multipart/report":
        return "delivery report"
    return None


def bounced_addresses(mail: ParsedMail) -> list[str]:
    """Addresses a delivery status notification reports as failed for good (5.x.x)."""
    message = mail.message
    if message is None:
        return []
    failed: list[str] = []
    header = _header(message, "X-Failed-Recipients")
    failed += [address.lower() for _, address in getaddresses([header]) if address]
    is_report = message.get_content_type() == "multipart/report"
    for part in message.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        for block in _status_blocks(part):
            action = block.get("action", "").lower()
            status = block.get("status", "")
            if action == "failed" or status.startswith("5"):
                address = block.get("final-recipient") or block.get("original-recipient") or ""
                address = address.split(";", 1)[-1].strip().strip("<>").lower()
                if "@" in address:
                    failed.append(address)
    if not failed and not is_report and _localpart(mail.sender) in ("mailer-daemon", "postmaster"):
        failed += _returned_recipients(message)
    return sorted(set(failed))


def _status_blocks(part: Message) -> list[dict[str, str]]:
    """The per-message and per-recipient field groups of a message/delivery-status part."""
    blocks: list[dict[str, str]] = []
    payload = part.get_payload()
    if isinstance(payload, list):  # the email package parses each group as a header block
        for sub in payload:
            if isinstance(sub, Message):
                blocks.append({k.lower(): str(v) for k, v in sub.items()})
        return blocks
    text = payload if isinstance(payload, str) else ""
    for chunk in re.split(r"\r?\n\s*\r?\n", text):
        fields: dict[str, str] = {}
        for line in chunk.splitlines():
            name, sep, value = line.partition(":")
            if sep:
                fields[name.strip().lower()] = value.strip()
        if fields:
            blocks.append(fields)
    return blocks


def _returned_recipients(message: Message) -> list[str]:
    """A non-standard bounce: the recipients of the returned message, if one is attached."""
    for part in message.walk():
        if part.get_content_type() in ("message/rfc822", "text/rfc822-headers"):
            inner = part.get_payload()
            inner = inner[0] if isinstance(inner, list) and inner else inner
            if isinstance(inner, Message):
                return [a.lower() for _, a in getaddresses([_header(inner, "To")]) if a]
    return []


# --- quoted history --------------------------------------------------------------------------

_WROTE = re.compile(
    r"^\s*(?:"
    r"On\b.{4,200}\bwrote\s*:"  # Gmail / Apple Mail, English
    r"|Op\b.{4,200}\bschreef\b.{0,200}:"  # Gmail, Dutch
    r"|Le\b.{4,200}\ba\s+écrit\s*:"  # Gmail, French
    r"|Am\b.{4,200}\bschrieb\b.{0,200}:"  # German, for good measure
    r"|El\b.{4,200}\bescribió\s*:"  # Spanish
    r")\s*$",
    re.IGNORECASE,
)
_SEPARATOR = re.compile(
    r"^\s*(?:-{2,}\s*(?:Original Message|Oorspronkelijk bericht|Origineel bericht|"
    r"Message d'origine|Message original|Forwarded message|Doorgestuurd bericht|"
    r"Message transféré)\s*-{2,}|_{10,})\s*$",
    re.IGNORECASE,
)
_HEADER_FROM = re.compile(r"^\s*\**(?:From|Van|De|Von|Da)\s*\**\s*:\s*\**", re.IGNORECASE)
_HEADER_NEXT = re.compile(
    r"^\s*\**(?:Sent|Date|Verzonden|Datum|Envoyé|Date d'envoi|To|Aan|À|Subject|Onderwerp|"
    r"Objet|Gesendet|Cc)\s*\**\s*:",
    re.IGNORECASE,
)
_SIGNATURE = re.compile(r"^(?:-- ?|__+|Sent from my \w+.*|Verzonden vanaf mijn \w+.*|"
                        r"Envoyé de mon \w+.*|Outlook voor \w+ downloaden.*|"
                        r"Get Outlook for \w+.*|Télécharger Outlook pour \w+.*)\s*$",
                        re.IGNORECASE)  # fmt: skip


def strip_quoted(text: str) -> str:
    """The new part of a reply: everything above the quoted history and the signature."""
    lines = _normalise_newlines(text).split("\n")
    kept: list[str] = []
    for index, line in enumerate(lines):
        if _WROTE.match(line) or (
            re.match(r"^\s*(On|Op|Le|Am|El)\b", line) and _wrote_within(lines[index : index + 3])
        ):
            break
        if _SEPARATOR.match(line) or _SIGNATURE.match(line):
            break
        if _HEADER_FROM.match(line) and any(
            _HEADER_NEXT.match(following) for following in lines[index + 1 : index + 4]
        ):
            break
        if line.lstrip().startswith(">"):
            continue
        kept.append(line.rstrip())
    while kept and not kept[-1].strip():
        kept.pop()
    while kept and not kept[0].strip():
        kept.pop(0)
    return "\n".join(kept)


def _wrote_within(lines: list[str]) -> bool:
    """A reply header that the client wrapped over two or three lines."""
    return any(
        _WROTE.match(" ".join(line.strip() for line in lines[:count])) for count in (2, 3)
    )


# --- answers and tokens ----------------------------------------------------------------------

YES_WORDS = frozenset(
    {"yes", "y", "ja", "j", "jawel", "oui", "ouais", "ok", "okay", "oké", "akkoord", "klopt",
     "correct", "juist", "confirm", "confirmed", "bevestigd", "bevestig", "confirme", "confirmé",
     "نعم", "так", "да", "evet", "بله", "هو", "እወ", "haa", "sí", "si", "tak", "da", "✅", "👍"}
)  # fmt: skip
NO_WORDS = frozenset(
    {"no", "n", "nee", "neen", "non", "ні", "нет", "لا", "hayır", "hayir", "نه", "نخیر",
     "ኣይፋል", "maya", "nie", "nu", "niet", "fout", "wrong", "incorrect", "faux", "❌", "👎"}
)  # fmt: skip
_WORD = re.compile(r"[^\W_]+|[✅❌👍👎]", re.UNICODE)


def yes_no(text: str) -> str | None:
    """'yes', 'no' or None from the first word of the first non-empty line."""
    for line in _normalise_newlines(text).split("\n"):
        if not line.strip():
            continue
        words = _WORD.findall(unicodedata.normalize("NFC", line).casefold())
        if not words:
            return None
        first = words[0]
        if first in YES_WORDS:
            return "yes"
        if first in NO_WORDS:
            return "no"
        return None
    return None


def find_token(recipients: list[str], subject: str, own_address: str) -> str | None:
    """The reply token from `local+TOKEN@domain` (our local part) or `[#TOKEN]` in the subject."""
    own_local, _, own_domain = own_address.lower().partition("@")
    for address in recipients:
        local, _, domain = address.lower().partition("@")
        base, plus, tag = local.partition("+")
        if plus and base == own_local and domain == own_domain and TOKEN_RE.match(tag):
            return tag
    found = SUBJECT_TOKEN_RE.search(subject)
    return found.group(1).lower() if found else None


def plus_address(own_address: str, token: str) -> str:
    local, _, domain = own_address.partition("@")
    return f"{local.split('+', 1)[0]}+{token}@{domain}"
