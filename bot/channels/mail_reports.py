"""Reports about mail: RFC 3464 delivery status notifications and RFC 8601
Authentication-Results. Pure functions over a `ParsedMail`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.message import Message

from bot.channels.mail_parse import TOKEN_RE, ParsedMail, _header, _msgid


@dataclass(frozen=True)
class DeliveryReport:
    """An RFC 3464 delivery status notification: who failed for good, and which mail it was."""

    failed: list[str]
    original_ids: list[str]  # Message-IDs of the returned message or its headers


def delivery_report(mail: ParsedMail) -> DeliveryReport | None:
    """The DSN in a mail, or None: only multipart/report; report-type=delivery-status counts.

    A header such as X-Failed-Recipients, or a mail that merely looks like a bounce, proves
    nothing: anyone can write it. The caller still checks that the report is about a mail we
    sent (its Message-ID or the VERP tag of the address the report came to).
    """
    message = mail.message
    if message is None or message.get_content_type() != "multipart/report":
        return None
    report_type = message.get_param("report-type", "")
    if not isinstance(report_type, str) or report_type.lower() != "delivery-status":
        return None
    failed: list[str] = []
    original: list[str] = []
    for part in message.walk():
        kind = part.get_content_type()
        if kind == "message/delivery-status":
            for block in _status_blocks(part):
                action = block.get("action", "").lower()
                status = block.get("status", "")
                if action == "failed" or status.startswith("5"):
                    address = block.get("final-recipient") or block.get("original-recipient") or ""
                    address = address.split(";", 1)[-1].strip().strip("<>").lower()
                    if "@" in address:
                        failed.append(address)
        elif kind in ("message/rfc822", "text/rfc822-headers"):
            original += _returned_ids(part)
    return DeliveryReport(failed=sorted(set(failed)), original_ids=original)


def _returned_ids(part: Message) -> list[str]:
    inner = part.get_payload()
    if isinstance(inner, list) and inner and isinstance(inner[0], Message):
        found = _msgid(_header(inner[0], "Message-ID"))
        return [found] if found else []
    text = inner if isinstance(inner, str) else ""
    found_in_text = re.search(r"(?im)^Message-ID:\s*(<[^<>\s]+>)", text)
    return [found_in_text.group(1)] if found_in_text else []


def bounce_tags(recipients: list[str], own_address: str) -> list[str]:
    """The VERP tags of our own return addresses (`local+TAG@domain`) a report came to."""
    own_local, _, own_domain = own_address.lower().partition("@")
    tags = []
    for address in recipients:
        local, _, domain = address.lower().partition("@")
        base, plus, tag = local.partition("+")
        if plus and base == own_local and domain == own_domain and TOKEN_RE.match(tag):
            tags.append(tag)
    return tags


_AUTH_FAIL = re.compile(r"\b(dmarc|dkim|spf)\s*=\s*fail\b", re.IGNORECASE)


def authentication_failure(mail: ParsedMail) -> str | None:
    """'dmarc=fail' and the like when the receiving server (RFC 8601) found the mail forged.

    A forger may add a header saying "pass"; we never trust a pass, only refuse a fail.
    """
    if mail.message is None:
        return None
    found = _AUTH_FAIL.search(_header(mail.message, "Authentication-Results"))
    return f"{found.group(1).lower()}=fail" if found else None


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
