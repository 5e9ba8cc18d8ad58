"""Reminders on Telegram, end to end: a tick queues, the real channel delivers, the user taps."""

from __future__ import annotations

from handlers.context import Config
from handlers.reminders.ticks import remind_quiet
from storage.delivery import unreachable_since
from tests.e2e import E2E, say, tap, telegram  # noqa: F401
from tests.fakes.telegram_api import FakeUser


async def onboard(user: FakeUser) -> None:
    await say(user, "/start")
    for data in ("ol:en", "or:newcomer", "op:yes"):
        await tap(user, data)
    await say(user, user.first_name)
    await say(user, "8900", n=2)
    for data in ("oi:language", "oi:done", "od:1", "oa:weekend", "oa:done", "ok:0"):
        await tap(user, data)
    await tap(user, "ot:25", n=2)


async def quiet_tick(e2e: E2E) -> int:
    async with e2e.db.transaction() as tx:
        return await remind_quiet(tx, Config(), e2e.clock())


def sends_to(e2e: E2E, user: FakeUser) -> int:
    calls = e2e.fake.calls_to("sendMessage")
    return sum(1 for call in calls if str(call.params.get("chat_id")) == str(user.id))


async def test_a_nudge_arrives_and_its_button_starts_logging(telegram: E2E) -> None:  # noqa: F811
    user = telegram.user(601, "Amal", "en")
    await onboard(user)
    telegram.clock.advance(days=15)
    assert await quiet_tick(telegram) == 1
    await telegram.drain_outbox()
    [nudge] = await user.wait_messages(1)
    assert nudge.text and "Hello Amal!" in nudge.text
    assert "⏱️ Log hours" in nudge.button_texts
    [question] = await tap(user, "⏱️ Log hours")
    assert "What did you do?" in (question.text or "")
    assert await quiet_tick(telegram) == 0  # the same day again: nothing twice


async def test_a_blocked_person_is_marked_unreachable_and_not_retried(
    telegram: E2E,  # noqa: F811
) -> None:
    user = telegram.user(602, "Omar", "en")
    await onboard(user)
    before = sends_to(telegram, user)
    telegram.fake.block(user.id)
    telegram.clock.advance(days=15)
    assert await quiet_tick(telegram) == 1
    await telegram.drain_outbox()
    await telegram.drain_outbox()
    assert sends_to(telegram, user) == before + 1  # refused once, never tried again
    async with telegram.db.transaction() as tx:
        assert await unreachable_since(tx, "telegram", "602") is not None
        status = await tx.scalar("SELECT status FROM outbox WHERE purpose = 'reminder:nudge'")
    assert status == "failed"
    telegram.clock.advance(days=8)
    assert await quiet_tick(telegram) == 0  # nobody to send it to

    telegram.fake.unblock(user.id)
    telegram.clock.advance(minutes=1)
    await say(user, "/menu")  # back again
    telegram.clock.advance(days=7, minutes=1)
    assert await quiet_tick(telegram) == 1
    await telegram.drain_outbox()
    [nudge] = await user.wait_messages(1)
    assert "Hello Omar!" in (nudge.text or "")
