"""Bot API sends as plain JSON, their results read as plain JSON.

For every result PTB builds a `Message` object, with an object for each button of its
keyboard; we read at most one field of it (a photo's file_id). Building those objects, and the
keyboard objects before them, was ~10 % of a turn's CPU (cProfile at 200-400 updates/s). The
request goes through PTB's request layer all the same: the same connection pool, the same rate
limiter, the same errors (`BadRequest`, `Forbidden`, `RetryAfter`, `NetworkError`).

Method names go in lower case. The Bot API documentation, "Making requests": "All methods in
the Bot API are case-insensitive"; PTB's `do_api_request` warns about a name it has a method
for (`sendMessage`), not about `sendmessage`.
"""

from __future__ import annotations

from typing import Any

from telegram.constants import ParseMode
from telegram.ext import ExtBot

JSON = dict[str, Any]


async def call(bot: ExtBot[Any], method: str, params: JSON, limits: JSON | None = None) -> Any:
    """`method` with `params` (PTB leaves out the None ones); its result as the Bot API
    gives it."""
    return await bot.do_api_request(method.lower(), api_kwargs=params, rate_limit_args=limits)


async def send_message(
    bot: ExtBot[Any], chat_id: int, text: str, markup: JSON | None, limits: JSON | None = None
) -> Any:
    params = {
        "chat_id": chat_id,
        "text": text,
        "parse_mode": ParseMode.HTML,
        "reply_markup": markup,
    }
    return await call(bot, "sendMessage", params, limits)
