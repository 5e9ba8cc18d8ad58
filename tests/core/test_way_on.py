"""Always a way on: every answer of every flow ends with buttons, unless a question waits
for a typed answer; notifications too. Same-kind notifications within a few minutes come as
one message, and non-urgent ones wait for the end of the quiet hours."""

from __future__ import annotations

from datetime import UTC, datetime

from handlers.offers.catalog_import import import_demo
from handlers.router import Router
from handlers.types import Reply
from storage.db import Database
from tests.conftest import Chat, Clock, onboard_buddy, onboard_newcomer
from tests.hours.test_hours_support import BUDDY, NEWCOMER, inbox, invite_code, paired, rows


class StrictChat(Chat):
    """A chat that fails as soon as an answer leaves the person without a next step."""

    async def _check(self, said: str, replies: list[Reply]) -> list[Reply]:
        assert replies, said
        async with self.router.db.transaction() as tx:
            step = await tx.scalar(
                "SELECT c.step FROM conversations c JOIN identities i ON i.person_id = c.person_id "
                "WHERE i.address = ?",
                (self.address,),
            )
        assert replies[-1].buttons or step, f"dead end after {said!r}: {replies[-1].text!r}"
        return replies

    async def say(self, text: str) -> list[Reply]:
        return await self._check(text, await super().say(text))

    async def press(self, data: str) -> list[Reply]:
        return await self._check(data, await super().press(data))


def first(chat: Chat, prefix: str) -> str:
    for reply in reversed(chat.last):
        for row in reply.buttons:
            for button in row:
                if button.data and button.data.startswith(prefix):
                    return button.data
    raise AssertionError(f"no {prefix} button in {chat.text!r}")


async def test_every_newcomer_answer_has_a_way_on(router: Router, db: Database) -> None:
    await import_demo(db)
    chat = StrictChat(router, NEWCOMER)
    await onboard_newcomer(chat)
    await chat.say("/offers")
    for prefix in ("ad:", "ai:", "ak:", "ac:"):
        try:
            await chat.press(first(chat, prefix))
        except AssertionError as missing:
            if "no " not in str(missing):
                raise
    await chat.press(first(chat, "ay:"))
    await chat.say("/myoffers")
    await chat.press(first(chat, "aq:"))
    await chat.press(first(chat, "ar:"))
    await chat.say("/proof")  # no hours yet
    await chat.say("/progress")
    await chat.say("/help")
    await chat.say("/privacy")
    await chat.say("/mydata")
    await chat.say("/nonsense")
    await chat.say("hello there friend")
    await chat.say("/log")
    await chat.press(first(chat, "hl:"))
    await chat.say("/menu")
    await chat.say("/profile")


async def test_every_buddy_answer_has_a_way_on(router: Router) -> None:
    buddy = StrictChat(router, BUDDY)
    await onboard_buddy(buddy, locale="en")
    await invite_code(buddy)
    await buddy.say("/offers")
    await buddy.say("/progress")
    await buddy.say("/buddy")
    await buddy.say("/help")


async def test_confirmations_come_as_one_message(router: Router, db: Database) -> None:
    buddy, newcomer = await paired(router)
    for day in (0, 1, 2):  # three meetings on three days
        await buddy.say("/log")
        await buddy.press("hh:day")
        await buddy.press(f"hd:{day}")
        await buddy.press("hh:60")
        await buddy.press("ba:coffee")
    pending = await rows(db, "SELECT id FROM hour_entries WHERE status = 'pending' ORDER BY id")
    assert len(pending) == 3
    for entry in pending:
        await newcomer.press(f"hc:ok:{entry['id']}")
    told = await inbox(db, BUDDY, "hours_confirmed")
    assert len(told) == 1  # one message, three lines
    assert told[0].text.count("Confirmed by Amal") == 3
    waiting = await rows(
        db, "SELECT not_before, created_at FROM outbox WHERE purpose = 'hours_confirmed' "
        "AND status = 'pending'"
    )  # fmt: skip
    assert len(waiting) == 1 and waiting[0]["not_before"] > waiting[0]["created_at"]
    assert told[0].buttons  # a way on


async def test_non_urgent_notices_wait_for_the_morning(db: Database) -> None:
    clock = Clock(datetime(2026, 11, 23, 22, 11, tzinfo=UTC))  # 23:11 in Brussels
    from handlers.context import Config

    router = Router(db, Config(bot_username="meedoen_test_bot"), clock=clock)
    buddy, _newcomer = await paired(router)
    await buddy.say("/log")
    await buddy.press("hh:60")
    await buddy.press("ba:coffee")
    (request,) = await rows(db, "SELECT not_before FROM outbox WHERE purpose = 'confirm_request'")
    assert request["not_before"].startswith("2026-11-24T07:00")  # 08:00 in Brussels
