"""A small IMAP4rev1 server for tests, on 127.0.0.1, one mailbox (INBOX) held in memory.

Speaks what a mail client needs to watch a mailbox: CAPABILITY, LOGIN, SELECT/EXAMINE,
SEARCH, FETCH, STORE (also as UID commands), IDLE/DONE, EXPUNGE, APPEND, NOOP, CLOSE,
LOGOUT. `deliver(raw)` drops a message into the mailbox as an MTA would; clients in IDLE are
told at once (`* N EXISTS`). `idle=False` leaves IDLE out of the capabilities, for the
polling fallback. Every command line received is kept in `commands` for assertions.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from dataclasses import dataclass, field

CRLF = b"\r\n"
_LITERAL = re.compile(rb"\{(\d+)\+?\}$")
_TOKEN = re.compile(r'"((?:[^"\\]|\\.)*)"|(\((?:[^()]|\([^()]*\))*\))|(\S+)')


@dataclass
class StoredMessage:
    uid: int
    raw: bytes
    flags: set[str] = field(default_factory=set)


class FakeImapServer:
    def __init__(
        self, user: str = "meedoen@example.org", password: str = "secret", *, idle: bool = True
    ) -> None:
        self.user = user
        self.password = password
        self.idle = idle
        self.messages: list[StoredMessage] = []
        self.next_uid = 1
        self.commands: list[str] = []
        self.logins = 0
        self._server: asyncio.base_events.Server | None = None
        self._idlers: set[asyncio.StreamWriter] = set()
        self.idling = asyncio.Event()  # set while a client waits in IDLE
        self._connections: set[asyncio.StreamWriter] = set()
        self.port = 0

    # --- lifecycle ----------------------------------------------------------------------------
    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        for writer in list(self._connections):
            writer.close()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    def drop_connections(self) -> None:
        """Cut every client off, as a server restart would."""
        for writer in list(self._connections):
            writer.close()

    @property
    def capabilities(self) -> str:
        return "IMAP4rev1 UIDPLUS" + (" IDLE" if self.idle else "")

    # --- the mailbox --------------------------------------------------------------------------
    def deliver(self, raw: bytes, flags: set[str] | None = None) -> int:
        """A new message arrives; return its UID."""
        uid = self.next_uid
        self.next_uid += 1
        self.messages.append(StoredMessage(uid, raw, set(flags or ())))
        for writer in list(self._idlers):
            with contextlib.suppress(Exception):
                writer.write(f"* {len(self.messages)} EXISTS\r\n".encode())
        return uid

    def unseen(self) -> list[StoredMessage]:
        return [m for m in self.messages if "\\Seen" not in m.flags]

    # --- protocol -----------------------------------------------------------------------------
    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._connections.add(writer)
        state = {"auth": False, "selected": False}
        try:
            writer.write(b"* OK [CAPABILITY " + self.capabilities.encode() + b"] fake ready\r\n")
            await writer.drain()
            while True:
                line = await reader.readline()
                if not line:
                    return
                line = line.rstrip(b"\r\n")
                literal = _LITERAL.search(line)
                data = b""
                if literal:
                    size = int(literal.group(1))
                    if not line.endswith(b"+}"):
                        writer.write(b"+ Ready for literal data\r\n")
                        await writer.drain()
                    data = await reader.readexactly(size)
                    await reader.readline()  # the CRLF that ends the command
                    line = line[: literal.start()].rstrip()
                text = line.decode("utf-8", "replace")
                self.commands.append(text)
                if not await self._command(text, data, reader, writer, state):
                    return
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            return
        finally:
            self._idlers.discard(writer)
            self._connections.discard(writer)
            with contextlib.suppress(Exception):
                writer.close()

    async def _command(
        self,
        text: str,
        literal: bytes,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        state: dict[str, bool],
    ) -> bool:
        tag, _, rest = text.partition(" ")
        name, _, args = rest.partition(" ")
        name = name.upper()
        uid = False
        if name == "UID":
            uid = True
            name, _, args = args.partition(" ")
            name = name.upper()

        def say(line: str) -> None:
            writer.write(line.encode() + CRLF)

        if name == "CAPABILITY":
            say(f"* CAPABILITY {self.capabilities}")
            say(f"{tag} OK CAPABILITY completed")
        elif name == "NOOP":
            say(f"{tag} OK NOOP completed")
        elif name == "LOGOUT":
            say("* BYE logging out")
            say(f"{tag} OK LOGOUT completed")
            await writer.drain()
            return False
        elif name == "LOGIN":
            parts = _tokens(args)
            if len(parts) == 2 and parts[0] == self.user and parts[1] == self.password:
                state["auth"] = True
                self.logins += 1
                say(f"{tag} OK LOGIN completed")
            else:
                say(f"{tag} NO [AUTHENTICATIONFAILED] invalid credentials")
        elif not state["auth"]:
            say(f"{tag} BAD log in first")
        elif name in ("SELECT", "EXAMINE"):
            state["selected"] = True
            say("* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)")
            say(f"* {len(self.messages)} EXISTS")
            say("* 0 RECENT")
            say("* OK [UIDVALIDITY 1] UIDs valid")
            say(f"* OK [UIDNEXT {self.next_uid}] next uid")
            say(f"{tag} OK [READ-WRITE] {name} completed")
        elif name == "APPEND":
            flags = set(re.findall(r"\\\w+", args))
            uid_new = self.deliver(literal, flags)
            say(f"{tag} OK [APPENDUID 1 {uid_new}] APPEND completed")
        elif not state["selected"]:
            say(f"{tag} BAD select a mailbox first")
        elif name == "SEARCH":
            found = self._search(args, uid)
            say("* SEARCH" + "".join(f" {n}" for n in found))
            say(f"{tag} OK SEARCH completed")
        elif name == "FETCH":
            message_set, _, items = args.partition(" ")
            for number, message in self._select(message_set, uid):
                writer.write(self._fetch_response(number, message, items.upper(), uid))
            say(f"{tag} OK FETCH completed")
        elif name == "STORE":
            message_set, _, change = args.partition(" ")
            mode, _, flags_text = change.partition(" ")
            flags = set(re.findall(r"\\?\w+", flags_text))
            for number, message in self._select(message_set, uid):
                if mode.upper().startswith("+"):
                    message.flags |= flags
                elif mode.upper().startswith("-"):
                    message.flags -= flags
                else:
                    message.flags = set(flags)
                if "SILENT" not in mode.upper():
                    say(f"* {number} FETCH (FLAGS ({' '.join(sorted(message.flags))}))")
            say(f"{tag} OK STORE completed")
        elif name == "EXPUNGE":
            for index in range(len(self.messages), 0, -1):
                if "\\Deleted" in self.messages[index - 1].flags:
                    del self.messages[index - 1]
                    say(f"* {index} EXPUNGE")
            say(f"{tag} OK EXPUNGE completed")
        elif name == "CLOSE":
            self.messages = [m for m in self.messages if "\\Deleted" not in m.flags]
            state["selected"] = False
            say(f"{tag} OK CLOSE completed")
        elif name == "IDLE" and self.idle:
            say("+ idling")
            await writer.drain()
            self._idlers.add(writer)
            self.idling.set()
            try:
                done = await reader.readline()
            finally:
                self._idlers.discard(writer)
                if not self._idlers:
                    self.idling.clear()
            if not done:
                return False
            self.commands.append(done.decode().strip())
            say(f"{tag} OK IDLE terminated")
        else:
            say(f"{tag} BAD unknown command {name}")
        return True

    def _search(self, criteria: str, uid: bool) -> list[int]:
        words = [w.upper() for w in criteria.split()]
        if words[:1] == ["CHARSET"]:
            words = words[2:]
        found = []
        for number, message in enumerate(self.messages, start=1):
            seen = "\\Seen" in message.flags
            deleted = "\\Deleted" in message.flags
            if ("UNSEEN" in words and seen) or ("SEEN" in words and not seen):
                continue
            if ("UNDELETED" in words and deleted) or ("DELETED" in words and not deleted):
                continue
            found.append(message.uid if uid else number)
        return found

    def _select(self, message_set: str, uid: bool) -> list[tuple[int, StoredMessage]]:
        chosen = []
        top = self.messages[-1].uid if uid and self.messages else len(self.messages)
        wanted: set[int] = set()
        for part in message_set.split(","):
            low, _, high = part.partition(":")
            start = top if low == "*" else int(low)
            end = start if not high else (top if high == "*" else int(high))
            wanted.update(range(min(start, end), max(start, end) + 1))
        for number, message in enumerate(self.messages, start=1):
            if (message.uid if uid else number) in wanted:
                chosen.append((number, message))
        return chosen

    def _fetch_response(self, number: int, message: StoredMessage, items: str, uid: bool) -> bytes:
        parts: list[bytes] = []
        if uid or "UID" in items:
            parts.append(f"UID {message.uid}".encode())
        body = b""
        if "BODY.PEEK[]" in items or "BODY[]" in items or "RFC822" in items:
            if "BODY[]" in items or ("RFC822" in items and "RFC822.SIZE" not in items):
                message.flags.add("\\Seen")
            label = "RFC822" if "RFC822" in items and "BODY" not in items else "BODY[]"
            body = message.raw
            parts.append(f"{label} {{{len(body)}}}".encode())
        if "FLAGS" in items:
            parts.insert(0, f"FLAGS ({' '.join(sorted(message.flags))})".encode())
        head = f"* {number} FETCH (".encode() + b" ".join(parts)
        if body:
            return head + CRLF + body + b")" + CRLF
        return head + b")" + CRLF


def _tokens(text: str) -> list[str]:
    result = []
    for match in _TOKEN.finditer(text):
        quoted, listed, atom = match.groups()
        if quoted is not None:
            result.append(re.sub(r"\\(.)", r"\1", quoted))
        else:
            result.append(listed or atom)
    return result
