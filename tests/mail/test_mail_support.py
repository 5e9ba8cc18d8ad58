"""Helpers shared by the mail, staff and digest tests (this module holds no tests).

* `SmtpCapture`: a real SMTP server (aiosmtpd) on 127.0.0.1, in the test's own event loop,
  keeping every message it accepted; addresses in `refuse` get a permanent 550.
* `mail_settings(...)`: Settings pointing SMTP and IMAP at those servers.
* `reply_mail(...)`: a reply the way a person's mail program writes it.
"""

from __future__ import annotations

import asyncio
import email
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage, Message
from email.policy import default as default_policy
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any

import pytest_asyncio
from aiosmtpd.smtp import SMTP, Envelope, Session

from bot.settings import Settings, load_settings
from tests.fakes.imap_server import FakeImapServer

MAIL_FROM = "meedoen@example.org"


@dataclass
class Captured:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes

    @property
    def message(self) -> EmailMessage:
        parsed = email.message_from_bytes(self.content, policy=default_policy)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class SmtpCapture:
    refuse: set[str] = field(default_factory=set)
    messages: list[Captured] = field(default_factory=list)
    port: int = 0
    arrived: asyncio.Event = field(default_factory=asyncio.Event)
    _server: asyncio.base_events.Server | None = None

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        if address.lower() in self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        content = envelope.original_content or envelope.content
        assert isinstance(content, bytes)
        self.messages.append(Captured(str(envelope.mail_from), list(envelope.rcpt_tos), content))
        self.arrived.set()
        return "250 Message accepted for delivery"

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(
            lambda: SMTP(self, hostname="smtp.test", loop=loop), "127.0.0.1", 0
        )
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    def to(self, address: str) -> list[EmailMessage]:
        return [c.message for c in self.messages if address in c.rcpt_tos]


@pytest_asyncio.fixture(name="smtp")
async def smtp_fixture() -> AsyncIterator[SmtpCapture]:
    server = SmtpCapture()
    await server.start()
    yield server
    await server.stop()


@pytest_asyncio.fixture(name="imap")
async def imap_fixture() -> AsyncIterator[FakeImapServer]:
    server = FakeImapServer(MAIL_FROM, "imap-secret")
    await server.start()
    yield server
    await server.stop()


def mail_settings(
    tmp_path: Path, smtp: SmtpCapture | None = None, imap: FakeImapServer | None = None
) -> Settings:
    values: dict[str, Any] = {
        "database_path": tmp_path / "meedoen.sqlite3",
        "mail_from": MAIL_FROM,
        "demo_data": False,
        "_env_file": None,
    }
    if smtp is not None:
        values.update(smtp_host="127.0.0.1", smtp_port=smtp.port, smtp_security="none")
    if imap is not None:
        values.update(
            imap_host="127.0.0.1", imap_port=imap.port, imap_username=MAIL_FROM,
            imap_password="imap-secret", imap_security="none",
        )  # fmt: skip
    return load_settings(**values)


def reply_mail(
    *,
    sender: str,
    to: str,
    subject: str,
    body: str,
    in_reply_to: str | None = None,
    headers: dict[str, str] | None = None,
    message_id: str | None = None,
    html: str | None = None,
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(datetime(2026, 11, 23, 12, 0))
    message["Message-ID"] = message_id or make_msgid(domain="mail.test")
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
        message["References"] = in_reply_to
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    if html is not None:
        message.add_alternative(html, subtype="html")
    return message.as_bytes()


def text_of(message: Message) -> str:
    assert isinstance(message, EmailMessage)
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    content = part.get_content()
    assert isinstance(content, str)
    return content


def html_of(message: Message) -> str:
    assert isinstance(message, EmailMessage)
    part = message.get_body(preferencelist=("html",))
    assert part is not None
    content = part.get_content()
    assert isinstance(content, str)
    return content
