"""Keep under Telegram's flood limits: about 30 messages/s overall and 1/s per chat.

`FloodLimiter` is plain asyncio with an injectable monotonic clock and sleep, so tests run in
virtual time. It counts a send as occupying one of `overall` slots from the moment it starts
until one second after Telegram *answered*: Telegram saw the request in between, so however
the network delays requests, no second ever holds more than `overall` of them on its side.

Direct answers to a person go first and are not spaced per chat (a reply of two messages
should not take two seconds); bulk messages (the outbox) wait for answers, and keep one
second between two messages to the same chat. While people are chatting (an answer in the last
`reserve_for` seconds), bulk messages leave `reserve` of the slots free, so an answer does not
wait up to a second for a slot behind a broadcast; alone, a broadcast uses them all. A 429
pauses every send for `retry_after` seconds and the request is tried again, up to
`max_retries` times.

`PTBRateLimiter` plugs it into python-telegram-bot (`ApplicationBuilder().rate_limiter(…)`).
"""

from __future__ import annotations

import asyncio
import logging
import time
import warnings
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)

T = TypeVar("T")
Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]

OVERALL_PER_SECOND = 30
PER_CHAT_INTERVAL = 1.0  # seconds between two bulk messages to one chat
ANSWER_RESERVE = 5  # slots per window bulk messages leave free while people are chatting
RESERVE_FOR = 30.0  # seconds after the last answer
BULK = {"bulk": True}  # rate_limit_args for outbox deliveries
_LIMITED_PREFIXES = ("send", "edit", "copy", "forward")


def retry_seconds(exc: RetryAfter) -> float:
    """RetryAfter.retry_after as seconds (int or timedelta, without PTB's deprecation noise)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = exc.retry_after
    return value.total_seconds() if hasattr(value, "total_seconds") else float(value)


class FloodLimiter:
    def __init__(
        self,
        overall: int = OVERALL_PER_SECOND,
        per_chat_interval: float = PER_CHAT_INTERVAL,
        *,
        window: float = 1.0,
        max_retries: int = 3,
        reserve: int = ANSWER_RESERVE,
        reserve_for: float = RESERVE_FOR,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.overall = overall
        self.per_chat_interval = per_chat_interval
        self.window = window
        self.max_retries = max_retries
        self.reserve = reserve
        self.reserve_for = reserve_for
        self.clock = clock
        self.sleep = sleep
        self.paused_until = 0.0
        self.rate_limited = 0  # 429 answers received
        self.sent = 0
        self._finished: deque[float] = deque()  # when recent sends were answered
        self._in_flight = 0
        self._answers_waiting = 0
        self._last_answer = -float("inf")
        self._waiters: list[asyncio.Future[None]] = []
        self._chat_done: dict[int, float] = {}
        self._chat_locks: dict[int, tuple[int, asyncio.Lock]] = {}  # users, lock

    async def run(
        self, chat_id: int | None, call: Callable[[], Awaitable[T]], *, bulk: bool = False
    ) -> T:
        """Run one send when the limits allow it; retry after a 429 up to `max_retries`."""
        if bulk and chat_id is not None:
            users, lock = self._chat_locks.get(chat_id, (0, asyncio.Lock()))
            self._chat_locks[chat_id] = (users + 1, lock)
            try:
                async with lock:
                    await self._chat_turn(chat_id)
                    return await self._send(chat_id, call, bulk)
            finally:
                users, _ = self._chat_locks[chat_id]
                if users == 1:
                    del self._chat_locks[chat_id]
                else:
                    self._chat_locks[chat_id] = (users - 1, lock)
        return await self._send(chat_id, call, bulk)

    async def _send(self, chat_id: int | None, call: Callable[[], Awaitable[T]], bulk: bool) -> T:
        tries = 0
        while True:
            await self._acquire(bulk)
            try:
                result = await call()
            except RetryAfter as exc:
                seconds = retry_seconds(exc)
                self.rate_limited += 1
                self.paused_until = max(self.paused_until, self.clock() + seconds)
                log.info("Telegram asked to wait %.0f s", seconds)
                tries += 1
                if tries > self.max_retries:
                    raise
                continue
            finally:
                self._release(chat_id)
            self.sent += 1
            return result

    async def _chat_turn(self, chat_id: int) -> None:
        while True:
            last = self._chat_done.get(chat_id)
            wait = 0.0 if last is None else last + self.per_chat_interval - self.clock()
            if wait <= 0:
                return
            await self.sleep(wait)

    async def _acquire(self, bulk: bool) -> None:
        if not bulk:
            self._answers_waiting += 1
        try:
            while True:
                now = self.clock()
                while self._finished and self._finished[0] <= now - self.window:
                    self._finished.popleft()
                if self.paused_until > now:
                    await self.sleep(self.paused_until - now)
                    continue
                if bulk and self._answers_waiting:
                    await self._changed()
                    continue
                if self._in_flight + len(self._finished) < self._slots(bulk, now):
                    self._in_flight += 1
                    if not bulk:
                        self._last_answer = now
                    return
                if self._finished:
                    await self.sleep(self._finished[0] + self.window - now)
                else:  # every slot is a request still waiting for its answer
                    await self._changed()
        finally:
            if not bulk:
                self._answers_waiting -= 1
                self._notify()

    def _slots(self, bulk: bool, now: float) -> int:
        chatting = now - self._last_answer < self.reserve_for
        return max(1, self.overall - self.reserve) if bulk and chatting else self.overall

    def _release(self, chat_id: int | None) -> None:
        now = self.clock()
        self._in_flight -= 1
        self._finished.append(now)
        if chat_id is not None:
            self._chat_done[chat_id] = now
            if len(self._chat_done) > 10_000:
                self._forget_old_chats(now)
        self._notify()

    def _forget_old_chats(self, now: float) -> None:
        horizon = now - self.per_chat_interval
        for chat, done in list(self._chat_done.items()):
            if done <= horizon:
                del self._chat_done[chat]

    async def _changed(self) -> None:
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            await waiter
        finally:
            if waiter in self._waiters:
                self._waiters.remove(waiter)

    def _notify(self) -> None:
        waiters, self._waiters = self._waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)


class PTBRateLimiter(BaseRateLimiter[dict[str, Any]]):
    """python-telegram-bot adapter: sends and edits go through a `FloodLimiter`."""

    def __init__(self, limiter: FloodLimiter | None = None) -> None:
        self.limiter = limiter or FloodLimiter()

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: dict[str, Any] | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        if not endpoint.lower().startswith(_LIMITED_PREFIXES):
            return await callback(*args, **kwargs)
        chat_id = _chat_id(data.get("chat_id"))
        bulk = bool(rate_limit_args and rate_limit_args.get("bulk"))
        return await self.limiter.run(chat_id, lambda: callback(*args, **kwargs), bulk=bulk)


def _chat_id(value: object) -> int | None:
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None
