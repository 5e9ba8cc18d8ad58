"""Delivers queued outbox messages through the channel that each one names, with retries.

A message is marked `sending` (committed) before delivery and `sent` after it, so a crash
never loses one; a message left `sending` by a crash is tried again at start-up.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from handlers.context import load_replies
from handlers.types import Reply
from storage import outbox
from storage.clock import utcnow
from storage.db import Database

log = logging.getLogger(__name__)

Deliver = Callable[[str, list[Reply]], Awaitable[None]]


class DeliveryError(Exception):
    """Delivery failed. `retry_after` (s) when the platform said when; `permanent` to stop."""

    def __init__(
        self, message: str, *, retry_after: float | None = None, permanent: bool = False
    ) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.permanent = permanent


class OutboxSender:
    def __init__(
        self,
        db: Database,
        deliverers: dict[str, Deliver],
        *,
        clock: Callable[[], datetime] = utcnow,
        max_attempts: int = 8,
        batch: int = 50,
        on_unreachable: Callable[[int | None, str], Awaitable[None]] | None = None,
    ) -> None:
        self.db = db
        self.deliverers = deliverers
        self.clock = clock
        self.max_attempts = max_attempts
        self.batch = batch
        self.on_unreachable = on_unreachable
        self._wake = asyncio.Event()

    @property
    def channels(self) -> tuple[str, ...]:
        return tuple(self.deliverers)

    def wake(self) -> None:
        """Something was queued: look now instead of at the next planned time."""
        self._wake.set()

    async def run_once(self) -> int:
        """Deliver every message due now; return how many were sent."""
        sent = 0
        while True:
            async with self.db.transaction() as tx:
                messages = await outbox.due(tx, self.clock(), self.channels, self.batch)
            if not messages:
                return sent
            for message in messages:
                sent += await self._deliver(message)

    async def _deliver(self, message: outbox.OutboxMessage) -> int:
        async with self.db.transaction() as tx:
            await outbox.mark_sending(tx, message.id)
        try:
            await self.deliverers[message.channel](message.address, load_replies(message.payload))
        except DeliveryError as exc:
            await self._failed(message, str(exc), exc.retry_after, exc.permanent)
            return 0
        except Exception as exc:  # network errors and the like: retry with back-off
            log.warning("outbox %s: %s", message.id, type(exc).__name__)
            await self._failed(message, f"{type(exc).__name__}: {exc}", None, False)
            return 0
        async with self.db.transaction() as tx:
            await outbox.mark_sent(tx, message.id, self.clock())
        return 1

    async def _failed(
        self, message: outbox.OutboxMessage, error: str, retry_after: float | None, permanent: bool
    ) -> None:
        attempts = message.attempts + 1
        async with self.db.transaction() as tx:
            if permanent or attempts >= self.max_attempts:
                await outbox.mark_failed(tx, message.id, error)
            else:
                wait = timedelta(seconds=retry_after) if retry_after else outbox.backoff(attempts)
                await outbox.retry_later(tx, message.id, self.clock() + wait, error)
        if permanent and self.on_unreachable is not None:
            await self.on_unreachable(message.person_id, message.channel)

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
