"""Buddy matches as a transcript: a newcomer asks for a buddy, staff propose one, both accept.

Amal (Westhoek, English, free in the evening and weekend) asks for a buddy at the end of
onboarding. Jan and Mia are Westhoek buddies; Mia also speaks English. Gert (Gent) asks too;
Greet is Gent's buddy. Els is Westhoek's staff and tries Gent's ids as well.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from handlers.context import Config
from handlers.router import Router
from storage.db import Database
from storage.staff import add_staff
from tests.conftest import Chat, Clock, onboard_buddy, onboard_newcomer

CONFIG = Config(bot_username="meedoen_test_bot", default_locale="en")


async def _rows(db: Database, sql: str, *params: object) -> list[dict[str, object]]:
    async with db.transaction() as tx:
        return [dict(row) for row in await tx.all(sql, params)]


async def _id(db: Database, address: str) -> int:
    [row] = await _rows(db, "SELECT person_id FROM identities WHERE address = ?", address)
    return int(row["person_id"])  # type: ignore[call-overload]


async def test_staff_propose_a_buddy_and_both_accept(db: Database, clock: Clock) -> None:
    router = Router(db, CONFIG, clock=clock)
    amal = Chat(router, "amal")
    await onboard_newcomer(amal, name="Amal")
    assert "All set" in amal.last[0].text
    wished = await amal.tap("I would like a buddy")
    assert "look for a buddy near you" in wished[0].text
    profile = await amal.say("/profile")
    assert "Buddy wanted: 👍 Yes" in profile[0].text
    await onboard_buddy(Chat(router, "jan"), name="Jan")
    mia = Chat(router, "mia")
    await onboard_buddy(mia, name="Mia", locale="en")
    gert = Chat(router, "gert")
    await onboard_newcomer(gert, name="Gert", place="9000")
    await gert.tap("I would like a buddy")
    await onboard_buddy(Chat(router, "greet"), name="Greet", place="9000")
    async with db.transaction() as tx:
        for network, email, telegram_id in (("Westhoek", "els@westhoek.example", "7001"),
                                            ("Gent", "tom@gent.example", "7002")):  # fmt: skip
            network_id = await tx.scalar("SELECT id FROM networks WHERE name = ?", (network,))
            await add_staff(tx, email=email, network_id=network_id, now=clock.now,
                            telegram_id=telegram_id)  # fmt: skip
    clock.now = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    els = Chat(router, "7001", channel="telegram")

    listed = await els.say("/matches")
    assert "1 nieuwkomer wil graag een buddy" in listed[0].text
    [amal_card] = listed[1:]
    assert "Amal" in amal_card.text and "Gert" not in amal_card.text
    lines = amal_card.text.splitlines()
    assert "Mia" in lines[1] and "English" in lines[1]  # a shared language comes first
    assert "Jan" in lines[2] and "Greet" not in amal_card.text

    # Gent's people, and a forged pair, are old buttons; nothing is proposed.
    ids = {name: await _id(db, name) for name in ("amal", "jan", "mia", "gert", "greet")}
    for data in (f"mp:{ids['gert']}:{ids['greet']}", f"mp:{ids['amal']}:{ids['greet']}",
                 f"mp:{ids['gert']}:{ids['jan']}", f"mp:{ids['jan']}:{ids['mia']}"):  # fmt: skip
        assert (await els.press(data))[0].text.startswith("⌛"), data
    assert await _rows(db, "SELECT * FROM buddy_proposals") == []

    await els.say("/matches")
    proposed = await els.tap("Stel Mia voor")
    assert "Amal" in proposed[0].text and "Mia" in proposed[0].text
    invitations = await _rows(db, "SELECT address, payload FROM outbox "
                                  "WHERE purpose = 'buddy_proposal' ORDER BY address")  # fmt: skip
    assert [r["address"] for r in invitations] == ["amal", "mia"]
    texts = {str(r["address"]): json.loads(str(r["payload"]))[0] for r in invitations}
    assert "propose Mia as your buddy" in texts["amal"]["text"]  # each in their language
    assert "propose you as buddy for Amal" in texts["mia"]["text"]
    data = texts["amal"]["buttons"][0][0]["data"]
    assert "⏳" in (await els.say("/matches"))[1].text  # proposed, waiting for both

    # Someone else cannot answer it; Amal says yes, then Mia: they are paired.
    assert (await Chat(router, "jan").press(data))[0].text.startswith("⌛")
    waiting = await amal.press(data)
    assert "Mia" in waiting[0].text and "yes too" in waiting[0].text
    assert await _rows(db, "SELECT * FROM buddy_pairs") == []
    paired = await mia.press(texts["mia"]["buttons"][0][0]["data"])
    assert "You and Amal are now paired" in paired[0].text
    [pair] = await _rows(db, "SELECT buddy_id, newcomer_id, status FROM buddy_pairs")
    assert pair == {"buddy_id": ids["mia"], "newcomer_id": ids["amal"], "status": "active"}
    told = await _rows(db, "SELECT address FROM outbox WHERE purpose = 'paired'")
    assert told == [{"address": "amal"}]
    assert "Niemand wacht op een buddy" in (await els.say("/matches"))[0].text
    assert (await amal.press(data))[0].text.startswith("⌛")  # used: an old button now
