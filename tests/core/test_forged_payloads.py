"""Forged and malformed button data, fuzz-style, through the real router.

Every registered action, and every step while the person is at that step, gets a set of bad
payloads from an onboarded newcomer, an onboarded buddy and a person who is not onboarded.
Each must get a polite, non-empty answer, log no error, and change no one's data.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest

from handlers.features import REGISTRY as registry
from handlers.router import Router
from storage.conversations import ConversationState, save_state
from storage.db import Database
from tests.conftest import Chat, Clock
from tests.hours.test_hours_support import paired, rows, scalar

# Appended to each payload code. The first ones are the brief's; the rest aim at the parsers:
# digits that str.isdigit() accepts but int() refuses, other scripts, ids past SQLite's range,
# and the shapes of real buttons with broken parts.
SUFFIXES = (
    "",
    ":",
    ":x",
    ":-1",
    ":99999999999999999999",
    ":1:2:3:4",
    ":<b>",
    ":²",
    ":٣",
    ":0",
    "::",
    ":--1",
    ":o:99999999999999999999",
    ":b:²",
    ":o:1:²:20261123",
    ":b:1:60:99999999",
    ":ok:1.²",
    ":all:1..2",
    ":all:99999999999999999999.1",
    ":s:99999999999999999999",
    ":r:-1",
    ":k:<b>",
    ":2026-W99",
    ":" + "9" * 60,
)

# Typed at a step: numbers the parsers may trip on (no letters, so no answer is a valid name).
TEXTS = ("²½", "-1", "--1", "99999999999999999999", "٣٣٣٣٣", "١٫٥٫", "31/02", "0/0/0", "…")

# What must not change: the people and what they hold (last_seen_at moves with every turn).
WATCHED = {
    "people": "SELECT id, locale, role, consent_at, onboarded_at, display_name, postcode, "
    "network_id, interests, availability, travel_km FROM people ORDER BY id",
    "hour_entries": "SELECT * FROM hour_entries ORDER BY id",
    "enrolments": "SELECT * FROM enrolments ORDER BY id",
    "buddy_pairs": "SELECT * FROM buddy_pairs ORDER BY id",
}


async def watched(db: Database) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for table, sql in WATCHED.items():
        found[table] = await rows(db, sql)
        found[f"{table}:count"] = await scalar(db, f"SELECT COUNT(*) FROM {table}")
    return found


async def person_id(db: Database, chat: Chat) -> int:
    return int(await scalar(db, "SELECT person_id FROM identities WHERE address = ?",
                            chat.address))  # fmt: skip


async def put_at_step(db: Database, clock: Clock, who: int, code: str) -> None:
    """Leave the person at step `code` with no draft data (a stale or raced state)."""
    async with db.transaction() as tx:
        await save_state(tx, who, ConversationState(flow="fuzz", step=code), clock())


def payloads(code: str) -> list[str]:
    return [p for p in (code + s for s in SUFFIXES) if len(p.encode()) <= 64]


@pytest.fixture
async def people(router: Router) -> dict[str, Chat]:
    """A newcomer and a buddy, paired, with a meeting waiting for the buddy's ✅; a stranger."""
    buddy, newcomer = await paired(router)
    await newcomer.say("/log")
    await newcomer.tap("Buddy")
    await newcomer.tap("1 h")
    await newcomer.tap("Today")
    stranger = Chat(router, "3003")
    await stranger.say("/start")
    return {"newcomer": newcomer, "buddy": buddy, "stranger": stranger}


def _check(replies: list[Any], payload: str) -> None:
    assert replies, payload
    for reply in replies:
        assert reply.text.strip() or reply.document or reply.image, payload


@pytest.mark.parametrize("who", ["newcomer", "buddy", "stranger"])
async def test_malformed_payloads_change_nothing(
    people: dict[str, Chat], who: str, db: Database, clock: Clock,
    caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    chat = people[who]
    me = await person_id(db, chat)
    before = await watched(db)
    caplog.set_level(logging.WARNING)
    for code in sorted(registry.actions):
        for payload in payloads(code):
            _check(await chat.press(payload), payload)
    for code in sorted(registry.steps):
        for payload in payloads(code):
            await put_at_step(db, clock, me, code)
            _check(await chat.press(payload), payload)
        for text in TEXTS:
            await put_at_step(db, clock, me, code)
            _check(await chat.say(text), f"{code} {text}")
    for payload in ("", ":", "::1", "zz:1", "m:" + "x" * 70):
        _check(await chat.press(payload), payload)
    failures = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert not failures
    assert "turn failed" not in caplog.text
    assert await watched(db) == before


async def test_no_one_acts_on_another_persons_ids(
    people: dict[str, Chat], router: Router, db: Database
) -> None:
    """Real ids from the wrong person: confirm one's own hours, undo someone else's entry,
    take over a pairing, step a digest without a staff account."""
    newcomer, buddy, stranger = people["newcomer"], people["buddy"], people["stranger"]
    (entry,) = await rows(db, "SELECT id FROM hour_entries")
    (pair,) = await rows(db, "SELECT id FROM buddy_pairs")
    other = Chat(router, "1009")
    from tests.conftest import onboard_newcomer

    await onboard_newcomer(other, name="Olena")
    before = await watched(db)
    attempts = [
        (newcomer, f"hc:ok:{entry['id']}"),  # the newcomer logged it: not theirs to confirm
        (newcomer, f"hc:all:{entry['id']}"),
        (other, f"hc:ok:{entry['id']}"),
        (other, f"hu:{entry['id']}"),  # not theirs to undo
        (other, f"hw:r:{entry['id']}"),
        (stranger, f"hc:no:{entry['id']}"),
        (other, f"hq:b:{pair['id']}:60:20261123"),  # not their buddy
        (buddy, f"hq:b:{pair['id']}:60:20261123"),  # a buddy does not log as the newcomer
        (newcomer, f"bi:{await person_id(db, buddy)}"),  # staff only
        (buddy, "dg:2026-W47"),  # staff only
        (other, "dg:2026-W47"),
    ]
    for chat, payload in attempts:
        replies = await chat.press(payload)
        assert "old" in replies[0].text or "not available" in replies[0].text, payload
    assert await watched(db) == before


async def test_a_confirmed_entry_cannot_be_undone(people: dict[str, Chat], db: Database) -> None:
    newcomer, buddy = people["newcomer"], people["buddy"]
    (entry,) = await rows(db, "SELECT id FROM hour_entries")
    await buddy.press(f"hc:ok:{entry['id']}")
    before = await watched(db)
    for chat in (newcomer, buddy):
        await chat.press(f"hu:{entry['id']}")
        await chat.press(f"hw:r:{entry['id']}")
    assert await watched(db) == before
    assert (await rows(db, "SELECT status FROM hour_entries"))[0]["status"] == "confirmed"


async def test_staff_stay_in_their_network_when_they_move(
    people: dict[str, Chat], router: Router, db: Database, clock: Clock
) -> None:
    """A staff member's network is the one of their staff account, not of the place in their
    profile: moving to Gent in /profile shows no Gent buddy and makes no invite for one."""
    from storage.staff import add_staff
    from tests.conftest import onboard_buddy

    ghent_buddy = Chat(router, "2009")
    await onboard_buddy(ghent_buddy, locale="en", place="9000", name="Piet")
    async with db.transaction() as tx:
        westhoek = await tx.scalar("SELECT id FROM networks WHERE name = 'Westhoek'")
        await add_staff(tx, email="els@westhoek.example", network_id=westhoek, now=clock(),
                        telegram_id="9001")  # fmt: skip
    staff = Chat(router, "9001", channel="telegram")
    await staff.press("pf:oc")
    await staff.say("9000")
    assert "Gent" in staff.text  # the profile moved (and with it people.network_id)
    await staff.say("/buddy")
    labels = [b.label for reply in staff.last for row in reply.buttons for b in row]
    assert labels == ["🔗 Jan"]
    await staff.press(f"bi:{await person_id(db, ghent_buddy)}")
    assert all(reply.image is None for reply in staff.last)  # staff read Dutch: no text check
    assert await scalar(db, "SELECT COUNT(*) FROM pair_invites WHERE buddy_id = ?",
                        await person_id(db, ghent_buddy)) == 0  # fmt: skip


@pytest.mark.parametrize("contact_exists", [False, True])
async def test_a_newcomer_does_not_become_a_provider_contact(
    router: Router, db: Database, clock: Clock, contact_exists: bool
) -> None:
    """A provider's link opened by an onboarded newcomer (nothing logged or enrolled yet) is
    refused: their profile is their own data, and merging would delete them."""
    from storage import offers as store
    from tests.conftest import onboard_newcomer

    newcomer = Chat(router, "1001", channel="telegram")
    await onboard_newcomer(newcomer)
    async with db.transaction() as tx:
        provider = await tx.execute(
            "INSERT INTO providers (match_key, name, email) VALUES ('x@club.example', 'Club', "
            "'x@club.example')"
        )
        if contact_exists:
            await store.provider_contact_person(tx, provider, clock())
        code = await store.create_provider_link(tx, provider, clock())
    before = await watched(db)
    await newcomer.say(f"/start prov-{code}")
    assert "already used" in newcomer.text
    assert await watched(db) == before


# --- privacy: /mydata and /forget --------------------------------------------------------------
async def test_mydata_of_a_confirmer_leaves_out_the_newcomers_dispute_words(
    people: dict[str, Chat], db: Database
) -> None:
    import json

    newcomer, buddy = people["newcomer"], people["buddy"]
    (entry,) = await rows(db, "SELECT id FROM hour_entries")
    await buddy.press(f"hc:no:{entry['id']}")
    await buddy.say("We only met for half an hour")
    await newcomer.press(f"hw:s:{entry['id']}")
    await newcomer.say("It was one hour at the library")

    def exported(replies: list[Any]) -> dict[str, Any]:
        return json.loads(replies[-1].document.content)

    mine = exported(await newcomer.say("/mydata"))["hour_entries"]
    assert len(mine) == 1  # logged and owned by the newcomer: listed once
    assert mine[0]["logger_note"] == "It was one hour at the library"
    theirs = exported(await buddy.say("/mydata"))["hour_entries"]
    assert len(theirs) == 1 and "logger_note" not in theirs[0]
    assert theirs[0]["confirmer_note"] == "We only met for half an hour"


async def test_forget_removes_delivery_marks_on_the_persons_addresses(
    people: dict[str, Chat], db: Database, clock: Clock
) -> None:
    """Marks made before the address was the person's have no person_id, so nothing cascades."""
    from storage.delivery import mark_unreachable
    from storage.mail import mark_failing
    from storage.people import add_identity

    newcomer = people["newcomer"]
    me = await person_id(db, newcomer)
    async with db.transaction() as tx:
        await mark_unreachable(tx, "console", newcomer.address, None, "blocked", clock())
        await mark_failing(tx, "Amal@Example.org", "550 no such user", clock())
        await add_identity(tx, me, "email", "amal@example.org", clock())
        await mark_unreachable(tx, "console", "someone-else", None, "blocked", clock())
    await newcomer.say("/forget")
    await newcomer.tap("Yes")
    assert await rows(db, "SELECT address FROM unreachable") == [{"address": "someone-else"}]
    assert await rows(db, "SELECT * FROM mail_failing") == []


async def test_delivered_messages_keep_no_text(people: dict[str, Chat], db: Database,
                                               clock: Clock) -> None:  # fmt: skip
    """The confirmation request to the buddy names the newcomer; once it is delivered (or
    given up on) only its key stays, so /forget of the newcomer leaves no name behind."""
    from storage import outbox

    (request,) = await rows(db, "SELECT id, payload FROM outbox WHERE purpose = 'confirm_request'")
    assert "Amal" in request["payload"]
    async with db.transaction() as tx:
        await outbox.mark_sent(tx, request["id"], clock())
        others = [r["id"] for r in await tx.all("SELECT id FROM outbox WHERE id != ?",
                                                 (request["id"],))]  # fmt: skip
        for other in others:
            await outbox.mark_failed(tx, other, "403 forbidden")
    assert await scalar(db, "SELECT COUNT(*) FROM outbox WHERE payload LIKE '%Amal%'") == 0


def test_mail_outcome_keeps_no_typed_words() -> None:
    from handlers.mail_commands import _what
    from handlers.types import Turn

    def turn(**values: str) -> Turn:
        return Turn(channel="email", address="amal@example.org", **values)  # type: ignore[arg-type]

    assert _what(turn(text="Amal Haddad, Rijselstraat 5")) == "text"
    assert _what(turn(text="/start pair-SECRETCODE")) == "/start"
    assert _what(turn(payload="m:log")) == "m:log"
