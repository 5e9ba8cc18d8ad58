"""The outbox sender against the fake Bot API, through the project's real Telegram channel.

Time is virtual: the flood limiter and the fake server share a clock that only moves when the
limiter sleeps, and the sender's clock is the test clock. Nothing here sleeps for real.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import pytest_asyncio

from bot.channels.telegram import TelegramChannel
from bot.channels.telegram_limits import FloodLimiter
from bot.outbox_sender import OutboxSender
from bot.settings import load_settings
from handlers.context import dump_replies
from handlers.types import Attachment, Reply
from storage import delivery, outbox
from storage.db import Database
from tests.conftest import Clock
from tests.fakes.telegram_api import TINY_PNG, FakeTelegram

TOKEN = "123456:TEST-outbox"


class VirtualTime:
    """A monotonic clock that jumps forward when someone sleeps on it.

    A sleeper lets the others run once, then moves the clock to its deadline (if later), so
    tasks sleeping from the same instant share the jump instead of adding theirs up.
    """

    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        deadline = self.now + max(0.0, seconds)
        await asyncio.sleep(0)
        self.now = max(self.now, deadline)


@dataclass
class Rig:
    fake: FakeTelegram
    channel: TelegramChannel
    limiter: FloodLimiter
    time: VirtualTime
    db: Database
    clock: Clock

    def sender(self, **options: object) -> OutboxSender:
        deliverers = {"telegram": self.channel.deliver}
        return OutboxSender(self.db, deliverers, clock=self.clock, **options)  # type: ignore[arg-type]

    async def queue(self, chat_ids: list[int], text: str = "🔔 Reminder {n}") -> None:
        async with self.db.transaction() as tx:
            for n, chat_id in enumerate(chat_ids):
                self.fake.user(chat_id)
                await outbox.enqueue(
                    tx,
                    key=f"test:{chat_id}:{n}",
                    person_id=None,
                    channel="telegram",
                    address=str(chat_id),
                    purpose="reminder:test",
                    payload=dump_replies([Reply(text=text.format(n=n))]),
                    now=self.clock(),
                )

    async def statuses(self) -> dict[str, int]:
        async with self.db.transaction() as tx:
            rows = await tx.all("SELECT status, COUNT(*) FROM outbox GROUP BY status")
        return {row[0]: row[1] for row in rows}

    def calls_to_chat(self, chat_id: int) -> list[object]:
        calls = self.fake.calls_to("sendMessage")
        return [call for call in calls if str(call.params.get("chat_id")) == str(chat_id)]

    def received(self, chat_id: int) -> list[str]:
        return [m.body for m in self.fake.users[chat_id].messages]


@pytest_asyncio.fixture
async def rig(db: Database, clock: Clock, tmp_path: Path) -> AsyncIterator[Rig]:
    time = VirtualTime()
    fake = FakeTelegram(clock=time)
    await fake.start()
    settings = load_settings(
        telegram_bot_token=TOKEN,
        telegram_api_url=fake.base_url,
        database_path=tmp_path / "unused.sqlite3",
        demo_data=False,
        _env_file=None,
    )
    limiter = FloodLimiter(clock=time, sleep=time.sleep)
    channel = TelegramChannel(settings, db, clock=clock, limiter=limiter)
    await channel.application.initialize()
    try:
        yield Rig(fake, channel, limiter, time, db, clock)
    finally:
        await channel.application.shutdown()
        await fake.stop()
    assert not fake.errors, fake.errors


async def test_every_message_is_delivered_once(rig: Rig) -> None:
    chats = list(range(5001, 5041))
    await rig.queue(chats)
    assert await rig.sender().run_once() == 40
    assert all(len(rig.received(chat)) == 1 for chat in chats)
    assert await rig.statuses() == {"sent": 40}
    assert await rig.sender().run_once() == 0  # nothing twice


async def test_limiter_keeps_under_30_per_second_without_429(rig: Rig) -> None:
    rig.fake.rate_limit(30)
    chats = list(range(6001, 6091))
    await rig.queue(chats)
    began = rig.time()
    assert await rig.sender().run_once() == 90
    assert not rig.fake.faults and rig.limiter.rate_limited == 0
    assert rig.time() - began >= 2.0  # 90 messages at 30/s take at least two (virtual) seconds


async def test_429_slows_delivery_without_losing_a_message(rig: Rig) -> None:
    rig.fake.rate_limit(30)
    rig.limiter.overall = 60  # a limiter that allows too much: Telegram answers 429
    chats = list(range(7001, 7121))
    await rig.queue(chats)
    sender = rig.sender()
    for _ in range(20):
        await sender.run_once()
        if (await rig.statuses()).get("sent") == 120:
            break
        rig.clock.advance(seconds=5)  # messages that ran out of retries wait for retry_after
    assert await rig.statuses() == {"sent": 120}
    assert all(len(rig.received(chat)) == 1 for chat in chats)
    refused = [f for f in rig.fake.faults if f.error_code == 429]
    assert refused and rig.limiter.rate_limited == len(refused)


async def test_injected_429_is_waited_out(rig: Rig) -> None:
    rig.fake.fail_next("sendMessage", 429, retry_after=3)
    await rig.queue([7501])
    before = rig.time.now
    assert await rig.sender().run_once() == 1
    assert rig.time.now - before >= 3
    assert rig.received(7501) == ["🔔 Reminder 0"]


async def test_429_beyond_the_retries_is_rescheduled_and_not_counted(rig: Rig) -> None:
    rig.limiter.max_retries = 0
    rig.fake.fail_next("sendMessage", 429, retry_after=7, count=3)
    await rig.queue([7601])
    sender = rig.sender()
    for _ in range(3):
        assert await sender.run_once() == 0
        assert await sender.run_once() == 0  # not due before retry_after
        rig.clock.advance(seconds=7)
    assert await sender.run_once() == 1
    assert rig.received(7601) == ["🔔 Reminder 0"]
    async with rig.db.transaction() as tx:
        assert await tx.scalar("SELECT attempts FROM outbox") == 1  # 429s did not count


async def test_blocked_person_is_marked_unreachable_and_not_retried(rig: Rig) -> None:
    async with rig.db.transaction() as tx:
        person_id = await tx.execute(
            "INSERT INTO people (created_at, locale) VALUES ('2026-11-01T10:00:00Z', 'en')"
        )
    await rig.queue([8001, 8001, 8002])
    async with rig.db.transaction() as tx:
        await tx.execute("UPDATE outbox SET person_id = ? WHERE address = '8001'", (person_id,))
    rig.fake.block(8001)
    sender = rig.sender()
    assert await sender.run_once() == 1
    assert len(rig.calls_to_chat(8001)) == 1  # refused once: the second is not tried
    assert rig.received(8002) == ["🔔 Reminder 2"]
    async with rig.db.transaction() as tx:
        assert await delivery.unreachable_since(tx, "telegram", "8001") is not None
        failed = await tx.all("SELECT last_error FROM outbox WHERE status = 'failed'")
        assert len(failed) == 2 and all("unreachable" in row[0] for row in failed)
        row = await tx.one("SELECT person_id, reason FROM unreachable")
        assert row[0] == person_id and "blocked" in row[1]
    rig.clock.advance(hours=2)
    await rig.queue([8001], text="🔔 Later")
    assert await sender.run_once() == 0  # known unreachable: not even tried
    assert len(rig.calls_to_chat(8001)) == 1


async def test_network_errors_are_retried_until_too_old_then_marked_failed(rig: Rig) -> None:
    rig.fake.fail_next("sendMessage", 502, count=1000)
    await rig.queue([8101])
    sender = rig.sender(max_age=timedelta(hours=6))
    tries = 0
    while (await rig.statuses()) != {"failed": 1}:
        assert await sender.run_once() == 0
        tries += 1
        assert tries < 100
        rig.clock.advance(minutes=15)
    async with rig.db.transaction() as tx:
        row = await tx.one("SELECT attempts, last_error, payload FROM outbox")
    assert row[0] == len(rig.fake.calls_to("sendMessage")) > 8  # far more than the old 8
    assert "gave up" in row[1] and "network" in row[1] and row[2] == "[]"


async def test_a_retry_does_not_repeat_the_parts_already_sent(rig: Rig) -> None:
    picture = Attachment(filename="p.png", content=TINY_PNG, mime="image/png")
    rig.fake.user(8201)
    async with rig.db.transaction() as tx:
        await outbox.enqueue(
            tx, key="two-parts", person_id=None, channel="telegram", address="8201",
            purpose="test", now=rig.clock(),
            payload=dump_replies([Reply(text="📊", image=picture), Reply(text="👏 Well done")]),
        )  # fmt: skip
    rig.fake.fail_next("sendMessage", 500)
    sender = rig.sender()
    assert await sender.run_once() == 0
    rig.clock.advance(minutes=1)
    assert await sender.run_once() == 1
    assert len(rig.fake.calls_to("sendPhoto")) == 1
    assert rig.received(8201) == ["📊", "👏 Well done"]


# --- crashes ------------------------------------------------------------------------------------
async def test_cancelling_the_sender_mid_batch_then_restarting_sends_each_once(rig: Rig) -> None:
    chats = list(range(9001, 9061))
    await rig.queue(chats)
    first = rig.sender(concurrency=8)
    task = asyncio.create_task(first.run_once())
    await rig.fake.wait_for(lambda: len(rig.fake.calls_to("sendMessage")) >= 17)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    done = (await rig.statuses()).get("sent", 0)
    assert 17 <= done < 60
    assert sum(len(rig.received(chat)) for chat in chats) == done  # all recorded as sent
    restarted = rig.sender(concurrency=8)  # a new process: nothing in memory
    assert await restarted.run_once() == 60 - done
    assert all(len(rig.received(chat)) == 1 for chat in chats)
    assert await rig.statuses() == {"sent": 60}


async def test_stopping_again_still_lets_the_message_in_hand_finish_and_be_recorded(
    rig: Rig,
) -> None:
    """`cancel_and_wait` cancels again every second: a second cancellation used to end the
    round at once and leave the delivery running, to send after the bot shut down."""
    await rig.queue([9301])
    began, go_on = asyncio.Event(), asyncio.Event()
    delivered: list[str] = []

    async def slow(address: str, replies: list[Reply]) -> None:
        began.set()
        await go_on.wait()  # the request is on its way
        delivered.append(address)

    sender = OutboxSender(rig.db, {"telegram": slow}, clock=rig.clock)
    task = asyncio.create_task(sender.run_forever())
    await began.wait()
    for _ in range(3):  # as stop() does; each time the round could end, it would
        task.cancel()
        await asyncio.wait({task}, timeout=0.2)
    assert not task.done()  # it waits for the message in hand
    go_on.set()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert delivered == ["9301"]
    assert await rig.statuses() == {"sent": 1}


async def test_a_stop_that_cuts_off_a_claim_hands_the_claimed_messages_back(rig: Rig) -> None:
    """The claim's transaction is shielded, so a stop can land just after it committed: the
    rows are leased to this sender, which never saw them. They used to wait out the lease
    (minutes) after the restart; now the stop hands them back."""
    await rig.queue([9401, 9402, 9403])
    sender = rig.sender()
    claim = sender._claim

    async def claimed_then_stopped(due_by: datetime, limit: int) -> list[delivery.Pending]:
        await claim(due_by, limit)  # committed: 'sending', leased to this sender
        raise asyncio.CancelledError  # the stop lands before the round has the result

    sender._claim = claimed_then_stopped  # type: ignore[method-assign]
    with pytest.raises(asyncio.CancelledError):
        await sender.run_once()
    assert await rig.statuses() == {"pending": 3}
    assert await rig.sender().run_once() == 3  # at once, no lease to wait out
    assert all(len(rig.received(chat)) == 1 for chat in (9401, 9402, 9403))


class Killed(BaseException):
    """Stands for the process dying: nothing after it runs."""


async def test_dying_before_the_request_sends_it_after_the_restart(rig: Rig) -> None:
    await rig.queue([9101, 9102, 9103])
    real = rig.channel.deliver
    calls = 0

    async def dies_on_the_second(address: str, replies: list[Reply]) -> None:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise Killed
        await real(address, replies)

    first = OutboxSender(rig.db, {"telegram": dies_on_the_second}, clock=rig.clock, concurrency=1)
    with pytest.raises(Killed):
        await first.run_once()
    assert (await rig.statuses()) == {"sent": 1, "sending": 1, "pending": 1}
    assert await rig.sender().run_once() == 1  # 9103; the dead sender's lease holds 9102
    assert rig.received(9102) == []
    rig.clock.advance(minutes=6)  # the lease ran out
    assert await rig.sender().run_once() == 1
    assert all(len(rig.received(chat)) == 1 for chat in (9101, 9102, 9103))


async def test_a_failure_to_record_after_the_send_does_not_send_again(
    rig: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    await rig.queue([9201, 9202])
    real = outbox.mark_sent
    failures = 0

    async def flaky(tx: object, message_id: int, now: object) -> None:
        nonlocal failures
        if failures == 0:
            failures += 1
            raise OSError("disk I/O error")
        await real(tx, message_id, now)  # type: ignore[arg-type]

    monkeypatch.setattr(outbox, "mark_sent", flaky)
    sender = rig.sender(concurrency=1)
    assert await sender.run_once() == 2  # the first is written down on the next turn
    assert await rig.statuses() == {"sent": 2}
    assert await sender.run_once() == 0
    assert all(len(rig.received(chat)) == 1 for chat in (9201, 9202))


async def test_rounds_do_not_overlap(rig: Rig) -> None:
    chats = list(range(9301, 9331))
    await rig.queue(chats)
    sender = rig.sender(concurrency=4)
    results = await asyncio.gather(sender.run_once(), sender.run_once(), sender.run_once())
    assert sum(results) == 30
    assert all(len(rig.received(chat)) == 1 for chat in chats)
