"""Hours for an offer: confirmed by the provider's contact, and by nobody else."""

from __future__ import annotations

from handlers.offers.catalog_import import import_demo
from handlers.router import Router
from storage.db import Database
from storage.offers import create_provider_link, enrol
from tests.conftest import Chat, Clock, onboard_newcomer
from tests.hours.test_hours_support import entries, inbox, rows, snapshot

OFFER = "Taalcafé Ieper"
PROVIDER_MAIL = "taalcafe.ieper@example.org"


async def _setup(router: Router, db: Database, clock: Clock) -> tuple[Chat, Chat, int]:
    """A newcomer enrolled in the taalcafé, and its contact linked to a chat."""
    await import_demo(db)
    newcomer = Chat(router, "1001")
    await onboard_newcomer(newcomer)
    async with db.transaction() as tx:
        offer_id = await tx.scalar("SELECT id FROM offers WHERE title_nl = ?", (OFFER,))
        provider_id = await tx.scalar("SELECT provider_id FROM offers WHERE id = ?", (offer_id,))
        person_id = await tx.scalar("SELECT person_id FROM identities WHERE address = '1001'")
        await enrol(tx, person_id, offer_id, clock())
        code = await create_provider_link(tx, provider_id, clock())
    contact = Chat(router, "5005", channel="telegram")
    await contact.say(f"/start prov-{code}")  # a provider contact needs no onboarding
    assert "You are now the contact" in contact.text
    return newcomer, contact, offer_id


async def test_offer_hours_confirmed_by_the_provider(router: Router, db: Database,
                                                     clock: Clock) -> None:  # fmt: skip
    newcomer, contact, offer_id = await _setup(router, db, clock)
    await newcomer.say("/log")
    await newcomer.tap(OFFER)
    await newcomer.tap("2 h")
    await newcomer.tap("Today")
    assert "Saved" in newcomer.text and OFFER in newcomer.text
    (entry,) = await entries(db)
    assert entry["source"] == "offer" and entry["offer_id"] == offer_id
    assert entry["kind"] == "language" and entry["provider_name"]
    assert await inbox(db, PROVIDER_MAIL, "confirm_request") == []  # Telegram comes first
    request = await inbox(db, contact.address, "confirm_request")
    assert "Amal" in request[0].text and OFFER in request[0].text  # in the contact's Dutch
    await newcomer.press(request[0].buttons[0][0].data)  # not theirs to confirm
    assert "old" in newcomer.text
    await contact.press(request[0].buttons[0][0].data)  # ✅
    assert contact.last[0].edit and contact.last[0].text.startswith("✅")
    (entry,) = await entries(db)
    assert entry["status"] == "confirmed"
    assert entry["confirmed_by_name"] == entry["provider_name"] == "Taalcafé Ieper vzw"
    await newcomer.say("/progress")
    assert "2 of 40" in newcomer.text


async def test_another_provider_cannot_confirm(router: Router, db: Database,
                                               clock: Clock) -> None:  # fmt: skip
    newcomer, _, _ = await _setup(router, db, clock)
    await newcomer.say("/log")
    await newcomer.tap(OFFER)
    await newcomer.tap("1 h")
    await newcomer.tap("Today")
    async with db.transaction() as tx:
        other = await tx.scalar(
            "SELECT id FROM providers WHERE email IS NOT NULL AND email != ? LIMIT 1",
            (PROVIDER_MAIL,),
        )
        code = await create_provider_link(tx, other, clock())
    intruder = Chat(router, "6006", channel="telegram")
    await intruder.say(f"/start prov-{code}")
    assert "You are now the contact" in intruder.text
    entry_id = (await entries(db))[0]["id"]
    before = await snapshot(db)
    for data in (f"hc:ok:{entry_id}", f"hc:no:{entry_id}", f"hc:all:{entry_id}"):
        await intruder.press(data)
        assert "old" in intruder.text
    await intruder.say("/confirm")
    assert intruder.text.startswith("👌")  # nothing to confirm
    assert await snapshot(db) == before


async def test_only_enrolled_offers_can_be_logged(router: Router, db: Database,
                                                  clock: Clock) -> None:  # fmt: skip
    newcomer, _, offer_id = await _setup(router, db, clock)
    other_offer = (await rows(db, "SELECT id FROM offers WHERE id != ? LIMIT 1", offer_id))[0]
    await newcomer.say("/log")
    before = await snapshot(db)
    await newcomer.press(f"hl:o:{other_offer['id']}")
    assert "old" in newcomer.text
    assert await snapshot(db) == before
    async with db.transaction() as tx:  # a cancelled enrolment is no longer offered either
        await tx.execute("UPDATE enrolments SET status = 'cancelled'")
    await newcomer.say("/log")
    assert OFFER not in str(newcomer.last[-1].buttons)
