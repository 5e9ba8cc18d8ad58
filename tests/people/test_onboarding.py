"""Onboarding and privacy through the router, read like a chat transcript."""

from __future__ import annotations

import json

from handlers.router import Router
from storage.db import Database
from tests.conftest import Chat, onboard_buddy, onboard_newcomer


async def _row(db: Database, sql: str, *params: object):
    async with db.transaction() as tx:
        return await tx.one(sql, params)


async def test_newcomer_onboarding_stores_profile(chat: Chat, db: Database) -> None:
    await onboard_newcomer(chat, place="Ieper")
    assert "Welcome" in chat.text
    person = await _row(db, "SELECT * FROM people")
    assert person["role"] == "newcomer" and person["locale"] == "en"
    assert person["display_name"] == "Amal" and person["postcode"] == "8900"
    assert json.loads(person["interests"]) == ["sport", "nature"]
    assert json.loads(person["availability"]) == ["evening", "weekend"]
    assert person["dutch_level"] == 2 and person["travel_km"] == 10
    assert person["with_children"] == 0 and person["onboarded_at"] is not None


async def test_buddy_onboarding_in_dutch(chat: Chat, db: Database) -> None:
    await onboard_buddy(chat)
    person = await _row(db, "SELECT * FROM people")
    assert person["role"] == "buddy" and json.loads(person["languages"]) == ["nl"]
    assert person["dutch_level"] is None  # buddies are not asked


async def test_nothing_but_language_before_consent(chat: Chat, db: Database) -> None:
    await chat.say("/start")
    await chat.press("ol:ar")
    await chat.press("or:newcomer")
    await chat.press("op:no")
    person = await _row(db, "SELECT * FROM people")
    assert person["locale"] == "ar" and person["role"] is None and person["consent_at"] is None
    assert person["display_name"] is None and person["postcode"] is None


async def test_unknown_place_gets_examples_and_changes_nothing(chat: Chat, db: Database) -> None:
    await chat.say("/start")
    for data in ("ol:en", "or:newcomer", "op:yes"):
        await chat.press(data)
    await chat.say("Amal")
    await chat.say("Atlantis")
    assert "9000" in chat.text and "Atlantis" in chat.text
    assert (await _row(db, "SELECT postcode FROM people"))["postcode"] is None
    await chat.say("8900")
    assert "Ieper" in chat.text


async def test_odd_input_at_every_step_gets_a_reply(chat: Chat, router: Router) -> None:
    from handlers.types import Turn

    await chat.say("/start")
    voice = await router.handle(Turn(channel="console", address=chat.address, attachment="voice"))
    assert "text" in voice[0].text and voice[-1].buttons  # explains and shows the step again
    long = await chat.say("x" * 5000)
    assert "too long" in long[0].text
    emoji = await chat.say("🙂")
    assert emoji[-1].buttons
    old = await chat.press("od:3")  # a button from a step we are not at
    assert "old" in old[0].text
    forged = await chat.press("zz:hack:1")
    assert "old" in forged[0].text


async def test_restart_resumes_the_same_step(db: Database, clock) -> None:
    from handlers.context import Config

    first = Chat(Router(db, Config(), clock=clock))
    await first.say("/start")
    await first.press("ol:uk")
    await first.press("or:newcomer")
    await first.press("op:yes")
    await first.say("Olena")
    second = Chat(Router(db, Config(), clock=clock))  # a new process, same file
    await second.say("9000")
    assert "9000" in second.text
    assert second.last[-1].buttons and second.last[-1].buttons[0][0].data.startswith("oi:")


async def test_profile_changes_one_answer(chat: Chat, db: Database) -> None:
    await onboard_newcomer(chat)
    await chat.say("/profile")
    await chat.tap("Distance")
    await chat.press("ot:25")
    assert "25 km" in chat.text
    assert (await _row(db, "SELECT travel_km FROM people"))["travel_km"] == 25


async def test_language_can_change_any_time(chat: Chat, db: Database) -> None:
    await onboard_newcomer(chat)
    await chat.say("/language")
    await chat.press("ol:tr")
    assert (await _row(db, "SELECT locale FROM people"))["locale"] == "tr"


async def test_mydata_and_forget(chat: Chat, db: Database) -> None:
    await onboard_newcomer(chat)
    replies = await chat.say("/mydata")
    summary = replies[0].text  # first a short summary a person can read, then the file
    assert "Your data in short" in summary and "👤 Name: Amal" in summary
    assert "📍 Town: Ieper" in summary and "❤️ Interests: Sport and Nature" in summary
    assert "staff of your region" in summary and replies[0].document is None
    document = json.loads(replies[-1].document.content)
    assert document["people"][0]["display_name"] == "Amal"
    assert document["identities"][0]["address"] == chat.address
    await chat.say("/forget")
    await chat.tap("Yes")
    async with db.transaction() as tx:
        assert await tx.scalar("SELECT COUNT(*) FROM people") == 0
        assert await tx.scalar("SELECT COUNT(*) FROM identities") == 0
        assert await tx.scalar("SELECT COUNT(*) FROM conversations") == 0
        assert await tx.scalar("SELECT SUM(count) FROM forgotten_counts") == 1


async def test_commands_wait_for_onboarding(chat: Chat) -> None:
    await chat.say("/start")
    replies = await chat.say("/profile")
    assert "finish" in replies[0].text
