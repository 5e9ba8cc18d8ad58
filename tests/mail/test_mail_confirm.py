"""Confirmation requests by mail and the answers to them, through real SMTP and IMAP servers.

A newcomer logs hours for a demo offer whose provider has only an e-mail address. The outbox
sender delivers the request over SMTP (aiosmtpd captures it); the provider's reply is put in
the IMAP mailbox the way their mail program would send it, and the watcher hands it over.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest_asyncio

from bot.channels.email import EmailChannel, ImapWatcher
from bot.outbox_sender import OutboxSender
from bot.settings import Settings
from handlers.context import Config
from handlers.offers.catalog_import import import_demo
from handlers.router import Router
from storage.db import Database
from storage.offers import enrol
from storage.people import find_by_identity, get_person
from tests.conftest import Chat, Clock, onboard_newcomer
from tests.fakes.imap_server import FakeImapServer
from tests.mail.test_mail_support import (  # noqa: F401  (fixtures)
    MAIL_FROM,
    SmtpCapture,
    imap_fixture,
    mail_settings,
    reply_mail,
    smtp_fixture,
    text_of,
)

PROVIDER = "taalcafe.ieper@example.org"
OFFER = "Taalcafé Ieper"


@dataclass
class Mailroom:
    db: Database
    settings: Settings
    config: Config
    router: Router
    channel: EmailChannel
    sender: OutboxSender
    watcher: ImapWatcher
    smtp: SmtpCapture
    imap: FakeImapServer
    clock: Clock
    newcomer: Chat

    async def rows(self, sql: str, *params: object) -> list[dict[str, Any]]:
        async with self.db.transaction() as tx:
            return [dict(row) for row in await tx.all(sql, params)]

    async def scalar(self, sql: str, *params: object) -> Any:
        async with self.db.transaction() as tx:
            return await tx.scalar(sql, params)

    async def log_hours(self, minutes: int = 120, days_ago: int = 0) -> int:
        """The newcomer logs hours for the taalcafé; returns the entry id."""
        offer_id = await self.scalar("SELECT id FROM offers WHERE title_nl = ?", OFFER)
        await self.newcomer.say("/log")
        await self.newcomer.press(f"hl:o:{offer_id}")
        await self.newcomer.press(f"hh:{minutes}")
        await self.newcomer.press(f"hd:{days_ago}")
        assert "⏳" in self.newcomer.text or "✅" in self.newcomer.text, self.newcomer.text
        return int(await self.scalar("SELECT MAX(id) FROM hour_entries"))

    async def deliver(self) -> int:
        return await self.sender.run_once()

    async def receive(self, raw: bytes) -> int:
        """The mail arrives in the mailbox; the watcher fetches and handles what is new."""
        self.imap.deliver(raw)
        if self.watcher.client is None:
            await self.watcher.connect()
        return await self.watcher.fetch_new()

    def request_to_provider(self) -> EmailMessage:
        mails = self.smtp.to(PROVIDER)
        assert mails, [c.rcpt_tos for c in self.smtp.messages]
        return mails[-1]


@pytest_asyncio.fixture
async def room(
    tmp_path: Path, db: Database, clock: Clock, smtp: SmtpCapture, imap: FakeImapServer
) -> AsyncIterator[Mailroom]:
    settings = mail_settings(tmp_path, smtp, imap)
    config = Config(bot_username="meedoen_test_bot", mail_from=MAIL_FROM)
    await import_demo(db)
    router = Router(db, config, clock=clock)
    channel = EmailChannel(settings, db, config, clock=clock)
    sender = OutboxSender(db, {"email": channel.deliver}, clock=clock)
    watcher = ImapWatcher(settings, channel.receive)
    newcomer = Chat(router, "1001")
    await onboard_newcomer(newcomer, place="8900")
    async with db.transaction() as tx:
        offer_id = await tx.scalar("SELECT id FROM offers WHERE title_nl = ?", (OFFER,))
        person = await find_by_identity(tx, "console", "1001")
        assert person is not None
        await enrol(tx, person.id, offer_id, clock())
    yield Mailroom(db, settings, config, router, channel, sender, watcher, smtp, imap, clock,
                   newcomer)  # fmt: skip
    await watcher.close()


def token_of(mail: EmailMessage) -> str:
    reply_to = str(mail["Reply-To"])
    local = reply_to.split("@")[0]
    assert local.startswith("meedoen+"), reply_to
    return local.split("+", 1)[1]


def answer(room: Mailroom, request: EmailMessage, body: str, **extra: Any) -> bytes:
    values: dict[str, Any] = {
        "sender": f"Mieke <{PROVIDER}>",
        "to": str(request["Reply-To"]),
        "subject": f"Re: {request['Subject']}",
        "body": body,
        "in_reply_to": str(request["Message-ID"]),
    }
    values.update(extra)
    return reply_mail(**values)


GMAIL_JA = """Ja, dat klopt. Amal was er.

Op ma 23 nov 2026 om 11:00 schreef Meedoen <{address}>:

> 🙋 Amal took part in your activity. Is this right?
> Answer NEE if it is not.
"""


async def test_provider_confirms_with_ja(room: Mailroom) -> None:
    entry_id = await room.log_hours()
    assert await room.deliver() == 1
    request = room.request_to_provider()
    token = token_of(request)
    assert f"[#{token}]" in str(request["Subject"])
    assert request["Auto-Submitted"] == "auto-generated"
    assert request["Message-ID"].endswith("@example.org>")
    body = text_of(request)
    assert "Amal" in body and "JA" in body and "NEE" in body
    stored = await room.scalar("SELECT token_hash FROM reply_tokens")
    assert stored and token not in stored  # only a hash is kept

    reply = answer(room, request, GMAIL_JA.format(address=request["Reply-To"]))
    assert await room.receive(reply) == 1
    entry = (await room.rows("SELECT * FROM hour_entries WHERE id = ?", entry_id))[0]
    assert entry["status"] == "confirmed"
    assert entry["confirmed_by_name"] == "Taalcafé Ieper vzw"
    assert await room.scalar("SELECT used_at FROM reply_tokens") is not None
    assert room.imap.unseen() == []

    assert await room.deliver() == 1  # our answer to Mieke
    thanks = room.request_to_provider()
    reply_id = reply.split(b"Message-ID: ")[1].split(b"\n")[0].strip().decode()
    assert thanks["In-Reply-To"] == reply_id
    assert reply_id in str(thanks["References"])
    assert thanks["Auto-Submitted"] == "auto-replied"
    assert "Bevestigd" in text_of(thanks)
    told = await room.rows("SELECT purpose FROM outbox WHERE channel = 'console'")
    assert {"purpose": "hours_confirmed"} in told  # the newcomer hears it too


async def test_the_same_message_is_handled_once(room: Mailroom) -> None:
    await room.log_hours()
    await room.deliver()
    request = room.request_to_provider()
    reply = answer(room, request, "Ja")
    await room.receive(reply)
    queued = await room.scalar("SELECT COUNT(*) FROM outbox")
    assert await room.receive(reply) == 1  # fetched again (as after a crash) …
    assert await room.scalar("SELECT COUNT(*) FROM outbox") == queued  # … and nothing happens
    outcomes = await room.rows("SELECT outcome FROM mail_processed")
    assert [o["outcome"] for o in outcomes] == ["token: confirmed"]


async def test_nee_disputes_with_the_words_after_it(room: Mailroom) -> None:
    entry_id = await room.log_hours()
    await room.deliver()
    request = room.request_to_provider()
    await room.receive(answer(room, request, "NEE, ze was er die avond niet.\n\n-- \nMieke"))
    entry = (await room.rows("SELECT * FROM hour_entries WHERE id = ?", entry_id))[0]
    assert entry["status"] == "disputed"
    assert entry["confirmer_note"] == "ze was er die avond niet."
    asked = await room.rows("SELECT purpose FROM outbox WHERE channel = 'console'")
    assert {"purpose": "dispute"} in asked  # the newcomer is asked for their side


async def test_no_answer_on_the_first_line_gets_the_hint_and_keeps_the_token(
    room: Mailroom,
) -> None:
    entry_id = await room.log_hours()
    await room.deliver()
    request = room.request_to_provider()
    await room.receive(answer(room, request, "Wie is Amal eigenlijk?"))
    await room.deliver()
    hint = room.request_to_provider()
    assert "JA" in text_of(hint) and hint["Auto-Submitted"] == "auto-replied"
    assert await room.scalar("SELECT status FROM hour_entries WHERE id = ?", entry_id) == "pending"
    await room.receive(answer(room, request, "ja"))
    assert await room.scalar("SELECT status FROM hour_entries WHERE id = ?", entry_id) == (
        "confirmed"
    )


async def test_a_token_from_another_address_changes_nothing(room: Mailroom) -> None:
    entry_id = await room.log_hours()
    await room.deliver()
    request = room.request_to_provider()
    await room.receive(answer(room, request, "Ja", sender="someone@else.example"))
    assert await room.scalar("SELECT status FROM hour_entries WHERE id = ?", entry_id) == "pending"
    await room.deliver()
    [invite] = room.smtp.to("someone@else.example")  # an invitation to start, no more
    assert token_of(request) not in invite.as_string()
    assert await room.scalar(
        "SELECT COUNT(*) FROM identities WHERE address = 'someone@else.example'"
    ) == 0


async def test_out_of_office_is_never_answered(room: Mailroom) -> None:
    entry_id = await room.log_hours()
    await room.deliver()
    request = room.request_to_provider()
    sent_before = len(room.smtp.messages)
    queued = await room.scalar("SELECT COUNT(*) FROM outbox")
    auto = answer(room, request, "Ja, ik ben terug op 1 december.",
                  headers={"Auto-Submitted": "auto-replied"})  # fmt: skip
    bulk = answer(room, request, "Yes", headers={"Precedence": "bulk"})
    exchange = answer(room, request, "Ja", headers={"X-Auto-Response-Suppress": "All"})
    ours = answer(room, request, "Ja", sender=MAIL_FROM)
    daemon = answer(room, request, "Ja", sender="MAILER-DAEMON@mx.example.org")
    for raw in (auto, bulk, exchange, ours, daemon):
        await room.receive(raw)
    await room.deliver()
    assert await room.scalar("SELECT COUNT(*) FROM outbox") == queued
    assert len(room.smtp.messages) == sent_before
    assert await room.scalar("SELECT status FROM hour_entries WHERE id = ?", entry_id) == "pending"
    assert await room.scalar("SELECT COUNT(*) FROM mail_processed") == 5


BOUNCE = """From: Mail Delivery System <MAILER-DAEMON@mx.example.org>
To: {own}
Subject: Undelivered Mail Returned to Sender
Message-ID: <bounce-{n}@mx.example.org>
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain

Your message could not be delivered.

--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.org

Final-Recipient: rfc822; {address}
Action: failed
Status: 5.1.1

--B
Content-Type: text/rfc822-headers

From: Meedoen <meedoen@example.org>
To: {address}
Message-ID: {original}

--B--
"""


def bounce(address: str, original: str, n: int = 1, own: str = MAIL_FROM) -> bytes:
    """A DSN as RFC 3464 §2 and its appendix example lay it out."""
    raw = BOUNCE.format(own=own, n=n, address=address, original=original)
    return raw.replace("\n", "\r\n").encode()


async def test_a_bounce_marks_the_address_failing(room: Mailroom) -> None:
    await room.log_hours(days_ago=1)
    await room.deliver()
    await room.receive(bounce(PROVIDER, str(room.request_to_provider()["Message-ID"])))
    failing = await room.rows("SELECT address, person_id FROM mail_failing")
    provider = await room.scalar(
        "SELECT person_id FROM identities WHERE channel = 'email' AND address = ?", PROVIDER
    )
    assert failing == [{"address": PROVIDER, "person_id": provider}]
    sent_before = len(room.smtp.messages)
    await room.log_hours(days_ago=0)  # a new request to the same address …
    assert await room.deliver() == 0
    assert len(room.smtp.messages) == sent_before  # … is not sent again
    statuses = await room.rows(
        "SELECT status FROM outbox WHERE channel = 'email' ORDER BY id DESC LIMIT 1"
    )
    assert statuses == [{"status": "failed"}]  # and shows as a failed delivery
    assert await room.rows("SELECT * FROM outbox WHERE address LIKE 'mailto:%'") == []


async def test_smtp_refusal_marks_the_address_failing(room: Mailroom) -> None:
    room.smtp.refuse.add(PROVIDER)
    await room.log_hours()
    assert await room.deliver() == 0
    assert await room.scalar("SELECT status FROM outbox WHERE channel = 'email'") == "failed"
    assert await room.scalar("SELECT reason FROM mail_failing") == "refused: 550"
    assert await room.scalar("SELECT COUNT(*) FROM unreachable WHERE channel = 'email'") == 1


async def test_reply_tokens_go_with_the_person(room: Mailroom) -> None:
    from storage.people import delete_person

    await room.log_hours()
    await room.deliver()
    assert await room.scalar("SELECT COUNT(*) FROM reply_tokens") == 1
    async with room.db.transaction() as tx:
        provider = await find_by_identity(tx, "email", PROVIDER)
        assert provider is not None
        person = await get_person(tx, provider.id)
        assert person is not None
        await delete_person(tx, person, room.clock())
    assert await room.scalar("SELECT COUNT(*) FROM reply_tokens") == 0


async def test_an_expired_token_confirms_nothing(room: Mailroom) -> None:
    entry_id = await room.log_hours()
    await room.deliver()
    request = room.request_to_provider()
    room.clock.advance(days=31)
    await room.receive(answer(room, request, "Ja"))
    assert await room.scalar("SELECT status FROM hour_entries WHERE id = ?", entry_id) == "pending"
    await room.deliver()
    assert "verlopen" in text_of(room.request_to_provider())
