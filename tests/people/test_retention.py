"""Retention with an injected clock: warnings 30 and 7 days before, a button to stay, then
exactly the inactive people deleted; an issued proof still checks out, without a name."""

from __future__ import annotations

from datetime import timedelta

from handlers.context import Config
from handlers.people.retention import months_after, retention_tick
from handlers.router import Router
from storage.db import Database
from tests.conftest import Chat, Clock, onboard_newcomer
from tests.hours.test_hours_support import inbox, rows, scalar
from tests.hours.test_proof_flow import _proof, _scene

CONFIG = Config(bot_username="meedoen_test_bot", default_locale="en", retention_months=24)


async def tick(db: Database, clock: Clock) -> int:
    async with db.transaction() as tx:
        return await retention_tick(tx, CONFIG, clock())


async def people(db: Database) -> set[str]:
    found = await rows(db, "SELECT i.address FROM identities i ORDER BY i.address")
    return {row["address"] for row in found}


def test_months_after_keeps_the_day_or_takes_the_last() -> None:
    from datetime import datetime

    assert months_after(datetime(2026, 11, 23), 24) == datetime(2028, 11, 23)
    assert months_after(datetime(2026, 1, 31), 1) == datetime(2026, 2, 28)


async def test_inactive_people_are_warned_then_deleted(
    router: Router, db: Database, clock: Clock
) -> None:
    buddy, amal = await _scene(router)  # buddy 2001 and Amal 1001, both active today
    _, code = await _proof(amal, "Amal Haddad")
    bram, carla = Chat(router, "1002"), Chat(router, "1003")
    await onboard_newcomer(bram, name="Bram")
    await onboard_newcomer(carla, name="Carla")
    assert await tick(db, clock) == 0  # nobody is near the end

    deletion = months_after(clock(), 24)
    clock.now = deletion - timedelta(days=40)
    await bram.say("/progress")  # Bram keeps using Meedoen
    clock.now = deletion - timedelta(days=30)  # for Amal, Carla and the buddy
    assert await tick(db, clock) == 3
    [warning] = await inbox(db, "1001", "retention")
    assert "we delete your data" in warning.text and "30 days" in warning.text
    assert await inbox(db, "1002", "retention") == []
    assert await tick(db, clock) == 0  # warned once

    await carla.press("rt:stay")  # Carla taps the button
    assert "we keep your data" in carla.text

    clock.advance(days=23)  # 7 days left
    assert await tick(db, clock) == 2
    assert len(await inbox(db, "1001", "retention")) == 2
    clock.advance(days=6)
    assert await tick(db, clock) == 0  # not yet: one day left
    clock.advance(days=1)
    assert await tick(db, clock) == 2  # Amal and the buddy
    assert await people(db) == {"1002", "1003"}
    assert await scalar(db, "SELECT COUNT(*) FROM proofs") == 0
    [record] = await rows(db, "SELECT * FROM proof_records")
    assert record["code"] == code and record["confirmed_minutes"] == 270

    counsellor = Chat(router, "3001")
    await counsellor.say(f"/verify {code}")
    assert "Valid proof" in counsellor.text and "no name" in counsellor.text
    assert "Amal" not in counsellor.text and "Westhoek" in counsellor.text
    assert buddy  # the buddy was deleted with the others who stayed away


async def test_people_overdue_when_retention_starts_get_30_days(
    router: Router, db: Database, clock: Clock
) -> None:
    amal = Chat(router, "1001")
    await onboard_newcomer(amal)
    clock.advance(days=365 * 3)  # long overdue
    assert await tick(db, clock) == 1
    [warning] = await inbox(db, "1001", "retention")
    assert "30 days" in warning.text
    clock.advance(days=29)
    await tick(db, clock)
    assert await people(db) == {"1001"}
    clock.advance(days=1)
    await tick(db, clock)
    assert await people(db) == set()
