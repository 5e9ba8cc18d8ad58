"""Staff in real Telegram (the PTB Application against the fake Bot API, Bot API 9.x docs):
an offers file sent as a document, /offers to pause or end one, /disputes settled in a tap.

Els is Westhoek's staff (Telegram 7001). Amal is a newcomer (7100) whose document is not an
offers file for the bot. Gent's offer id is tried by Els and changes nothing.
"""

from __future__ import annotations

from storage import hours
from storage.staff import add_staff
from tests.e2e import E2E, say, tap, telegram  # noqa: F401
from tests.offers.test_offers_import import HEADER, row


async def _els(e2e: E2E) -> None:
    async with e2e.db.transaction() as tx:
        network_id = await tx.scalar("SELECT id FROM networks WHERE name = 'Westhoek'")
        await add_staff(tx, email="els@westhoek.example", network_id=network_id,
                        now=e2e.clock(), telegram_id="7001")  # fmt: skip


async def _count(e2e: E2E, sql: str, *params: object) -> int:
    async with e2e.db.transaction() as tx:
        return int(await tx.scalar(sql, params) or 0)


async def test_staff_send_an_offers_file_and_pause_an_offer(telegram: E2E) -> None:  # noqa: F811
    await _els(telegram)
    els = telegram.user(7001, first_name="Els", language_code="nl")
    csv = "\n".join([HEADER, row(external_id="w-1", title_nl="Wandelclub Poperinge"),
                     row(external_id="w-2", title_nl="Breicafé Ieper"),
                     row(external_id="w-3", postcode="89000")]).encode()  # fmt: skip
    await els.send_document(csv, file_name="aanbod.csv", mime_type="text/csv")
    [report] = await els.wait_messages(1)
    text = report.text or ""
    assert "Westhoek" in text and "Nieuw: 2" in text and "Geweigerd: 1" in text
    assert "line 4" in text  # the refused row, with its reason
    assert "volledig" in text  # how to end offers missing from the file
    assert await _count(telegram, "SELECT COUNT(*) FROM offers WHERE external_id IN "
                        "('w-1', 'w-2') AND network_id = (SELECT id FROM networks "
                        "WHERE name = 'Westhoek')") == 2  # fmt: skip

    await els.send_document(b"hello", file_name="notes.txt")
    [refused] = await els.wait_messages(1)
    assert ".csv" in (refused.text or "")

    listed = await say(els, "/offers Breicafé", n=2)
    assert "1 activiteit in het aanbod" in (listed[0].text or "")
    assert "Breicafé" in (listed[1].text or "")
    [paused] = await tap(els, "⏸️ Pauzeren")
    assert "Gepauzeerd" in (paused.text or "")
    offer = await _count(telegram, "SELECT id FROM offers WHERE external_id = 'w-2'")
    assert await _count(telegram, "SELECT active FROM offers WHERE id = ?", offer) == 0
    gent = await _count(telegram, "SELECT o.id FROM offers o JOIN networks n ON "
                        "n.id = o.network_id WHERE n.name = 'Gent' LIMIT 1")  # fmt: skip
    assert gent
    [resumed] = await tap(els, "▶️ Hervatten")
    assert "Aan" in (resumed.text or "")
    assert await _count(telegram, "SELECT active FROM offers WHERE id = ?", offer) == 1
    [ended] = await tap(els, "⏹️ Stoppen")
    assert "Gestopt" in (ended.text or "") and not ended.buttons
    today = telegram.clock().date().isoformat()
    assert await _count(telegram, "SELECT COUNT(*) FROM offers WHERE id = ? AND active = 0 "
                        "AND active_until = ?", offer, today) == 1  # fmt: skip
    # A forged press with a Gent offer id: an old button; Gent's offer stays on.
    await els.tap_data(f"so:e:{gent}", message=ended)
    [stale, _menu] = await els.wait_messages(2)
    assert (stale.text or "").startswith("⌛")
    assert await _count(telegram, "SELECT active FROM offers WHERE id = ?", gent) == 1


async def test_a_newcomer_document_is_not_imported(telegram: E2E) -> None:  # noqa: F811
    amal = telegram.user(7100)
    before = await _count(telegram, "SELECT COUNT(*) FROM offers")
    await amal.send_document(HEADER.encode() + b"\n" + row().encode(), file_name="x.csv")
    [answer] = await amal.wait_messages(1)
    assert await _count(telegram, "SELECT COUNT(*) FROM offers") == before
    assert await _count(telegram, "SELECT COUNT(*) FROM offers WHERE external_id = 't-1'") == 0
    assert answer.text  # the router answers as to any document (here: onboarding begins)


async def test_staff_settle_a_dispute_in_telegram(telegram: E2E) -> None:  # noqa: F811
    await _els(telegram)
    async with telegram.db.transaction() as tx:
        from storage.people import create_person, update_person

        now = telegram.clock()
        westhoek = await tx.scalar("SELECT id FROM networks WHERE name = 'Westhoek'")
        people = {}
        for name, role in (("Amal", "newcomer"), ("Jan", "buddy")):
            person = await create_person(tx, "console", name.lower(), "en", now)
            await update_person(tx, person.id, role=role, display_name=name, network_id=westhoek,
                                consent_at=now, onboarded_at=now)  # fmt: skip
            people[name] = person.id
        entry = await hours.add_entry(
            tx, person_id=people["Amal"], source="other", kind="language", day=now.date(),
            minutes=120, status="pending", now=now, logged_by=people["Amal"],
            confirmer_id=people["Jan"],
        )  # fmt: skip
        assert await hours.dispute_entry(tx, entry.id, people["Jan"], "Jan", "Only 1 hour", now)
    els = telegram.user(7001, first_name="Els", language_code="nl")
    listed = await say(els, "/disputes", n=2)
    assert "Only 1 hour" in (listed[1].text or "")
    await els.tap("✏️ Andere uren")
    await els.wait_messages(1)
    [done] = await say(els, "1")
    assert "1 u" in (done.text or "") and "Beide kanten" in (done.text or "")
    assert await _count(telegram, "SELECT minutes FROM hour_entries WHERE id = ?", entry.id) == 60
