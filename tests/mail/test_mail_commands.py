"""E-mail as a chat: commands and numbered choices by mail, answered by mail (real SMTP)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest_asyncio

from bot.channels.email import EmailChannel
from bot.outbox_sender import OutboxSender
from handlers.context import Config
from handlers.mail_commands import MailEnvelope, turn_for
from handlers.router import Router
from storage.db import Database
from storage.people import add_identity, find_by_identity
from tests.conftest import Chat, Clock, onboard_newcomer
from tests.mail.test_mail_support import (  # noqa: F401  (fixtures)
    MAIL_FROM,
    SmtpCapture,
    html_of,
    mail_settings,
    reply_mail,
    smtp_fixture,
    text_of,
)

AMAL = "amal@mail.example"


@dataclass
class Post:
    db: Database
    channel: EmailChannel
    sender: OutboxSender
    smtp: SmtpCapture
    clock: Clock

    async def write(self, body: str, *, sender: str = AMAL, subject: str = "Meedoen",
                    in_reply_to: str | None = None, **extra: Any) -> EmailMessage:  # fmt: skip
        """Send a mail to Meedoen; return the one answer it gets."""
        raw = reply_mail(sender=sender, to=MAIL_FROM, subject=subject, body=body,
                         in_reply_to=in_reply_to, **extra)  # fmt: skip
        before = len(self.smtp.messages)
        await self.channel.receive(raw)
        await self.sender.run_once()
        answers = self.smtp.messages[before:]
        assert len(answers) == 1, [a.rcpt_tos for a in answers]
        return answers[0].message

    async def scalar(self, sql: str, *params: object) -> Any:
        async with self.db.transaction() as tx:
            return await tx.scalar(sql, params)


@pytest_asyncio.fixture
async def post(tmp_path: Path, db: Database, clock: Clock, smtp: SmtpCapture
               ) -> AsyncIterator[Post]:  # fmt: skip
    config = Config(bot_username="meedoen_test_bot", mail_from=MAIL_FROM)
    channel = EmailChannel(mail_settings(tmp_path, smtp), db, config, clock=clock)
    yield Post(db, channel, OutboxSender(db, {"email": channel.deliver}, clock=clock), smtp,
               clock)  # fmt: skip


def choice(text: str, label: str) -> str:
    """The number in front of a choice in a mail's plain text."""
    line = next(line for line in text.splitlines() if label in line and "." in line)
    return line.split(".")[0].strip()


async def amal_by_mail(db: Database, router: Router, clock: Clock) -> None:
    """Amal onboarded (in English); her e-mail address reaches her too."""
    chat = Chat(router, "1001")
    await onboard_newcomer(chat)
    async with db.transaction() as tx:
        person = await find_by_identity(tx, "console", "1001")
        assert person is not None
        await add_identity(tx, person.id, "email", "Amal@Mail.example", clock())  # any case


async def test_progress_by_mail_comes_with_the_picture(post: Post, router: Router) -> None:
    await amal_by_mail(post.db, router, post.clock)
    answer = await post.write("voortgang\n\nMet vriendelijke groet,\nAmal")
    assert answer["To"] == AMAL
    assert answer["Auto-Submitted"] == "auto-replied"
    assert answer["In-Reply-To"] and answer["Subject"] == "Re: Meedoen"
    assert answer["Content-Language"] == "en"
    images = [p for p in answer.walk() if p.get_content_type() == "image/png"]
    assert len(images) == 1 and images[0].get_content().startswith(b"\x89PNG")
    cid = str(images[0]["Content-ID"]).strip("<>")
    assert f"cid:{cid}" in html_of(answer)
    assert "40" in text_of(answer)


async def test_numbers_answer_the_choices_of_the_mail(post: Post, router: Router) -> None:
    await amal_by_mail(post.db, router, post.clock)
    menu = await post.write("menu")
    text = text_of(menu)
    assert "number of your choice" in text
    progress, log = choice(text, "My progress"), choice(text, "Log hours")
    picture = await post.write(progress, in_reply_to=str(menu["Message-ID"]))
    assert any(p.get_content_type() == "image/png" for p in picture.walk())
    logging = await post.write(log, in_reply_to=str(menu["Message-ID"]))  # the older mail
    assert "Something else" in text_of(logging)


async def test_log_hours_by_mail(post: Post, router: Router) -> None:
    await amal_by_mail(post.db, router, post.clock)
    first = await post.write("uren")
    other = choice(text_of(first), "Something else")
    kinds = await post.write(other, in_reply_to=str(first["Message-ID"]))
    sport = choice(text_of(kinds), "Sport")
    how_long = await post.write(sport, in_reply_to=str(kinds["Message-ID"]))
    assert "How long" in text_of(how_long)
    which_day = await post.write("1,5", in_reply_to=str(how_long["Message-ID"]))
    saved = await post.write("1", in_reply_to=str(which_day["Message-ID"]))  # 1 = Today
    assert "1.5" in text_of(saved) or "1,5" in text_of(saved)
    assert await post.scalar("SELECT minutes FROM hour_entries") == 90


async def test_a_stranger_starts_by_choosing_a_language(post: Post) -> None:
    picker = await post.write("Hallo, ik wil meedoen.", sender="nieuw@mail.example")
    assert "1. Nederlands" in text_of(picker)
    role = await post.write("1", sender="nieuw@mail.example",
                            in_reply_to=str(picker["Message-ID"]))  # fmt: skip
    assert await post.scalar(
        "SELECT p.locale FROM people p JOIN identities i ON i.person_id = p.id "
        "WHERE i.channel = 'email' AND i.address = 'nieuw@mail.example'"
    ) == "nl"
    assert role["Content-Language"] == "nl"


async def test_odd_mails_get_a_clear_answer_and_change_nothing(post: Post, router: Router) -> None:
    await amal_by_mail(post.db, router, post.clock)
    long = await post.write("x" * 5000)
    assert "too long" in text_of(long)
    empty = await post.write("", subject="")
    assert "What do you want to do" in text_of(empty) or "1." in text_of(empty)
    number = await post.write("99")  # no such choice: read as text
    assert "did not understand" in text_of(number)
    forged = await post.write("/digest")
    assert "not available" in text_of(forged)
    assert await post.scalar("SELECT COUNT(*) FROM hour_entries") == 0


async def test_forget_by_mail_still_gets_its_answer(post: Post, router: Router) -> None:
    await amal_by_mail(post.db, router, post.clock)
    question = await post.write("/forget")
    done = await post.write("1", in_reply_to=str(question["Message-ID"]))
    assert "deleted" in text_of(done)
    assert await post.scalar("SELECT COUNT(*) FROM people") == 0
    assert await post.scalar("SELECT COUNT(*) FROM mail_choices") == 0


def test_command_words_in_several_languages() -> None:
    from handlers.mail_commands import IncomingMail

    def text(body: str, subject: str = "") -> str | None:
        mail = IncomingMail(message_id="<m@x>", sender=AMAL, subject=subject, text=body)
        return turn_for(mail, ["m:log", "m:progress"]).text

    assert text("Voortgang") == "/progress"
    assert text("прогрес будь ласка") == "/progress будь ласка"
    assert text("تقدم") == "/progress"
    assert text("", subject="Re: progress") == "/progress"
    assert text("uren 2") == "/log 2"
    assert text("8900") == "8900"
    mail = IncomingMail(message_id="<m@x>", sender=AMAL, subject="", text="٢")
    assert turn_for(mail, ["m:log", "m:progress"]).payload == "m:progress"


def test_envelope_round_trip() -> None:
    envelope = MailEnvelope(
        to="a+b@example.org", in_reply_to="<x&y@z>", references=("<1@z>", "<2@z>"),
        token="abcdefghijkmnpqrstu2", answer=True, subject="Re: uren & zo?",
    )  # fmt: skip
    assert MailEnvelope.parse(envelope.address()) == envelope
    assert MailEnvelope.parse("plain@example.org") == MailEnvelope(to="plain@example.org")


async def test_unreadable_mail_is_recorded_once_and_never_answered(post: Post) -> None:
    for raw in (b"", b"\xff\xfe garbage", b"From: <>\r\n\r\n" + b"x" * 100_000):
        assert (await post.channel.receive(raw)).startswith("ignored")
        assert await post.channel.receive(raw) == "duplicate"
    await post.sender.run_once()
    assert post.smtp.messages == []
    assert await post.scalar("SELECT COUNT(*) FROM people") == 0
