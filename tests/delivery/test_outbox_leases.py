"""Delivery that survives outages: leases, retries until too old, per-chat order, supervision.

The Bot API side is the fake of tests/fakes/telegram_api.py (which follows the Bot API
documentation, https://core.telegram.org/bots/api); an outage is the fake server stopped, so
connections are refused as they would be when Telegram is unreachable.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections import Counter
from pathlib import Path

import pytest

from bot.outbox_sender import OutboxSender
from handlers.context import dump_replies
from handlers.types import Reply
from storage import delivery, outbox
from storage.db import Database
from tests.conftest import Clock
from tests.delivery.test_outbox_delivery import Rig


async def queue(db: Database, clock: Clock, rows: list[tuple[str, str]]) -> None:
    """Queue (address, text) pairs, in this order."""
    async with db.transaction() as tx:
        for n, (address, text) in enumerate(rows):
            await outbox.enqueue(
                tx, key=f"k{n}:{address}:{text}", person_id=None, channel="console",
                address=address, purpose="test", payload=dump_replies([Reply(text=text)]),
                now=clock(),
            )  # fmt: skip


async def test_two_senders_on_one_database_send_every_message_once(
    tmp_path: Path, clock: Clock
) -> None:
    path = tmp_path / "shared.sqlite3"
    first_db, second_db = await Database(path).open(), await Database(path).open()
    rows = [(str(chat), f"🔔 {chat}/{n}") for n in range(3) for chat in range(2001, 2101)]
    await queue(first_db, clock, rows)
    received: Counter[str] = Counter()
    by_chat: dict[str, list[str]] = {}

    async def deliver(address: str, replies: list[Reply]) -> None:
        await asyncio.sleep(0)  # let the other sender run in between
        for reply in replies:
            received[reply.text] += 1
            by_chat.setdefault(address, []).append(reply.text)

    senders = [
        OutboxSender(db, {"console": deliver}, clock=clock, concurrency=8, batch=10)
        for db in (first_db, second_db)
    ]
    while sum(received.values()) < len(rows):
        results = await asyncio.gather(*(sender.run_once() for sender in senders))
        assert sum(results) > 0
    assert set(received.values()) == {1} and len(received) == 300
    for chat in range(2001, 2101):
        assert by_chat[str(chat)] == [f"🔔 {chat}/{n}" for n in range(3)]
    assert senders[0].sent > 0 and senders[1].sent > 0  # both did part of the work
    await first_db.close()
    await second_db.close()


async def test_a_sender_whose_database_fails_once_keeps_going(
    db: Database, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    await queue(db, clock, [("3001", "🔔 one")])
    real_claim = delivery.claim
    failures = 0

    async def claim_fails_once(*args: object, **kwargs: object) -> list[delivery.Pending]:
        nonlocal failures
        if failures == 0:
            failures += 1
            raise sqlite3.OperationalError("disk I/O error")
        return await real_claim(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(delivery, "claim", claim_fails_once)
    got = asyncio.Event()
    texts: list[str] = []

    async def deliver(_address: str, replies: list[Reply]) -> None:
        texts.extend(reply.text for reply in replies)
        got.set()

    sender = OutboxSender(db, {"console": deliver}, clock=clock)
    task = asyncio.create_task(sender.run_forever(poll_seconds=0.05, max_pause=0.01))
    await asyncio.wait_for(got.wait(), timeout=10)
    assert failures == 1 and texts == ["🔔 one"]
    await queue(db, clock, [("3001", "🔔 two")])  # and it goes on with what comes next
    got.clear()
    sender.wake()
    await asyncio.wait_for(got.wait(), timeout=10)
    assert texts == ["🔔 one", "🔔 two"]
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_an_outage_of_30_minutes_loses_nothing_and_keeps_each_chats_order(
    rig: Rig,
) -> None:
    chats = list(range(4001, 4021))
    async with rig.db.transaction() as tx:
        for n in range(3):
            for chat in chats:
                rig.fake.user(chat)
                await outbox.enqueue(
                    tx, key=f"o:{chat}:{n}", person_id=None, channel="telegram",
                    address=str(chat), purpose="reminder:test",
                    payload=dump_replies([Reply(text=f"🔔 {n}")]), now=rig.clock(),
                )  # fmt: skip
    sender = rig.sender()
    port = rig.fake.port
    assert port is not None
    await rig.fake.stop()  # Telegram unreachable: connections are refused
    for _ in range(30):  # 30 minutes, far beyond the old 254 s give-up
        assert await sender.run_once() == 0
        rig.clock.advance(minutes=1)
    assert await rig.statuses() == {"pending": 60}
    async with rig.db.transaction() as tx:
        kept = await tx.scalar("SELECT COUNT(*) FROM outbox WHERE payload != '[]'")
    assert kept == 60  # the text is kept while retrying
    await rig.fake.start(port)
    rig.clock.advance(minutes=15)  # the back-off is capped at 10 minutes
    while (await rig.statuses()).get("sent", 0) < 60:
        assert await sender.run_once() > 0
        rig.clock.advance(seconds=30)
    assert await rig.statuses() == {"sent": 60}
    assert all(rig.received(chat) == ["🔔 0", "🔔 1", "🔔 2"] for chat in chats)


async def test_a_chats_later_message_waits_behind_one_that_is_retrying(rig: Rig) -> None:
    await rig.queue([4101, 4101, 4101, 4102])
    rig.fake.fail_next("sendMessage", 500)  # the first message of 4101 fails once
    sender = rig.sender(concurrency=1)  # 4101 goes first
    assert await sender.run_once() == 1  # only 4102: 4101's next two wait
    assert rig.received(4101) == [] and rig.received(4102) == ["🔔 Reminder 3"]
    rig.clock.advance(minutes=1)
    assert await sender.run_once() == 3
    assert rig.received(4101) == ["🔔 Reminder 0", "🔔 Reminder 1", "🔔 Reminder 2"]


async def test_a_message_deleted_after_it_was_claimed_is_not_sent(
    db: Database, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    await queue(db, clock, [("5001", "🔔 forget me"), ("5002", "🔔 keep me")])
    real_claim = delivery.claim

    async def claim_then_forget(tx: object, *args: object, **kwargs: object) -> object:
        claimed = await real_claim(tx, *args, **kwargs)  # type: ignore[arg-type]
        await tx.execute("DELETE FROM outbox WHERE address = '5001'")  # type: ignore[attr-defined]
        return claimed

    monkeypatch.setattr(delivery, "claim", claim_then_forget)
    texts: list[str] = []

    async def deliver(_address: str, replies: list[Reply]) -> None:
        texts.extend(reply.text for reply in replies)

    assert await OutboxSender(db, {"console": deliver}, clock=clock).run_once() == 1
    assert texts == ["🔔 keep me"]
