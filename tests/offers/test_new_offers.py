"""A sync adds an offer that fits: the newcomer hears about it once, at most weekly, never at
night, and not when they turned it off in /reminders. Offers are built from publiq's read
examples (tests/fakes/publiq_documents.py), moved to Ieper where the newcomer lives."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from handlers.context import Config, load_replies
from handlers.offers.catalog_import import import_documents
from handlers.offers.new_offers import tell_new_offers
from storage.db import Database
from tests.conftest import Chat, Clock, onboard_newcomer
from tests.fakes.publiq_documents import place, yoga

CONFIG = Config(bot_username="meedoen_test_bot")
IEPER = {
    "nl": {"addressCountry": "BE", "addressLocality": "Ieper", "postalCode": "8900",
           "streetAddress": "Grote Markt 1"}
}  # fmt: skip


def local(month: int, day: int, hour: int) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=ZoneInfo("Europe/Brussels")).astimezone(UTC)


def walk(uuid: str, title: str) -> list[dict[str, Any]]:
    """A Saturday walk in Ieper: the yoga example (periodic, location by @id) and its place."""
    hours = [{"opens": "10:00", "closes": "12:00", "dayOfWeek": ["saturday"]}]
    sport = [{"id": "0.59.0.0.0", "label": "Sportactiviteit", "domain": "eventtype"}]
    venue = place(
        uuid=uuid.replace("e", "f"),
        address=copy.deepcopy(IEPER),
        geo={"latitude": 50.8514, "longitude": 2.8857},
        labels=["één taalicoon"],
    )
    event = yoga(
        uuid=uuid,
        name={"nl": title},
        openingHours=hours,
        terms=sport,
        location={"@id": venue["@id"]},
        labels=["één taalicoon"],
        startDate="2026-11-01T00:00:00+01:00",
        endDate="2027-06-30T23:59:59+02:00",
    )
    return [event, venue]


async def tick(db: Database, clock: Clock) -> int:
    async with db.transaction() as tx:
        return await tell_new_offers(tx, CONFIG, clock())


async def cards(db: Database) -> list[str]:
    async with db.transaction() as tx:
        rows = await tx.all(
            "SELECT payload FROM outbox WHERE purpose = 'reminder:new_offer' ORDER BY id"
        )
    return ["\n".join(r.text for r in load_replies(row[0])) for row in rows]


async def test_a_new_offer_that_fits_is_told_once_a_week(
    db: Database, clock: Clock, chat: Chat
) -> None:
    await onboard_newcomer(chat)  # Amal, Ieper, sport and nature, weekends free
    clock.now = local(11, 24, 6)
    await import_documents(db, walk("e1e1e1e1-0000-4000-8000-000000000001", "Wandelclub"),
                           "Westhoek", now=clock())  # fmt: skip
    clock.now = local(11, 24, 10)
    assert await tick(db, clock) == 1
    [card] = await cards(db)
    assert "🆕" in card and "Wandelclub" in card
    assert await tick(db, clock) == 0  # the same tick again queues nothing twice

    clock.now = local(11, 26, 6)  # two days later another sync adds one more
    await import_documents(
        db,
        walk("e1e1e1e1-0000-4000-8000-000000000001", "Wandelclub")
        + walk("e2e2e2e2-0000-4000-8000-000000000002", "Loopgroep"),
        "Westhoek", now=clock(),
    )  # fmt: skip
    clock.now = local(11, 26, 10)
    assert await tick(db, clock) == 0  # at most one a week
    clock.now = local(12, 1, 10)
    assert await tick(db, clock) == 1
    assert "Loopgroep" in (await cards(db))[-1]


async def test_never_at_night_nor_when_turned_off_nor_for_old_offers(
    db: Database, clock: Clock, chat: Chat
) -> None:
    clock.now = local(11, 22, 6)
    await import_documents(db, walk("e3e3e3e3-0000-4000-8000-000000000003", "Oud aanbod"),
                           "Westhoek", now=clock())  # fmt: skip
    await onboard_newcomer(chat)  # after that offer arrived: it is not new to Amal
    clock.now = local(11, 24, 10)
    assert await tick(db, clock) == 0
    clock.now = local(11, 24, 6)
    await import_documents(db, walk("e4e4e4e4-0000-4000-8000-000000000004", "Nieuw aanbod"),
                           "Westhoek", now=clock())  # fmt: skip
    clock.now = local(11, 24, 22)
    assert await tick(db, clock) == 0  # quiet hours
    await chat.say("/reminders")
    await chat.tap("New activities that fit me")  # off
    clock.now = local(11, 25, 10)
    assert await tick(db, clock) == 0
    assert await cards(db) == []
