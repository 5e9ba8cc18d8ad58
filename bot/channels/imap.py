"""The IMAP watcher: new messages in INBOX are fetched (IMAP IDLE, or polling when the server
has no IDLE) and handed to a callback; the message is flagged \\Seen afterwards. A crash in
between only means the mail is fetched again, and its Message-ID is handled once."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import ssl
from collections.abc import Awaitable, Callable

from bot.settings import Settings

log = logging.getLogger(__name__)


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
        health: Callable[[bool], None] | None = None,
    ) -> None:
        self.settings = settings
        self.health = health  # told after each try: ok or not (operator alerts)
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
                async with asyncio.timeout(self.poll_seconds):  # not wait_for (see sender)
                    await self._stop.wait()
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
                self._tell(True)
                await self.wait_for_news()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                failures += 1
                self._tell(False)
                log.warning("IMAP watcher: %s: %s", type(exc).__name__, exc)
                await self.close()
                with contextlib.suppress(TimeoutError):
                    wait = min(300.0, self.retry_seconds * 2 ** (failures - 1))
                    async with asyncio.timeout(wait):  # not wait_for (see the sender)
                        await self._stop.wait()
        await self.close()

    def stop(self) -> None:
        self._stop.set()

    def _tell(self, ok: bool) -> None:
        if self.health is not None:
            self.health(ok)


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
