"""Delivers queued outbox messages through the channel that each one names, with retries.

Leases. A sender claims due messages in a short transaction (`claimed_by`, `claimed_until`),
one per chat at a time, so any number of senders (processes) deliver each message once; a
crashed sender's lease runs out and another takes the message. Right before sending, the
sender checks that the message still exists (a /forget deletes it) and is still its own.

Crash safety. A message is `sending` (committed) before its request and `sent` right after the
answer, so a crash never loses one. The only duplicate a hard kill can cause is a message whose
request was accepted in the very moment the process died (one HTTP round trip; the Bot API has
no idempotency key to do better). A cancelled sender finishes the messages in hand, records
them and hands back the claims it did not start.

Order and failures. A chat's messages go out in the order they fell due: a later one waits
behind an earlier one that is retrying. Only permanent errors (a malformed message, a blocked
chat, a 5.x.x mail refusal) give up; network errors, 5xx, 429 and 4.x.x are retried with capped
exponential back-off and jitter until the message is older than `max_age`, and the text is kept
until then. A platform's "slow down" (429) is waited out without counting as an attempt.
The loop is supervised: an exception (a database error) is logged, backed off, and it goes on.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from handlers.context import load_replies
from handlers.types import Reply
from storage import delivery, outbox
from storage.clock import utcnow
from storage.db import Database

log = logging.getLogger(__name__)

CANCEL_GRACE = 5.0  # seconds a cancelled delivery has to wind down while stopping
Deliver = Callable[[str, list[Reply]], Awaitable[None]]
Address = tuple[str, str]  # (channel, address)


class DeliveryError(Exception):
    """Delivery failed.

    `retry_after` (s): the platform said when to try again (not counted as an attempt).
    `permanent`: this message will never go through (malformed); give up on it.
    `unreachable`: the address refuses everything (blocked the bot, chat gone).
    `delivered`: how many of the message's replies went out before the failure.
    """

    def __init__(
        self,
        message: str,
        *,
        retry_after: float | None = None,
        permanent: bool = False,
        unreachable: bool = False,
        delivered: int = 0,
    ) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.permanent = permanent or unreachable
        self.unreachable = unreachable
        self.delivered = delivered


@dataclass
class Health:
    """What operators need to know about delivery (read by `bot.ops`)."""

    last_round_ok: datetime | None = None  # the last round that ran without an exception
    failing_since: dict[str, datetime] = field(default_factory=dict)  # channel → first failure
    given_up: list[str] = field(default_factory=list)  # since last read: "channel id: error"


def new_owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class OutboxSender:
    def __init__(
        self,
        db: Database,
        deliverers: dict[str, Deliver],
        *,
        clock: Callable[[], datetime] = utcnow,
        max_age: timedelta = timedelta(days=3),
        lease: timedelta = timedelta(minutes=5),
        batch: int = 200,
        concurrency: int = 64,
        finish_timeout: float = 15.0,
        owner: str | None = None,
        on_unreachable: Callable[[int | None, str], Awaitable[None]] | None = None,
    ) -> None:
        self.db = db
        self.deliverers = deliverers
        self.clock = clock
        self.max_age = max_age
        self.lease = lease
        self.batch = batch
        self.concurrency = concurrency
        self.finish_timeout = finish_timeout
        self.owner = owner or new_owner()
        self.on_unreachable = on_unreachable
        self.health = Health()
        self.sent = 0
        self.failed = 0
        self._wake = asyncio.Event()
        self._round = asyncio.Lock()
        self._unrecorded: set[int] = set()  # delivered, but writing `sent` failed
        self._sending: set[int] = set()  # handed to a deliverer, outcome not yet recorded
        self._began: datetime | None = None  # when the last round started

    @property
    def channels(self) -> tuple[str, ...]:
        return tuple(self.deliverers)

    def wake(self) -> None:
        """Something was queued: look now instead of at the next planned time."""
        self._wake.set()

    # --- rounds ---------------------------------------------------------------------------
    async def run_once(self) -> int:
        """Deliver every message due now (each tried at most once); return how many were sent.

        Rounds never overlap, so a caller draining the outbox waits for a round in progress.
        """
        async with self._round:
            return await self._round_once()

    async def _round_once(self) -> int:
        if not self.channels:
            return 0
        began = self.clock()  # a message retried in this round is due after it: not again
        self._began = began
        sent = 0
        running: dict[Address, asyncio.Task[int]] = {}
        waiting: dict[Address, list[delivery.Pending]] = {}
        stopped = False
        try:
            while True:
                await self._record_unrecorded()
                room = self.concurrency - len(running)
                for message in await self._claim(began, room) if room > 0 else []:
                    address = (message.channel, message.address)
                    if address in running:  # its predecessor is being recorded right now
                        waiting.setdefault(address, []).append(message)
                    else:
                        running[address] = asyncio.create_task(self._deliver_guarded(message))
                if not running:
                    return sent
                done, _ = await asyncio.wait(running.values(), return_when=asyncio.FIRST_COMPLETED)
                for address, task in list(running.items()):
                    if task in done:
                        del running[address]
                        sent += task.result()
                        if waiting.get(address):
                            message = waiting[address].pop(0)
                            running[address] = asyncio.create_task(self._deliver_guarded(message))
        except asyncio.CancelledError:
            stopped = True
            raise
        finally:
            # Cancelled (shutdown): each worker finishes the message in hand, then stops. The
            # round ends only after them, however often it is cancelled again (stop() insists):
            # a worker left running would send after the bot shut down, or send unrecorded.
            for task in running.values():
                task.cancel()
            await _until_done(set(running.values()))
            if stopped or waiting:
                # What was claimed and not tried goes back, also a claim whose result the
                # cancellation cut off (committed, but never in hand): else it waited out its
                # lease after a restart. What may have gone out stays ours (`_release`).
                await self._release()

    async def _claim(self, due_by: datetime, limit: int) -> list[delivery.Pending]:
        async with self.db.transaction() as tx:
            return await delivery.claim(
                tx, self.clock(), self.channels, min(limit, self.batch),
                owner=self.owner, lease=self.lease, due_by=due_by,
            )  # fmt: skip

    async def _release(self) -> None:
        """Hand back what this sender claimed, except what may have gone out: a delivery
        still running or cut off before its outcome was recorded, or one sent but not
        recorded. Those keep their lease, so nobody sends them again before it ends."""
        keep = self._sending | self._unrecorded
        with contextlib.suppress(Exception):
            async with self.db.transaction() as tx:
                await delivery.release(tx, self.owner, keep=keep)

    async def _deliver_guarded(self, message: delivery.Pending) -> int:
        """Deliver one message; a cancellation waits for it to finish and be recorded."""
        task = asyncio.create_task(self._deliver(message))
        try:
            return await asyncio.shield(task)
        except asyncio.CancelledError:
            await _until_done({task}, grace=self.finish_timeout)
            if not task.done():
                task.cancel()
                await _until_done({task}, grace=CANCEL_GRACE)
            if not task.done():  # it ignores cancellation: stopping must not hang on it
                log.warning("outbox %s: still being sent while stopping", message.id)
            elif not task.cancelled() and (error := task.exception()) is not None:
                log.warning("outbox %s: stopped with %r", message.id, error)
            raise

    # --- one message ----------------------------------------------------------------------
    async def _deliver(self, message: delivery.Pending) -> int:
        """1 sent, 0 not (forgotten, retried later, failed, unreachable)."""
        if message.id in self._unrecorded:
            await self._record_unrecorded()
            return 1
        async with self.db.read() as tx:
            wanted = await delivery.still_wanted(tx, message.id, self.owner)
            blocked = wanted and await delivery.unreachable_since(
                tx, message.channel, message.address
            )
        if not wanted:
            return 0
        if blocked:
            async with self.db.transaction() as tx:
                self.failed += await delivery.fail_address(
                    tx, message.channel, message.address, "unreachable"
                )
            return 0
        try:
            replies = load_replies(message.payload)[message.parts_sent :]
        except ValueError as exc:
            return await self._failed(message, DeliveryError(f"bad payload: {exc}", permanent=True))
        self._sending.add(message.id)
        try:
            await self.deliverers[message.channel](message.address, replies)
        except DeliveryError as exc:
            result = await self._failed(message, exc)
        except Exception as exc:  # network errors and the like: retry with back-off
            log.warning("outbox %s: %s", message.id, type(exc).__name__)
            result = await self._failed(message, DeliveryError(f"{type(exc).__name__}: {exc}"))
        else:
            self.health.failing_since.pop(message.channel, None)
            await self._record_sent(message.id)
            result = 1
        self._sending.discard(message.id)  # recorded (or in `_unrecorded`)
        return result

    async def _record_sent(self, message_id: int) -> None:
        self.sent += 1
        try:
            async with self.db.transaction() as tx:
                await outbox.mark_sent(tx, message_id, self.clock())
        except Exception:
            log.exception("outbox %s delivered but not recorded; recording later", message_id)
            self._unrecorded.add(message_id)

    async def _record_unrecorded(self) -> None:
        if not self._unrecorded:
            return
        with contextlib.suppress(Exception):
            async with self.db.transaction() as tx:
                for message_id in sorted(self._unrecorded):
                    await outbox.mark_sent(tx, message_id, self.clock())
            self._unrecorded.clear()

    async def _failed(self, message: delivery.Pending, exc: DeliveryError) -> int:
        now = self.clock()
        error = str(exc)
        too_old = now - message.created_at >= self.max_age
        give_up = exc.permanent or too_old
        if not exc.permanent and exc.retry_after is None:
            self.health.failing_since.setdefault(message.channel, now)
        async with self.db.transaction() as tx:
            if exc.delivered:
                await delivery.record_parts(tx, message.id, message.parts_sent + exc.delivered)
            if exc.unreachable:
                await delivery.mark_unreachable(
                    tx, message.channel, message.address, message.person_id, error, now
                )
                self.failed += await delivery.fail_address(
                    tx, message.channel, message.address, f"unreachable: {error}"
                )
            elif give_up:
                tries = message.attempts
                reason = error if exc.permanent else f"gave up after {tries} tries: {error}"
                await outbox.mark_failed(tx, message.id, reason)
                self.failed += 1
            elif exc.retry_after is not None:
                wait = timedelta(seconds=max(1.0, exc.retry_after))
                await delivery.retry_unpenalised(tx, message.id, now + wait, error)
            else:
                pause = outbox.backoff(message.attempts, jitter=0.5)
                later = now + max(timedelta(seconds=1), pause)
                await outbox.retry_later(tx, message.id, later, error)
        if exc.unreachable:
            log.info("outbox: %s address of person %s is unreachable", message.channel,
                     message.person_id)  # fmt: skip
            if self.on_unreachable is not None:
                await self.on_unreachable(message.person_id, message.channel)
        elif give_up:
            log.warning("outbox %s given up: %s", message.id, error)
            self.health.given_up.append(f"{message.channel} #{message.id}: {error[:120]}")
        return 0

    # --- the long-running, supervised loop ------------------------------------------------
    async def run_forever(self, poll_seconds: float = 30.0, max_pause: float = 60.0) -> None:
        """Deliver until cancelled. Any exception is logged and backed off; the loop goes on."""
        failures = 0
        try:
            while True:
                self._wake.clear()  # before the round: a wake during it starts the next one
                try:
                    await self.run_once()
                    async with self.db.read() as tx:
                        next_at = await outbox.next_due_at(tx, self.channels, self._began)
                except Exception:
                    failures += 1
                    log.exception("outbox delivery round failed (%s in a row)", failures)
                    wait = min(max_pause, 2.0 ** min(failures, 16))
                else:
                    failures = 0
                    self.health.last_round_ok = self.clock()
                    wait = poll_seconds
                    if next_at is not None:
                        wait = min(poll_seconds, (next_at - self.clock()).total_seconds())
                        wait = max(0.05, wait)
                with contextlib.suppress(TimeoutError):
                    # asyncio.timeout, not wait_for: on Python 3.11 wait_for can swallow a
                    # cancellation that arrives as the wake-up is set, and stop() would hang.
                    async with asyncio.timeout(wait):
                        await self._wake.wait()
        finally:
            await self._release()


async def _until_done(tasks: set[asyncio.Task[Any]], grace: float | None = None) -> None:
    """Wait for the tasks (at most `grace` seconds), through any cancellation of the waiter:
    called while stopping, which cancels again until it is done."""
    loop = asyncio.get_running_loop()
    deadline = None if grace is None else loop.time() + grace
    while pending := {task for task in tasks if not task.done()}:
        left = None if deadline is None else deadline - loop.time()
        if left is not None and left <= 0:
            return
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait(pending, timeout=left)


async def cancel_and_wait(task: asyncio.Task[None]) -> None:
    """Cancel a background loop and wait until it has ended.

    A single `cancel()` can be lost when it lands while the loop is handing a worker's own
    cancellation on (seen as a hang at shutdown, now and then); cancelling again until the
    task is done makes stopping certain."""
    while not task.done():
        task.cancel()
        await asyncio.wait({task}, timeout=1.0)
    if not task.cancelled() and task.exception() is not None:
        log.warning("background task %s ended with %r", task.get_name(), task.exception())
