"""Which messages carry 🔊 (router level, Telegram turns), and staff's /recorder."""

from __future__ import annotations

import shutil

import pytest

from handlers.offers.catalog_import import import_demo
from handlers.router import Router
from handlers.types import Reply
from handlers.voice.speak import sayable, speech_for
from storage.db import Database
from storage.people import find_by_identity
from storage.staff import add_staff
from storage.voices import recorder_of
from tests.conftest import Chat, Clock, onboard_buddy, onboard_newcomer
from tests.hours.test_hours_support import button_data, inbox

needs_espeak = pytest.mark.skipif(
    shutil.which("espeak-ng") is None, reason="espeak-ng comes from Debian; .ci/run installs it"
)


def has_listen(reply: Reply) -> bool:
    return any(button.data == "vo" for row in reply.buttons for button in row)


@needs_espeak
async def test_arabic_offer_card_reads_the_dutch_title_in_dutch(
    router: Router, db: Database
) -> None:
    await import_demo(db)
    amal = Chat(router, "8001", channel="telegram")
    await onboard_newcomer(amal, locale="ar")
    [card, *_] = await amal.say("/offers")
    assert has_listen(card), card.text
    async with db.transaction() as tx:
        speech = await speech_for(tx, card.text, "ar")
    assert speech is not None
    assert {part.locale for part in speech.parts} == {"ar", "nl"}


@needs_espeak
async def test_console_and_mail_turns_get_no_listen_button(router: Router) -> None:
    console = Chat(router, "8002")  # the console cannot play a voice note
    await onboard_newcomer(console, locale="nl")
    replies = await console.say("/log")
    assert not any(has_listen(reply) for reply in replies)


async def test_menu_and_help_carry_no_listen(router: Router) -> None:
    amal = Chat(router, "8003", channel="telegram")
    await onboard_newcomer(amal, locale="nl")
    replies = await amal.say("/help")
    assert not any(has_listen(reply) for reply in replies)


async def _staff(db: Database, clock: Clock, network: str, email: str, telegram_id: str) -> None:
    async with db.transaction() as tx:
        network_id = await tx.scalar("SELECT id FROM networks WHERE name = ?", (network,))
        await add_staff(
            tx, email=email, network_id=network_id, now=clock(), telegram_id=telegram_id
        )


async def test_staff_make_a_recorder_only_in_their_network(
    router: Router, db: Database, clock: Clock
) -> None:
    await _staff(db, clock, "Westhoek", "els@westhoek.example", "7001")
    await _staff(db, clock, "Gent", "tom@gent.example", "7002")
    els, tom = Chat(router, "7001", channel="telegram"), Chat(router, "7002", channel="telegram")
    [done] = await els.say("/recorder add 9001 ti")
    assert "9001" in done.text and "ትግርኛ" in done.text
    async with db.transaction() as tx:
        person = await find_by_identity(tx, "telegram", "9001")
        assert person is not None
        recorder = await recorder_of(tx, person.id)
    assert recorder is not None and recorder.locale == "ti"

    [refused] = await tom.say("/recorder remove 9001")  # not Gent's recorder
    assert refused.text.startswith("🤔")
    [listed] = await els.say("/recorder")
    assert "9001" in listed.text
    [bad] = await els.say("/recorder add 9001 xx")  # unknown language: the usage, nothing else
    assert "/recorder add" in bad.text
    [removed] = await els.say("/recorder remove 9001")
    assert removed.text.startswith("✅")

    # The recorder, now removed, is refused kindly.
    selam = Chat(router, "9001", channel="telegram")
    [no] = await selam.say("/record")
    assert no.text.startswith("🚫")


async def test_newcomers_cannot_use_recorder(router: Router) -> None:
    amal = Chat(router, "8004", channel="telegram")
    await onboard_newcomer(amal)
    [no] = await amal.say("/recorder add 1 nl")
    assert no.text.startswith("🚫")


async def _paired_in_telegram(router: Router, buddy_locale: str) -> tuple[Chat, Chat]:
    buddy = Chat(router, "8101", channel="telegram")
    newcomer = Chat(router, "8102", channel="telegram")
    await onboard_buddy(buddy, locale=buddy_locale)
    await onboard_newcomer(newcomer, locale="nl")
    await buddy.say("/buddy")
    await buddy.press("bi")  # ➕ Invite a newcomer, whatever the buddy's language
    link = next(word for word in buddy.text.split() if "start=pair-" in word)
    await newcomer.say(f"/start pair-{link.split('start=pair-')[1]}")
    await newcomer.press("bp:yes")
    return buddy, newcomer


@needs_espeak
@pytest.mark.parametrize(("buddy_locale", "listen"), [("nl", True), ("ti", False)])
async def test_a_confirmation_request_in_the_outbox_carries_listen(
    router: Router, db: Database, buddy_locale: str, listen: bool
) -> None:
    buddy, newcomer = await _paired_in_telegram(router, buddy_locale)
    await newcomer.say("/log")
    await newcomer.press(button_data(newcomer.last, "🤝"))
    await newcomer.tap("2")
    await newcomer.press("hd:0")
    [request] = await inbox(db, buddy.address, "confirm_request")
    assert has_listen(request) is listen, request.text


@needs_espeak
async def test_who_chose_voice_messages_gets_one_with_a_confirmation_request(
    router: Router, db: Database
) -> None:
    buddy, newcomer = await _paired_in_telegram(router, "nl")
    await buddy.press("va:on")
    await newcomer.say("/log")
    await newcomer.press(button_data(newcomer.last, "🤝"))
    await newcomer.tap("2")
    await newcomer.press("hd:0")
    request, voice = await inbox(db, buddy.address, "confirm_request")  # from the stored payload
    assert not has_listen(request) and voice.speech is not None
    assert voice.speech.locale == "nl" and voice.speech.parts


@needs_espeak
@pytest.mark.parametrize("locale", ["ar", "nl", "uk", "ti"])
async def test_a_listen_button_needs_exactly_what_a_speech_needs(db: Database, locale: str) -> None:
    """`sayable` (the 🔊 button of someone without voice notes) skips building the speech; it
    must agree with `speech_for` on every kind of text, in languages with and without an
    engine (espeak-ng has no Tigrinya: there only recordings could say it)."""
    texts = ["", "🎉✨", "<b>Taalcafé</b> in Gent", "⏱️ What did you do?", "ሰላም", "x" * 1501,
             "\u200b\u2066🔒\u2069 <i>&amp;</i>", "Привіт, <b>Brugge</b> 8000"]  # fmt: skip
    async with db.read() as tx:
        for text in texts:
            expected = await speech_for(tx, text, locale, audio=False) is not None
            assert await sayable(tx, text, locale) == expected, (locale, text)
