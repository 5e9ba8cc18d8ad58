"""Updates from different chats are handled at the same time (bounded); one chat's in order.

PTB's `concurrent_updates` runs updates as tasks with no order at all, so a person's second
message could overtake their first. This processor chains each chat's updates: an update
waits for the previous one of its chat, then for one of `limit` slots. Tasks start in the
order PTB fetched the updates and the chain is joined before the first `await`, so each chat
keeps Telegram's order.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

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

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
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

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass
