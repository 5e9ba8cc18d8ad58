"""Draft data of a flow: typed, read leniently, kept in the database across a restart.

A draft that an older version wrote, that another flow left behind, or that was changed by
hand in the database must never crash a turn: what does not fit reads as the default, and the
person gets the usual kind reply for an old button.
"""

from __future__ import annotations

import json
from datetime import date

from handlers.context import Config
from handlers.hours.log_draft import LogDraft
from handlers.offers.cards import CardsDraft
from handlers.people.onboarding import OnboardingDraft
from handlers.router import Router
from handlers.voice.record import RecordDraft
from storage.db import Database
from tests.conftest import Chat, onboard_newcomer
from tests.hours.test_hours_support import entries, paired, scalar

TAMPERED = {
    "mode": 7,
    "src": "somewhere",
    "ref": "abc",
    "kind": ["sport"],
    "min": "lots",
    "day": "21/11",
    "more": "maybe",
    "same": {"id": 1},
    "seen": "1,2",
    "sel": "sport",
    "invite": None,
    "unknown": [1, 2, 3],
}


def test_what_does_not_fit_reads_as_the_default() -> None:
    assert LogDraft.read(TAMPERED) == LogDraft()
    assert CardsDraft.read(TAMPERED) == CardsDraft()
    assert RecordDraft.read({"index": "first", "skipped": [1, "x"]}) == RecordDraft()
    onboarding = OnboardingDraft.read({**TAMPERED, "role": "admin", "return": "elsewhere"})
    assert onboarding == OnboardingDraft()


def test_what_fits_is_kept_next_to_what_does_not() -> None:
    draft = LogDraft.read({"mode": "b", "src": "buddy", "ref": 4, "min": "lots",
                           "day": "2026-11-22", "icon": "coffee", "query": "voetbal"})  # fmt: skip
    assert (draft.mode, draft.source, draft.ref, draft.icon) == ("b", "buddy", 4, "coffee")
    assert draft.minutes == 0 and draft.day == date(2026, 11, 22)


def test_stored_keys_are_those_of_before() -> None:
    """A conversation in progress during a deploy resumes: the JSON keys did not change."""
    draft = LogDraft(mode="n", ref=3, kind="sport", day=date(2026, 11, 22))
    draft.source, draft.minutes = "offer", 90
    stored = draft.stored()
    assert stored["src"] == "offer" and stored["min"] == 90 and stored["day"] == "2026-11-22"
    assert LogDraft.read(json.loads(json.dumps(stored))) == draft
    onboarding = OnboardingDraft.read({"return": "profile", "sel": ["sport"], "sel_step": "oi"})
    assert onboarding.back == "profile" and onboarding.selected == ["sport"]
    assert {"return", "sel", "sel_step"} <= onboarding.stored().keys()


async def _set_state(db: Database, address: str, flow: str, step: str, data: str) -> None:
    async with db.transaction() as tx:
        person_id = await tx.scalar(
            "SELECT person_id FROM identities WHERE address = ?", (address,)
        )
        await tx.execute(
            "UPDATE conversations SET flow = ?, step = ?, data = ? WHERE person_id = ?",
            (flow, step, data, person_id),
        )


async def test_a_tampered_draft_gets_a_kind_reply_and_saves_nothing(
    chat: Chat, db: Database
) -> None:
    await onboard_newcomer(chat)
    await _set_state(db, chat.address, "log", "hd", json.dumps(TAMPERED))
    await chat.press("hd:1")  # Yesterday: the draft has no activity that can be saved
    assert "This button is old" in chat.text and chat.last[-1].buttons
    assert await entries(db) == []
    await chat.say("/log")  # and the person can start again
    assert "What did you do?" in chat.text


async def test_a_non_iso_day_reads_as_today(router: Router, db: Database) -> None:
    buddy, _ = await paired(router)
    pair_id = await scalar(db, "SELECT id FROM buddy_pairs")
    old = {"mode": "b", "src": "buddy", "ref": pair_id, "kind": "buddy", "day": "21/11"}
    await _set_state(db, buddy.address, "log", "hh", json.dumps(old))
    await buddy.say("1u30")  # the prompt read the day: it used to crash here
    await buddy.tap("☕")
    assert "Saved" in buddy.text
    (entry,) = await entries(db)
    assert entry["day"] == "2026-11-23" and entry["minutes"] == 90


async def test_state_that_is_not_a_draft_at_all_starts_again(chat: Chat, db: Database) -> None:
    await onboard_newcomer(chat)
    for data in ("[1, 2]", "not json", '"text"'):
        await _set_state(db, chat.address, "log", "hd", data)
        await chat.press("hd:0")
        assert "This button is old" in chat.text
        await chat.say("/log")
        assert "What did you do?" in chat.text
    assert await entries(db) == []


async def test_a_draft_survives_a_restart(db: Database, clock) -> None:
    config = Config(bot_username="meedoen_test_bot", default_locale="en")
    _, newcomer = await paired(Router(db, config, clock=clock))
    await newcomer.say("/log")
    await newcomer.tap("Buddy Jan")
    await newcomer.tap("2 h")
    stored = json.loads(await scalar(db, "SELECT data FROM conversations WHERE step = 'hd'"))
    assert stored["src"] == "buddy" and stored["min"] == 120 and stored["mode"] == "n"
    again = Chat(Router(db, config, clock=clock), newcomer.address)  # a new process
    await again.press("hd:1")
    assert "Saved" in again.text and "Jan will confirm it" in again.text
    (entry,) = await entries(db)
    assert entry["minutes"] == 120 and entry["day"] == "2026-11-22"
    assert entry["source"] == "buddy"


async def test_a_draft_of_the_previous_version_resumes(router: Router, db: Database) -> None:
    """The keys and values as the version before typed drafts wrote them."""
    _, newcomer = await paired(router)
    pair_id = await scalar(db, "SELECT id FROM buddy_pairs")
    old = {"mode": "n", "src": "buddy", "ref": pair_id, "kind": "buddy", "min": 45,
           "more": True}  # fmt: skip
    await _set_state(db, newcomer.address, "log", "hd", json.dumps(old))
    await newcomer.press("hd:3")  # an earlier day, from the longer list
    assert "Saved" in newcomer.text
    (entry,) = await entries(db)
    assert entry["minutes"] == 45 and entry["day"] == "2026-11-20"


async def test_tampered_ticks_start_the_question_afresh(chat: Chat, db: Database) -> None:
    await chat.say("/start")
    for data in ("ol:en", "or:newcomer", "op:yes"):
        await chat.press(data)
    await chat.say("Amal")
    await chat.say("8900")  # now at "what do you like?"
    tampered = {"sel": "sport", "sel_step": "oi", "return": "elsewhere", "role": "admin"}
    await _set_state(db, chat.address, "onboarding", "oi", json.dumps(tampered))
    await chat.press("oi:nature")
    ticked = [b.data for row in chat.last[-1].buttons for b in row if b.label.startswith("✅")]
    assert ticked == ["oi:nature"]
    await chat.press("oi:done")  # on to the next question, as in a fresh onboarding
    assert chat.last[-1].buttons[0][0].data.startswith("od:")
    interests = await scalar(db, "SELECT interests FROM people")
    assert json.loads(interests) == ["nature"]
