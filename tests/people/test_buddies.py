"""Pairing a buddy and a newcomer through a single-use invite, and /buddy."""

from __future__ import annotations

import io

from PIL import Image

from handlers.router import Router
from storage.db import Database
from tests.conftest import Chat, Clock, onboard_buddy, onboard_newcomer
from tests.hours.test_hours_support import (
    BUDDY,
    NEWCOMER,
    inbox,
    invite_code,
    paired,
    rows,
    snapshot,
)


async def _buddy_and_newcomer(router: Router) -> tuple[Chat, Chat]:
    buddy, newcomer = Chat(router, BUDDY), Chat(router, NEWCOMER)
    await onboard_buddy(buddy, locale="en")
    await onboard_newcomer(newcomer)
    return buddy, newcomer


async def test_invite_is_a_link_and_a_qr_code(router: Router) -> None:
    buddy, _ = await _buddy_and_newcomer(router)
    await buddy.say("/buddy")
    assert "no newcomer yet" in buddy.text
    replies = await buddy.tap("Invite")
    assert "https://t.me/meedoen_test_bot?start=pair-" in replies[0].text
    assert "7 days" in replies[0].text
    picture = Image.open(io.BytesIO(replies[0].image.content))
    assert picture.width == picture.height >= 200
    assert {colour for _, colour in picture.convert("L").getcolors()} == {0, 255}  # black on white


async def test_pairing_through_the_deep_link(router: Router, db: Database) -> None:
    buddy, newcomer = await _buddy_and_newcomer(router)
    code = await invite_code(buddy)
    await newcomer.say(f"/start pair-{code}")
    assert "Jan wants to be your buddy" in newcomer.text
    assert await rows(db, "SELECT * FROM buddy_pairs") == []  # nothing before they agree
    await newcomer.tap("Yes")
    assert "Jan is now your buddy" in newcomer.text
    (pair,) = await rows(db, "SELECT * FROM buddy_pairs")
    assert pair["status"] == "active"
    told = await inbox(db, buddy.address, "paired")
    assert "Amal is now your newcomer" in told[0].text
    await buddy.say("/buddy")
    assert "Amal" in buddy.text and "0 meetings" in buddy.text
    await newcomer.say("/buddy")
    assert "Your buddy" in newcomer.text and "Jan" in newcomer.text


async def test_a_code_works_once(router: Router, db: Database) -> None:
    buddy, newcomer = await _buddy_and_newcomer(router)
    code = await invite_code(buddy)
    await newcomer.say(f"/start pair-{code}")
    await newcomer.tap("Yes")
    second = Chat(router, "1002")
    await onboard_newcomer(second, name="Olena")
    before = await snapshot(db)
    await second.say(f"/start pair-{code}")
    assert "used already" in second.text
    assert await snapshot(db) == before


async def test_agreeing_late_to_a_used_code(router: Router, db: Database) -> None:
    buddy, newcomer = await _buddy_and_newcomer(router)
    second = Chat(router, "1002")
    await onboard_newcomer(second, name="Olena")
    code = await invite_code(buddy)
    await newcomer.say(f"/start pair-{code}")
    await second.say(f"/start pair-{code}")  # both opened it; only the first "yes" pairs
    await newcomer.tap("Yes")
    await second.tap("Yes")
    assert "used already" in second.text
    assert len(await rows(db, "SELECT * FROM buddy_pairs")) == 1


async def test_a_code_expires(router: Router, db: Database, clock: Clock) -> None:
    buddy, newcomer = await _buddy_and_newcomer(router)
    code = await invite_code(buddy)
    clock.advance(days=7, seconds=1)
    before = await snapshot(db)
    await newcomer.say(f"/start pair-{code}")
    assert "too old" in newcomer.text
    assert await snapshot(db) == before


async def test_expiry_between_opening_and_agreeing(router: Router, db: Database,
                                                   clock: Clock) -> None:  # fmt: skip
    buddy, newcomer = await _buddy_and_newcomer(router)
    code = await invite_code(buddy)
    await newcomer.say(f"/start pair-{code}")
    clock.advance(days=8)
    await newcomer.tap("Yes")
    assert "too old" in newcomer.text
    assert await rows(db, "SELECT * FROM buddy_pairs") == []


async def test_wrong_links(router: Router, db: Database) -> None:
    buddy, newcomer = await _buddy_and_newcomer(router)
    code = await invite_code(buddy)
    before = await snapshot(db)
    await buddy.say(f"/start pair-{code}")
    assert "your own link" in buddy.text
    for bad in ("pair-nope", "pair-" + "A" * 60, "pair-<b>x</b>", "pair-"):
        await newcomer.say(f"/start {bad}")
        assert "do not know this buddy link" in newcomer.text or "Welcome back" in newcomer.text
    other_buddy = Chat(router, "2002")
    await onboard_buddy(other_buddy, locale="en", name="Els")
    await other_buddy.say(f"/start pair-{code}")
    assert "for a newcomer" in other_buddy.text
    assert await snapshot(db) == before


async def test_saying_no(router: Router, db: Database) -> None:
    buddy, newcomer = await _buddy_and_newcomer(router)
    code = await invite_code(buddy)
    await newcomer.say(f"/start pair-{code}")
    await newcomer.tap("No")
    assert "not paired" in newcomer.text
    assert await rows(db, "SELECT * FROM buddy_pairs") == []


async def test_a_new_newcomer_pairs_after_onboarding(router: Router, db: Database) -> None:
    buddy = Chat(router, BUDDY)
    await onboard_buddy(buddy, locale="en")
    code = await invite_code(buddy)
    newcomer = Chat(router, NEWCOMER)
    await newcomer.say(f"/start pair-{code}")  # the first thing they ever send
    assert "🌐" in newcomer.text  # the language question
    await onboard_newcomer(newcomer)  # the link waits until onboarding is done
    assert "Jan wants to be your buddy" in newcomer.text
    await newcomer.tap("Yes")
    assert len(await rows(db, "SELECT * FROM buddy_pairs")) == 1


async def test_buddy_overview_counts_meetings_and_hours(router: Router, db: Database) -> None:
    buddy, newcomer = await paired(router)
    await buddy.say("/log")
    await buddy.tap("2 h")
    await buddy.tap("🛒")
    await buddy.say("/log")
    await buddy.tap("1 h")
    await buddy.tap("🗣️")
    assert "Add it again?" in buddy.text  # the same pair on the same day
    await buddy.tap("Yes, add again")
    await newcomer.say("/confirm")
    await newcomer.tap("👍")  # the last request listed: the 1 h talk
    await buddy.say("/buddy")
    assert "2 meetings" in buddy.text and "✅ 1 h" in buddy.text and "⏳ 2 h" in buddy.text
    await newcomer.say("/buddy")
    assert "2 meetings" in newcomer.text


async def test_buddy_without_newcomer_is_told_how_to_invite(router: Router) -> None:
    buddy = Chat(router, BUDDY)
    await onboard_buddy(buddy, locale="en")
    await buddy.say("/log")
    assert "no newcomer yet" in buddy.text
    await buddy.tap("Invite")
    assert "start=pair-" in buddy.text


async def test_forged_buddy_buttons(router: Router, db: Database) -> None:
    buddy, newcomer = await paired(router)
    before_pairs = await rows(db, "SELECT * FROM buddy_pairs")
    await newcomer.press("bi")  # only buddies invite
    assert "old" in newcomer.text
    await buddy.press("bi:1")
    assert "old" in buddy.text
    for data in ("bw:1", "ba:coffee", "bp:yes"):
        await newcomer.press(data)
        assert "old" in newcomer.text
    assert await rows(db, "SELECT * FROM buddy_pairs") == before_pairs
    assert await rows(db, "SELECT * FROM pair_invites WHERE used_at IS NULL") == []


async def test_forgetting_the_buddy_keeps_the_newcomers_hours(router: Router,
                                                             db: Database) -> None:  # fmt: skip
    buddy, newcomer = await paired(router)
    await buddy.say("/log")
    await buddy.tap("2 h")
    await buddy.tap("☕")
    await newcomer.say("/confirm")
    await newcomer.tap("👍")
    await buddy.say("/forget")
    await buddy.tap("Yes")
    (entry,) = await rows(db, "SELECT * FROM hour_entries")
    assert entry["status"] == "confirmed" and entry["pair_id"] is None
    assert entry["logged_by_person_id"] is None
    assert await rows(db, "SELECT * FROM buddy_pairs") == []
    assert await rows(db, "SELECT * FROM pair_invites") == []
    await newcomer.say("/progress")
    assert "2 of 40" in newcomer.text


async def test_mydata_includes_hours_and_pairs(router: Router) -> None:
    import json

    _, newcomer = await paired(router)
    await newcomer.say("/log")
    await newcomer.tap("Buddy")
    await newcomer.tap("1 h")
    await newcomer.tap("Today")
    replies = await newcomer.say("/mydata")
    document = json.loads(replies[-1].document.content)
    assert document["hour_entries"][0]["minutes"] == 60
    assert document["buddy_pairs"] and document["pair_invites"]


async def test_staff_make_invites_for_buddies_of_their_network(
    router: Router, db: Database, clock: Clock
) -> None:
    from storage.staff import add_staff

    buddy, newcomer = await _buddy_and_newcomer(router)  # both in Ieper (Westhoek)
    async with db.transaction() as tx:
        westhoek = await tx.scalar("SELECT id FROM networks WHERE name = 'Westhoek'")
        gent = await tx.scalar("SELECT id FROM networks WHERE name = 'Gent'")
        await add_staff(tx, email="els@westhoek.example", network_id=westhoek, now=clock(),
                        telegram_id="9001")  # fmt: skip
        await add_staff(tx, email="piet@gent.example", network_id=gent, now=clock(),
                        telegram_id="9002")  # fmt: skip
        buddy_id = await tx.scalar("SELECT person_id FROM identities WHERE address = ?",
                                   (buddy.address,))  # fmt: skip
    staff = Chat(router, "9001", channel="telegram")
    await staff.say("/buddy")
    assert staff.last[0].buttons[0][0].label == "🔗 Jan"  # staff read Dutch: check the buttons
    replies = await staff.tap("Jan")
    assert replies[0].image is not None and "Jan" in staff.text
    code = next(w for w in staff.text.split() if "start=pair-" in w).split("pair-")[1]
    await newcomer.say(f"/start pair-{code}")
    await newcomer.tap("Yes")
    (pair,) = await rows(db, "SELECT * FROM buddy_pairs")
    assert pair["buddy_id"] == buddy_id
    other = Chat(router, "9002", channel="telegram")
    await other.say("/buddy")
    assert other.last[0].text.startswith("🤝") and not other.last[0].buttons  # none in Gent
    before = await snapshot(db)
    await other.press(f"bi:{buddy_id}")  # a buddy of another network
    assert "⌛" in other.text  # "this button is old", in Dutch
    await newcomer.press(f"bi:{buddy_id}")  # not staff
    assert "old" in newcomer.text
    assert await snapshot(db) == before
