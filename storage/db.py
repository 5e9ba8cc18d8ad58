"""One SQLite file: one write connection behind an asyncio lock, and read-only connections.

SQLite allows one writer at a time; an asyncio lock around every write transaction keeps two
coroutines from interleaving statements inside each other's transaction on the shared
connection. `BEGIN IMMEDIATE` takes the file's write lock up front so another process (a CLI
command next to the running assistant) waits on the busy timeout instead of failing midway.
In WAL mode readers never wait for the writer: `read()` lends one of a few read-only
connections, each read a consistent snapshot. Keep write transactions short (no rendering, no
network inside); see docs/architecture.md, "The store and concurrency".

A cancelled transaction (a shutdown, a timeout) always rolls back before the lock is released,
so the connection is never left inside a transaction.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Iterable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite

from storage.migrate import apply_migrations

BUSY_TIMEOUT_MS = 10_000
READERS = 4


async def _to_the_end(step: Awaitable[object]) -> None:
    """Run `step` to completion even when cancelled meanwhile; then re-raise the cancel."""
    task = asyncio.ensure_future(step)
    cancelled = False
    while not task.done():
        try:
            await asyncio.shield(task)
        except asyncio.CancelledError:
            if task.done():
                break
            cancelled = True
    task.result()
    if cancelled:
        raise asyncio.CancelledError


Params = Iterable[Any] | dict[str, Any]


def _statement(conn: sqlite3.Connection, sql: str, params: Params, want: str) -> Any:
    """One statement and what the caller wants of it, run in the connection's own thread."""
    if not isinstance(params, tuple | list | dict):
        params = tuple(params)
    cursor = conn.execute(sql, params)
    try:
        if want == "one":
            return cursor.fetchone()
        if want == "all":
            return cursor.fetchall()
        if want == "lastrowid":
            return cursor.lastrowid or 0
        return cursor.rowcount
    finally:
        cursor.close()


Statement = tuple[str, Params, str]  # sql, parameters, what is wanted of it


def _statements(conn: sqlite3.Connection, statements: list[Statement]) -> list[Any]:
    """Several statements in one trip; what each gives."""
    return [_statement(conn, sql, params, want) for sql, params, want in statements]


def _many(conn: sqlite3.Connection, begin: str | None, sql: str, rows: Iterable[Any]) -> None:
    if begin is not None:
        conn.execute(begin)
    conn.executemany(sql, rows)


async def run(conn: aiosqlite.Connection, sql: str, params: Params = (), want: str = "") -> Any:
    """Execute, fetch and close in one trip to the connection's thread.

    aiosqlite's cursor API costs a thread hop per call (execute, fetch, close: three per
    query), and a hop costs more CPU than the query itself; a turn runs ~15 statements.
    `_execute` is aiosqlite's own way to run a function in that thread (pinned version).
    """
    return await conn._execute(_statement, conn._conn, sql, params, want)


async def run_all(conn: aiosqlite.Connection, statements: list[Statement]) -> list[Any]:
    """Several statements in one trip (see `run`); what each gives."""
    results: list[Any] = await conn._execute(_statements, conn._conn, statements)
    return results


async def _rollback(conn: aiosqlite.Connection) -> None:
    """Roll back whatever is open; queued after any statement still running on `conn`."""
    with contextlib.suppress(sqlite3.OperationalError):  # none open (BEGIN itself failed)
        await run(conn, "ROLLBACK")


class Tx:
    """A connection inside a transaction, with small query helpers.

    The transaction begins with its first statement, in the same trip to the connection's
    thread; `batch` sends several statements in one trip; writes queued with `at_commit` go
    with the COMMIT. A turn that reads three things (one batch) and writes two at commit makes
    two trips, not seven.
    """

    def __init__(self, conn: aiosqlite.Connection, begin: str) -> None:
        self.conn = conn
        self.queued = False  # a message was put in the outbox: wake the sender after commit
        self._begin: str | None = begin  # not yet sent
        self._at_commit: list[Statement] = []

    @property
    def begun(self) -> bool:
        return self._begin is None

    async def _run(self, sql: str, params: Params, want: str) -> Any:
        if self._begin is None:
            return await run(self.conn, sql, params, want)
        return (await self.batch([(sql, params, want)]))[0]

    async def batch(self, statements: list[Statement]) -> list[Any]:
        """Several statements in one trip, in order; what each gives ("one", "all",
        "rowcount" or "lastrowid", as its third part says)."""
        begin, self._begin = self._begin, None
        if begin is None:
            return await run_all(self.conn, statements)
        try:
            return (await run_all(self.conn, [(begin, (), ""), *statements]))[1:]
        except sqlite3.Error:
            if not self.conn.in_transaction:  # BEGIN itself failed (busy): not begun yet
                self._begin = begin
            raise

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement; return lastrowid (for inserts) or rowcount."""
        want = "lastrowid" if sql.lstrip()[:6].upper() == "INSERT" else "rowcount"
        result: int = await self._run(sql, params, want)
        return result

    def at_commit(self, sql: str, params: Params = ()) -> None:
        """Write this with the COMMIT, in the same trip: for the last writes of a transaction,
        which nothing in it reads afterwards. A failure rolls the whole transaction back."""
        self._at_commit.append((sql, params, "rowcount"))

    async def rowcount(self, sql: str, params: Params = ()) -> int:
        result: int = await self._run(sql, params, "rowcount")
        return result

    async def executemany(self, sql: str, rows: Iterable[Iterable[Any]]) -> None:
        begin, self._begin = self._begin, None
        await self.conn._execute(_many, self.conn._conn, begin, sql, list(rows))

    async def one(self, sql: str, params: Params = ()) -> aiosqlite.Row | None:
        row: aiosqlite.Row | None = await self._run(sql, params, "one")
        return row

    async def all(self, sql: str, params: Params = ()) -> list[aiosqlite.Row]:
        rows: list[aiosqlite.Row] = await self._run(sql, params, "all")
        return rows

    async def scalar(self, sql: str, params: Params = ()) -> Any:
        row = await self.one(sql, params)
        return None if row is None else row[0]

    async def commit(self) -> None:
        """The writes queued `at_commit`, then COMMIT, in one trip; nothing when the
        transaction never began."""
        if self._begin is not None and not self._at_commit:
            return
        statements: list[Statement] = []
        if self._begin is not None:
            statements.append((self._begin, (), ""))
        self._begin = None
        statements += [*self._at_commit, ("COMMIT", (), "")]
        self._at_commit = []
        await run_all(self.conn, statements)


class Database:
    """The store. `transaction()` for writes (and reads that decide a write); `read()` else."""

    def __init__(self, path: Path | str, readers: int = READERS) -> None:
        self.path = Path(path)
        self._conn: aiosqlite.Connection | None = None
        self._lock = asyncio.Lock()
        self._reader_count = readers if str(path) != ":memory:" else 0
        self._readers: asyncio.Queue[aiosqlite.Connection] = asyncio.Queue()
        self._all_readers: list[aiosqlite.Connection] = []

    async def open(self) -> Database:
        if str(self.path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = await aiosqlite.connect(self.path, isolation_level=None)
        conn.row_factory = aiosqlite.Row
        await conn.execute("PRAGMA journal_mode=WAL")
        await conn.execute("PRAGMA synchronous=FULL")
        await conn.execute("PRAGMA foreign_keys=ON")
        await conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        self._conn = conn
        async with self._lock:
            await apply_migrations(conn)
        for _ in range(self._reader_count):
            reader = await aiosqlite.connect(self.path, isolation_level=None)
            reader.row_factory = aiosqlite.Row
            await reader.execute("PRAGMA query_only=ON")
            await reader.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            self._all_readers.append(reader)
            self._readers.put_nowait(reader)
        return self

    async def close(self) -> None:
        for reader in self._all_readers:
            await reader.close()
        self._all_readers.clear()
        self._readers = asyncio.Queue()
        if self._conn is not None:
            await self._conn.close()
            self._conn = None

    async def __aenter__(self) -> Database:
        return await self.open()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def conn(self) -> aiosqlite.Connection:
        if self._conn is None:
            raise RuntimeError("database is not open")
        return self._conn

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Tx]:
        """One serialised write transaction: committed on success, rolled back on error.

        Keep it short: every other writer (and every turn) waits for it. `BEGIN IMMEDIATE`
        goes with the first statement.
        """
        async with self._lock:
            conn = self.conn
            tx = Tx(conn, "BEGIN IMMEDIATE")
            try:
                yield tx
            except BaseException:
                if tx.begun:  # also after a cancelled first trip, which may have begun
                    await _to_the_end(_rollback(conn))
                raise
            try:
                await _to_the_end(tx.commit())
            except asyncio.CancelledError:
                raise  # committed all the same
            except BaseException:
                await _to_the_end(_rollback(conn))
                raise

    @asynccontextmanager
    async def read(self) -> AsyncIterator[Tx]:
        """A read-only snapshot on its own connection: never waits for a writer (WAL).

        What it reads may be stale by the time a write follows; decide writes inside
        `transaction()`. An in-memory database has no readers and reads in a transaction.
        """
        if not self._all_readers:
            async with self.transaction() as tx:
                yield tx
            return
        if self._conn is None:
            raise RuntimeError("database is not open")
        conn = await self._readers.get()
        tx = Tx(conn, "BEGIN")
        try:
            try:
                yield tx
            finally:  # also after a cancelled first trip, which may have begun all the same
                if tx.begun:
                    await _to_the_end(_rollback(conn))
        finally:
            self._readers.put_nowait(conn)


def dumps(value: Any) -> str:
    """JSON for TEXT columns: compact and stable."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def loads(text: str | None, default: Any = None) -> Any:
    return default if text in (None, "") else json.loads(text)
