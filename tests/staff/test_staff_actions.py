"""Staff act on what they see, as transcripts: /disputes and /atrisk in a chat.

Westhoek has Amal (a newcomer writing in English, buddy Jan writes Dutch) with three disputed
buddy entries and Omar, quiet since October. Gent has Gert with a disputed entry and Gerda,
quiet too. Els is Westhoek's staff (Telegram 7001), Tom is Gent's (7002). Els tries every
action with Gent's ids; nothing changes and nothing is told to anyone.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest_asyncio

from handlers.context import Config
from handlers.offers.catalog_import import import_demo
from handlers.router import Router
from storage import hours
from storage.buddies import claim_invite, create_invite
from storage.clock import iso
from storage.db import Database
from storage.people import Person, find_by_identity
from storage.staff import add_staff
from tests.conftest import Chat, Clock, onboard_buddy, onboard_newcomer

CONFIG = Config(bot_username="meedoen_test_bot", default_locale="en")
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


@dataclass
class World:
    db: Database
    clock: Clock
    router: Router
    people: dict[str, Person]
    entries: dict[str, int]
    els: Chat
    tom: Chat

    async def rows(self, sql: str, *params: object) -> list[dict[str, Any]]:
        async with self.db.transaction() as tx:
            return [dict(row) for row in await tx.all(sql, params)]

    async def told(self, purpose: str) -> dict[str, str]:
        """Who was sent a message for `purpose`: address → its text."""
        rows = await self.rows(
            "SELECT address, payload FROM outbox WHERE purpose = ? ORDER BY id", purpose
        )
        return {r["address"]: " ".join(x["text"] for x in json.loads(r["payload"])) for r in rows}


async def _disputed(db: Database, newcomer: Person, buddy: Person, pair_id: int, minutes: int,
                    when: datetime, words: str) -> int:  # fmt: skip
    async with db.transaction() as tx:
        entry = await hours.add_entry(
            tx, person_id=newcomer.id, source="buddy", kind="buddy", day=when.date(),
            minutes=minutes, status="pending", now=when, logged_by=newcomer.id,
            pair_id=pair_id, confirmer_id=buddy.id,
        )  # fmt: skip
        assert await hours.dispute_entry(tx, entry.id, buddy.id, buddy.display_name, words, when)
        await hours.set_note(tx, entry.id, "logger", "We met at the library", when)
        return entry.id


@pytest_asyncio.fixture
async def world(db: Database, clock: Clock) -> World:
    router = Router(db, CONFIG, clock=clock)
    await import_demo(db)
    clock.now = datetime(2026, 10, 20, 10, 0, tzinfo=UTC)
    await onboard_newcomer(Chat(router, "omar"), name="Omar", locale="ar")
    await onboard_newcomer(Chat(router, "gerda"), name="Gerda", place="9000")
    clock.now = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    await onboard_newcomer(Chat(router, "amal"), name="Amal")
    await onboard_buddy(Chat(router, "jan"), name="Jan")
    await onboard_newcomer(Chat(router, "gert"), name="Gert", place="9000")
    await onboard_buddy(Chat(router, "greet"), name="Greet", place="9000")
    people: dict[str, Person] = {}
    async with db.transaction() as tx:
        for name in ("omar", "gerda", "amal", "jan", "gert", "greet"):
            person = await find_by_identity(tx, "console", name)
            assert person is not None
            people[name] = person
        pairs = {}
        for buddy, newcomer in (("jan", "amal"), ("greet", "gert")):
            invite = await create_invite(tx, people[buddy].id, clock.now)
            await claim_invite(tx, invite.code, people[newcomer].id, clock.now)
            pairs[newcomer] = await tx.scalar(
                "SELECT id FROM buddy_pairs WHERE newcomer_id = ?", (people[newcomer].id,)
            )
        for network, email, telegram_id in (("Westhoek", "els@westhoek.example", "7001"),
                                            ("Gent", "tom@gent.example", "7002")):  # fmt: skip
            network_id = await tx.scalar("SELECT id FROM networks WHERE name = ?", (network,))
            await add_staff(tx, email=email, network_id=network_id, now=clock.now,
                            telegram_id=telegram_id)  # fmt: skip
    when = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
    entries = {
        f"amal{i}": await _disputed(db, people["amal"], people["jan"], pairs["amal"], m,
                                    when + timedelta(days=i), "We did not meet")
        for i, m in enumerate((60, 120, 180))
    }  # fmt: skip
    entries["gert"] = await _disputed(db, people["gert"], people["greet"], pairs["gert"], 90,
                                      when, "Not true")  # fmt: skip
    clock.now = NOW
    return World(db, clock, router, people, entries, Chat(router, "7001", channel="telegram"),
                 Chat(router, "7002", channel="telegram"))  # fmt: skip


async def test_staff_settle_disputes_in_one_tap(world: World) -> None:
    els = world.els
    replies = await els.say("/disputes")
    assert "3 betwiste registraties" in replies[0].text  # staff speak Dutch
    listed = els.text
    assert "Amal" in listed and "We did not meet" in listed and "We met at the library" in listed
    assert "Gert" not in listed and "Not true" not in listed
    assert "5 dagen" in listed  # how long it waited (since Tuesday 24 November 10:00)

    done = await els.tap("Tellen mee")  # the last one listed: 26 November, 3 hours
    assert "tellen mee" in done[0].text.lower() and done[0].edit
    [settled] = await world.rows("SELECT * FROM dispute_settlements")
    assert settled["entry_id"] == world.entries["amal2"] and settled["outcome"] == "accepted"
    assert settled["staff_email"] == "els@westhoek.example"
    assert settled["settled_at"] == iso(NOW)
    [entry] = await world.rows("SELECT status, minutes FROM hour_entries WHERE id = ?",
                               world.entries["amal2"])  # fmt: skip
    assert entry == {"status": "confirmed", "minutes": 180}
    told = await world.told("dispute_settled")
    assert set(told) == {"amal", "jan"}  # both sides, each in their language
    assert "The hours count" in told["amal"] and "De uren tellen mee" in told["jan"]

    # Other hours: a wrong number is refused with the way forward, then 1,5 counts.
    await els.say("/disputes")
    await els.tap("Andere uren")
    refused = await els.say("a lot")
    assert "1,5" in refused[0].text
    assert (await world.rows("SELECT status FROM hour_entries WHERE id = ?",
                             world.entries["amal1"]))[0]["status"] == "disputed"  # fmt: skip
    await els.say("1,5")
    [entry] = await world.rows("SELECT status, minutes FROM hour_entries WHERE id = ?",
                               world.entries["amal1"])  # fmt: skip
    assert entry == {"status": "confirmed", "minutes": 90}

    await els.say("/disputes")
    await els.tap("Tellen niet mee")
    [entry] = await world.rows("SELECT status FROM hour_entries WHERE id = ?",
                               world.entries["amal0"])  # fmt: skip
    assert entry["status"] == "undone"
    outcomes = [r["outcome"] for r in await world.rows(
        "SELECT outcome FROM dispute_settlements ORDER BY id")]  # fmt: skip
    assert outcomes == ["accepted", "corrected", "rejected"]
    assert "Geen betwiste uren" in (await els.say("/disputes"))[0].text

    # Pressing an old button again changes nothing.
    again = await els.press(f"sd:r:{world.entries['amal2']}")
    assert again[0].text.startswith("⌛")


async def test_staff_never_act_on_another_network(world: World) -> None:
    els, gert = world.els, world.entries["gert"]
    for data in (f"sd:a:{gert}", f"sd:r:{gert}", f"sd:c:{gert}",
                 f"nu:{world.people['gert'].id}", f"nu:{world.people['gerda'].id}"):  # fmt: skip
        replies = await els.press(data)
        assert replies[0].text.startswith("⌛"), data
    assert (await world.rows("SELECT status FROM hour_entries WHERE id = ?", gert))[0] == {
        "status": "disputed"
    }
    assert await world.rows("SELECT * FROM dispute_settlements") == []
    assert await world.rows("SELECT * FROM nudges") == []
    quiet = "SELECT * FROM outbox WHERE purpose IN ('nudge', 'dispute_settled')"
    assert await world.rows(quiet) == []
    await els.say("/atrisk")
    assert "Omar" in els.text and "Gerda" not in els.text
    # Gent's staff see and settle their own.
    assert "Gert" in "\n".join(r.text for r in await world.tom.say("/disputes"))
    await world.tom.tap("Tellen mee")
    assert (await world.rows("SELECT status FROM hour_entries WHERE id = ?", gert))[0] == {
        "status": "confirmed"
    }


async def test_a_newcomer_cannot_settle_or_nudge(world: World) -> None:
    amal = Chat(world.router, "amal")
    assert "not available" in (await amal.say("/disputes"))[0].text
    assert "not available" in (await amal.say("/atrisk"))[0].text
    assert (await amal.press(f"sd:a:{world.entries['amal0']}"))[0].text.startswith("⌛")
    assert (await amal.press(f"nu:{world.people['omar'].id}"))[0].text.startswith("⌛")
    assert await world.rows("SELECT * FROM dispute_settlements") == []


async def test_one_nudge_a_week(world: World) -> None:
    els = world.els
    await els.say("/atrisk")
    assert "Omar" in els.text and "Amal" not in els.text  # Amal was active this week
    sent = await els.tap("Stuur een duwtje")
    assert "Omar" in sent[0].text
    told = await world.told("nudge")
    assert list(told) == ["omar"] and "مرحب" in told["omar"]  # in Omar's language (Arabic)
    assert told["omar"].count("• ") == 2  # two offers that fit him
    # The same day, and six days later: no second nudge, and staff are told when the last was.
    for days in (0, 6):
        world.clock.now = NOW + timedelta(days=days)
        again = await els.press(f"nu:{world.people['omar'].id}")
        assert "30 nov" in again[0].text, again[0].text
    listed = await els.say("/atrisk")
    assert not any(r.buttons for r in listed[1:])  # no button while the week lasts
    assert len(await world.rows("SELECT * FROM nudges")) == 1
    world.clock.now = NOW + timedelta(days=7)
    await els.press(f"nu:{world.people['omar'].id}")
    assert len(await world.rows("SELECT * FROM nudges")) == 2
    assert len(await world.told("nudge")) == 1  # one address, two messages
    assert len(await world.rows("SELECT id FROM outbox WHERE purpose = 'nudge'")) == 2
