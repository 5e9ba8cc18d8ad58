"""Operators are told: alerts when delivery fails for 10 minutes or a message is given up
(at most one per kind per hour), and `python -m bot doctor`, one ✅/❌ line per check.
"""

from __future__ import annotations

import socket

from bot.cli_doctor import doctor
from bot.ops import Ops
from bot.settings import load_settings
from handlers.context import dump_replies
from handlers.types import Reply
from storage import outbox
from tests.delivery.test_outbox_delivery import TOKEN, Rig

OPS_CHAT = 9900


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_telegram_failing_for_10_minutes_alerts_the_operators_once_an_hour(rig: Rig) -> None:
    settings = load_settings(ops_telegram_chat_id=OPS_CHAT, _env_file=None)
    rig.fake.user(OPS_CHAT, "Ops", "nl")
    await rig.queue([7701])
    sender = rig.sender()
    ops = Ops(settings, rig.db, sender, clock=rig.clock,
              send_telegram=rig.channel.application.bot.send_message)  # fmt: skip
    rig.fake.fail_next("sendMessage", 502, count=3)
    for _ in range(3):
        assert await sender.run_once() == 0
        assert await ops.check() == []  # not 10 minutes yet
        rig.clock.advance(minutes=4)
    assert set(await ops.check()) == {"down:telegram", "stuck"}
    alerts = rig.received(OPS_CHAT)
    assert any("Bot API has failed since 10:00 UTC" in text for text in alerts)
    assert any("delivery is stuck" in text for text in alerts)
    rig.clock.advance(minutes=30)
    assert await ops.check() == []  # at most one of each kind per hour
    assert await sender.run_once() == 1  # Telegram is back
    assert rig.received(7701) == ["🔔 Reminder 0"]
    rig.clock.advance(minutes=31)
    assert await ops.check() == []  # nothing wrong any more
    assert len(rig.received(OPS_CHAT)) == 2


async def test_a_message_given_up_is_reported(rig: Rig) -> None:
    settings = load_settings(ops_telegram_chat_id=OPS_CHAT, _env_file=None)
    rig.fake.user(OPS_CHAT, "Ops", "nl")
    async with rig.db.transaction() as tx:
        await outbox.enqueue(
            tx, key="bad", person_id=None, channel="telegram", address="7801",
            purpose="test", payload="not json", now=rig.clock(),
        )  # fmt: skip
    sender = rig.sender()
    ops = Ops(settings, rig.db, sender, clock=rig.clock,
              send_telegram=rig.channel.application.bot.send_message)  # fmt: skip
    assert await sender.run_once() == 0
    assert await ops.check() == ["given-up"]
    [alert] = rig.received(OPS_CHAT)
    assert "gave up on 1 message" in alert and "bad payload" in alert


async def test_doctor_prints_one_line_per_check(rig: Rig) -> None:
    settings = load_settings(
        telegram_bot_token=TOKEN, telegram_api_url=rig.fake.base_url,
        database_path=rig.db.path, smtp_host="127.0.0.1", smtp_port=closed_port(),
        smtp_security="none", _env_file=None,
    )  # fmt: skip
    lines = await doctor(settings, now=rig.clock)
    texts = {text.split(":")[0].split(" ")[0]: (ok, text) for ok, text in lines}
    assert texts["settings"][0] and texts["database"][0] and texts["outbox"][0]
    assert texts["Telegram"] == (True, "Telegram getMe: @meedoen_test_bot")
    assert not texts["SMTP"][0] and "SMTPConnectError" in texts["SMTP"][1]
    assert texts["IMAP"][0]  # not configured is not an error
    async with rig.db.transaction() as tx:
        await outbox.enqueue(
            tx, key="old", person_id=None, channel="telegram", address="1",
            purpose="test", payload=dump_replies([Reply(text="hi")]), now=rig.clock(),
        )  # fmt: skip
    rig.clock.advance(minutes=20)
    lines = await doctor(settings.model_copy(update={"smtp_host": None}), now=rig.clock)
    [(ok, text)] = [line for line in lines if line[1].startswith("outbox")]
    assert not ok and text == "outbox: 1 due, 0 retrying, 0 failed, oldest due 20 min"
