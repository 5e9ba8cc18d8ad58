"""The flood limiter on its own, in virtual time: 30/s overall, 1/s per chat, answers first."""

from __future__ import annotations

import asyncio
import heapq
import itertools

import pytest
from telegram.error import RetryAfter

from bot.channels.telegram_limits import FloodLimiter
from tests.delivery.test_outbox_delivery import VirtualTime


def busiest_second(starts: list[float]) -> int:
    ordered = sorted(starts)
    return max(
        sum(1 for t in ordered[i:] if t < start + 1.0) for i, start in enumerate(ordered)
    )


async def test_bulk_sends_keep_30_per_second_and_1_per_chat() -> None:
    time = VirtualTime()
    limiter = FloodLimiter(clock=time, sleep=time.sleep)
    starts: dict[int, list[float]] = {}

    async def send(chat: int) -> None:
        async def call() -> None:
            starts.setdefault(chat, []).append(time())

        await limiter.run(chat, call, bulk=True)

    began = time()
    await asyncio.gather(*(send(chat) for chat in range(40) for _ in range(5)))
    everything = [t for times in starts.values() for t in times]
    assert len(everything) == 200 and limiter.sent == 200
    assert busiest_second(everything) <= 30
    for times in starts.values():
        assert all(b - a >= 1.0 for a, b in itertools.pairwise(times))
    assert 200 / 30 - 1 <= time() - began <= 200 / 30 + 1  # as fast as allowed, no faster


async def test_answers_go_before_waiting_bulk_messages() -> None:
    time = VirtualTime()
    limiter = FloodLimiter(overall=5, clock=time, sleep=time.sleep)
    order: list[str] = []

    async def send(name: str, chat: int, bulk: bool) -> None:
        async def call() -> None:
            order.append(name)

        await limiter.run(chat, call, bulk=bulk)

    in_flight = asyncio.Event()

    async def slow(name: str, chat: int) -> None:
        async def call() -> None:
            await in_flight.wait()
            order.append(name)

        await limiter.run(chat, call, bulk=True)

    first = [asyncio.create_task(slow(f"first{n}", 100 + n)) for n in range(5)]
    bulk = [asyncio.create_task(send(f"bulk{n}", n, True)) for n in range(30)]
    for _ in range(3):
        await asyncio.sleep(0)  # every slot is taken; the bulk messages wait
    answer = asyncio.create_task(send("answer", 999, False))
    await asyncio.sleep(0)
    in_flight.set()
    await asyncio.gather(*first, *bulk, answer)
    assert order.index("answer") == 5  # right after the five in flight, before any waiting


async def test_a_429_pauses_every_send_for_retry_after() -> None:
    time = VirtualTime()
    limiter = FloodLimiter(clock=time, sleep=time.sleep)
    starts: list[tuple[int, float]] = []
    refusals = [RetryAfter(5)]

    async def send(chat: int) -> None:
        async def call() -> None:
            starts.append((chat, time()))
            if chat == 1 and refusals:
                raise refusals.pop()

        await limiter.run(chat, call, bulk=True)

    began = time()
    await send(1)
    await asyncio.gather(send(2), send(3))
    assert limiter.rate_limited == 1
    assert [chat for chat, _ in starts] == [1, 1, 2, 3]
    assert all(at - began >= 5 for _, at in starts[1:])


async def test_429_beyond_the_retries_is_raised() -> None:
    time = VirtualTime()
    limiter = FloodLimiter(max_retries=2, clock=time, sleep=time.sleep)

    async def call() -> None:
        raise RetryAfter(1)

    with pytest.raises(RetryAfter):
        await limiter.run(7, call, bulk=True)
    assert limiter.rate_limited == 3


async def test_other_errors_pass_through_and_free_the_slot() -> None:
    time = VirtualTime()
    limiter = FloodLimiter(overall=1, clock=time, sleep=time.sleep)

    async def broken() -> None:
        raise ConnectionError("down")

    async def fine() -> str:
        return "ok"

    with pytest.raises(ConnectionError):
        await limiter.run(1, broken)
    assert await limiter.run(2, fine) == "ok"


async def test_while_people_chat_a_broadcast_leaves_slots_for_answers() -> None:
    time = VirtualTime()
    limiter = FloodLimiter(clock=time, sleep=time.sleep)  # 30/s, 5 kept for answers
    starts: list[tuple[str, float]] = []

    async def send(name: str, chat: int, bulk: bool) -> None:
        async def call() -> None:
            starts.append((name, time()))

        await limiter.run(chat, call, bulk=bulk)

    await asyncio.gather(*(send("bulk", chat, True) for chat in range(60)))
    alone = [t for _, t in starts]
    assert busiest_second(alone) == 30  # nobody chatting: the broadcast uses every slot

    starts.clear()
    await send("answer", 999, False)  # a person is chatting now
    broadcast = [asyncio.create_task(send("bulk", chat, True)) for chat in range(100, 160)]
    for _ in range(5):
        await asyncio.sleep(0)
    asked = time()
    await send("answer", 998, False)  # arrives while the broadcast fills its slots
    await asyncio.gather(*broadcast)
    bulk = [t for name, t in starts if name == "bulk"]
    assert busiest_second(bulk) <= 25
    assert [t for name, t in starts if name == "answer"][-1] == asked  # at once


class SteppedTime:
    """A clock that moves only when the test moves it; a sleeper wakes once it passes the
    sleeper's deadline, in deadline order. Unlike `VirtualTime`, a sleeper never drags the
    clock (and so everyone else's pace) forward."""

    def __init__(self) -> None:
        self.now = 1_000.0
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        waker = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.now + max(0.0, seconds), id(waker), waker))
        await waker

    async def advance(self, seconds: float) -> None:
        target = self.now + seconds
        await settle()
        while self._sleepers and self._sleepers[0][0] <= target:
            deadline, _, waker = heapq.heappop(self._sleepers)
            self.now = max(self.now, deadline)
            waker.set_result(None)
            await settle()
        self.now = target
        await settle()


async def settle() -> None:
    """Let every task that can run, run."""
    for _ in range(20):
        await asyncio.sleep(0)


async def test_however_busy_people_are_answers_never_wait_behind_a_broadcast() -> None:
    """20 answers a second, steadily, while 200 reminders go out: the broadcast gets what the
    answers leave (it slows down, never stops), and no answer waits for a slot. Each slot an
    answer frees, the broadcast may take only up to `overall - reserve`: the answers' share
    does not creep away."""
    time = SteppedTime()
    limiter = FloodLimiter(clock=time, sleep=time.sleep)
    starts: list[tuple[str, float]] = []

    async def send(name: str, chat: int, bulk: bool) -> None:
        async def call() -> None:
            starts.append((name, time()))

        await limiter.run(chat, call, bulk=bulk)

    async def answer(n: int) -> None:
        asked = asyncio.create_task(send("answer", 1_000 + n % 50, False))
        await settle()
        assert asked.done(), f"answer {n} waits"  # it did not wait for the clock

    for n in range(20):  # people chat for a second before the broadcast starts
        await answer(n)
        await time.advance(0.05)
    broadcast = asyncio.gather(*(send("bulk", chat, True) for chat in range(200)))
    for n in range(20, 220):  # ten more seconds
        await answer(n)
        await time.advance(0.05)
    while not broadcast.done():
        await time.advance(0.05)
    await broadcast
    assert busiest_second([t for _, t in starts]) <= 30
    while_chatting = [t for name, t in starts if name == "bulk" and t < 1_011.0]
    assert len(while_chatting) >= 10  # ≥ 1 a second: reminders still go out
