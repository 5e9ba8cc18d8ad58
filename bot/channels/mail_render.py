"""Rendering outgoing mail: the same `Reply` values every channel gets become one mail — HTML
(Telegram's subset is valid HTML) with a plain-text alternative, pictures inline (cid:),
documents attached, and buttons as numbered choices a person answers with the number."""

from __future__ import annotations

import html
import re
import uuid
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr

from bot.channels import mail_parse
from bot.channels.text import plain
from handlers.mail_envelope import MailEnvelope
from handlers.types import Reply
from i18n import Translator

SUBJECT_MAX = 110

_SPOILER = re.compile(r"</?tg-spoiler>")


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
