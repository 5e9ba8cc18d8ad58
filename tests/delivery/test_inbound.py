"""Incoming updates over the fake Bot API (tests/fakes/telegram_api.py, after the Bot API
documentation): chats at once, each in order; a failed answerCallbackQuery keeps the press; an
answer that cannot be sent goes to the outbox; an update delivered again is skipped.
"""

from __future__ import annotations

import asyncio

import pytest

from bot.channels.telegram_inbound import ChatOrderedProcessor
from handlers.router import Answer, Router
from handlers.types import Turn
from tests.e2e import E2E, say, telegram  # noqa: F401


async def test_a_slow_chat_does_not_hold_up_another_and_each_chat_stays_in_order(
    telegram: E2E,  # noqa: F811
) -> None:
    amal, jan = telegram.user(6101), telegram.user(6102, "Jan", "nl")
    assert telegram.channel.wiring is not None
    router = telegram.channel.wiring.router
    real = router.answer
    amal_may_go = asyncio.Event()
    handled: list[str] = []

    async def answer(turn: Turn) -> Answer:
        if turn.address == "6101" and turn.text == "/help":
            await amal_may_go.wait()  # Amal's first turn is slow
        handled.append(f"{turn.address} {turn.text}")
        return await real(turn)

    router.answer = answer  # type: ignore[method-assign]
    await amal.send("/help")
    await amal.send("/menu")
    await say(jan, "/help")  # answered while Amal's turn still runs
    assert handled == ["6102 /help"]
    amal_may_go.set()
    await amal.wait_messages(2)
    assert handled == ["6102 /help", "6101 /help", "6101 /menu"]  # Amal's in order


async def test_a_press_is_handled_when_answering_the_callback_fails(
    telegram: E2E,  # noqa: F811
) -> None:
    amal = telegram.user(6201)
    await say(amal, "/start")
    telegram.fake.fail_next("answerCallbackQuery", 400, description="Bad Request: query is too old")
    query_id = await amal.tap(amal.last.buttons[0][0]["callback_data"])  # type: ignore[union-attr]
    [answer] = await amal.wait_messages(1)
    assert answer.body  # the press went through: the next step is shown
    # Telegram stops the spinner by itself after a while; the fake needs to be told.
    telegram.fake.callback_queries[query_id].answer = {"expired": True}


async def test_an_answer_that_cannot_be_sent_now_arrives_through_the_outbox(
    telegram: E2E,  # noqa: F811
) -> None:
    amal = telegram.user(6301)
    telegram.fake.fail_next("sendMessage", 502)  # Bad Gateway: Telegram is having trouble
    await amal.send("/start")
    [answer] = await amal.wait_messages(1)  # sent again by the outbox sender
    assert "language" in answer.body.lower() or answer.buttons
    assert await telegram.drain_outbox() == 0  # waits for the round that sent it
    async with telegram.db.read() as tx:
        row = await tx.one("SELECT purpose, status FROM outbox WHERE address = '6301'")
    assert tuple(row) == ("answer", "sent")


async def test_an_update_delivered_again_after_a_crash_is_skipped(
    telegram: E2E,  # noqa: F811
) -> None:
    amal = telegram.user(6401)
    update_id = telegram.fake._next_update_id
    sent = await amal.send("/start")
    await amal.wait_messages(1)
    await telegram.restart()
    # Telegram had not seen the offset that acknowledges it: it delivers the update again.
    telegram.fake._updates.insert(0, {"update_id": update_id, "message": sent})
    await amal.send("/help")
    [answer] = await amal.wait_messages(1)
    assert "/menu" in answer.body or "help" in answer.body.lower()  # the answer to /help
    assert len(amal.messages) == 2  # /start was not answered twice
    async with telegram.db.read() as tx:
        assert await tx.scalar("SELECT COUNT(*) FROM handled_updates") == 2


async def test_a_busy_bot_tells_telegram_it_has_an_update_only_when_it_has_room(
    telegram: E2E,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """getUpdates with a higher offset confirms every update before it: Telegram forgets them
    (Bot API, getUpdates). A bot that confirms what it has not handled loses it in a crash,
    so a bot with a full backlog does not fetch (and so confirm) until it has drained."""
    go = asyncio.Event()
    real = Router.answer

    async def stuck(self: Router, turn: Turn) -> Answer:
        await go.wait()
        return await real(self, turn)

    await telegram.channel.stop()
    users = [telegram.user(7000 + n) for n in range(150)]
    for user in users:  # waiting at Telegram while no bot polls
        await user.send("/help")
    first_id = telegram.fake.pending_updates()[0]["update_id"]
    monkeypatch.setattr(Router, "answer", stuck)
    await telegram.restart()  # the first getUpdates takes 100 (its limit), all of them stuck
    channel = telegram.channel
    processor = channel.application.update_processor
    assert isinstance(processor, ChatOrderedProcessor)
    go.set()
    await telegram.fake.wait_for(
        lambda: len(telegram.fake.calls_to("sendMessage")) >= 150, timeout=60
    )
    calls = [call.method.lower() for call in telegram.fake.calls]  # methods are case-insensitive
    confirming = next(
        index for index, call in enumerate(telegram.fake.calls)
        if call.method.lower() == "getupdates" and int(call.params.get("offset", 0)) > first_id
    )  # fmt: skip
    answered_before = calls[:confirming].count("sendmessage")
    low = max(1, processor.limit // 2)
    assert answered_before >= 100 - low  # not one, as a bot that fetches at once would
    assert all(user.messages for user in users)  # and then everyone had an answer
