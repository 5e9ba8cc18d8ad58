"""E-mail as a way to talk to Meedoen, where nothing changes on the strength of `From:` alone.

`receive(...)` handles one incoming mail that is not noise, in the transaction that claims
its Message-ID:

* a reply carrying a token we mailed to this very address acts: JA/NEE on a confirmation
  request (`mail_confirm`), or a turn (a command word, a number that picks a choice of the
  mail answered, or text for the current step) answered by mail in the person's language;
  every mail to a person carries a fresh single-use token in its Reply-To and subject;
* a proof code is checked for anyone (a counsellor), within a daily number of guesses;
* anything else changes nothing: a known address gets, at its *stored* address, a mail with
  a token to answer ("answer this mail to go on") — so a forged From never sees a token — and
  an unknown address at most one invitation a day; neither makes a person record.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Sequence
from datetime import datetime

from handlers.context import Config, Context
from handlers.features import REGISTRY
from handlers.hours.contact_confirm import contact_mail_reply
from handlers.hours.proof_verify import looks_like_code, verification_replies
from handlers.mail_confirm import CONFIRM, confirm_reply
from handlers.mail_envelope import (
    PREFIX,
    SUBJECT_TOKEN,
    IncomingMail,
    MailEnvelope,
    answer_envelope,
    queue_answer,
    recipient_locale,
)
from handlers.router import dispatch
from handlers.staff.mail_replies import answer_staff_mail
from handlers.types import Reply, Turn
from i18n import locale_from_telegram, translator
from storage import delivery
from storage import mail as mail_store
from storage.conversations import load_state, save_state
from storage.db import Database, Tx
from storage.people import Person, create_person, get_person, update_person

log = logging.getLogger(__name__)

__all__ = ["CONFIRM", "IncomingMail", "MailEnvelope", "receive", "record_ignored", "turn_for"]

TURN = "turn"  # the purpose of the token in every mail to a person
LOCKED_PER_DAY = 3  # "answer this mail to go on" to one known address
INVITES_PER_DAY = 1  # invitations to one unknown address


# Words a person may write instead of a command, in the languages people use most. The first
# command of each list that exists in this build is used.
INTENTS: dict[str, tuple[tuple[str, ...], frozenset[str]]] = {
    "progress": (
        ("progress",),
        frozenset({"progress", "voortgang", "vooruitgang", "progrès", "progres", "прогрес",
                   "прогресс", "تقدم", "ilerleme", "پیشرفت", "postęp", "progreso"}),
    ),
    "offers": (
        ("offers", "suggest", "aanbod"),
        frozenset({"offers", "offer", "aanbod", "activiteiten", "offres", "activités",
                   "пропозиції", "предложения", "عروض", "teklifler", "oferty", "ofertas"}),
    ),
    "hours": (
        ("hours", "log", "uren"),
        frozenset({"hours", "hour", "uren", "uur", "heures", "heure", "години", "годин",
                   "часы", "ساعات", "saat", "ساعت", "godziny", "horas", "ore", "saacadood"}),
    ),
    "confirm": (
        ("confirm",),
        frozenset({"confirm", "bevestig", "bevestigen", "confirmer", "підтвердити"}),
    ),
    "proof": (("proof",), frozenset({"proof", "bewijs", "preuve", "attestation", "доказ"})),
    "menu": (("menu",), frozenset({"menu", "menú", "меню", "قائمة", "menü"})),
    "help": (("help",), frozenset({"help", "hulp", "aide", "допомога", "помощь", "مساعدة",
                                   "yardım", "pomoc", "ayuda"})),
}  # fmt: skip


def _first_line(mail: IncomingMail) -> str:
    for line in mail.text.split("\n"):
        if line.strip():
            return line.strip()
    subject = PREFIX.sub("", mail.subject)
    return SUBJECT_TOKEN.sub("", subject).strip()


def _intent_command(word: str) -> str | None:
    for names, words in INTENTS.values():
        if word in words:
            return next((name for name in names if name in REGISTRY.commands), None)
    return None


def turn_for(mail: IncomingMail, choices: list[str]) -> Turn:
    """How a mail reads as a turn: a chosen number, a command word, or text for the step."""
    line = _first_line(mail)  # not cut: the router refuses what is too long
    common: dict[str, object] = {
        "channel": "email",
        "address": mail.sender,
        "language_hint": mail.language,
        "name_hint": mail.sender_name or None,
    }
    number = _digits(line.rstrip(".)"))
    if number is not None and 1 <= number <= len(choices):
        return Turn(payload=choices[number - 1], **common)  # type: ignore[arg-type]
    if not line.startswith("/"):
        head, _, rest = line.partition(" ")
        command = _intent_command(head.strip(".,:;!?").casefold())
        if command is not None:
            line = f"/{command} {rest}".strip()
    return Turn(text=line, **common)  # type: ignore[arg-type]


def _digits(text: str) -> int | None:
    text = text.strip()
    if not text or len(text) > 3:
        return None
    digits = [unicodedata.decimal(ch, None) for ch in text]
    if any(d is None for d in digits):
        return None
    return int("".join(str(d) for d in digits))


async def record_ignored(
    db: Database,
    message_id: str,
    reason: str,
    now: datetime,
    *,
    failed: Sequence[str] = (),
    original_ids: Sequence[str] = (),
    bounce_tags: Sequence[str] = (),
) -> str:
    """Noise and bounces: remember the Message-ID; never answered.

    A delivery report marks an address failing only when it reports, for good, the very
    address one of our mails went to — that mail found by its Message-ID or the VERP tag of
    the return address the report came to. Anyone can write a mail that looks like a bounce.
    """
    async with db.transaction() as tx:
        sent_to = await mail_store.sent_address(tx, list(original_ids), list(bounce_tags))
        bounced = [a for a in failed if sent_to is not None and a.lower() == sent_to.lower()]
        if bounced:
            outcome = f"bounce: {', '.join(bounced)}"
        elif failed:
            outcome = "ignored: bounce for no mail of ours"
        else:
            outcome = f"ignored: {reason}"
        if not await mail_store.claim_message(tx, message_id, outcome[:200], now):
            return "duplicate"
        for address in bounced:
            await mail_store.mark_failing(tx, address, reason, now)
    return outcome


async def receive(db: Database, config: Config, mail: IncomingMail, now: datetime) -> str:
    """Handle one mail once (see the module's docstring). Returns the outcome."""
    try:
        async with db.transaction() as tx:
            if not await mail_store.claim_message(tx, mail.message_id, "handling", now):
                return "duplicate"
            await mail_store.forget_old_messages(tx, now)
            outcome = await _route(tx, config, mail, now)
            await mail_store.set_outcome(tx, mail.message_id, outcome)
        return outcome
    except Exception:
        log.exception("mail %s failed", mail.message_id)
    async with db.transaction() as tx:
        if not await mail_store.claim_message(tx, mail.message_id, "error", now):
            return "duplicate"
        locale, person_id = await recipient_locale(tx, mail.sender, config.default_locale)
        if person_id is not None:  # never a "sorry" to an address nobody uses (backscatter)
            t = translator(locale)
            sorry = t._("😕 Sorry, something went wrong. Please try again, or type /menu.")
            await queue_answer(tx, mail, [Reply(text=sorry)], now, person_id)
    return "error"


async def _route(tx: Tx, config: Config, mail: IncomingMail, now: datetime) -> str:
    if mail.token:  # a reply to a staff digest: handlers.staff.mail_replies
        staff = await answer_staff_mail(tx, now, mail.token, mail.sender, mail.text)
        if staff is not None:
            outcome, replies, person_id = staff
            await queue_answer(tx, mail, replies, now, person_id)
            return outcome
    confirmed = await confirm_reply(tx, config, mail, now)
    if confirmed is not None:
        await _mailbox_works(tx, mail.sender)
        return confirmed
    contact = await contact_mail_reply(tx, config, mail, now)
    if contact is not None:
        return contact
    person = await _proven_sender(tx, config, mail, now)
    if person is not None:
        await _mailbox_works(tx, mail.sender)
        return await _turn(tx, config, mail, now, person)
    asked = f"{mail.subject}\n{_first_line(mail)}"
    if looks_like_code(asked):  # a counsellor checks a proof: answered in Dutch
        sender = f"email:{mail.sender.lower()}"
        replies = await verification_replies(tx, translator("nl"), sender, asked, now)
        await queue_answer(tx, mail, replies, now, None)
        return "proof verification"
    known = await mail_store.person_by_email(tx, mail.sender)
    if known is not None:
        return await _ask_to_answer(tx, config, mail, now, known)
    if not await mail_store.may_answer(tx, mail.sender, "invite", INVITES_PER_DAY, now):
        return "ignored: unknown sender, invited today"
    t = translator(locale_from_telegram(mail.language) or config.default_locale)
    text = t._(
        "👋 Hello! This is Meedoen. We help you find activities and keep your hours. "
        "To start, answer this mail. If you did not write to us, you can ignore it."
    )
    envelope = MailEnvelope(
        to=mail.sender, in_reply_to=mail.message_id, answer=True, invite=True,
        subject=answer_envelope(mail).subject,
    )  # fmt: skip
    await queue_answer(tx, mail, [Reply(text=text)], now, None, envelope=envelope)
    return "invited"


async def _proven_sender(
    tx: Tx, config: Config, mail: IncomingMail, now: datetime
) -> Person | None:
    """The person whose token this reply carries, sent to this very address; spends it."""
    if mail.token is None:
        return None
    found = await mail_store.find_token(tx, mail.token, TURN, now)
    if found is not None and found.address.lower() == mail.sender.lower():
        await mail_store.use_token(tx, mail.token, now)
        return await get_person(tx, found.person_id)
    if await mail_store.use_start_token(tx, mail.token, mail.sender, now):
        if await mail_store.person_by_email(tx, mail.sender) is not None:
            return None  # became someone's address meanwhile: that person's tokens count
        guess = locale_from_telegram(mail.language) or config.default_locale
        return await create_person(tx, "email", mail.sender, guess, now)
    return None


async def _mailbox_works(tx: Tx, address: str) -> None:
    """A reply with our token came from the address: it receives mail again."""
    await mail_store.clear_failing(tx, address)
    await delivery.clear_unreachable(tx, "email", address)


async def _ask_to_answer(
    tx: Tx, config: Config, mail: IncomingMail, now: datetime, person_id: int
) -> str:
    """A mail without our token from a known address: answer to the *stored* address only."""
    person = await get_person(tx, person_id)
    stored = await tx.scalar(
        "SELECT address FROM identities WHERE channel = 'email' AND person_id = ? "
        "AND address = ? COLLATE NOCASE ORDER BY id LIMIT 1",
        (person_id, mail.sender.strip()),
    )
    if person is None or stored is None:
        return "ignored: no stored address"
    if not await mail_store.may_answer(tx, str(stored), "locked", LOCKED_PER_DAY, now):
        return "ignored: asked to answer today"
    t = translator(person.locale)
    old = t._("⌛ This request is old or was answered already.") + "\n\n" if mail.token else ""
    text = old + t._(
        "🔒 We got a mail from your address. To keep your account safe, we only act on "
        "answers to our own mails. Answer this mail with what you want, e.g. menu."
    )
    envelope = answer_envelope(mail, to=str(stored))
    await queue_answer(tx, mail, [Reply(text=text)], now, person.id, envelope=envelope)
    return "asked to answer"


async def _turn(tx: Tx, config: Config, mail: IncomingMail, now: datetime, person: Person) -> str:
    """The router's work for one turn, inside the transaction that claims the Message-ID."""
    choices = await mail_store.load_choices(tx, person.id, mail.in_reply_to)
    turn = turn_for(mail, choices).model_copy(update={"received_at": now})
    state = await load_state(tx, person.id)
    ctx = Context(tx, person, state, config, now, turn, REGISTRY)
    replies = await dispatch(ctx)
    for work in ctx.after_commit:  # a mail answer is queued with its picture: render it now
        await work()
    person_id: int | None = person.id
    if ctx.forgotten:
        person_id = None
    else:
        await save_state(tx, person.id, ctx.state, now)
        if ctx.person.consented:
            await update_person(tx, person.id, last_seen_at=now)
    await queue_answer(tx, mail, replies, now, person_id)
    return "answered: " + _what(turn)


def _what(turn: Turn) -> str:
    """What a turn was, for the log and `mail_processed`, without the words the person wrote
    (a name, a place: kept there, they would outlive /forget)."""
    if turn.payload:
        return turn.payload
    text = turn.text or ""
    return text.split(" ", 1)[0][:40] if text.startswith("/") else "text"
