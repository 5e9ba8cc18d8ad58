"""The place question on Telegram: a 📍 button that shares the location (Bot API
KeyboardButton.request_location), the shared Location resolved to the nearest postcode, and
typed places in other scripts. Real PTB Application, fake Bot API over HTTP."""

from __future__ import annotations

from tests.e2e import E2E, say, tap, telegram  # noqa: F401
from tests.fakes.telegram_api import FakeUser


async def to_place_question(user: FakeUser, locale: str) -> None:
    await say(user, "/start")
    await tap(user, f"ol:{locale}")
    await tap(user, "or:newcomer")
    await tap(user, "op:yes")


async def test_a_shared_location_gives_the_nearest_postcode(telegram: E2E) -> None:  # noqa: F811
    user = telegram.user(601, "Amal", "en")
    await to_place_question(user, "en")
    (question,) = await say(user, "Amal")
    assert "Where do you live" in question.text
    assert question.keyboard == [["📍 Share my location"]]
    markup = question.reply_markup or {}
    assert markup["keyboard"][0][0]["request_location"] is True
    assert markup.get("one_time_keyboard") is True

    await user.send_location(51.0536, 3.7250)  # the Korenmarkt in Gent
    saved, following = await user.wait_messages(2)
    assert "9000 Gent" in saved.text
    assert (saved.reply_markup or {}).get("remove_keyboard") is True
    assert "What do you like" in following.text
    async with telegram.db.transaction() as tx:
        row = await tx.one("SELECT postcode, place, latitude, longitude FROM people")
    assert row is not None
    # The place's centre is kept for distances, never the point the person shared.
    assert tuple(row) == ("9000", "Gent", 51.05401, 3.7217)


async def test_a_location_elsewhere_is_only_text_and_buttons(telegram: E2E) -> None:  # noqa: F811
    user = telegram.user(602, "Amal", "en")
    await to_place_question(user, "en")
    await say(user, "Amal")
    await say(user, "8900", n=2)  # now at the interests question
    await user.send_location(51.0536, 3.7250)
    notice, again = await user.wait_messages(2)
    assert "only read text and buttons" in notice.text
    assert "What do you like" in again.text
    async with telegram.db.transaction() as tx:
        row = await tx.one("SELECT postcode FROM people")
    assert row is not None and row["postcode"] == "8900"


async def test_places_typed_in_other_scripts(telegram: E2E) -> None:  # noqa: F811
    user = telegram.user(603, "Olena", "uk")
    await to_place_question(user, "uk")
    await say(user, "Olena")
    saved, _ = await say(user, "Гент", n=2)
    assert "9000" in saved.text
    async with telegram.db.transaction() as tx:
        row = await tx.one("SELECT postcode FROM people")
    assert row is not None and row["postcode"] == "9000"
