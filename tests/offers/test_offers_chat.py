"""Suggestions, enrolment and the provider link through the router, read like a transcript."""

from __future__ import annotations

import json
import re

import pytest

from handlers.offers.catalog_import import import_demo
from handlers.types import Reply
from storage import offers as store
from storage.db import Database
from tests.conftest import Chat, Clock, onboard_newcomer


@pytest.fixture
async def catalog(db: Database) -> Database:
    await import_demo(db)
    return db


def card_id(reply: Reply) -> int:
    """The offer on a card, from its 👍 button."""
    for row in reply.buttons:
        for button in row:
            if button.data and button.data.startswith("ay:"):
                return int(button.data[3:])
    raise AssertionError(f"not a card: {reply.text}")


async def offer(db: Database, offer_id: int) -> store.Offer:
    async with db.transaction() as tx:
        found = await store.get_offer(tx, offer_id)
    assert found is not None
    return found


async def scalar(db: Database, sql: str, *params: object) -> object:
    async with db.transaction() as tx:
        return await tx.scalar(sql, params)


async def cards(chat: Chat, db: Database, n: int) -> list[store.Offer]:
    """Open /offers and press ➡️ until `n` cards were shown."""
    replies = await chat.say("/offers")
    shown = [await offer(db, card_id(replies[-1]))]
    while len(shown) < n:
        replies = await chat.press(f"ax:{shown[-1].id}")
        if not replies[-1].buttons or not any(
            b.data and b.data.startswith("ay:") for row in replies[-1].buttons for b in row
        ):
            break
        shown.append(await offer(db, card_id(replies[-1])))
    return shown


async def test_ieper_newcomer_gets_nearby_sport_and_nature_first(
    chat: Chat, catalog: Database
) -> None:
    await onboard_newcomer(chat, place="8900", interests=("sport", "nature"), travel=10)
    first = await chat.say("/offers")
    card = first[-1]
    assert "km" in card.text and "✨" in card.text
    shown = await cards(chat, catalog, 12)
    assert shown[0].kind in ("sport", "nature")
    assert {"sport", "nature"} & set(shown[0].interests)
    top = shown[:4]
    assert all({"sport", "nature"} & set(o.interests) for o in top)
    assert len({o.kind for o in top}) >= 2  # some variety among the first cards
    from storage.postcodes import haversine_km

    async with catalog.transaction() as tx:
        home = tuple(await tx.one("SELECT latitude, longitude FROM people"))
    for o in shown:
        assert haversine_km(*home, o.latitude, o.longitude) <= 10
        assert o.dutch_level <= 3  # the person has level 2: at most one above


async def test_a_declined_offer_never_comes_back(chat: Chat, catalog: Database) -> None:
    await onboard_newcomer(chat, place="8900")
    first = card_id((await chat.say("/offers"))[-1])
    after = await chat.press(f"an:{first}")
    assert "OK" in after[-1].text and after[-1].edit
    assert card_id(after[-1]) != first
    for _ in range(3):
        shown = await cards(chat, catalog, 40)
        assert first not in {o.id for o in shown}
    assert await scalar(catalog, "SELECT COUNT(*) FROM declined_offers") == 1


async def test_never_an_offer_80_km_away(chat: Chat, catalog: Database) -> None:
    """An offer that fits perfectly but lies in Antwerp (about 100 km) is never shown."""
    from handlers.offers.catalog_import import read_csv, write_records

    text = (
        "external_id,title_nl,description_nl,kind,interests,provider_name,provider_email,"
        "postcode,latitude,longitude,network,schedule,dutch_level,children_welcome,cost\n"
        "far-1,Voetbal in Antwerpen,Elke zaterdag voetbal.,sport,sport;nature,FC Schelde,"
        "fc@example.org,2000,51.2194,4.4025,Waasland,sat 10:00-12:00,1,yes,free\n"
    )
    async with catalog.transaction() as tx:
        rows = list(read_csv(text))
        report = await write_records(tx, rows, "far", None, True, chat.router.clock())
    assert report.new == 1
    await onboard_newcomer(chat, place="8900", travel=50)
    shown = await cards(chat, catalog, 60)
    assert shown and "Voetbal in Antwerpen" not in {o.title_nl for o in shown}


async def test_enrolment_notifies_the_provider_once(chat: Chat, catalog: Database) -> None:
    await onboard_newcomer(chat, place="8900")
    replies = await chat.say("/offers")
    offer_id = card_id(replies[-1])
    first = await chat.press(f"ay:{offer_id}")
    assert "🎉" in first[0].text and "Next step" in first[0].text
    again = await chat.press(f"ay:{offer_id}")
    assert "already" in again[0].text
    assert await scalar(catalog, "SELECT COUNT(*) FROM enrolments") == 1
    rows = await scalar(catalog, "SELECT COUNT(*) FROM outbox WHERE purpose = 'provider_enrolment'")
    assert rows == 1
    async with catalog.transaction() as tx:
        message = await tx.one("SELECT channel, address, payload FROM outbox")
        o = await store.get_offer(tx, offer_id)
        assert o is not None and o.provider_id is not None
        provider = await store.get_provider(tx, o.provider_id)
        assert provider is not None and provider.person_id is not None
        contact = await tx.one(
            "SELECT role, locale FROM people WHERE id = ?", (provider.person_id,)
        )
    assert tuple(contact) == ("provider", "nl")
    assert message["channel"] == "email" and message["address"] == provider.email
    assert "Amal" in json.loads(message["payload"])[0]["text"]
    assert (await offer(catalog, offer_id)).enrolled == 1
    assert offer_id not in {o.id for o in await cards(chat, catalog, 40)}  # not shown again


async def test_capacity_is_respected(chat: Chat, catalog: Database, router, clock: Clock) -> None:
    async with catalog.transaction() as tx:
        offer_id = await tx.scalar(
            "SELECT id FROM offers WHERE municipality = 'Ieper' AND dutch_level <= 2 "
            "AND cost = 'free' ORDER BY id LIMIT 1"
        )
        await tx.execute("UPDATE offers SET capacity = 1 WHERE id = ?", (offer_id,))
    await onboard_newcomer(chat, place="8900")
    assert "🎉" in (await chat.press(f"ay:{offer_id}"))[0].text
    other = Chat(router, address="2002")
    await onboard_newcomer(other, place="8900", name="Olena")
    full = await other.press(f"ay:{offer_id}")
    assert "full" in full[0].text
    assert await scalar(catalog, "SELECT COUNT(*) FROM enrolments WHERE status = 'active'") == 1
    # The first one cancels: the place is free again.
    async with catalog.transaction() as tx:
        enrolment_id = await tx.scalar("SELECT id FROM enrolments")
    await chat.say("/myoffers")
    await chat.press(f"aq:{enrolment_id}")
    done = await chat.tap("Yes")
    assert "Cancelled" in done[0].text
    assert (await offer(catalog, offer_id)).enrolled == 0
    assert "🎉" in (await other.press(f"ay:{offer_id}"))[0].text


async def test_forged_and_stale_card_buttons_change_nothing(
    chat: Chat, catalog: Database, router
) -> None:
    await onboard_newcomer(chat, place="8900")
    offer_id = card_id((await chat.say("/offers"))[-1])
    for forged in ("ay:999999", "ay:abc", "ay:", "ay:1:2", "an:-1", "ac:0", "ak:99x",
                   "aq:12345", "ar:1", "al:x", "ax:" + "9" * 40):  # fmt: skip
        replies = await chat.press(forged)
        assert "old" in replies[0].text, forged
    # Someone else's enrolment cannot be cancelled.
    await chat.press(f"ay:{offer_id}")
    enrolment_id = await scalar(catalog, "SELECT id FROM enrolments")
    intruder = Chat(router, address="3003")
    await onboard_newcomer(intruder, place="9000", name="Mo")
    assert "old" in (await intruder.press(f"ar:{enrolment_id}"))[0].text
    assert "old" in (await intruder.press(f"aq:{enrolment_id}"))[0].text
    # An offer far from the intruder (Ieper from Gent, 10 km radius) is not theirs to take.
    assert "old" in (await intruder.press(f"ay:{offer_id}"))[0].text
    assert await scalar(catalog, "SELECT COUNT(*) FROM enrolments") == 1
    # A deactivated offer: a kind word, no enrolment.
    async with catalog.transaction() as tx:
        other_id = await tx.scalar(
            "SELECT id FROM offers WHERE municipality = 'Ieper' AND id != ? LIMIT 1", (offer_id,)
        )
        await store.set_offer_active(tx, other_id, False, chat.router.clock())
    gone = await chat.press(f"ay:{other_id}")
    assert "not available" in gone[0].text
    assert await scalar(catalog, "SELECT COUNT(*) FROM enrolments") == 1
    assert await scalar(catalog, "SELECT COUNT(*) FROM outbox") == 1


async def test_buddies_do_not_browse_offers(chat: Chat, catalog: Database) -> None:
    from tests.conftest import onboard_buddy

    await onboard_buddy(chat)
    assert "🚫" in (await chat.say("/offers"))[0].text
    assert "⌛" in (await chat.press("ay:1"))[0].text


async def test_calendar_contact_and_map(chat: Chat, catalog: Database) -> None:
    await onboard_newcomer(chat, place="8900")
    card = (await chat.say("/offers"))[-1]
    offer_id = card_id(card)
    urls = [b.url for row in card.buttons for b in row if b.url]
    assert urls and urls[0].startswith("https://www.openstreetmap.org/?mlat=")
    ics = await chat.press(f"ac:{offer_id}")
    document = ics[0].document
    assert document is not None and document.mime == "text/calendar"
    body = document.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\n") and "DTSTART:" in body
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    contact = await chat.press(f"ak:{offer_id}")
    assert "@example.org" in contact[0].text


async def test_my_offers_lists_and_cancels(chat: Chat, catalog: Database) -> None:
    await onboard_newcomer(chat, place="8900")
    empty = await chat.say("/myoffers")
    assert "not on any list" in empty[0].text
    offer_id = card_id((await chat.say("/offers"))[-1])
    await chat.press(f"ay:{offer_id}")
    listed = await chat.say("/myoffers")
    title = (await offer(catalog, offer_id)).title_nl
    assert title in listed[0].text
    await chat.tap("Cancel")
    await chat.tap("No")
    assert title in chat.text  # still listed
    await chat.tap("Cancel")
    await chat.tap("Yes")
    assert "not on any list" in chat.text
    assert (
        await scalar(catalog, "SELECT COUNT(*) FROM outbox WHERE purpose = 'provider_cancellation'")
        == 1
    )


async def test_nothing_within_reach_is_said_kindly_and_counted(
    chat: Chat, catalog: Database, clock: Clock
) -> None:
    # Music within 2 km of Diksmuide: none in the demo catalog.
    await onboard_newcomer(chat, place="8600", interests=("music",), travel=2)
    replies = await chat.say("/offers")
    assert "🔭 Nothing within 2 km of you. This one is farther away." in replies[-1].text
    assert "🚗 Farther than your 2 km" in replies[-1].text  # the card says so too
    nearest = await offer(catalog, card_id(replies[-1]))
    assert "music" in nearest.interests
    async with catalog.transaction() as tx:
        rows = await tx.all("SELECT day, municipality, interest, count FROM unmet_demand")
        assert [tuple(r) for r in rows] == [("2026-11-23", "Diksmuide", "music", 1)]
        columns = [r["name"] for r in await tx.all("PRAGMA table_info(unmet_demand)")]
    assert "person_id" not in columns  # anonymous
    await chat.say("/offers")  # the same person the same day counts once
    assert await scalar(catalog, "SELECT SUM(count) FROM unmet_demand") == 1
    clock.advance(days=1)
    await chat.say("/offers")
    assert await scalar(catalog, "SELECT SUM(count) FROM unmet_demand") == 2


async def test_provider_link_makes_the_contact_reachable_on_telegram(
    catalog: Database, router, clock: Clock
) -> None:
    newcomer = Chat(router, address="4004", channel="telegram")
    await onboard_newcomer(newcomer, place="8900")
    offer_id = card_id((await newcomer.say("/offers"))[-1])
    provider_id = (await offer(catalog, offer_id)).provider_id
    assert provider_id is not None
    async with catalog.transaction() as tx:
        code = await store.create_provider_link(tx, provider_id, clock())
    # The contact opens the link: linked at once, no newcomer or buddy onboarding.
    contact = Chat(router, address="5005", channel="telegram")
    await contact.say(f"/start prov-{code}")
    assert "contact for" in contact.text
    async with catalog.transaction() as tx:
        provider = await store.get_provider(tx, provider_id)
        assert provider is not None
        role = await tx.scalar("SELECT role FROM people WHERE id = ?", (provider.person_id,))
    assert role == "provider"
    # Used once: a second try is refused.
    other = Chat(router, address="6006", channel="telegram")
    await other.say(f"/start prov-{code}")
    assert "old" in other.text
    # Enrolment now reaches the contact on Telegram.
    await newcomer.press(f"ay:{offer_id}")
    async with catalog.transaction() as tx:
        message = await tx.one("SELECT channel, address FROM outbox")
    assert tuple(message) == ("telegram", "5005")


async def test_provider_link_merges_into_the_email_contact(
    catalog: Database, router, clock: Clock
) -> None:
    newcomer = Chat(router, address="4004")
    await onboard_newcomer(newcomer, place="8900")
    offer_id = card_id((await newcomer.say("/offers"))[-1])
    await newcomer.press(f"ay:{offer_id}")  # makes the e-mail contact person
    provider_id = (await offer(catalog, offer_id)).provider_id
    assert provider_id is not None
    async with catalog.transaction() as tx:
        provider = await store.get_provider(tx, provider_id)
        assert provider is not None
        email_person = provider.person_id
        code = await store.create_provider_link(tx, provider_id, clock())
    contact = Chat(router, address="7007", channel="telegram")
    await contact.say(f"/start prov-{code}")
    assert "✅" in contact.text
    await contact.say("/language")
    await contact.press("ol:fr")
    async with catalog.transaction() as tx:
        channels = await tx.all(
            "SELECT channel FROM identities WHERE person_id = ? ORDER BY channel",
            (email_person,),
        )
        people = await tx.scalar("SELECT COUNT(*) FROM people")
        locale = await tx.scalar("SELECT locale FROM people WHERE id = ?", (email_person,))
    assert [r[0] for r in channels] == ["email", "telegram"]
    assert people == 2 and locale == "fr"  # the Telegram person was merged, not kept
    # The merged contact writes again: recognised as the provider, no onboarding.
    replies = await contact.say("/menu")
    assert replies and "Choose your language" not in replies[0].text


async def test_stale_or_forged_provider_link(catalog: Database, router, clock: Clock) -> None:
    async with catalog.transaction() as tx:
        code = await store.create_provider_link(tx, 1, clock(), days=1)
    clock.advance(days=2)
    chat = Chat(router, address="8008", channel="telegram")
    await chat.say(f"/start prov-{code}")
    assert "old" in chat.text
    for forged in ("prov-x", "prov-" + "a" * 60, "prov-<b>&"):
        await chat.say(f"/start {forged}")
        assert "old" in chat.text or "Welcome" in chat.text
    assert await scalar(catalog, "SELECT person_id FROM providers WHERE id = 1") is None


async def test_mydata_and_forget_cover_enrolments(chat: Chat, catalog: Database) -> None:
    await onboard_newcomer(chat, place="8900")
    offer_id = card_id((await chat.say("/offers"))[-1])
    await chat.press(f"ay:{offer_id}")
    second = card_id((await chat.press(f"ax:{offer_id}"))[-1])
    await chat.press(f"an:{second}")
    document = json.loads((await chat.say("/mydata"))[-1].document.content)
    assert document["enrolments"][0]["offer_id"] == offer_id
    assert document["declined_offers"][0]["offer_id"] == second
    await chat.say("/forget")
    await chat.tap("Yes")
    assert await scalar(catalog, "SELECT COUNT(*) FROM enrolments") == 0
    assert await scalar(catalog, "SELECT COUNT(*) FROM declined_offers") == 0
    assert (await offer(catalog, offer_id)).enrolled == 0  # the trigger followed the cascade


async def test_card_is_short_and_safe_html(chat: Chat, catalog: Database) -> None:
    async with catalog.transaction() as tx:
        await tx.execute(
            "UPDATE offers SET title_nl = 'Sport & spel <voor> iedereen' "
            "WHERE municipality = 'Ieper'"
        )
    await onboard_newcomer(chat, place="8900")
    card = (await chat.say("/offers"))[-1]
    assert "Sport &amp; spel &lt;voor&gt; iedereen" in card.text
    assert re.search(r"💬{1,3}", card.text)
    assert len(card.text) < 700
    for row in card.buttons:
        for button in row:
            assert button.url or len(button.data.encode()) <= 64


async def test_offers_after_the_last_card(chat: Chat, catalog: Database, clock: Clock) -> None:
    await onboard_newcomer(chat, place="8600", interests=("nature",), travel=2)
    shown = await cards(chat, catalog, 200)
    assert shown
    assert "That is all" in chat.text
    again = await chat.tap("Start again")
    assert card_id(again[-1]) == shown[0].id
    clock.advance(days=400)  # everything with an end date is over by then
    later = await cards(chat, catalog, 200)
    assert later and all(o.last_day is None for o in later)
    assert len(later) < len(shown)
