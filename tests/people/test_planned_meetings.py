"""A buddy plans a meeting with their newcomer: the newcomer is told, both are reminded the day
before, the buddy is asked "how did it go?" after it, and a planned meeting can be cancelled.

Router-level transcripts (Monday 23 November 2026, 11:00 in Brussels); the reminder ticks run
as the scheduler runs them, with the test clock.
"""

from __future__ import annotations

from handlers.reminders.ticks import remind_after_sessions, remind_sessions
from handlers.router import Router
from storage.conversations import ConversationState, save_state
from storage.db import Database
from tests.conftest import Chat, Clock, onboard_buddy, onboard_newcomer
from tests.hours.test_hours_support import inbox, invite_code, paired, rows
from tests.reminders.test_reminders import local, person_id, queued, replies_of, tick


async def plan(buddy: Chat, day_label: str, time: str) -> None:
    """/buddy → Plan a meeting → day → time (a button, or typed when no button has it)."""
    await buddy.say("/buddy")
    await buddy.tap("Plan a meeting")
    await buddy.tap(day_label)
    if any(time == b.label for reply in buddy.last for row in reply.buttons for b in row):
        await buddy.tap(time)
    else:
        await buddy.say(time)


async def planned(db: Database) -> list[dict[str, object]]:
    return await rows(db, "SELECT * FROM planned_meetings ORDER BY id")


async def test_plan_a_meeting_and_the_newcomer_is_told(router: Router, db: Database) -> None:
    buddy, newcomer = await paired(router)
    await buddy.say("/buddy")
    await buddy.tap("Plan a meeting")  # one newcomer: straight to the day
    assert "Which day" in buddy.text
    labels = [b.label for reply in buddy.last for row in reply.buttons for b in row]
    assert labels[0] == "Today" and len(labels) == 14 and labels[-1] == "Sun 6 Dec"
    await buddy.tap("Wed 25 Nov")
    assert "What time?" in buddy.text
    await buddy.tap("19:00")
    assert "Planned: Wednesday 25 November · 19:00 with Amal." in buddy.text
    [meeting] = await planned(db)
    assert meeting["starts_at"] == "2026-11-25T18:00:00Z" and meeting["cancelled_at"] is None
    assert meeting["created_by_person_id"] == await person_id(db, buddy.address)

    [told] = await inbox(db, newcomer.address, "plan")
    assert told.text == "📅 Jan planned a meeting with you: Wednesday 25 November · 19:00."

    # Typed times, and the ones refused: unreadable, already over.
    await buddy.say("/buddy")
    await buddy.tap("Plan a meeting")
    await buddy.tap("Today")
    await buddy.say("25:99")
    assert "cannot read that time" in buddy.text
    await buddy.say("10:00")  # it is 11:00
    assert "That time is over" in buddy.text
    assert len(await planned(db)) == 1
    await buddy.say("18u30")
    assert "Planned: Monday 23 November · 18:30 with Amal." in buddy.text
    await plan(buddy, "Thu 26 Nov", "18h")
    assert "Thursday 26 November · 18:00" in buddy.text
    assert [m["starts_at"] for m in await planned(db)] == [
        "2026-11-25T18:00:00Z", "2026-11-23T17:30:00Z", "2026-11-26T17:00:00Z",
    ]  # fmt: skip
    assert len(await inbox(db, newcomer.address, "plan")) == 3  # each plan told once

    # Both see them on /buddy, soonest first; only the buddy can cancel.
    await newcomer.say("/buddy")
    assert "Planned meetings" in newcomer.text
    assert newcomer.text.index("23 November") < newcomer.text.index("25 November")
    assert "Jan" in newcomer.text
    assert not any("Cancel" in b.label for reply in newcomer.last
                   for row in reply.buttons for b in row)  # fmt: skip
    await buddy.say("/buddy")
    assert "Planned meetings" in buddy.text and "Wednesday 25 November · 19:00" in buddy.text


async def test_foreign_and_forged_plans_are_refused(
    router: Router, db: Database, clock: Clock
) -> None:
    buddy, newcomer = await paired(router)
    # Jan gets a second newcomer; Els is a buddy with a newcomer of her own.
    olena = Chat(router, "1002")
    await onboard_newcomer(olena, name="Olena")
    await olena.say(f"/start pair-{await invite_code(buddy)}")
    await olena.tap("Yes")
    els, farah = Chat(router, "2002"), Chat(router, "1003")
    await onboard_buddy(els, locale="en", name="Els")
    await onboard_newcomer(farah, name="Farah")
    await farah.say(f"/start pair-{await invite_code(els)}")
    await farah.tap("Yes")
    pairs = {p["newcomer_id"]: p["id"] for p in await rows(db, "SELECT * FROM buddy_pairs")}
    els_pair = pairs[await person_id(db, farah.address)]

    await buddy.say("/buddy")
    await buddy.tap("Plan a meeting")
    assert "Who do you want to meet?" in buddy.text
    await buddy.press(f"bn:{els_pair}")  # not his newcomer
    assert "This button is old" in buddy.text
    await buddy.say("/buddy")
    await buddy.tap("Plan a meeting")
    await buddy.tap("Olena")
    await buddy.press("bd:61")
    assert "At most 60 days ahead" in buddy.text
    await buddy.press("bd:1")
    await buddy.press("bt:1234")  # no such button
    assert "This button is old" in buddy.text

    # A draft that names another buddy's pair (a raced or forged state) plans nothing.
    jan = await person_id(db, buddy.address)
    async with db.transaction() as tx:
        state = ConversationState(flow="plan", step="bt",
                                  data={"pair": els_pair, "day": "2026-11-24"})  # fmt: skip
        await save_state(tx, jan, state, clock())
    await buddy.press("bt:1900")
    assert "This button is old" in buddy.text

    for chat, data in ((newcomer, "bm"), (farah, "bm"), (newcomer, "bn:1"), (buddy, "bm:1")):
        await chat.press(data)
        assert "This button is old" in chat.text, data
    assert await planned(db) == []

    await plan(els, "Wed 25 Nov", "19:00")
    [meeting] = await planned(db)
    for chat, data in ((buddy, f"bx:{meeting['id']}"), (newcomer, f"bx:{meeting['id']}"),
                       (farah, f"bx:{meeting['id']}"), (buddy, f"bl:{meeting['id']}:60")):
        await chat.press(data)  # only Els may cancel, and only her buddy log it
        assert "This button is old" in chat.text, data
    assert (await planned(db))[0]["cancelled_at"] is None
    assert await rows(db, "SELECT * FROM hour_entries") == []


async def test_reminded_the_day_before_and_asked_how_it_went(
    router: Router, db: Database, clock: Clock
) -> None:
    buddy, newcomer = await paired(router)
    await plan(buddy, "Wed 25 Nov", "19:00")

    clock.now = local(2026, 11, 24, 17)  # Tuesday 17:00
    assert await tick(db, clock, remind_sessions) == 2
    assert await tick(db, clock, remind_sessions) == 0  # the tick ran twice: queued once
    reminders = await queued(db, "reminder:session")
    texts = {row["address"]: replies_of(row)[0].text for row in reminders}
    assert texts == {
        buddy.address: "📅 Reminder: you meet Amal on Wednesday 25 November · 19:00.",
        newcomer.address: "📅 Reminder: you meet Jan on Wednesday 25 November · 19:00.",
    }
    assert all(row["not_before"] == row["created_at"] for row in reminders)

    clock.now = local(2026, 11, 25, 19, 35)  # only 35 minutes in
    assert await tick(db, clock, remind_after_sessions) == 0
    clock.now = local(2026, 11, 25, 20, 5)
    assert await tick(db, clock, remind_after_sessions) == 1
    clock.now = local(2026, 11, 25, 20, 35)
    assert await tick(db, clock, remind_after_sessions) == 0  # once per planned meeting
    [row] = await queued(db, "reminder:after")
    assert row["address"] == buddy.address  # the buddy logs meetings, not the newcomer
    buddy.last = replies_of(row)
    assert "How did it go with Amal?" in buddy.text

    await buddy.tap("1.5 h")  # who, how long and which day are known: what did you do?
    assert "What did you do together?" in buddy.text
    await buddy.tap("🛒")
    assert "Saved" in buddy.text
    [entry] = await rows(db, "SELECT * FROM hour_entries")
    assert (entry["day"], entry["minutes"], entry["status"]) == ("2026-11-25", 90, "pending")
    assert entry["confirmer_person_id"] == await person_id(db, newcomer.address)
    assert entry["logged_by_person_id"] == await person_id(db, buddy.address)
    [request] = await inbox(db, newcomer.address, "confirm_request")
    assert "Jan" in request.text and "1.5 h" in request.text
    await buddy.press(f"bl:{(await planned(db))[0]['id']}:60")  # the old prompt, tapped again
    await buddy.tap("🛒")
    assert "Add it again?" in buddy.text  # the same meeting that day: asked, not doubled


async def test_reminders_follow_the_rules(router: Router, db: Database, clock: Clock) -> None:
    """The newcomer turned meeting reminders off; the buddy logged the meeting already."""
    buddy, newcomer = await paired(router)
    await plan(buddy, "Wed 25 Nov", "19:00")
    await newcomer.say("/reminders")
    await newcomer.tap("Before an activity")
    await buddy.say("/reminders")
    labels = [b.label for reply in buddy.last for row in reply.buttons for b in row]
    assert "✅ 📅 Before an activity" in labels and "✅ 📝 After an activity: log hours" in labels

    clock.now = local(2026, 11, 24, 17)
    assert await tick(db, clock, remind_sessions) == 1
    [row] = await queued(db, "reminder:session")
    assert row["address"] == buddy.address

    clock.now = local(2026, 11, 25, 21)
    await buddy.say("/log")
    await buddy.tap("2 h")
    await buddy.tap("☕")  # logged without the prompt
    clock.now = local(2026, 11, 26, 8, 5)
    assert await tick(db, clock, remind_after_sessions) == 0


async def test_cancel_a_planned_meeting(router: Router, db: Database, clock: Clock) -> None:
    buddy, newcomer = await paired(router)
    await plan(buddy, "Wed 25 Nov", "10:00")
    clock.now = local(2026, 11, 24, 22)  # a late tick: the reminders wait for 08:00
    assert await tick(db, clock, remind_sessions) == 2
    assert len(await queued(db, "reminder:session")) == 2

    await buddy.say("/buddy")
    await buddy.tap("Cancel Wednesday 25 November · 10:00")
    assert "Cancelled: Wednesday 25 November · 10:00 with Amal." in buddy.text
    assert "Planned meetings" not in buddy.text
    [meeting] = await planned(db)
    assert meeting["cancelled_at"] is not None
    told = await inbox(db, newcomer.address, "plan")
    assert told[1].text == "✖️ Jan cancelled the meeting of Wednesday 25 November · 10:00."
    assert await queued(db, "reminder:session") == []  # the waiting reminders are dropped

    await buddy.press(f"bx:{meeting['id']}")  # cancelled already
    assert "This button is old" in buddy.text
    assert len(await inbox(db, newcomer.address, "plan")) == 2
    clock.now = local(2026, 11, 25, 12, 5)
    assert await tick(db, clock, remind_after_sessions) == 0
    await newcomer.say("/buddy")
    assert "Planned meetings" not in newcomer.text
