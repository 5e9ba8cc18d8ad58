"""Updates from different chats are handled at the same time (bounded); one chat's in order.

PTB's `concurrent_updates` runs updates as tasks with no order at all, so a person's second
message could overtake their first. This processor chains each chat's updates: an update
waits for the previous one of its chat, then for one of `limit` slots. Tasks start in the
order PTB fetched the updates and the chain is joined before the first `await`, so each chat
keeps Telegram's order.

A getUpdates call tells Telegram that every update fetched before was delivered: after a
crash, those are not sent again. So the next fetch waits while the bot has a backlog
(`FetchWhenRoom`): once `high` updates are waiting or running, it waits until no more than
`low` are left. What a crash can lose stays bounded (at most ~`high` + one batch), and a busy
bot fetches many updates per call instead of one (a call costs about a third of a no-op
turn). Below `high` nothing waits, so a quiet bot answers as fast as before.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor
from telegram.request import HTTPXRequest

# PTB's own semaphore (taken before ours) must never make an update wait: a wait there could
# reorder a chat's updates. The real bound is `limit`.
_UNBOUNDED = 1_000_000


def chat_key(update: object) -> object:
    """Updates of one chat share a key; anything else is in a lane of its own."""
    if isinstance(update, Update):
        if update.effective_chat is not None:
            return update.effective_chat.id
        if update.effective_user is not None:
            return ("user", update.effective_user.id)
    return ("update", id(update))


class ChatOrderedProcessor(BaseUpdateProcessor):
    def __init__(self, limit: int = 16) -> None:
        super().__init__(_UNBOUNDED)
        self.limit = limit
        self._slots = asyncio.Semaphore(limit)
        self._tails: dict[object, asyncio.Event] = {}
        self.unfinished = 0  # updates handed over and not finished
        self._finished = asyncio.Event()

    async def until_at_most(self, backlog: Callable[[], int], low: int) -> None:
        """Return once `backlog()` is `low` or less; it is checked as each update finishes."""
        while backlog() > low:
            self._finished.clear()
            await self._finished.wait()

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        self.unfinished += 1
        key = chat_key(update)
        previous = self._tails.get(key)
        done = asyncio.Event()
        self._tails[key] = done
        try:
            if previous is not None:
                await previous.wait()
            async with self._slots:
                await coroutine
        finally:
            if asyncio.iscoroutine(coroutine):
                coroutine.close()  # never awaited (cancelled while waiting): no warning
            done.set()
            if self._tails.get(key) is done:
                del self._tails[key]
            self.unfinished -= 1
            self._finished.set()

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass


class FetchWhenRoom(HTTPXRequest):
    """The getUpdates connection: a fetch waits while the backlog is high (see above).

    `backlog` counts fetched updates not yet finished: those still in PTB's update queue and
    those in the processor (a task created and not yet started is missed for one loop
    iteration; the bound is soft).
    """

    def __init__(
        self, processor: ChatOrderedProcessor, backlog: Callable[[], int], high: int, low: int
    ) -> None:
        # As PTB builds its own getUpdates request with get_updates_connection_pool_size(2):
        # a second connection lets the last getUpdates at shutdown (which acknowledges the
        # fetched updates) run while the cancelled long poll is still being torn down.
        super().__init__(connection_pool_size=2)
        self.processor, self.backlog, self.high, self.low = processor, backlog, high, low

    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        if self.backlog() >= self.high:
            await self.processor.until_at_most(self.backlog, self.low)
        return await super().do_request(*args, **kwargs)
