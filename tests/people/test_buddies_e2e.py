"""A buddy and a newcomer on Telegram at once, end to end: the real PTB Application against the
fake Bot API. Pairing by deep link, a meeting logged and confirmed, a dispute, the picture and
the proof."""

from __future__ import annotations

import io

from PIL import Image
from pypdf import PdfReader

from handlers.hours.progress_picture import KIND_COLOURS, PENDING_FILL, slot_layout
from tests.e2e import E2E, say, tap, telegram  # noqa: F401
from tests.fakes.telegram_api import FakeUser


async def onboard_buddy(user: FakeUser) -> None:
    await say(user, "/start")
    await tap(user, "ol:en")
    await tap(user, "or:buddy")
    await tap(user, "op:yes")
    await tap(user, "on:hint")
    await say(user, "8900", n=2)
    await tap(user, "oa:evening")
    await tap(user, "oa:done")
    await tap(user, "og:nl")
    await tap(user, "og:done", n=2)


async def onboard_newcomer(user: FakeUser, locale: str) -> None:
    await say(user, "/start")
    await tap(user, f"ol:{locale}")
    await tap(user, "or:newcomer")
    await tap(user, "op:yes")
    await tap(user, "on:hint")
    await say(user, "8900", n=2)
    for data in ("oi:sport", "oi:done", "od:2", "oa:weekend", "oa:done", "ok:0"):
        await tap(user, data)
    await tap(user, "ot:10", n=2)


async def pair(telegram: E2E, buddy: FakeUser, newcomer: FakeUser) -> None:  # noqa: F811
    await say(buddy, "/buddy")
    (invite,) = await tap(buddy, "bi")
    assert invite.media_type == "photo" and invite.photo is not None
    qr = Image.open(io.BytesIO(invite.photo))
    assert qr.width == qr.height
    link = next(w for w in invite.body.split() if "?start=pair-" in w)
    (question,) = await say(newcomer, "/start " + link.split("?start=")[1])
    assert question.find_button("bp:yes") is not None
    await tap(newcomer, "bp:yes")
    await telegram.drain_outbox()
    (told,) = await buddy.wait_messages(1)
    assert "is now your newcomer" in told.body


async def test_pair_log_confirm_progress_and_proof(telegram: E2E) -> None:  # noqa: F811
    buddy = telegram.user(701, "Jan", "en")
    newcomer = telegram.user(702, "Amal", "en")
    await onboard_buddy(buddy)
    await onboard_newcomer(newcomer, "en")
    await pair(telegram, buddy, newcomer)

    # The buddy logs a meeting in three taps (one newcomer: "who" is skipped).
    await say(buddy, "/log")
    await tap(buddy, "hh:180")
    (saved,) = await tap(buddy, "ba:coffee")
    assert "Saved" in saved.body and "Meeting with Amal" in saved.body
    await telegram.drain_outbox()
    (request,) = await newcomer.wait_messages(1)
    assert "Jan logged a meeting with you" in request.body
    yes, no = request.buttons[0]  # green and red where Telegram shows styles (Bot API 9.4)
    assert (yes["style"], no["style"]) == ("success", "danger")
    (confirmed,) = await tap(newcomer, "👍 Yes")
    assert confirmed.edited and "Confirmed" in confirmed.body
    await telegram.drain_outbox()
    assert buddy.read() == []  # "confirmed" notices wait a few minutes to be bundled
    telegram.clock.advance(minutes=3)
    await telegram.drain_outbox()
    (thanks,) = await buddy.wait_messages(1)
    assert "Confirmed by Amal" in thanks.body

    # The newcomer logs a meeting; the buddy disputes it; both sides give their words.
    await say(newcomer, "/log")
    await tap(newcomer, button_data(newcomer, "Buddy"))
    await say(newcomer, "2")
    await tap(newcomer, "hd:1")
    await telegram.drain_outbox()
    await buddy.wait_messages(1)
    marked, question = await tap(buddy, "❌ No", n=2)
    assert marked.edited and "not right" in marked.body and "few words" in question.body
    await say(buddy, "We did not meet that day")
    await telegram.drain_outbox()
    (ask,) = await newcomer.wait_messages(1)
    assert "We did not meet that day" in ask.body
    await tap(newcomer, "✍️ Tell my side")
    await say(newcomer, "We met at the market")

    # Progress: 3 confirmed buddy hours, nothing waiting (the disputed 2 h do not count).
    (progress,) = await say(newcomer, "/progress")
    picture = Image.open(io.BytesIO(progress.photo)).convert("RGB")
    centres = [picture.getpixel(((a + c) // 2, (b + d) // 2)) for a, b, c, d in slot_layout(40)]
    assert centres[:3] == [KIND_COLOURS["buddy"]] * 3 and PENDING_FILL not in centres
    assert progress.caption.startswith("📊 3 of 40 hours")

    # The proof, as a PDF document.
    await say(newcomer, "/proof")
    (proof,) = await tap(newcomer, "pn:me")
    assert proof.media_type == "document" and proof.filename.endswith(".pdf")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(proof.document)).pages)
    assert "Amal" in text and "Koffie drinken" in text and "3 u" in text


async def test_forged_and_foreign_buttons_on_telegram(telegram: E2E) -> None:  # noqa: F811
    buddy = telegram.user(711, "Jan", "en")
    newcomer = telegram.user(712, "Amal", "ar")
    stranger = telegram.user(713, "Mo", "en")
    await onboard_buddy(buddy)
    await onboard_newcomer(newcomer, "ar")
    await onboard_newcomer(stranger, "en")
    await pair(telegram, buddy, newcomer)
    await say(buddy, "/log")
    await tap(buddy, "hh:60")
    await tap(buddy, "ba:walk")
    await telegram.drain_outbox()
    await newcomer.wait_messages(1)
    for data in ("hc:ok:1", "hc:all:1", "hu:1", "hw:s:1", "bw:1", "hq:b:1:60:20261123"):
        await stranger.tap_data(data)
        (reply, *_rest) = await stranger.wait_messages(2)
        assert "old" in reply.body
    async with telegram.db.transaction() as tx:
        assert await tx.scalar("SELECT status FROM hour_entries") == "pending"


def button_data(user: FakeUser, label_part: str) -> str:
    for message in reversed(user.messages):
        for row in message.buttons:
            for button in row:
                if label_part in button.get("text", ""):
                    return button["callback_data"]
    raise AssertionError(f"no button {label_part!r}")
