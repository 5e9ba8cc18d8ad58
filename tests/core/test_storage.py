"""The store: pragmas, migrations from empty and from an older version, serialised writes."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiosqlite
import pytest

from storage.db import Database
from storage.migrate import apply_migrations, available_migrations, current_version


async def test_fresh_file_gets_every_migration_and_safe_pragmas(tmp_path: Path) -> None:
    async with Database(tmp_path / "new.sqlite3") as db:
        async with db.transaction() as tx:
            assert await tx.scalar("PRAGMA journal_mode") == "wal"
            assert await tx.scalar("PRAGMA synchronous") == 2  # FULL
            assert await tx.scalar("PRAGMA foreign_keys") == 1
            assert await tx.scalar("PRAGMA busy_timeout") > 0
        assert await current_version(db.conn) == len(available_migrations())


async def test_older_database_upgrades_in_place_and_keeps_data(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    latest = len(available_migrations())
    async with aiosqlite.connect(path, isolation_level=None) as conn:
        await apply_migrations(conn, up_to=1)
        await conn.execute(
            "INSERT INTO people (created_at, locale) VALUES ('2026-01-01T00:00:00Z', 'ar')"
        )
        assert await current_version(conn) == 1
    async with Database(path) as db:
        assert await current_version(db.conn) == latest
        async with db.transaction() as tx:
            assert await tx.scalar("SELECT locale FROM people") == "ar"
    async with Database(path) as db:  # opening again applies nothing twice
        assert await current_version(db.conn) == latest


async def test_failed_migration_rolls_back(tmp_path: Path) -> None:
    async with aiosqlite.connect(tmp_path / "x.sqlite3", isolation_level=None) as conn:
        await conn.executescript("CREATE TABLE people (id INTEGER PRIMARY KEY);")
        with pytest.raises(Exception, match="already exists"):
            await apply_migrations(conn)
        assert await current_version(conn) == 0
        assert not conn.in_transaction


async def test_concurrent_transactions_never_interleave(tmp_path: Path) -> None:
    async with Database(tmp_path / "c.sqlite3") as db:
        async with db.transaction() as tx:
            await tx.execute("CREATE TABLE counter (n INTEGER)")
            await tx.execute("INSERT INTO counter VALUES (0)")

        async def bump() -> None:
            async with db.transaction() as tx:
                n = await tx.scalar("SELECT n FROM counter")
                await asyncio.sleep(0)  # yield inside the transaction on purpose
                await tx.execute("UPDATE counter SET n = ?", (n + 1,))

        await asyncio.gather(*(bump() for _ in range(50)))
        async with db.transaction() as tx:
            assert await tx.scalar("SELECT n FROM counter") == 50


async def test_error_inside_transaction_rolls_back(tmp_path: Path) -> None:
    async with Database(tmp_path / "r.sqlite3") as db:
        with pytest.raises(RuntimeError):
            async with db.transaction() as tx:
                await tx.execute("INSERT INTO networks (name) VALUES ('Gent')")
                raise RuntimeError("boom")
        async with db.transaction() as tx:
            assert await tx.scalar("SELECT COUNT(*) FROM networks") == 0
