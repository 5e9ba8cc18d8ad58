"""A counsellor checks a proof: /verify in the chat, or the code mailed to Meedoen (real SMTP),
answered in Dutch; a changed or invented code is refused, and guesses are limited."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.channels.email import EmailChannel
from bot.outbox_sender import OutboxSender
from handlers.context import Config
from handlers.hours import proof_verify
from handlers.router import Router
from storage.db import Database
from tests.conftest import Chat, Clock, onboard_newcomer
from tests.hours.test_proof_flow import _proof, _scene, _text
from tests.mail.test_mail_support import (  # noqa: F401  (fixtures)
    MAIL_FROM,
    SmtpCapture,
    mail_settings,
    reply_mail,
    smtp_fixture,
    text_of,
)


def tampered(code: str) -> str:
    last = code[-1]
    return code[:-1] + ("7" if last != "7" else "8")


async def test_verify_in_the_chat(router: Router) -> None:
    _, newcomer = await _scene(router)
    pdf, code = await _proof(newcomer, "Amal Haddad")
    assert f"/verify {code}" in _text(pdf) and "meedoen_test_bot" in _text(pdf)
    assert "python -m bot" not in _text(pdf)
    counsellor = Chat(router, "3001")
    await counsellor.say(f"/verify {code}")
    assert "Valid proof" in counsellor.text and "Amal Haddad" in counsellor.text
    assert "Westhoek" in counsellor.text and "Buddywerking: 4.5 h" in counsellor.text
    await counsellor.say(f"/verify {tampered(code)}")
    assert "No proof has code" in counsellor.text and "Amal" not in counsellor.text


async def test_guesses_are_limited(router: Router) -> None:
    guesser = Chat(router, "3002")
    for n in range(10):
        await guesser.say(f"/verify MDN-AAAA-{n:04d}")
        assert "No proof has code" in guesser.text
    await guesser.say("/verify MDN-AAAA-0011")
    assert "Too many codes today" in guesser.text


async def test_verify_by_mail_answers_in_dutch(
    router: Router, db: Database, clock: Clock, smtp: SmtpCapture, tmp_path: Path
) -> None:
    _, newcomer = await _scene(router)
    _, code = await _proof(newcomer, "Amal Haddad")
    config = Config(bot_username="meedoen_test_bot", mail_from=MAIL_FROM)
    channel = EmailChannel(mail_settings(tmp_path, smtp), db, config, clock=clock)
    sender = OutboxSender(db, {"email": channel.deliver}, clock=clock)
    counsellor = "trajectbegeleider@vdab.example"
    for body in (f"Goedemorgen, klopt bewijs {code.lower()}?", f"Bewijs {tampered(code)}"):
        await channel.receive(reply_mail(sender=counsellor, to=MAIL_FROM,
                                         subject="Controle bewijs", body=body))  # fmt: skip
    await sender.run_once()
    # Two answers to two mails (two threads): sent side by side, so in either order.
    answers = [text_of(m) for m in smtp.to(counsellor)]
    [valid] = [a for a in answers if "Geldig bewijs" in a]
    [refused] = [a for a in answers if a is not valid]
    assert "Geldig bewijs" in valid and "Amal Haddad" in valid and "Westhoek" in valid
    assert "Buddywerking: 4,5 u" in valid
    assert "Aanvaard het niet" in refused and "Amal" not in refused
    async with db.transaction() as tx:  # no person was made for the counsellor
        assert await tx.scalar("SELECT COUNT(*) FROM identities WHERE channel = 'email'") == 0
    assert onboard_newcomer  # (imported for symmetry with the other hour tests)


async def test_guesses_from_many_askers_are_capped_too(
    router: Router, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A forger can write from any address; all askers together have a daily cap as well."""
    monkeypatch.setattr(proof_verify, "LOOKUPS_PER_DAY_IN_ALL", 3)
    for n in range(3):
        asker = Chat(router, f"40{n}")
        await asker.say(f"/verify MDN-AAAA-{n:04d}")
        assert "No proof has code" in asker.text
    late = Chat(router, "409")
    await late.say("/verify MDN-AAAA-0009")
    assert "Too many codes today" in late.text
