"""Typed answers at every kind of step, per language, through the router as chat turns.

Each row of `tables.TABLES` puts the person at the step (with the draft a real flow would
have), types the text, and checks what was understood — or, for `HELP` rows, that the person
got the help reply with the buttons again and nothing changed.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from handlers.router import Router
from handlers.types import Reply
from storage.conversations import ConversationState, load_state, save_state
from storage.db import Database
from tests.conftest import Chat, Clock, onboard_buddy, onboard_newcomer
from tests.understanding.tables import HELP, TABLES, TOMORROW

BRUSSELS = ZoneInfo("Europe/Brussels")
BUDDY_STEPS = ("bd", "bt")
LISTED_STEPS = ("or", "ok", "od", "oi", "oc", "hh", "hd", "bd", "bt")


async def person_of(db: Database, chat: Chat) -> int:
    async with db.transaction() as tx:
        row = await tx.one(
            "SELECT person_id FROM identities WHERE channel = 'console' AND address = ?",
            (chat.address,),
        )
    assert row is not None
    return int(row["person_id"])


async def paired_in(router: Router, locale: str) -> tuple[Chat, Chat]:
    """A buddy and a newcomer who both speak `locale`, paired through an invite."""
    buddy, newcomer = Chat(router, "2001"), Chat(router, "1001")
    await onboard_buddy(buddy, locale=locale)
    await onboard_newcomer(newcomer, locale=locale)
    await buddy.press("bi")
    link = next(word for word in buddy.text.split() if "pair-" in word)
    await newcomer.say("/start pair-" + link.split("pair-")[1])
    await newcomer.press("bp:yes")
    return buddy, newcomer


class Scene:
    """Put a person at a step, let them type, read back what the step understood."""

    def __init__(self, db: Database, clock: Clock, me: int, buddy: int, pair: int) -> None:
        self.db, self.clock = db, clock
        self.me, self.buddy, self.pair = me, buddy, pair

    def who(self, step: str) -> int:
        return self.buddy if step in BUDDY_STEPS else self.me

    def draft(self, step: str) -> dict[str, Any]:
        if step == "oi":
            return {"sel": [], "sel_step": "oi"}
        if step == "hh":
            return {"mode": "n", "src": "other", "kind": "culture"}
        if step == "hd":
            return {"mode": "n", "src": "other", "kind": "culture", "min": 60}
        if step == "bd":
            return {"pair": self.pair}
        if step == "bt":
            return {"pair": self.pair, "day": TOMORROW.isoformat()}
        return {}

    async def put(self, step: str) -> None:
        async with self.db.transaction() as tx:
            await tx.execute("DELETE FROM hour_entries")
            await tx.execute("DELETE FROM planned_meetings")
            await tx.execute(
                "UPDATE people SET with_children = NULL, dutch_level = NULL, postcode = NULL "
                "WHERE id = ?",
                (self.me,),
            )
            state = ConversationState(flow="test", step=step, data=self.draft(step))
            await save_state(tx, self.who(step), state, self.clock())

    async def meaning(self, step: str) -> Any:
        """What the step took from the typed text; None when it took nothing."""
        async with self.db.transaction() as tx:
            state = await load_state(tx, self.who(step))
            person = await tx.one("SELECT * FROM people WHERE id = ?", (self.me,))
            entry = await tx.one("SELECT day FROM hour_entries ORDER BY id DESC LIMIT 1")
            meeting = await tx.one("SELECT starts_at FROM planned_meetings LIMIT 1")
        assert person is not None
        if step == "or":
            return state.data.get("role") if state.step == "op" else None
        if step == "ok":
            value = person["with_children"]
            return None if value is None else bool(value)
        if step == "od":
            return person["dutch_level"]
        if step == "oi":
            ticked = state.data.get("sel") or []
            return ticked[0] if state.step == "oi" and len(ticked) == 1 else None
        if step == "oc":
            return person["postcode"]
        if step == "hh":
            return state.data.get("min") if state.step == "hd" else None
        if step == "hd":
            return date.fromisoformat(entry["day"]) if entry else None
        if step == "bd":
            day = state.data.get("day")
            return date.fromisoformat(day) if state.step == "bt" and day else None
        if step == "bt":
            if meeting is None:
                return None
            local = datetime.fromisoformat(meeting["starts_at"]).astimezone(BRUSSELS)
            return time(local.hour, local.minute)
        raise AssertionError(step)


def shows_the_question_again(replies: list[Reply], step: str) -> bool:
    """The help reply: one short line on top of the question, with its buttons, in one reply
    (the place question offers its 📍 location button instead of inline buttons)."""
    first = replies[0]
    if step == "oc":
        return first.request_location is not None
    return bool(first.buttons) and "\n" in first.text


@pytest.mark.parametrize("locale", sorted(TABLES))
async def test_typed_answers_per_language(
    router: Router, db: Database, clock: Clock, locale: str
) -> None:
    buddy, newcomer = await paired_in(router, locale)
    me, buddy_id = await person_of(db, newcomer), await person_of(db, buddy)
    async with db.transaction() as tx:
        pair = await tx.one("SELECT id FROM buddy_pairs")
    assert pair is not None
    scene = Scene(db, clock, me, buddy_id, int(pair["id"]))
    table = TABLES[locale]
    assert set(table) == set(LISTED_STEPS)
    wrong = []
    for step, rows in table.items():
        for typed, expected in rows:
            await scene.put(step)
            chat = buddy if step in BUDDY_STEPS else newcomer
            replies = await chat.say(typed)
            got = await scene.meaning(step)
            if got != expected:
                wrong.append((step, typed, expected, got, [r.text for r in replies]))
            elif expected is HELP and not shows_the_question_again(replies, step):
                wrong.append((step, typed, "help reply with buttons", [r.text for r in replies]))
    assert wrong == []
