# ruff: noqa: F811  (the room fixture is imported, then named by each test)
"""Every forgery of the issue "mail nobody can forge", tried over real SMTP and IMAP: each one
changes nothing, and the forger never receives a token.

The forger writes from their own mailbox (mallory@evil.example) but puts someone else's
address in From:. Whatever we answer goes to the address in From: — the victim's — so the
forger sees only what they wrote. Bounces follow RFC 3464 (the report layout of its §2 and the
example in its appendix); Authentication-Results follows RFC 8601.
"""

from __future__ import annotations

import hashlib

from storage.people import add_identity, find_by_identity
from tests.mail.test_mail_confirm import (  # noqa: F401  (fixtures)
    OFFER,
    PROVIDER,
    Mailroom,
    answer,
    bounce,
    room,
    token_of,
)
from tests.mail.test_mail_support import (  # noqa: F401  (fixtures)
    MAIL_FROM,
    imap_fixture,
    reply_mail,
    smtp_fixture,
    text_of,
)

AMAL = "amal@mail.example"
MALLORY = "mallory@evil.example"


async def amal_has_mail(room: Mailroom) -> int:
    async with room.db.transaction() as tx:
        person = await find_by_identity(tx, "console", "1001")
        assert person is not None
        await add_identity(tx, person.id, "email", AMAL, room.clock())
        return person.id


def forged(sender: str, body: str, **extra: object) -> bytes:
    return reply_mail(sender=sender, to=MAIL_FROM, subject="Meedoen", body=body, **extra)  # type: ignore[arg-type]


def tokens_seen_by(room: Mailroom, address: str) -> list[str]:
    return [str(m["Reply-To"]) for m in room.smtp.to(address) if m["Reply-To"]]


async def test_forged_forget_deletes_nobody(room: Mailroom) -> None:
    """Mail "/forget" with the newcomer's address in From:, then "1": nothing is deleted."""
    person_id = await amal_has_mail(room)
    await room.log_hours()
    await room.receive(forged(AMAL, "/forget"))
    await room.deliver()
    warning = room.smtp.to(AMAL)[-1]  # the lock mail, at the stored address only
    assert "🔒" in text_of(warning)
    assert "Delete all your data" not in text_of(warning)
    # The forger guesses on: "1", with and without an In-Reply-To of a mail we sent.
    await room.receive(forged(AMAL, "1"))
    await room.receive(forged(AMAL, "1", in_reply_to=str(warning["Message-ID"])))
    await room.receive(forged(AMAL, "Ja", in_reply_to=str(warning["Message-ID"])))
    await room.deliver()
    assert await room.scalar("SELECT COUNT(*) FROM people WHERE id = ?", person_id) == 1
    assert await room.scalar("SELECT COUNT(*) FROM hour_entries") == 1
    assert room.smtp.to(MALLORY) == []  # the forger never receives anything, let alone a token
    # At most a few lock mails a day, whatever the forger sends.
    assert sum("🔒" in text_of(m) for m in room.smtp.to(AMAL)) <= 3


async def test_forget_by_mail_only_through_our_mail(room: Mailroom) -> None:
    """The owner of the mailbox can still forget: answer the lock mail, then the question."""
    person_id = await amal_has_mail(room)
    await room.receive(forged(AMAL, "/forget"))
    await room.deliver()
    lock = room.smtp.to(AMAL)[-1]
    await room.receive(answer(room, lock, "/forget", sender=AMAL))
    await room.deliver()
    question = room.smtp.to(AMAL)[-1]
    assert "Delete all your data" in text_of(question)
    await room.receive(answer(room, question, "1", sender=AMAL))
    assert await room.scalar("SELECT COUNT(*) FROM people WHERE id = ?", person_id) == 0


async def test_newcomer_forging_the_provider_confirms_nothing(room: Mailroom) -> None:
    """A newcomer mails "/confirm" as the provider, then the number of "Confirm all"."""
    entry_id = await room.log_hours()
    await room.deliver()  # the real request goes to the provider
    request = room.request_to_provider()
    await room.receive(forged(PROVIDER, "/confirm"))
    for guess in ("1", "2", "Ja"):
        await room.receive(forged(PROVIDER, guess, in_reply_to=str(request["Message-ID"])))
    await room.deliver()
    assert await room.scalar("SELECT status FROM hour_entries WHERE id = ?", entry_id) == "pending"
    assert room.smtp.to(MALLORY) == []
    # The legitimate provider still confirms in one reply to the request.
    await room.receive(answer(room, request, "Ja"))
    assert await room.scalar("SELECT status FROM hour_entries WHERE id = ?", entry_id) == (
        "confirmed"
    )


async def test_a_token_sent_from_a_failing_domain_is_refused(room: Mailroom) -> None:
    """Where the receiving server says DMARC failed, even a right token changes nothing."""
    entry_id = await room.log_hours()
    await room.deliver()
    request = room.request_to_provider()
    results = "mx.example.org; dmarc=fail (p=none) header.from=example.org; spf=fail"
    await room.receive(answer(room, request, "Ja", headers={"Authentication-Results": results}))
    assert await room.scalar("SELECT status FROM hour_entries WHERE id = ?", entry_id) == "pending"
    assert await room.scalar("SELECT outcome FROM mail_processed") == "ignored: dmarc=fail"


async def test_forged_bounces_block_no_address(room: Mailroom) -> None:
    await room.log_hours()
    await room.deliver()
    request = room.request_to_provider()
    header_only = reply_mail(
        sender="Mail Delivery System <mailer-daemon@evil.example>", to=MAIL_FROM,
        subject="Undelivered", body="failed", headers={"X-Failed-Recipients": PROVIDER},
    )  # fmt: skip
    not_ours = bounce(PROVIDER, "<made-up@evil.example>", n=2)
    other_address = bounce(PROVIDER, "<meedoen.0000@example.org>", n=3)
    for raw in (header_only, not_ours, other_address):
        await room.receive(raw)
    assert await room.rows("SELECT * FROM mail_failing") == []
    # A report about the mail we really sent still counts, by Message-ID …
    await room.receive(bounce(PROVIDER, str(request["Message-ID"]), n=4))
    assert await room.scalar("SELECT address FROM mail_failing") == PROVIDER


async def test_a_report_to_our_verp_address_counts(room: Mailroom) -> None:
    await room.log_hours()
    await room.deliver()
    envelope_sender = room.smtp.messages[-1].mail_from
    assert envelope_sender.startswith("meedoen+") and envelope_sender.endswith("@example.org")
    # … or by the return address it came back to (the returned headers left out).
    await room.receive(bounce(PROVIDER, "<gone@x>", own=envelope_sender))
    assert await room.scalar("SELECT address FROM mail_failing") == PROVIDER
    # A report about a mail to the provider cannot block another address.
    await room.receive(bounce(AMAL, "<gone@x>", n=2, own=envelope_sender))
    assert await room.scalar("SELECT COUNT(*) FROM mail_failing") == 1


async def test_unknown_senders_get_one_answer_a_day_and_no_record(room: Mailroom) -> None:
    for n in range(4):
        await room.receive(forged("victim@elsewhere.example", f"hallo {n}"))
    await room.deliver()
    assert len(room.smtp.to("victim@elsewhere.example")) == 1
    assert await room.scalar(
        "SELECT COUNT(*) FROM identities WHERE address = 'victim@elsewhere.example'"
    ) == 0
    room.clock.advance(days=1)
    await room.receive(forged("victim@elsewhere.example", "hallo again"))
    await room.deliver()
    assert len(room.smtp.to("victim@elsewhere.example")) == 2


async def test_an_auto_responder_without_headers_cannot_make_us_loop(room: Mailroom) -> None:
    """It answers every mail of ours, token and all; our answers stop within a day's limit."""
    await amal_has_mail(room)
    await room.receive(forged(AMAL, "menu"))
    await room.deliver()
    for _ in range(60):
        last = room.smtp.to(AMAL)[-1]
        await room.receive(answer(room, last, "I am away until Monday.", sender=AMAL))
        if await room.deliver() == 0:
            break
    assert len(room.smtp.to(AMAL)) <= 30


async def test_message_ids_are_random(room: Mailroom) -> None:
    await amal_has_mail(room)
    incoming = forged(AMAL, "menu", message_id="<same@mail.test>")
    await room.receive(incoming)
    await room.deliver()
    ours = str(room.smtp.to(AMAL)[-1]["Message-ID"])
    key = "mail-answer:" + hashlib.sha256(b"<same@mail.test>").hexdigest()[:32]
    assert hashlib.sha256(key.encode()).hexdigest()[:32] not in ours
    assert OFFER  # the room's offer exists (imported by the fixture)


async def test_forget_drops_queued_messages_that_name_the_person(room: Mailroom) -> None:
    """/forget means now: the request to the provider, naming Amal, is never sent."""
    await room.log_hours()
    queued = await room.rows("SELECT idempotency_key, status FROM outbox WHERE channel = 'email'")
    assert [q["status"] for q in queued] == ["pending"]
    await room.newcomer.say("/forget")
    await room.newcomer.press("fg:yes")
    assert await room.rows("SELECT * FROM outbox WHERE channel = 'email'") == []
    assert await room.deliver() == 0
    assert room.smtp.to(PROVIDER) == []
