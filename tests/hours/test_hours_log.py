"""Logging hours through the router, as chat transcripts with a buddy and a newcomer at once."""

from __future__ import annotations

from datetime import date

import pytest

from handlers.context import Config
from handlers.router import Router
from storage.db import Database
from tests.conftest import Chat, onboard_newcomer
from tests.hours.test_hours_support import entries, inbox, paired, snapshot

TODAY = date(2026, 11, 23)  # the `clock` fixture's day in Brussels


async def test_newcomer_logs_a_buddy_meeting_in_three_taps(router: Router, db: Database) -> None:
    buddy, newcomer = await paired(router)
    await newcomer.say("/log")
    assert "What did you do?" in newcomer.text
    await newcomer.tap("Buddy Jan")
    await newcomer.tap("2 h")
    await newcomer.tap("Yesterday")
    assert "Saved" in newcomer.text and "Jan will confirm it" in newcomer.text
    assert "0/40" in newcomer.text  # nothing confirmed yet: the bar is empty
    (entry,) = await entries(db)
    assert entry["minutes"] == 120 and entry["day"] == "2026-11-22"
    assert entry["status"] == "pending" and entry["source"] == "buddy" and entry["kind"] == "buddy"
    assert entry["logged_by_person_id"] == entry["person_id"] == await _person_id(db, "1001")
    assert entry["confirmer_person_id"] == await _person_id(db, "2001")
    request = (await inbox(db, buddy.address, "confirm_request"))[-1]
    assert "Amal logged a meeting with you" in request.text
    assert [b.data for b in request.buttons[0]] == [f"hc:ok:{entry['id']}", f"hc:no:{entry['id']}"]


async def test_buddy_logs_a_meeting_for_the_newcomer(router: Router, db: Database) -> None:
    buddy, newcomer = await paired(router)
    await buddy.say("/log")  # one newcomer: "who" is skipped
    assert "How long?" in buddy.text
    await buddy.say("1u30")
    assert "What did you do together?" in buddy.text
    await buddy.tap("☕")
    assert "Saved" in buddy.text and "Meeting with Amal" in buddy.text
    (entry,) = await entries(db)
    assert entry["minutes"] == 90 and entry["activity_icon"] == "coffee"
    assert entry["day"] == TODAY.isoformat()
    request = (await inbox(db, newcomer.address, "confirm_request"))[-1]
    assert "Jan logged a meeting with you" in request.text and "☕" in request.text
    assert [b.label for b in request.buttons[0]] == ["👍 Yes", "👎 No"]


async def test_buddy_picks_the_newcomer_and_another_day(router: Router, db: Database) -> None:
    buddy, _ = await paired(router)
    second = Chat(router, "1002")
    await onboard_newcomer(second, name="Olena")
    await buddy.say("/buddy")
    await buddy.tap("Invite")
    code = next(w for w in buddy.text.split() if "start=pair-" in w).split("pair-")[1]
    await second.say(f"/start pair-{code}")
    await second.tap("Yes")
    await buddy.say("/log")
    assert "Who did you meet?" in buddy.text
    await buddy.tap("Olena")
    await buddy.tap("Another day")
    await buddy.tap("Earlier")
    await buddy.press("hd:3")
    assert "How long?" in buddy.text and "Fri 20 Nov" in buddy.text
    await buddy.tap("3 h")
    await buddy.tap("🚶")
    (entry,) = await entries(db)
    assert entry["day"] == "2026-11-20" and entry["minutes"] == 180
    olena = await _person_id(db, "1002")
    assert entry["person_id"] == olena == entry["confirmer_person_id"]


@pytest.mark.parametrize(
    ("typed", "minutes"),
    [("2", 120), ("1,5", 90), ("1.5", 90), ("90 min", 90), ("1u30", 90), ("1h30", 90),
     ("½", 30), ("1½", 90), ("١٫٥", 90)],
)  # fmt: skip
async def test_typed_durations(router: Router, db: Database, typed: str, minutes: int) -> None:
    _, newcomer = await paired(router)
    await newcomer.say("/log")
    await newcomer.tap("Buddy")
    await newcomer.say(typed)
    await newcomer.tap("Today")
    assert (await entries(db))[0]["minutes"] == minutes


async def _at_duration(newcomer: Chat) -> None:
    await newcomer.say("/log")
    await newcomer.tap("Buddy")


@pytest.mark.parametrize(
    ("typed", "reply"),
    [
        ("0", "more than 0"),
        ("-2", "more than 0"),
        ("0 min", "more than 0"),
        ("13", "At most 12 hours"),
        ("12h01", "At most 12 hours"),
        ("abc", "cannot read"),
        ("2 days", "cannot read"),
        ("1e9", "cannot read"),
        ("x" * 5000, "too long"),
    ],
)
async def test_refused_durations_change_nothing(
    router: Router, db: Database, typed: str, reply: str
) -> None:
    _, newcomer = await paired(router)
    await _at_duration(newcomer)
    before = await snapshot(db)
    await newcomer.say(typed)
    assert reply in newcomer.text
    assert "How long?" in newcomer.text  # asked again
    assert await snapshot(db) == before


@pytest.mark.parametrize("data", ["hh:0", "hh:-60", "hh:721", "hh:99999999", "hh:x", "hh:60:1"])
async def test_forged_duration_buttons_change_nothing(
    router: Router, db: Database, data: str
) -> None:
    _, newcomer = await paired(router)
    await _at_duration(newcomer)
    before = await snapshot(db)
    await newcomer.press(data)
    assert "How long?" in newcomer.text
    assert await snapshot(db) == before


@pytest.mark.parametrize(
    ("answer", "reply"),
    [
        ("24/11/2026", "has not come yet"),
        ("hd:-1", "has not come yet"),
        ("23/10/2026", "more than 30 days ago"),
        ("hd:31", "more than 30 days ago"),
        ("31/02", "cannot read that date"),
        ("someday", "cannot read that date"),
    ],
)
async def test_refused_days_change_nothing(
    router: Router, db: Database, answer: str, reply: str
) -> None:
    _, newcomer = await paired(router)
    await _at_duration(newcomer)
    await newcomer.tap("1 h")
    before = await snapshot(db)
    if answer.startswith("hd:"):
        await newcomer.press(answer)
    else:
        await newcomer.say(answer)
    assert reply in newcomer.text and "Which day?" in newcomer.text
    assert await snapshot(db) == before


async def test_a_typed_older_date_within_the_limit_is_fine(router: Router, db: Database) -> None:
    _, newcomer = await paired(router)
    await _at_duration(newcomer)
    await newcomer.tap("1 h")
    await newcomer.say("24/10")  # 30 days ago
    assert (await entries(db))[0]["day"] == "2026-10-24"


async def test_at_most_16_hours_on_one_day(router: Router, db: Database) -> None:
    _, newcomer = await paired(router)
    for typed in ("12", "4"):  # 16 hours: allowed
        await _at_duration(newcomer)
        await newcomer.say(typed)
        await newcomer.tap("Today")
        if "Add it again?" in newcomer.text:
            await newcomer.tap("Yes, add again")
    assert sum(e["minutes"] for e in await entries(db)) == 16 * 60
    await newcomer.say("/log")
    await newcomer.tap("Something else")
    await newcomer.tap("Sport")
    await newcomer.say("1")
    before = await snapshot(db)
    await newcomer.tap("Today")  # the 17th hour
    assert "At most 16 hours on one day" in newcomer.text and "16 h" in newcomer.text
    assert await snapshot(db) == before
    await newcomer.say("1")
    await newcomer.tap("Yesterday")  # another day is fine
    assert len(await entries(db)) == 3


async def test_same_activity_same_day_asks_add_again(router: Router, db: Database) -> None:
    _, newcomer = await paired(router)
    for _ in range(2):
        await _at_duration(newcomer)
        await newcomer.tap("1 h")
        await newcomer.tap("Today")
    assert "Add it again?" in newcomer.text
    await newcomer.tap("No")
    assert "nothing was added" in newcomer.text
    assert len(await entries(db)) == 1
    await _at_duration(newcomer)
    await newcomer.tap("2 h")
    await newcomer.tap("Today")
    await newcomer.tap("Yes, add again")
    assert "Saved" in newcomer.text
    assert [e["minutes"] for e in await entries(db)] == [60, 120]
    await _at_duration(newcomer)
    await newcomer.tap("1 h")
    await newcomer.tap("Yesterday")  # another day: no question
    assert "Saved" in newcomer.text


async def test_newcomer_undoes_an_unconfirmed_entry(router: Router, db: Database) -> None:
    _, newcomer = await paired(router)
    await _at_duration(newcomer)
    await newcomer.tap("1 h")
    await newcomer.tap("Today")
    await newcomer.tap("Remove")
    assert "Removed" in newcomer.text
    assert (await entries(db))[0]["status"] == "undone"
    await _at_duration(newcomer)  # undone entries do not ask "add again?"
    await newcomer.tap("1 h")
    await newcomer.tap("Today")
    assert "Saved" in newcomer.text


async def test_confirmed_entries_cannot_be_undone(router: Router, db: Database) -> None:
    buddy, newcomer = await paired(router)
    await _at_duration(newcomer)
    await newcomer.tap("1 h")
    await newcomer.tap("Today")
    entry_id = (await entries(db))[0]["id"]
    await buddy.press(f"hc:ok:{entry_id}")
    await newcomer.press(f"hu:{entry_id}")
    assert "You cannot remove them" in newcomer.text
    assert (await entries(db))[0]["status"] == "confirmed"


async def test_nobody_else_can_undo(router: Router, db: Database) -> None:
    _, newcomer = await paired(router)
    await _at_duration(newcomer)
    await newcomer.tap("1 h")
    await newcomer.tap("Today")
    stranger = Chat(router, "3003")
    await onboard_newcomer(stranger, name="Mo")
    entry_id = (await entries(db))[0]["id"]
    for data in (f"hu:{entry_id}", "hu:999", "hu:-1", "hu:1:2", "hu:" + "9" * 40):
        await stranger.press(data)
        assert "old" in stranger.text
    assert (await entries(db))[0]["status"] == "pending"


async def test_something_else_is_self_declared_and_apart(router: Router, db: Database) -> None:
    _, newcomer = await paired(router)
    await newcomer.say("/log")
    await newcomer.tap("Something else")
    await newcomer.tap("Music")
    await newcomer.tap("3 h")
    await newcomer.tap("Today")
    assert "noted this yourself" in newcomer.text and "does not count" in newcomer.text
    (entry,) = await entries(db)
    assert entry["status"] == "self_declared" and entry["kind"] == "music"
    assert entry["confirmer_person_id"] is None
    assert await inbox(db, "2001", "confirm_request") == []  # nobody is asked
    await newcomer.say("/progress")
    assert "You noted these yourself: 3 hours. They do not count yet." in newcomer.text
    assert "0 of 40" in newcomer.text


async def test_self_declared_counts_when_the_network_says_so(db: Database, clock) -> None:
    router = Router(db, Config(self_declared_counts=True, bot_username="b"), clock=clock)
    newcomer = Chat(router)
    await onboard_newcomer(newcomer)
    await newcomer.say("/log")
    await newcomer.tap("Something else")
    await newcomer.tap("Sport")
    await newcomer.say("10")
    await newcomer.tap("Today")
    assert "does not count" not in newcomer.text
    await newcomer.say("/progress")
    assert "10 of 40" in newcomer.text
    celebration = await inbox(db, newcomer.address, "milestone")
    assert celebration and "quarter" in celebration[0].text


async def test_buttons_from_an_old_step_are_refused(router: Router, db: Database) -> None:
    _, newcomer = await paired(router)
    await _at_duration(newcomer)
    await newcomer.tap("1 h")
    before = await snapshot(db)
    for data in ("hl:x", "hh:60", "ha:yes", "hk:sport", "hl:b:1"):
        await newcomer.press(data)
        assert "old" in newcomer.text and "Which day?" in newcomer.text
    assert await snapshot(db) == before


async def test_forged_activity_ids_are_refused(router: Router, db: Database) -> None:
    await paired(router)
    other = Chat(router, "3003")
    await onboard_newcomer(other, name="Mo")
    await other.say("/log")
    before = await snapshot(db)
    for data in ("hl:b:1", "hl:o:1", "hl:b:999", "hl:q:1", "hl:b:x"):
        await other.press(data)
        assert "How long?" not in other.text
    assert await snapshot(db) == before
    await other.say("/log")
    await other.press("hk:buddy")  # not at that step
    assert "old" in other.text


async def test_photo_instead_of_hours(router: Router, db: Database) -> None:
    from handlers.types import Turn

    _, newcomer = await paired(router)
    await _at_duration(newcomer)
    before = await snapshot(db)
    replies = await router.handle(Turn(channel="console", address=newcomer.address,
                                       attachment="photo"))  # fmt: skip
    assert "text" in replies[0].text and "How long?" in replies[-1].text
    assert await snapshot(db) == before


async def test_quick_log_from_a_reminder_button(router: Router, db: Database) -> None:
    from handlers.hours.my_hours import quick_log_buttons
    from i18n import translator

    _, newcomer = await paired(router)
    pair_id = (await _pair(db))["id"]
    buttons = quick_log_buttons(translator("en"), "b", pair_id, date(2026, 11, 22))
    assert all(len(b.data.encode()) <= 64 for row in buttons for b in row)
    await newcomer.press(buttons[0][1].data)  # 1.5 h yesterday
    assert "Saved" in newcomer.text
    assert (await entries(db))[0]["minutes"] == 90
    before = await snapshot(db)
    stranger = Chat(router, "3003")
    await onboard_newcomer(stranger, name="Mo")
    before = await snapshot(db)
    await stranger.press(buttons[0][1].data)  # not their pair
    await stranger.press(f"hq:b:{pair_id}:90:20261301")  # no such day
    await newcomer.press(f"hq:b:{pair_id}:90:20261124")  # tomorrow
    assert "has not come yet" in newcomer.text
    assert await snapshot(db) == before


async def _person_id(db: Database, address: str) -> int:
    async with db.transaction() as tx:
        return await tx.scalar("SELECT person_id FROM identities WHERE address = ?", (address,))


async def _pair(db: Database) -> dict:
    async with db.transaction() as tx:
        return dict(await tx.one("SELECT * FROM buddy_pairs"))
