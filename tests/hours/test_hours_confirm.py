"""Confirming and disputing hours: the buddy and the newcomer answer each other's entries."""

from __future__ import annotations

from handlers.context import Config
from handlers.hours.confirmations import Outcome, apply_confirmation, pack_ids
from handlers.router import Router
from storage.db import Database
from storage.staff import add_staff
from tests.conftest import Chat, Clock, onboard_newcomer
from tests.hours.test_hours_support import (
    button_data,
    entries,
    inbox,
    inbox_keys,
    paired,
    rows,
    snapshot,
)


async def _log(newcomer: Chat, duration: str = "2 h", day: str = "Today") -> None:
    await newcomer.say("/log")
    await newcomer.tap("Buddy")
    await newcomer.tap(duration)
    await newcomer.tap(day)
    if "Add it again?" in newcomer.text:
        await newcomer.tap("Yes, add again")


async def test_buddy_confirms_with_who_and_when(router: Router, db: Database, clock: Clock) -> None:
    buddy, newcomer = await paired(router)
    await _log(newcomer)
    clock.advance(hours=3)
    request = await inbox(db, buddy.address, "confirm_request")
    await buddy.press(button_data(request, "Yes"))
    assert "Confirmed" in buddy.text and buddy.last[0].edit
    (entry,) = await entries(db)
    assert entry["status"] == "confirmed" and entry["confirmed_by_name"] == "Jan"
    assert entry["confirmed_at"] == "2026-11-23T13:00:00Z"
    told = await inbox(db, newcomer.address, "hours_confirmed")
    assert "Confirmed by Jan" in told[0].text
    await newcomer.say("/progress")
    assert "2 of 40" in newcomer.text
    await buddy.press(button_data(request, "Yes"))  # a second press changes nothing
    assert "answered this already" in buddy.text
    assert len(await inbox(db, newcomer.address, "hours_confirmed")) == 1


async def test_newcomer_confirms_what_the_buddy_logged(router: Router, db: Database) -> None:
    buddy, newcomer = await paired(router)
    await buddy.say("/log")
    await buddy.tap("1 h")
    await buddy.tap("🎲")
    request = await inbox(db, newcomer.address, "confirm_request")
    await newcomer.press(button_data(request, "👍"))
    (entry,) = await entries(db)
    assert entry["status"] == "confirmed" and entry["confirmed_by_name"] == "Amal"
    assert "Confirmed by Amal" in (await inbox(db, buddy.address, "hours_confirmed"))[0].text


async def test_only_the_confirmer_may_answer(router: Router, db: Database) -> None:
    buddy, newcomer = await paired(router)
    await _log(newcomer)
    stranger = Chat(router, "3003")
    await onboard_newcomer(stranger, name="Mo")
    entry_id = (await entries(db))[0]["id"]
    before = await snapshot(db)
    for chat in (newcomer, stranger):  # the one who logged it, and someone else
        for data in (f"hc:ok:{entry_id}", f"hc:no:{entry_id}", f"hc:all:{entry_id}"):
            await chat.press(data)
            assert "old" in chat.text
    for data in ("hc:ok:abc", "hc:ok:", "hc:ok:1.2", "hc:yes:1", "hc", "hc:all:" + "1." * 30):
        await buddy.press(data)
        assert "old" in buddy.text
    assert await snapshot(db) == before


async def test_an_ended_relation_cannot_confirm(router: Router, db: Database) -> None:
    buddy, newcomer = await paired(router)
    await _log(newcomer)
    async with db.transaction() as tx:  # the newcomer left and the pair row went with them
        await tx.execute("DELETE FROM buddy_pairs")
    await buddy.press(f"hc:ok:{(await entries(db))[0]['id']}")
    assert "old" in buddy.text
    assert (await entries(db))[0]["status"] == "pending"


async def test_confirm_several_at_once(router: Router, db: Database) -> None:
    buddy, newcomer = await paired(router)
    for day in ("Today", "Yesterday"):
        await _log(newcomer, "1 h", day)
    await _log(newcomer, "3 h", "Today")
    latest = (await inbox(db, buddy.address, "confirm_request"))[-1]
    assert "Confirm all 3" in latest.buttons[-1][0].label
    await buddy.say("/confirm")
    assert len(buddy.last) == 4 and "all at once" in buddy.last[-1].text
    await buddy.tap("Confirm all")
    assert "Confirmed 3 entries (5 h)" in buddy.text
    assert {e["status"] for e in await entries(db)} == {"confirmed"}
    told = await inbox(db, newcomer.address, "hours_confirmed")
    assert len(told) == 1 and told[0].text.count("\n") == 3  # one message listing all three
    await buddy.say("/confirm")
    assert "Nothing to confirm" in buddy.text


def test_all_button_fits_in_64_bytes() -> None:
    data, count = pack_ids(list(range(100_000, 100_050)))
    assert len(data.encode()) <= 64 and count == 8 and data.startswith("hc:all:100000.")


async def test_dispute_collects_both_sides_for_staff(router: Router, db: Database, clock) -> None:
    async with db.transaction() as tx:
        network = await tx.scalar(
            "SELECT network_id FROM network_postcodes WHERE postcode = '8900'"
        )
        await add_staff(tx, email="els@westhoek.example", network_id=network, now=clock())
        other = await tx.scalar("SELECT id FROM networks WHERE id != ? LIMIT 1", (network,))
        await add_staff(tx, email="piet@gent.example", network_id=other, now=clock())
    buddy, newcomer = await paired(router)
    await _log(newcomer, "3 h")
    request = await inbox(db, buddy.address, "confirm_request")
    await buddy.press(button_data(request, "No"))
    assert "not right" in buddy.text and "Type a few words" in buddy.text
    assert (await entries(db))[0]["status"] == "disputed"
    await buddy.say("We met for one hour & had coffee")
    assert "Thank you" in buddy.text
    ask = (await inbox(db, newcomer.address, "dispute"))[-1]
    assert "Jan says this is not right" in ask.text and "one hour &amp; had coffee" in ask.text
    await newcomer.press(button_data([ask], "Tell my side"))
    assert "What happened?" in newcomer.text
    await newcomer.say("It was three hours, with the walk")
    (entry,) = await entries(db)
    assert entry["confirmer_note"] == "We met for one hour & had coffee"
    assert entry["logger_note"] == "It was three hours, with the walk"
    staff_mail = await rows(db, "SELECT * FROM outbox WHERE purpose = 'dispute_staff'")
    assert [m["address"] for m in staff_mail] == ["els@westhoek.example"]  # only their network
    assert "one hour &amp; had coffee" in staff_mail[0]["payload"]
    assert "three hours, with the walk" in staff_mail[0]["payload"]
    await newcomer.say("/progress")
    assert "0 of 40" in newcomer.text  # disputed hours do not count


async def test_dispute_without_words_and_removal(router: Router, db: Database) -> None:
    buddy, newcomer = await paired(router)
    await _log(newcomer)
    await buddy.press(button_data(await inbox(db, buddy.address), "No"))
    await buddy.tap("Skip")
    ask = (await inbox(db, newcomer.address, "dispute"))[-1]
    assert "💬" not in ask.text
    await newcomer.press(button_data([ask], "Remove it"))
    assert "Removed" in newcomer.text
    assert (await entries(db))[0]["status"] == "undone"
    await buddy.press(button_data([ask], "Tell my side"))  # not theirs
    assert "old" in buddy.text


async def test_dispute_words_that_are_too_long(router: Router, db: Database) -> None:
    buddy, newcomer = await paired(router)
    await _log(newcomer)
    await buddy.press(button_data(await inbox(db, buddy.address), "No"))
    await buddy.say("x" * 600)
    assert "at most 500" in buddy.text
    assert (await entries(db))[0]["confirmer_note"] is None
    await buddy.say("Too long")
    assert (await entries(db))[0]["confirmer_note"] == "Too long"


async def test_apply_confirmation_outside_a_button(router: Router, db: Database, clock) -> None:
    """The e-mail channel answers by reply token: the same rules, without a chat turn."""
    buddy, newcomer = await paired(router)
    await _log(newcomer, "1 h", "Today")
    await _log(newcomer, "1 h", "Yesterday")
    first, second = (e["id"] for e in await entries(db))
    ids = {r["address"]: r["person_id"] for r in await rows(db, "SELECT * FROM identities")}
    config = Config()
    async with db.transaction() as tx:
        assert await apply_confirmation(tx, config, clock(), first, ids[newcomer.address],
                                        True) is Outcome.NOT_ALLOWED  # fmt: skip
        assert await apply_confirmation(tx, config, clock(), 999, ids[buddy.address],
                                        True) is Outcome.NOT_ALLOWED  # fmt: skip
        assert await apply_confirmation(tx, config, clock(), first, ids[buddy.address],
                                        True) is Outcome.CONFIRMED  # fmt: skip
        assert await apply_confirmation(tx, config, clock(), first, ids[buddy.address],
                                        False, "no") is Outcome.ALREADY  # fmt: skip
        assert await apply_confirmation(tx, config, clock(), second, ids[buddy.address], False,
                                        "  Not   that day ") is Outcome.DISPUTED  # fmt: skip
    statuses = {e["id"]: (e["status"], e["confirmer_note"]) for e in await entries(db)}
    assert statuses == {first: ("confirmed", None), second: ("disputed", "Not that day")}
    ask = (await inbox(db, newcomer.address, "dispute"))[-1]
    assert "Not that day" in ask.text  # the words went straight to the other side


async def test_milestones_are_celebrated_once(router: Router, db: Database) -> None:
    buddy, newcomer = await paired(router)
    for days_ago in range(4):  # 4 × 3 h = 12 h: crosses a quarter of 40
        await newcomer.say("/log")
        await newcomer.tap("Buddy")
        await newcomer.tap("3 h")
        await newcomer.tap("Earlier")
        await newcomer.press(f"hd:{days_ago}")
    await buddy.say("/confirm")
    await buddy.tap("Confirm all")
    keys = await inbox_keys(db, newcomer.address)
    assert keys.count(f"milestone:{(await entries(db))[0]['person_id']}:1") == 1
    (celebration,) = await inbox(db, newcomer.address, "milestone")
    assert "quarter" in celebration.text and "🟩" in celebration.text


async def test_reaching_the_target_points_to_the_proof(db: Database, clock: Clock) -> None:
    router = Router(db, Config(target_hours=4, bot_username="b"), clock=clock)
    buddy, newcomer = await paired(router)
    await _log(newcomer, "3 h", "Today")
    await _log(newcomer, "1 h", "Yesterday")
    await buddy.say("/confirm")
    await buddy.tap("Confirm all")
    celebrations = await inbox(db, newcomer.address, "milestone")
    assert "You did it" in celebrations[-1].text and "/proof" in celebrations[-1].text
    await newcomer.press(button_data(celebrations[-1:], "Proof"))
    assert "Which name goes on the proof?" in newcomer.text


async def test_undone_entry_cannot_be_confirmed(router: Router, db: Database) -> None:
    buddy, newcomer = await paired(router)
    await _log(newcomer)
    await newcomer.tap("Remove")
    request = await inbox(db, buddy.address, "confirm_request")
    await buddy.press(button_data(request, "Yes"))
    assert "removed" in buddy.text
    assert (await entries(db))[0]["status"] == "undone"


async def test_old_requests_stay_answerable(router: Router, db: Database, clock: Clock) -> None:
    buddy, newcomer = await paired(router)
    await _log(newcomer)
    clock.advance(days=20)
    await buddy.press(button_data(await inbox(db, buddy.address, "confirm_request"), "Yes"))
    assert (await entries(db))[0]["confirmed_at"] == "2026-12-13T10:00:00Z"
