"""What the mail handlers share: the outbox envelope of a mail, an incoming mail, and how an
answer is queued (threaded, in the transaction that handled the mail, within the per-address
limit that keeps a chatty auto-responder from making us loop).

The outbox address of an e-mail may carry its envelope (`MailEnvelope`): in answer to which
mail, which reply token, a subject. It is a `mailto:` URI (RFC 6068), so a plain address stays
valid and the channel needs nothing else to write proper headers.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import parse_qs, quote, unquote, urlencode

from handlers.context import dump_replies
from handlers.types import Reply
from storage import mail as mail_store
from storage import outbox
from storage.db import Tx
from storage.people import get_person

MAILTO = "mailto:"
SUBJECT_TOKEN = re.compile(r"\[#[A-Za-z2-7]{12,40}\]")
PREFIX = re.compile(r"^\s*((re|aw|antw|réf|tr|fw|fwd|wg)\s*:\s*)+", re.IGNORECASE)
ANSWERS_PER_DAY = 30  # to one address, all kinds: a loop with an auto-responder ends here


@dataclass(frozen=True)
class MailEnvelope:
    """Where an outbox mail goes and how it threads. `answer` marks an automatic answer."""

    to: str
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()
    token: str | None = None
    answer: bool = False
    subject: str | None = None
    invite: bool = False  # to an address nobody uses yet: carries a start token

    def address(self) -> str:
        params: list[tuple[str, str]] = []
        if self.in_reply_to:
            params.append(("in-reply-to", self.in_reply_to))
        if self.references:
            params.append(("references", " ".join(self.references)))
        if self.token:
            params.append(("token", self.token))
        if self.answer:
            params.append(("answer", "1"))
        if self.subject:
            params.append(("subject", self.subject))
        if self.invite:
            params.append(("invite", "1"))
        if not params:
            return self.to
        return f"{MAILTO}{quote(self.to, safe='@+')}?{urlencode(params, quote_via=quote)}"

    @classmethod
    def parse(cls, address: str) -> MailEnvelope:
        if not address.startswith(MAILTO):
            return cls(to=address.strip())
        to, _, query = address[len(MAILTO) :].partition("?")
        params = {key: values[-1] for key, values in parse_qs(query).items()}
        return cls(
            to=unquote(to).strip(),
            in_reply_to=params.get("in-reply-to"),
            references=tuple(params.get("references", "").split()),
            token=params.get("token"),
            answer=params.get("answer") == "1",
            subject=params.get("subject"),
            invite=params.get("invite") == "1",
        )


@dataclass(frozen=True)
class IncomingMail:
    """A mail a person wrote, already parsed and stripped of quoted history by the channel."""

    message_id: str
    sender: str
    subject: str
    text: str
    sender_name: str = ""
    answer: str | None = None  # "yes" / "no" on the first line
    token: str | None = None
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()
    language: str | None = None  # Content-Language


async def recipient_locale(tx: Tx, address: str, default: str) -> tuple[str, int | None]:
    """The language to write to an address in, and the person it belongs to (if any)."""
    person_id = await mail_store.person_by_email(tx, address)
    person = await get_person(tx, person_id) if person_id is not None else None
    if person is not None:
        return person.locale, person.id
    return default, None


def answer_envelope(mail: IncomingMail, *, to: str | None = None) -> MailEnvelope:
    subject = " ".join(SUBJECT_TOKEN.sub("", PREFIX.sub("", mail.subject)).split())
    return MailEnvelope(
        to=to or mail.sender,
        in_reply_to=mail.message_id,
        references=(*mail.references[-8:], mail.message_id),
        answer=True,
        subject=f"Re: {subject}" if subject else None,
    )


async def queue_answer(
    tx: Tx,
    mail: IncomingMail,
    replies: list[Reply],
    now: datetime,
    person_id: int | None,
    *,
    envelope: MailEnvelope | None = None,
) -> bool:
    """Queue the answer to a mail, threaded under it, in the transaction that handled it.

    False (nothing queued) when the address had its answers for today already.
    """
    envelope = envelope or answer_envelope(mail)
    if not replies:
        return False
    if not await mail_store.may_answer(tx, envelope.to, "any", ANSWERS_PER_DAY, now):
        return False
    key = "mail-answer:" + hashlib.sha256(mail.message_id.encode()).hexdigest()[:32]
    return await outbox.enqueue(
        tx,
        key=key,
        person_id=person_id,
        channel="email",
        address=envelope.address(),
        purpose="mail_answer",
        payload=dump_replies(replies),
        now=now,
    )
