"""Onboarding on Telegram, end to end: real PTB Application, fake Bot API over HTTP."""

from __future__ import annotations

import json
import re

from tests.e2e import E2E, say, tap, telegram  # noqa: F401
from tests.fakes.telegram_api import FakeUser

ARABIC = re.compile(r"[\u0600-\u06FF]")
CYRILLIC = re.compile(r"[\u0400-\u04FF]")


async def onboard(user: FakeUser, locale: str, name: str, place: str) -> None:
    picker = await say(user, "/start")
    assert len(picker[0].buttons) >= 7  # 14 languages, two per row
    await tap(user, f"ol:{locale}")
    await tap(user, "or:newcomer")
    await tap(user, "op:yes")
    await say(user, name)
    await say(user, place, n=2)
    await tap(user, "oi:sport")
    await tap(user, "oi:nature")
    await tap(user, "oi:done")
    await tap(user, "od:1")
    await tap(user, "oa:weekend")
    await tap(user, "oa:done")
    await tap(user, "ok:1")
    await tap(user, "ot:25", n=2)


async def test_full_onboarding_in_arabic(telegram: E2E) -> None:  # noqa: F811
    user = telegram.user(501, "Amal", "ar")
    picker = await say(user, "/start")
    first_row = picker[0].buttons[0]
    assert first_row[0]["callback_data"] == "ol:ar"  # Telegram's language_code goes first
    await tap(user, "ol:ar")
    await tap(user, "or:newcomer")
    await tap(user, "op:yes")
    named = await tap(user, "on:hint")  # "use my Telegram first name"
    assert ARABIC.search(named[0].text)
    await say(user, "9000", n=2)
    for data in ("oi:cooking", "oi:language", "oi:done", "od:1", "oa:weekday", "oa:done",
                 "ok:1"):
        await tap(user, data)
    done = await tap(user, "ot:10", n=2)
    assert ARABIC.search(done[0].text) and done[1].buttons  # welcome + menu
    assert "\u20689000\u2069" in "".join(m.text for m in user.messages)  # isolated digits
    async with telegram.db.transaction() as tx:
        row = await tx.one("SELECT locale, display_name, postcode, dutch_level FROM people")
    assert tuple(row) == ("ar", "Amal", "9000", 1)


async def test_full_onboarding_in_ukrainian(telegram: E2E) -> None:  # noqa: F811
    user = telegram.user(502, "Олена", "uk")
    await onboard(user, "uk", "Олена", "Temse")
    assert CYRILLIC.search(user.messages[-2].text)
    async with telegram.db.transaction() as tx:
        row = await tx.one("SELECT locale, display_name, place FROM people")
    assert tuple(row) == ("uk", "Олена", "Temse")


async def test_command_menu_is_set_per_language(telegram: E2E) -> None:  # noqa: F811
    for code in ("nl", "ar", "uk", "fa", "ti", ""):
        names = [c["command"] for c in telegram.fake.commands[code]]
        assert {"menu", "help", "language", "mydata", "forget"} <= set(names)
    assert telegram.fake.commands["ar"] != telegram.fake.commands["nl"]


async def test_restart_in_the_middle_resumes(telegram: E2E) -> None:  # noqa: F811
    user = telegram.user(503, "Dmytro", "uk")
    await say(user, "/start")
    await tap(user, "ol:uk")
    await tap(user, "or:buddy")
    await tap(user, "op:yes")
    await telegram.restart()
    await say(user, "Dmytro")  # answers the question asked before the restart
    resumed = await say(user, "8900", n=2)
    assert resumed[1].buttons[0][0]["callback_data"].startswith("oa:")


async def test_odd_input_gets_a_reply_in_the_persons_language(telegram: E2E) -> None:  # noqa: F811
    user = telegram.user(504, "Amal", "ar")
    await say(user, "/start")
    await tap(user, "ol:ar")
    await tap(user, "or:newcomer")
    await tap(user, "op:yes")
    await say(user, "Amal")  # now at the postcode question
    await user.send_voice()
    voice = await user.wait_messages(2)
    assert ARABIC.search(voice[0].text) and "8900" in voice[1].text  # the question again
    long = await say(user, "ب" * 5000, n=2)
    assert ARABIC.search(long[0].text)
    await user.send_photo()
    await user.wait_messages(2)
    emoji = await say(user, "🙂")
    assert ARABIC.search(emoji[0].text)
    await user.tap_data("ol:en", message=user.messages[0])  # the old language button
    old = await user.wait_messages(2)
    assert ARABIC.search(old[0].text)
    await user.tap_data("hc:ok:99999")  # forged: nobody's entry
    forged = await user.wait_messages(2)
    assert ARABIC.search(forged[0].text)
    async with telegram.db.transaction() as tx:
        row = await tx.one("SELECT locale, postcode FROM people")
    assert tuple(row) == ("ar", None)  # nothing changed


async def test_mydata_then_forget_leaves_no_trace(telegram: E2E) -> None:  # noqa: F811
    user = telegram.user(505, "Samira", "fr")
    await onboard(user, "fr", "Samira", "Lokeren")
    data = await say(user, "/mydata", n=2)
    assert data[0].document is None and "📦" in data[0].text  # a summary first, in French
    document = json.loads(data[-1].document)
    assert document["people"][0]["display_name"] == "Samira"
    await say(user, "/forget")
    await tap(user, "fg:yes")
    async with telegram.db.transaction() as tx:
        for (table,) in await tx.all("SELECT name FROM sqlite_master WHERE type = 'table'"):
            for row in await tx.all(f"SELECT * FROM {table}"):
                flat = json.dumps([str(v) for v in tuple(row)], ensure_ascii=False)
                assert "505" not in flat and "Samira" not in flat, (table, flat)
