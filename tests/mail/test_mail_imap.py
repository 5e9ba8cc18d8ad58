"""The IMAP watcher against a real (small, pure-Python) IMAP4rev1 server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

import pytest

from bot.channels.email import ImapWatcher
from tests.fakes.imap_server import FakeImapServer
from tests.mail.test_mail_support import (  # noqa: F401  (fixtures)
    MAIL_FROM,
    imap_fixture,
    mail_settings,
    reply_mail,
)

WAIT = 10  # seconds: a bound for a broken test, never a timing assumption


def mail(n: int) -> bytes:
    return reply_mail(sender=f"p{n}@mail.example", to=MAIL_FROM, subject=f"mail {n}",
                      body="Ja", message_id=f"<m{n}@mail.example>")  # fmt: skip


class Inbox:
    """Collects what the watcher hands over and lets the test wait for a count."""

    def __init__(self, fail_first: int = 0) -> None:
        self.raw: list[bytes] = []
        self.fail_first = fail_first
        self.changed = asyncio.Condition()

    async def __call__(self, raw: bytes) -> None:
        if self.fail_first:
            self.fail_first -= 1
            raise RuntimeError("the store is busy")
        async with self.changed:
            self.raw.append(raw)
            self.changed.notify_all()

    async def wait_for(self, count: int) -> None:
        async with self.changed:
            await asyncio.wait_for(self.changed.wait_for(lambda: len(self.raw) >= count), WAIT)


async def _stop(watcher: ImapWatcher, task: asyncio.Task[None]) -> None:
    watcher.stop()
    with contextlib.suppress(asyncio.CancelledError):
        await asyncio.wait_for(task, WAIT)


async def test_idle_hands_over_new_mail_at_once(tmp_path: Path, imap: FakeImapServer) -> None:
    imap.deliver(mail(1))  # waiting before the watcher starts
    inbox = Inbox()
    watcher = ImapWatcher(mail_settings(tmp_path, imap=imap), inbox)
    task = asyncio.create_task(watcher.run_forever())
    await inbox.wait_for(1)
    await asyncio.wait_for(imap.idling.wait(), WAIT)
    imap.deliver(mail(2))
    await inbox.wait_for(2)
    await _stop(watcher, task)
    assert [b"mail 1" in r for r in inbox.raw] == [True, False]
    assert watcher.idle_used and "DONE" in imap.commands
    assert imap.unseen() == []
    assert any(c.endswith("IDLE") for c in imap.commands)


async def test_without_idle_the_watcher_polls(tmp_path: Path) -> None:
    server = FakeImapServer(MAIL_FROM, "imap-secret", idle=False)
    await server.start()
    try:
        inbox = Inbox()
        watcher = ImapWatcher(mail_settings(tmp_path, imap=server), inbox, poll_seconds=0.05)
        task = asyncio.create_task(watcher.run_forever())
        server.deliver(mail(1))
        await inbox.wait_for(1)
        server.deliver(mail(2))
        await inbox.wait_for(2)
        await _stop(watcher, task)
        assert not watcher.idle_used
        assert not any(c.endswith("IDLE") for c in server.commands)
        assert server.unseen() == []
    finally:
        await server.stop()


async def test_the_watcher_reconnects_after_the_server_went_away(
    tmp_path: Path, imap: FakeImapServer
) -> None:
    inbox = Inbox()
    watcher = ImapWatcher(mail_settings(tmp_path, imap=imap), inbox, retry_seconds=0.01)
    task = asyncio.create_task(watcher.run_forever())
    await asyncio.wait_for(imap.idling.wait(), WAIT)
    imap.drop_connections()
    imap.deliver(mail(1))
    await inbox.wait_for(1)
    await _stop(watcher, task)
    assert imap.logins == 2


async def test_a_mail_that_failed_is_fetched_again(tmp_path: Path, imap: FakeImapServer) -> None:
    imap.deliver(mail(1))
    inbox = Inbox(fail_first=1)
    watcher = ImapWatcher(mail_settings(tmp_path, imap=imap), inbox, retry_seconds=0.01)
    task = asyncio.create_task(watcher.run_forever())
    await inbox.wait_for(1)
    await _stop(watcher, task)
    assert len(inbox.raw) == 1 and imap.unseen() == []


async def test_a_wrong_password_is_a_clear_error(tmp_path: Path, imap: FakeImapServer) -> None:
    imap.password = "changed"
    watcher = ImapWatcher(mail_settings(tmp_path, imap=imap), Inbox())
    with pytest.raises(ConnectionError, match="login refused"):
        await watcher.connect()
    await watcher.close()


async def test_the_watcher_tells_the_operators_whether_imap_works(
    tmp_path: Path, imap: FakeImapServer
) -> None:
    """The operator alert 'IMAP has failed for 10 minutes' hears from the watcher itself."""
    told: list[bool] = []
    changed = asyncio.Event()

    def health(ok: bool) -> None:
        told.append(ok)
        changed.set()

    settings = mail_settings(tmp_path, imap=imap).model_copy(update={"imap_port": 1})
    watcher = ImapWatcher(settings, Inbox(), health=health, retry_seconds=0.01)
    task = asyncio.create_task(watcher.run_forever())
    await asyncio.wait_for(changed.wait(), WAIT)  # nothing listens on port 1: refused
    await _stop(watcher, task)
    assert told[0] is False

    told.clear()
    changed.clear()
    watcher = ImapWatcher(mail_settings(tmp_path, imap=imap), Inbox(), health=health)
    task = asyncio.create_task(watcher.run_forever())
    await asyncio.wait_for(changed.wait(), WAIT)
    await _stop(watcher, task)
    assert told[0] is True
