"""On Telegram, end to end (real PTB Application, fake Bot API over HTTP): a counsellor checks a
proof with /verify, and the person who was there confirms hours through the one-time link."""

from __future__ import annotations

from handlers.context import Config
from handlers.router import Router
from tests.conftest import Chat, onboard_newcomer
from tests.e2e import E2E, say, tap, telegram  # noqa: F401
from tests.hours.test_hours_support import entries
from tests.hours.test_proof_flow import _proof, _scene


async def test_a_counsellor_verifies_a_proof_in_telegram(telegram: E2E) -> None:  # noqa: F811
    router = Router(telegram.db, Config(bot_username="meedoen_test_bot", default_locale="en"),
                    clock=telegram.clock)  # fmt: skip
    _, amal = await _scene(router)
    _, code = await _proof(amal, "Amal Haddad")
    counsellor = telegram.user(7001, "Els", "nl")
    [answer] = await say(counsellor, f"/verify {code}")
    assert "Geldig bewijs" in answer.text and "Amal Haddad" in answer.text
    changed = code[:-1] + ("7" if code[-1] != "7" else "8")
    [refused] = await say(counsellor, f"/verify {changed}")
    assert "Aanvaard het niet" in refused.text and "Amal" not in refused.text


async def test_the_contact_person_confirms_through_the_link(telegram: E2E) -> None:  # noqa: F811
    router = Router(telegram.db, Config(bot_username="meedoen_test_bot", default_locale="en"),
                    clock=telegram.clock)  # fmt: skip
    amal = Chat(router, "1001")
    await onboard_newcomer(amal)
    await amal.say("/log")
    await amal.tap("Something else")
    await amal.tap("Music")
    await amal.say("2")
    await amal.press("hd:1")
    await amal.tap("Ask who was there")
    await amal.tap("Link or QR code")
    code = amal.last[-1].text.split("start=cc-")[1].split()[0]

    trainer = telegram.user(7002, "Mieke", "fr")
    [shown] = await say(trainer, f"/start cc-{code}")
    assert "Amal zegt dat" in shown.text and "Amal dit avoir participé" in shown.text
    [done] = await tap(trainer, f"cx:ok:{code}")
    assert "Confirmé" in done.text
    [entry] = await entries(telegram.db)
    assert entry["status"] == "confirmed"
    assert entry["confirmed_by_name"] == "Mieke (via Telegram-link)"
