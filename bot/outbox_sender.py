"""Delivers queued outbox messages through the channel that each one names, with retries.

Crash safety. A message is marked `sending` (committed) just before its request and `sent`
right after the answer, so a crash never loses one: at start-up a message left `sending` is
tried again. The only duplicate a hard kill can cause is a message whose request Telegram
had accepted in the very moment the process died (one HTTP round trip; the Bot API has no
idempotency key to do better). A cancelled sender (SIGTERM, shutdown) finishes and records
the messages in hand before it stops, and a failure to record a delivery does not send it
again: the delivery is remembered and recorded on the next round.

Chats are served concurrently (one worker per address, in order within an address), so one
slow or rate-limited chat does not hold the others back; the channel's limiter keeps the
overall pace. Failures: network errors and 5xx are retried with back-off and, after
`max_attempts`, marked `failed` for staff to see; a platform's "slow down" (429) is waited
out without counting as an attempt; a blocked chat (403) marks the address unreachable and
fails what was queued for it instead of retrying forever.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from handlers.context import load_replies
from handlers.types import Reply
from storage import delivery, outbox
from storage.clock import utcnow
from storage.db import Database

log = logging.getLogger(__name__)

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


class OutboxSender:
    def __init__(
        self,
        db: Database,
        deliverers: dict[str, Deliver],
        *,
        clock: Callable[[], datetime] = utcnow,
        max_attempts: int = 8,
        batch: int = 200,
        concurrency: int = 64,
        finish_timeout: float = 15.0,
        on_unreachable: Callable[[int | None, str], Awaitable[None]] | None = None,
    ) -> None:
        self.db = db
        self.deliverers = deliverers
        self.clock = clock
        self.max_attempts = max_attempts
        self.batch = batch
        self.concurrency = concurrency
        self.finish_timeout = finish_timeout
        self.on_unreachable = on_unreachable
        self.sent = 0
        self.failed = 0
        self._wake = asyncio.Event()
        self._round = asyncio.Lock()
        self._unrecorded: set[int] = set()  # delivered, but writing `sent` failed

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
        sent = 0
        tried: set[int] = set()
        backlog: dict[Address, list[delivery.Pending]] = {}
        running: dict[Address, asyncio.Task[int]] = {}
        exhausted = False
        try:
            while True:
                await self._record_unrecorded()
                if not exhausted and sum(map(len, backlog.values())) < self.concurrency:
                    fetched = await self._fetch(tried)
                    exhausted = len(fetched) < self.batch
                    for message in fetched:
                        tried.add(message.id)
                        backlog.setdefault((message.channel, message.address), []).append(message)
                for address in list(backlog):
                    if len(running) >= self.concurrency:
                        break
                    if address not in running:
                        running[address] = asyncio.create_task(
                            self._deliver_all(backlog.pop(address))
                        )
                if not running:
                    if exhausted and not backlog:
                        return sent
                    continue
                done, _ = await asyncio.wait(
                    running.values(), return_when=asyncio.FIRST_COMPLETED
                )
                for address, task in list(running.items()):
                    if task in done:
                        del running[address]
                        sent += task.result()
        finally:
            # Cancelled (shutdown): each worker finishes the message in hand, then stops.
            for task in running.values():
                task.cancel()
            if running:
                await asyncio.gather(*running.values(), return_exceptions=True)

    async def _fetch(self, tried: set[int]) -> list[delivery.Pending]:
        async with self.db.transaction() as tx:
            return await delivery.due(tx, self.clock(), self.channels, self.batch, skip=tried)

    async def _deliver_all(self, messages: list[delivery.Pending]) -> int:
        """One address's messages, in order. Stops early when the address became unreachable."""
        sent = 0
        for message in messages:
            outcome = await self._deliver_guarded(message)
            if outcome is None:
                break
            sent += outcome
        return sent

    async def _deliver_guarded(self, message: delivery.Pending) -> int | None:
        """Deliver one message; a cancellation waits for it to finish and be recorded."""
        task = asyncio.create_task(self._deliver(message))
        try:
            return await asyncio.shield(task)
        except asyncio.CancelledError:
            await asyncio.wait({task}, timeout=self.finish_timeout)
            if not task.done():
                task.cancel()
            raise

    # --- one message ----------------------------------------------------------------------
    async def _deliver(self, message: delivery.Pending) -> int | None:
        """1 sent, 0 not (retried later or failed), None: the address is unreachable."""
        if message.id in self._unrecorded:
            await self._record_unrecorded()
            return 1
        async with self.db.transaction() as tx:
            if await delivery.unreachable_since(tx, message.channel, message.address):
                self.failed += await delivery.fail_address(
                    tx, message.channel, message.address, "unreachable"
                )
                return None
            await outbox.mark_sending(tx, message.id)
        try:
            replies = load_replies(message.payload)[message.parts_sent :]
        except ValueError as exc:
            return await self._failed(message, DeliveryError(f"bad payload: {exc}", permanent=True))
        try:
            await self.deliverers[message.channel](message.address, replies)
        except DeliveryError as exc:
            return await self._failed(message, exc)
        except Exception as exc:  # network errors and the like: retry with back-off
            log.warning("outbox %s: %s", message.id, type(exc).__name__)
            return await self._failed(message, DeliveryError(f"{type(exc).__name__}: {exc}"))
        await self._record_sent(message.id)
        return 1

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

    async def _failed(self, message: delivery.Pending, exc: DeliveryError) -> int | None:
        attempts = message.attempts + 1
        now = self.clock()
        error = str(exc)
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
            elif exc.permanent or (exc.retry_after is None and attempts >= self.max_attempts):
                await outbox.mark_failed(tx, message.id, error)
                self.failed += 1
            elif exc.retry_after is not None:
                wait = timedelta(seconds=max(1.0, exc.retry_after))
                await delivery.retry_unpenalised(tx, message.id, now + wait, error)
            else:
                await outbox.retry_later(tx, message.id, now + outbox.backoff(attempts), error)
        if exc.unreachable:
            log.info("outbox: %s address of person %s is unreachable", message.channel,
                     message.person_id)
            if self.on_unreachable is not None:
                await self.on_unreachable(message.person_id, message.channel)
            return None
        return 0

    # --- the long-running loop ------------------------------------------------------------
    async def run_forever(self, poll_seconds: float = 30.0) -> None:
        while True:
            try:
                await self.run_once()
            except Exception:
                log.exception("outbox delivery round failed")
            async with self.db.transaction() as tx:
                next_at = await outbox.next_due_at(tx, self.channels)
            wait = poll_seconds
            if next_at is not None:
                wait = max(0.05, min(poll_seconds, (next_at - self.clock()).total_seconds()))
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=wait)
