"""Reading incoming mail: quoted history, yes/no, tokens, loops and bounces (pure functions)."""

from __future__ import annotations

import pytest

from bot.channels.mail_parse import (
    find_token,
    noise_reason,
    parse_mail,
    strip_quoted,
    yes_no,
)
from bot.channels.mail_reports import authentication_failure, bounce_tags, delivery_report
from tests.mail.test_mail_support import reply_mail


def bounced_addresses(mail: object) -> list[str]:
    report = delivery_report(mail)  # type: ignore[arg-type]
    return report.failed if report is not None else []

OWN = ("meedoen@example.org",)
TOKEN = "abcdefghijkmnpqrstu2"

# --- real-looking replies: what the person wrote, then what their program quoted ---------------

GMAIL_NL = """Ja, dat klopt. Amal was er de hele avond.

Groeten,
Mieke

Op ma 23 nov 2026 om 11:00 schreef Meedoen <meedoen+abcdefghijkmnpqrstu2@example.org>:

> 🙋 Amal took part in your activity. Is this right?
> 🗣️ Taalcafé Ieper · ma 23 nov · 2 uur
>
> ✉️ Antwoord op deze mail met JA of NEE.
"""

GMAIL_NL_WRAPPED = """Nee

Op ma 23 nov 2026 om 11:00 schreef Meedoen Netwerk Westhoek Participatie <
meedoen+abcdefghijkmnpqrstu2@example.org>:

> 🙋 Amal took part in your activity. Is this right?
"""

GMAIL_EN = """Yes, she was there.

On Mon, 23 Nov 2026 at 11:00, Meedoen <meedoen@example.org> wrote:

> 🙋 Amal took part in your activity. Is this right?
"""

GMAIL_FR = """Oui, c'est correct.

Le lun. 23 nov. 2026 à 11:00, Meedoen <meedoen@example.org> a écrit :

> 🙋 Amal took part in your activity. Is this right?
"""

OUTLOOK_EN = """Yes

Kind regards,
Tom

________________________________
From: Meedoen <meedoen@example.org>
Sent: Monday, November 23, 2026 11:00 AM
To: contact@club.example
Subject: Is this right? [#abcdefghijkmnpqrstu2]

🙋 Amal took part in your activity. Is this right?
"""

OUTLOOK_NL = """Nee, zij was er die dag niet.

Van: Meedoen <meedoen@example.org>
Verzonden: maandag 23 november 2026 11:00
Aan: contact@club.example
Onderwerp: Klopt dit? [#abcdefghijkmnpqrstu2]

🙋 Amal took part in your activity. Is this right?
"""

OUTLOOK_FR = """Oui

De : Meedoen <meedoen@example.org>
Envoyé : lundi 23 novembre 2026 11:00
À : contact@club.example
Objet : Est-ce correct ? [#abcdefghijkmnpqrstu2]

🙋 Amal took part in your activity. Is this right?
"""

OUTLOOK_ORIGINAL_NL = """ja hoor

-----Oorspronkelijk bericht-----
Van: Meedoen [mailto:meedoen@example.org]
Verzonden: maandag 23 november 2026 11:00
"""

APPLE_EN = """Yes

Sent from my iPhone

> On 23 Nov 2026, at 11:00, Meedoen <meedoen@example.org> wrote:
>
> 🙋 Amal took part in your activity. Is this right?
"""


@pytest.mark.parametrize(
    ("body", "kept"),
    [
        (GMAIL_NL, "Ja, dat klopt. Amal was er de hele avond.\n\nGroeten,\nMieke"),
        (GMAIL_NL_WRAPPED, "Nee"),
        (GMAIL_EN, "Yes, she was there."),
        (GMAIL_FR, "Oui, c'est correct."),
        (OUTLOOK_EN, "Yes\n\nKind regards,\nTom"),
        (OUTLOOK_NL, "Nee, zij was er die dag niet."),
        (OUTLOOK_FR, "Oui"),
        (OUTLOOK_ORIGINAL_NL, "ja hoor"),
        (APPLE_EN, "Yes"),
    ],
    ids=["gmail-nl", "gmail-nl-wrapped", "gmail-en", "gmail-fr", "outlook-en", "outlook-nl",
         "outlook-fr", "outlook-original-nl", "apple-en"],
)  # fmt: skip
def test_quoted_history_is_stripped(body: str, kept: str) -> None:
    assert strip_quoted(body) == kept


def test_a_line_that_only_mentions_from_is_kept() -> None:
    text = "Van: de club kreeg ik geen bericht.\nMaar ze was er wel."
    assert strip_quoted(text) == text


def test_html_only_outlook_reply_loses_the_quoted_part() -> None:
    raw = (
        b"From: contact@club.example\r\nTo: meedoen@example.org\r\nSubject: RE: x\r\n"
        b"Message-ID: <h1@club.example>\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: text/html; charset=utf-8\r\n\r\n"
        b"<html><body><div>Ja&nbsp;klopt</div><div><br></div>"
        b'<div id="divRplyFwdMsg"><b>Van:</b> Meedoen<br><b>Verzonden:</b> maandag</div>'
        b"<div>Amal took part in your activity.</div></body></html>\r\n"
    )
    mail = parse_mail(raw)
    assert strip_quoted(mail.text) == "Ja klopt"


def test_gmail_html_quote_block_is_dropped() -> None:
    raw = reply_mail(
        sender="a@x.example", to="meedoen@example.org", subject="Re: x", body="",
        html='<div dir="ltr">Oui merci</div><br><div class="gmail_quote">'
             "<div>Le lun. 23 nov. 2026, Meedoen a écrit :</div><blockquote>old</blockquote></div>",
    )  # fmt: skip
    assert strip_quoted(parse_mail(raw).text) == "Oui merci"


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("Ja, dat klopt.", "yes"), ("JA", "yes"), ("ja!", "yes"), ("Yes", "yes"),
        ("Oui, c'est correct.", "yes"), ("نعم", "yes"), ("Так, була.", "yes"),
        ("\n\n  nee - ze was er niet", "no"), ("NEE", "no"), ("No.", "no"), ("Non", "no"),
        ("ні", "no"), ("لا", "no"), ("Jan was er", None), ("Misschien", None), ("", None),
        ("👍", "yes"),
    ],
)  # fmt: skip
def test_first_line_yes_or_no(text: str, answer: str | None) -> None:
    assert yes_no(text) == answer


def test_token_from_plus_address_or_subject() -> None:
    own = "meedoen@example.org"
    assert find_token([f"meedoen+{TOKEN}@example.org"], "Re: hours", own) == TOKEN
    assert find_token(["meedoen@example.org"], f"RE: Klopt dit? [#{TOKEN.upper()}]", own) == TOKEN
    assert find_token([f"other+{TOKEN}@example.org"], "Re: hours", own) is None
    assert find_token([f"meedoen+{TOKEN}@elsewhere.example"], "Re", own) is None
    assert find_token(["meedoen+short@example.org"], "[#short]", own) is None


def _with(headers: dict[str, str], sender: str = "jan@club.example") -> object:
    raw = reply_mail(sender=sender, to="meedoen@example.org", subject="Re: x", body="Ja",
                     headers=headers)  # fmt: skip
    return parse_mail(raw)


@pytest.mark.parametrize(
    ("headers", "sender"),
    [
        ({"Auto-Submitted": "auto-replied"}, "jan@club.example"),
        ({"Auto-Submitted": "auto-generated"}, "jan@club.example"),
        ({"Precedence": "bulk"}, "jan@club.example"),
        ({"Precedence": "list"}, "jan@club.example"),
        ({"Precedence": "junk"}, "jan@club.example"),
        ({"X-Auto-Response-Suppress": "All"}, "jan@club.example"),
        ({"List-Id": "<news.club.example>"}, "jan@club.example"),
        ({}, "MAILER-DAEMON@mx.example"),
        ({}, "postmaster@club.example"),
        ({}, "meedoen@example.org"),
        ({}, f"Meedoen <meedoen+{TOKEN}@example.org>"),
    ],
)
def test_loops_and_noise_are_recognised(headers: dict[str, str], sender: str) -> None:
    assert noise_reason(_with(headers, sender), OWN) is not None  # type: ignore[arg-type]


def test_a_person_is_not_noise() -> None:
    assert noise_reason(_with({"Auto-Submitted": "no"}), OWN) is None  # type: ignore[arg-type]
    assert noise_reason(_with({}), OWN) is None  # type: ignore[arg-type]


DSN = """From: Mail Delivery System <MAILER-DAEMON@mx.example.org>
To: meedoen@example.org
Subject: Undelivered Mail Returned to Sender
Message-ID: <dsn-1@mx.example.org>
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain

I'm sorry to have to inform you that your message could not be delivered.

--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.org

Final-Recipient: rfc822; Gone@Club.example
Original-Recipient: rfc822;gone@club.example
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 user unknown

--B
Content-Type: text/rfc822-headers

From: meedoen@example.org
To: gone@club.example
Subject: Is this right?
Message-ID: <meedoen.0123abcd@example.org>

--B--
"""

DELAYED = DSN.replace("Action: failed", "Action: delayed").replace("5.1.1", "4.4.1")


def test_a_dsn_names_the_failed_address_and_our_message() -> None:
    """RFC 3464 §2-3: the report's per-recipient fields and the returned headers."""
    mail = parse_mail(DSN.replace("\n", "\r\n").encode())
    report = delivery_report(mail)
    assert report is not None and report.failed == ["gone@club.example"]
    assert report.original_ids == ["<meedoen.0123abcd@example.org>"]
    assert noise_reason(mail, OWN) is not None


def test_the_verp_tag_of_our_return_address() -> None:
    to = ["meedoen+abcdefghijkmnpqrstu@example.org", "other+abcdefghijkmnpqrstu@example.org"]
    assert bounce_tags(to, "meedoen@example.org") == ["abcdefghijkmnpqrstu"]


def test_a_delay_notice_is_not_a_bounce() -> None:
    mail = parse_mail(DELAYED.replace("\n", "\r\n").encode())
    assert bounced_addresses(mail) == []
    assert noise_reason(mail, OWN) is not None  # still never answered


def test_a_failed_recipients_header_is_no_report() -> None:
    """Anyone can write X-Failed-Recipients; only an RFC 3464 report counts."""
    raw = reply_mail(
        sender="Mail Delivery System <Mailer-Daemon@mx.example>", to="meedoen@example.org",
        subject="Mail delivery failed: returning message to sender",
        body="This message was created automatically by mail delivery software.",
        headers={"X-Failed-Recipients": "nobody@club.example"},
    )  # fmt: skip
    assert delivery_report(parse_mail(raw)) is None


@pytest.mark.parametrize(
    ("header", "refused"),
    [
        ("mx.example.org; dmarc=fail (p=reject) header.from=club.example", "dmarc=fail"),
        ("mx.example.org; spf=fail smtp.mailfrom=club.example", "spf=fail"),
        ("mx.example.org; dkim=fail header.d=club.example", "dkim=fail"),
        ("mx.example.org; spf=softfail smtp.mailfrom=club.example; dkim=pass", None),
        ("mx.example.org; dmarc=pass; spf=pass; dkim=pass", None),
    ],
)
def test_authentication_results_fail_is_refused(header: str, refused: str | None) -> None:
    """RFC 8601 §2.7: the result values of DMARC, DKIM and SPF."""
    raw = reply_mail(sender="amal@mail.example", to="meedoen@example.org", subject="x",
                     body="menu", headers={"Authentication-Results": header})  # fmt: skip
    assert authentication_failure(parse_mail(raw)) == refused


def test_odd_mail_does_not_crash() -> None:
    for raw in (b"", b"garbage without headers", b"From: \r\n\r\n", b"\xff\xfe\x00bad"):
        mail = parse_mail(raw)
        assert noise_reason(mail, OWN) is not None or mail.sender
        assert bounced_addresses(mail) == []
        strip_quoted(mail.text)
