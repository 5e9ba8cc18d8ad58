"""Offers on Telegram, end to end: real PTB Application, fake Bot API, the demo catalog."""

from __future__ import annotations

from bot.channels.telegram_format import command_menu
from storage import offers as store
from storage.postcodes import haversine_km
from tests.e2e import E2E, say, tap, telegram  # noqa: F401
from tests.fakes.telegram_api import FakeUser, SentMessage


async def onboard(user: FakeUser, *, name: str, deep_link: str = "") -> list[SentMessage]:
    """An English-speaking newcomer in Ieper: sport and nature, Dutch 2, 10 km, free evenings
    and weekends. Returns the last messages (welcome and what follows)."""
    await say(user, f"/start {deep_link}".strip())
    await tap(user, "ol:en")
    await tap(user, "or:newcomer")
    await tap(user, "op:yes")
    await say(user, name)
    await say(user, "8900", n=2)
    for data in ("oi:sport", "oi:nature", "oi:done", "od:2", "oa:evening", "oa:weekend",
                 "oa:done", "ok:0"):  # fmt: skip
        await tap(user, data)
    return await tap(user, "ot:10", n=2)


def offer_on(card: SentMessage) -> int:
    for row in card.buttons:
        for button in row:
            if button.get("callback_data", "").startswith("ay:"):
                return int(button["callback_data"][3:])
    raise AssertionError(f"not a card: {card.text}")


async def get(e2e: E2E, offer_id: int) -> store.Offer:
    async with e2e.db.transaction() as tx:
        found = await store.get_offer(tx, offer_id)
    assert found is not None
    return found


async def test_ieper_newcomer_finds_enrols_and_the_provider_hears_once(
    telegram: E2E,  # noqa: F811
) -> None:
    amal = telegram.user(601, "Amal", "en")
    await onboard(amal, name="Amal")
    [card] = await tap(amal, "m:offers")
    assert card.text and "km" in card.text and "💬" in card.text
    first = await get(telegram, offer_on(card))
    assert {"sport", "nature"} & set(first.interests)

    # 👎: this one never again; the card turns into the next one.
    [edited] = await tap(amal, f"an:{first.id}")
    assert edited.edited and offer_on(edited) != first.id
    second = await get(telegram, offer_on(edited))
    async with telegram.db.transaction() as tx:
        home = tuple(await tx.one("SELECT latitude, longitude FROM people"))
    assert haversine_km(*home, second.latitude, second.longitude) <= 10

    # 📅 a calendar file for the next session.
    [calendar] = await tap(amal, f"ac:{second.id}")
    assert calendar.document and calendar.document.startswith(b"BEGIN:VCALENDAR")
    assert calendar.filename == f"meedoen-{second.id}.ics"

    # The provider's contact links Telegram with the one-time link first.
    assert second.provider_id is not None
    async with telegram.db.transaction() as tx:
        code = await store.create_provider_link(tx, second.provider_id, telegram.clock())
    griet = telegram.user(602, "Griet", "en")
    linked = await say(griet, f"/start prov-{code}")  # no newcomer onboarding for a contact
    assert "contact" in (linked[-1].text or "")
    # The chat was merged into the contact's person: its menu is the provider's at once.
    async with telegram.db.read() as tx:
        role = await tx.scalar("SELECT p.role FROM people p JOIN identities i ON "
                               "i.person_id = p.id WHERE i.address = '602'")  # fmt: skip
    assert role == "provider"
    assert [c["command"] for c in telegram.fake.commands["chat:602:"]] == [
        c.command for c in command_menu("en", "provider")
    ]

    # 👍 twice: enrolled once, the provider told once, on Telegram.
    await amal.tap(f"ay:{second.id}", message=edited)
    [yes] = await amal.wait_messages(1)
    assert "🎉" in (yes.text or "")
    await amal.tap(f"ay:{second.id}", message=edited)
    [again] = await amal.wait_messages(1)
    assert "already" in (again.text or "")
    async with telegram.db.transaction() as tx:
        assert await tx.scalar("SELECT COUNT(*) FROM enrolments") == 1
        queued = await tx.scalar("SELECT COUNT(*) FROM outbox WHERE purpose = 'provider_enrolment'")
    assert queued == 1
    telegram.clock.advance(minutes=3)  # enrolments wait a few minutes to be bundled
    await telegram.drain_outbox()
    [told] = await griet.wait_messages(1)
    assert "Amal" in (told.text or "") and second.title_nl in (told.text or "")
    await telegram.drain_outbox()
    assert griet.read() == []

    # A forged button changes nothing.
    await amal.tap_data("ay:999999")
    stale, menu = await amal.wait_messages(2)
    assert "⌛" in (stale.text or "") and menu.buttons
    listed = await say(amal, "/myoffers")
    assert second.title_nl in (listed[0].text or "")
