"""Staff act by replying to the digest mail, through real SMTP (aiosmtpd) and the IMAP fake.

The world of `test_staff_actions`: Westhoek's disputed entries for Amal and quiet Omar, Gent's
disputed entry for Gert and quiet Gerda. Westhoek's team reads mail only; their digest has a
reply token (RFC 5322 reply with the token in Reply-To, as the confirmation mails have). They
answer with one line per code; Gent's codes in their reply change nothing.
"""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

from bot.channels.email import EmailChannel, ImapWatcher
from bot.outbox_sender import OutboxSender
from handlers.context import Config
from handlers.mail_commands import MailEnvelope
from handlers.staff.digest import send_weekly_digests
from handlers.staff.mail_replies import digest_address, parse_lines
from storage.staff import add_staff
from tests.fakes.imap_server import FakeImapServer
from tests.mail.test_mail_support import (  # noqa: F401  (fixtures)
    MAIL_FROM,
    SmtpCapture,
    imap_fixture,
    mail_settings,
    reply_mail,
    smtp_fixture,
    text_of,
)
from tests.staff.test_staff_actions import NOW, World, world  # noqa: F401

TEAM = "team@westhoek.example"


def test_command_lines_are_read_strictly() -> None:
    lines = parse_lines("G12 ok\ng13 NEE\nG14: 1,5\nP34\n> G15 ok\nG16 misschien\n"
                        "In code G17 ok staat iets\nG18 13")  # fmt: skip
    assert [(x.code, x.outcome, x.minutes, x.bad) for x in lines] == [
        ("G12", "accepted", None, False), ("G13", "rejected", None, False),
        ("G14", "corrected", 90, False), ("P34", None, None, False),
        ("G16", None, None, True), ("G18", None, None, True),  # 13 h is more than a day's 12
    ]  # fmt: skip
    assert MailEnvelope.parse(digest_address(TEAM, "abc234")).token == "abc234"
    assert MailEnvelope.parse(digest_address(TEAM, "abc234")).to == TEAM


async def test_staff_settle_and_nudge_by_replying_to_the_digest(
    world: World,  # noqa: F811
    smtp: SmtpCapture,
    imap: FakeImapServer,
    tmp_path: Path,
) -> None:
    async with world.db.transaction() as tx:
        westhoek = await tx.scalar("SELECT id FROM networks WHERE name = 'Westhoek'")
        await add_staff(tx, email=TEAM, network_id=westhoek, now=NOW)
    settings = mail_settings(tmp_path, smtp, imap)
    config = Config(bot_username="meedoen_test_bot", mail_from=MAIL_FROM)
    channel = EmailChannel(settings, world.db, config, clock=world.clock)
    sender = OutboxSender(world.db, {"email": channel.deliver}, clock=world.clock)
    watcher = ImapWatcher(settings, channel.receive)
    await send_weekly_digests(world.db, config, now=NOW)
    await sender.run_once()
    [digest] = smtp.to(TEAM)
    body = text_of(digest)
    e = world.entries
    omar, gerda = world.people["omar"].id, world.people["gerda"].id
    assert f"code G{e['amal0']}" in body and f"code P{omar}" in body
    assert f"G{e['gert']}" not in body and "Gerda" not in body
    assert "G12 ok" in body  # how to answer, at the end of the mail

    async def reply(text: str, sender_address: str = TEAM) -> EmailMessage:
        before = len(smtp.to(sender_address))
        imap.deliver(reply_mail(
            sender=f"Team <{sender_address}>", to=str(digest["Reply-To"]),
            subject=f"Re: {digest['Subject']}", body=text,
            in_reply_to=str(digest["Message-ID"]),
        ))  # fmt: skip
        if watcher.client is None:
            await watcher.connect()
        await watcher.fetch_new()
        await sender.run_once()
        answers = smtp.to(sender_address)
        assert len(answers) == before + 1
        return answers[-1]

    async def statuses() -> dict[str, tuple[str, int]]:
        rows = await world.rows("SELECT id, status, minutes FROM hour_entries")
        by_id = {r["id"]: (r["status"], r["minutes"]) for r in rows}
        return {name: by_id[entry_id] for name, entry_id in e.items()}

    # The token is bound to the team's address: the same reply from elsewhere does nothing.
    refused = await reply(f"G{e['amal0']} ok", sender_address="mallory@evil.example")
    assert "adres" in text_of(refused)
    assert (await statuses())["amal0"] == ("disputed", 60)

    answer = await reply(
        f"Dag,\n\nG{e['amal0']} ok\nG{e['amal1']} 1,5\nG{e['amal2']} nee\nG{e['gert']} ok\n"
        f"P{omar}\nP{gerda}\nG{e['amal0']} misschien\n\nGroeten, het team\n"
    )
    text = text_of(answer)
    assert text.count("niet gevonden") == 2  # Gent's entry and Gent's Gerda
    assert "Duwtje gestuurd naar Omar" in text and "1,5" in text and "misschien" not in text
    assert await statuses() == {
        "amal0": ("confirmed", 60), "amal1": ("confirmed", 90), "amal2": ("undone", 180),
        "gert": ("disputed", 90),
    }  # fmt: skip
    settled = await world.rows("SELECT staff_email FROM dispute_settlements")
    assert [r["staff_email"] for r in settled] == [TEAM] * 3
    assert [r["person_id"] for r in await world.rows("SELECT person_id FROM nudges")] == [omar]
    told = await world.told("dispute_settled")
    assert set(told) == {"amal", "jan"}

    # A second reply the same day: nothing to settle twice, and no second nudge.
    again = text_of(await reply(f"G{e['amal0']} nee\nP{omar}"))
    assert "niet gevonden" in again and "Eén per week" in again
    assert (await statuses())["amal0"] == ("confirmed", 60)
    await watcher.close()


def _with_file(digest: EmailMessage, sender: str, data: bytes, name: str) -> bytes:
    """A reply to the digest with an attachment, as a mail program builds it (RFC 2183)."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = str(digest["Reply-To"])
    message["Subject"] = f"Re: {digest['Subject']}"
    message["Message-ID"] = f"<file-{abs(hash((sender, name)))}@mail.test>"
    message["In-Reply-To"] = str(digest["Message-ID"])
    message.set_content("Hierbij ons nieuwe aanbod.")
    message.add_attachment(data, maintype="text", subtype="csv", filename=name)
    return message.as_bytes()


async def test_staff_send_an_offers_file_by_mail(
    world: World,  # noqa: F811
    smtp: SmtpCapture,
    imap: FakeImapServer,
    tmp_path: Path,
) -> None:
    from tests.offers.test_offers_import import HEADER, row

    async with world.db.transaction() as tx:
        westhoek = await tx.scalar("SELECT id FROM networks WHERE name = 'Westhoek'")
        await add_staff(tx, email=TEAM, network_id=westhoek, now=NOW)
    settings = mail_settings(tmp_path, smtp, imap)
    config = Config(bot_username="meedoen_test_bot", mail_from=MAIL_FROM)
    channel = EmailChannel(settings, world.db, config, clock=world.clock)
    sender = OutboxSender(world.db, {"email": channel.deliver}, clock=world.clock)
    await send_weekly_digests(world.db, config, now=NOW)
    await sender.run_once()
    [digest] = smtp.to(TEAM)
    data = "\n".join([HEADER, row(external_id="m-1", title_nl="Fietsles Ieper"),
                       row(external_id="m-2", title_nl="Stadswandeling Gent", network="Gent",
                           postcode="9000", municipality="Gent")]).encode()  # fmt: skip
    before = await world.rows("SELECT COUNT(*) AS n FROM offers")

    # From another address with the team's token: not imported; answered like any mail.
    outcome = await channel.receive(_with_file(digest, "mallory@evil.example", data, "a.csv"))
    assert not outcome.startswith("staff offers")
    assert await world.rows("SELECT COUNT(*) AS n FROM offers") == before

    outcome = await channel.receive(_with_file(digest, f"Team <{TEAM}>", data, "aanbod.csv"))
    assert outcome == "staff offers: 1 file(s)"
    [offer] = await world.rows("SELECT o.title_nl, n.name FROM offers o JOIN networks n "
                               "ON n.id = o.network_id WHERE o.external_id LIKE 'm-%'")  # fmt: skip
    assert offer == {"title_nl": "Fietsles Ieper", "name": "Westhoek"}  # their own network only
    await sender.run_once()
    report = text_of(smtp.to(TEAM)[-1])
    assert "Aanbod ingelezen in Westhoek" in report and "Nieuw: 1" in report
    assert "Geweigerd: 1" in report and "'Gent'" in report  # Gent's row, with the reason
    again = await channel.receive(_with_file(digest, f"Team <{TEAM}>", data, "aanbod.csv"))
    assert again == "duplicate"  # the same Message-ID fetched twice is handled once
