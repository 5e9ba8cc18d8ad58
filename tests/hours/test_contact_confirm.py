"""Whoever was there can confirm: a self-declared entry confirmed through a one-time link (and
QR code) in the chat, or by a mail answered with JA over real SMTP; read like a transcript."""

from __future__ import annotations

from pathlib import Path

from bot.channels.email import EmailChannel
from bot.outbox_sender import OutboxSender
from handlers.context import Config
from handlers.router import Router
from handlers.types import Turn
from storage.db import Database
from storage.people import add_identity, find_by_identity
from tests.conftest import Chat, Clock, onboard_newcomer
from tests.hours.test_hours_support import entries, inbox
from tests.hours.test_proof_flow import _proof, _text
from tests.mail.test_mail_support import (  # noqa: F401  (fixtures)
    MAIL_FROM,
    SmtpCapture,
    mail_settings,
    reply_mail,
    smtp_fixture,
    text_of,
)


async def amal_logs_something_else(router: Router) -> Chat:
    amal = Chat(router, "1001")
    await onboard_newcomer(amal)
    await amal.say("/log")
    assert "counts only when the person who was there confirms it" in amal.text  # before a tap
    await amal.tap("Something else")
    await amal.tap("Music")
    await amal.say("2")
    await amal.press("hd:1")
    assert "does not count" in amal.text
    return amal


async def test_the_contact_person_confirms_with_the_link(router: Router, db: Database) -> None:
    amal = await amal_logs_something_else(router)
    await amal.tap("Ask who was there")
    await amal.tap("Link or QR code")
    link = amal.last[-1]
    assert link.image is not None and link.image.content.startswith(b"\x89PNG")
    code = link.text.split("start=cc-")[1].split()[0]

    trainer = Turn(channel="console", address="5001", text=f"/start cc-{code}", name_hint="Mieke")
    shown = await router.handle(trainer)
    text = "\n".join(r.text for r in shown)
    assert "Amal zegt dat hij of zij deelnam" in text  # Dutch first …
    assert "Amal says they took part" in text  # … then their own language (here English)
    yes = next(b.data for r in shown for row in r.buttons for b in row if "Yes" in b.label)
    done = await router.handle(trainer.model_copy(update={"text": None, "payload": yes}))
    assert "Confirmed" in done[-1].text
    [entry] = await entries(db)
    assert entry["status"] == "confirmed"
    assert entry["confirmed_by_name"] == "Mieke (via Telegram-link)"
    told = await inbox(db, "1001", "hours_confirmed")
    assert "Mieke" in told[-1].text

    again = await router.handle(trainer.model_copy(update={"address": "5002"}))
    assert "old or was used" in again[-1].text  # single use

    pdf, _ = await _proof(amal, "Amal Haddad")
    assert "Mieke (via Telegram-link)" in _text(pdf)


async def test_own_link_and_invented_codes_confirm_nothing(router: Router, db: Database) -> None:
    amal = await amal_logs_something_else(router)
    await amal.tap("Ask who was there")
    await amal.tap("Link or QR code")
    code = amal.last[-1].text.split("start=cc-")[1].split()[0]
    await amal.say(f"/start cc-{code}")
    assert "your own link" in amal.text
    await amal.press(f"cx:ok:{code}")
    other = Chat(router, "5001")
    await other.say("/start cc-abcdefghijkmnpqrstu2")
    assert "old or was used" in other.text
    await other.press("cx:ok:abcdefghijkmnpqrstu2")
    [entry] = await entries(db)
    assert entry["status"] == "self_declared"


async def test_the_contact_person_confirms_by_mail(
    router: Router, db: Database, clock: Clock, smtp: SmtpCapture, tmp_path: Path
) -> None:
    amal = await amal_logs_something_else(router)
    await amal.tap("Ask who was there")
    await amal.tap("By e-mail")
    await amal.say("not an address")
    assert "not an e-mail address" in amal.text
    async with db.transaction() as tx:
        person = await find_by_identity(tx, "console", "1001")
        assert person is not None
        await add_identity(tx, person.id, "email", "amal@mail.example", clock())
    await amal.say("Amal@Mail.example")
    assert "your own address" in amal.text
    await amal.say("trainer@club.example")
    assert "Sent" in amal.text
    config = Config(bot_username="meedoen_test_bot", mail_from=MAIL_FROM)
    channel = EmailChannel(mail_settings(tmp_path, smtp), db, config, clock=clock)
    sender = OutboxSender(db, {"email": channel.deliver}, clock=clock)
    await sender.run_once()
    [request] = smtp.to("trainer@club.example")
    assert "JA" in text_of(request) and "start=cc-" in text_of(request)
    # Someone else answering with the same token changes nothing …
    forged = reply_mail(sender="amal.second@mail.example", to=str(request["Reply-To"]),
                        subject=f"Re: {request['Subject']}", body="JA")  # fmt: skip
    await channel.receive(forged)
    assert (await entries(db))[0]["status"] == "self_declared"
    # … the trainer's JA, from the address Amal typed, confirms.
    answer = reply_mail(sender="Mieke Peeters <trainer@club.example>",
                        to=str(request["Reply-To"]), subject=f"Re: {request['Subject']}",
                        body="JA, ze was er.")  # fmt: skip
    assert await channel.receive(answer) == "contact: confirmed"
    [entry] = await entries(db)
    assert entry["status"] == "confirmed"
    assert entry["confirmed_by_name"] == "Mieke Peeters (per e-mail)"
