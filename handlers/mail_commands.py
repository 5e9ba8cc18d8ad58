"""E-mail as a way to talk to Meedoen.

* The outbox address of an e-mail may carry its envelope (`MailEnvelope`): in answer to which
  mail, which reply token, a subject. It is a `mailto:` URI (RFC 6068), so a plain address
  stays valid and the channel needs nothing else to write proper headers.
* `receive(...)` handles one incoming mail that is not noise: a reply with a token confirms or
  disputes hours; anything else is read as a turn (a command word, a number that picks a
  choice of the mail it answers, or text for the current step) and answered by mail, in the
  person's language, in the same transaction that claims the Message-ID.
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import parse_qs, quote, unquote, urlencode

from handlers.context import Config, Context, dump_replies
from handlers.features import REGISTRY
from handlers.hours.confirmations import Outcome, apply_confirmation
from handlers.hours.rules import entry_line
from handlers.router import dispatch
from handlers.types import Reply, Turn
from i18n import Translator, locale_from_telegram, translator
from storage import delivery, outbox
from storage import mail as mail_store
from storage.conversations import load_state, save_state
from storage.db import Database, Tx
from storage.hours import get_entry
from storage.people import create_person, get_person, update_person

log = logging.getLogger(__name__)

MAILTO = "mailto:"
SUBJECT_TOKEN = re.compile(r"\[#[A-Za-z2-7]{12,40}\]")


@dataclass(frozen=True)
class MailEnvelope:
    """Where an outbox mail goes and how it threads. `answer` marks an automatic answer."""

    to: str
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()
    token: str | None = None
    answer: bool = False
    subject: str | None = None

    def address(self) -> str:
        params: list[tuple[str, str]] = []
        if self.in_reply_to:
            params.append(("in-reply-to", self.in_reply_to))
        if self.references:
            params.append(("references", " ".join(self.references)))
        if self.token:
            params.append(("token", self.token))
        if self.answer:
            params.append(("answer", "1"))
        if self.subject:
            params.append(("subject", self.subject))
        if not params:
            return self.to
        return f"{MAILTO}{quote(self.to, safe='@+')}?{urlencode(params, quote_via=quote)}"

    @classmethod
    def parse(cls, address: str) -> MailEnvelope:
        if not address.startswith(MAILTO):
            return cls(to=address.strip())
        to, _, query = address[len(MAILTO) :].partition("?")
        params = {key: values[-1] for key, values in parse_qs(query).items()}
        return cls(
            to=unquote(to).strip(),
            in_reply_to=params.get("in-reply-to"),
            references=tuple(params.get("references", "").split()),
            token=params.get("token"),
            answer=params.get("answer") == "1",
            subject=params.get("subject"),
        )


# --- incoming mail ---------------------------------------------------------------------------


@dataclass(frozen=True)
class IncomingMail:
    """A mail a person wrote, already parsed and stripped of quoted history by the channel."""

    message_id: str
    sender: str
    subject: str
    text: str
    sender_name: str = ""
    answer: str | None = None  # "yes" / "no" on the first line
    token: str | None = None
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()
    language: str | None = None  # Content-Language


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
_PREFIX = re.compile(r"^\s*((re|aw|antw|réf|tr|fw|fwd|wg)\s*:\s*)+", re.IGNORECASE)


def _first_line(mail: IncomingMail) -> str:
    for line in mail.text.split("\n"):
        if line.strip():
            return line.strip()
    subject = _PREFIX.sub("", mail.subject)
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


async def recipient_locale(tx: Tx, address: str, default: str) -> tuple[str, int | None]:
    """The language to write to an address in, and the person it belongs to (if any)."""
    person_id = await mail_store.person_by_email(tx, address)
    person = await get_person(tx, person_id) if person_id is not None else None
    if person is not None:
        return person.locale, person.id
    return default, None


def answer_envelope(mail: IncomingMail) -> MailEnvelope:
    subject = _PREFIX.sub("", mail.subject).strip()
    return MailEnvelope(
        to=mail.sender,
        in_reply_to=mail.message_id,
        references=(*mail.references[-8:], mail.message_id),
        answer=True,
        subject=f"Re: {subject}" if subject else None,
    )


async def _answer(
    tx: Tx, mail: IncomingMail, replies: list[Reply], now: datetime, person_id: int | None
) -> None:
    """Queue the answer to a mail, threaded under it, in the transaction that handled it."""
    if not replies:
        return
    key = "mail-answer:" + hashlib.sha256(mail.message_id.encode()).hexdigest()[:32]
    await outbox.enqueue(
        tx,
        key=key,
        person_id=person_id,
        channel="email",
        address=answer_envelope(mail).address(),
        purpose="mail_answer",
        payload=dump_replies(replies),
        now=now,
    )


async def record_ignored(
    db: Database, message_id: str, reason: str, bounced: list[str], now: datetime
) -> str:
    """Noise and bounces: remember the Message-ID, mark bounced addresses failing; no answer."""
    outcome = f"bounce: {', '.join(bounced)}" if bounced else f"ignored: {reason}"
    async with db.transaction() as tx:
        if not await mail_store.claim_message(tx, message_id, outcome[:200], now):
            return "duplicate"
        for address in bounced:
            await mail_store.mark_failing(tx, address, reason, now)
    return outcome


async def receive(db: Database, config: Config, mail: IncomingMail, now: datetime) -> str:
    """Handle one mail once: confirm by token, or answer it as a turn. Returns the outcome."""
    try:
        async with db.transaction() as tx:
            if not await mail_store.claim_message(tx, mail.message_id, "handling", now):
                return "duplicate"
            await mail_store.forget_old_messages(tx, now)
            await mail_store.clear_failing(tx, mail.sender)
            await delivery.clear_unreachable(tx, "email", mail.sender)
            if mail.token:
                outcome = await _token_reply(tx, config, mail, now)
            else:
                outcome = await _turn(tx, config, mail, now)
            await mail_store.set_outcome(tx, mail.message_id, outcome)
        return outcome
    except Exception:
        log.exception("mail %s failed", mail.message_id)
    async with db.transaction() as tx:
        if not await mail_store.claim_message(tx, mail.message_id, "error", now):
            return "duplicate"
        locale, person_id = await recipient_locale(tx, mail.sender, config.default_locale)
        t = translator(locale)
        sorry = t._("😕 Sorry, something went wrong. Please try again, or type /menu.")
        await _answer(tx, mail, [Reply(text=sorry)], now, person_id)
    return "error"


async def _turn(tx: Tx, config: Config, mail: IncomingMail, now: datetime) -> str:
    """The router's work for one turn, inside the transaction that claims the Message-ID."""
    known = await mail_store.person_by_email(tx, mail.sender)
    person = await get_person(tx, known) if known is not None else None
    if person is None:
        guess = locale_from_telegram(mail.language) or config.default_locale
        person = await create_person(tx, "email", mail.sender, guess, now)
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
    await _answer(tx, mail, replies, now, person_id)
    return "answered: " + _what(turn)


def _what(turn: Turn) -> str:
    """What a turn was, for the log and `mail_processed`, without the words the person wrote
    (a name, a place: kept there, they would outlive /forget)."""
    if turn.payload:
        return turn.payload
    text = turn.text or ""
    return text.split(" ", 1)[0][:40] if text.startswith("/") else "text"


# --- confirmation by reply token -------------------------------------------------------------

CONFIRM = "confirm"
_CONFIRM_BUTTON = re.compile(r"^hc:(ok|no):(\d{1,12})$")
YES_WORD, NO_WORD = "JA", "NEE"


def confirm_entry_of(replies: list[Reply]) -> int | None:
    """The hour entry a mail asks to confirm: exactly one ✅/❌ pair of buttons, else None."""
    found: dict[int, set[str]] = {}
    for reply in replies:
        for row in reply.buttons:
            for button in row:
                match = _CONFIRM_BUTTON.match(button.data or "")
                if match:
                    found.setdefault(int(match.group(2)), set()).add(match.group(1))
    if len(found) != 1:
        return None
    (entry_id, answers), = found.items()
    return entry_id if answers == {"ok", "no"} else None


def answer_hint(t: Translator) -> str:
    return t._(
        "✉️ Answer this mail with {yes} if this is right, or {no} if it is not. "
        "Put it on the first line. After {no} you may add a few words.",
        yes=YES_WORD,
        no=NO_WORD,
    )


async def prepare_confirmation_mail(
    tx: Tx, address: str, replies: list[Reply], now: datetime, default_locale: str
) -> tuple[str | None, list[Reply]]:
    """For a confirmation request to a mail-only confirmer: a reply token and the JA/NEE hint.

    The token is stored (hashed) for the recipient person and this entry; the hint is in
    Dutch and, when it differs, in the recipient's language. Other mails pass unchanged.
    """
    entry_id = confirm_entry_of(replies)
    if entry_id is None:
        return None, replies
    locale, person_id = await recipient_locale(tx, address, default_locale)
    if person_id is None:
        return None, replies
    await mail_store.purge_tokens(tx, now)
    token = await mail_store.create_token(
        tx, person_id=person_id, purpose=CONFIRM, subject_id=entry_id, address=address, now=now
    )
    hints = [answer_hint(translator("nl"))]
    if locale != "nl":
        hints.append(answer_hint(translator(locale)))
    # By mail the answer is JA or NEE; the ✅/❌ buttons would only compete with it.
    plain = [
        reply.model_copy(update={"buttons": []}) if reply.buttons else reply for reply in replies
    ]
    return token, [*plain, Reply(text="\n\n".join(hints))]


def _note_after_answer(text: str) -> str | None:
    """The words after JA/NEE: the rest of the first line and the lines below it."""
    lines = text.split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    if not lines:
        return None
    first = re.sub(r"^\W*[^\W_]+[\s,.:;!-]*", "", lines[0], count=1)
    words = " ".join(" ".join([first, *lines[1:]]).split())
    return words or None


async def _token_reply(tx: Tx, config: Config, mail: IncomingMail, now: datetime) -> str:
    """A reply to a confirmation request: JA confirms, NEE disputes (with the words after it)."""
    assert mail.token is not None
    found = await mail_store.find_token(tx, mail.token, CONFIRM, now)
    locale, sender_id = await recipient_locale(tx, mail.sender, config.default_locale)
    t = translator(locale)
    if found is None:
        text = t._("⌛ This request is old or was answered already.")
        await _answer(tx, mail, [Reply(text=text)], now, sender_id)
        return "token: unknown"
    if found.address.lower() != mail.sender.lower():
        text = t._("🔒 Please answer from the address we wrote to.")
        await _answer(tx, mail, [Reply(text=text)], now, sender_id)
        return "token: other sender"
    if mail.answer is None:
        hints = [answer_hint(translator("nl"))]
        if locale != "nl":
            hints.append(answer_hint(t))
        await _answer(tx, mail, [Reply(text="\n\n".join(hints))], now, found.person_id)
        return "token: no answer"
    accept = mail.answer == "yes"
    note = None if accept else _note_after_answer(mail.text)
    outcome = await apply_confirmation(
        tx, config, now, found.subject_id, found.person_id, accept, note
    )
    await mail_store.use_token(tx, mail.token, now)
    entry = await get_entry(tx, found.subject_id)
    line = ("\n" + entry_line(t, entry)) if entry is not None else ""
    text = {
        Outcome.CONFIRMED: t._("✅ Confirmed. Thank you!"),
        Outcome.DISPUTED: t._("❌ Marked as not right. Thank you, we pass it on."),
        Outcome.ALREADY: t._("👌 You answered this already."),
        Outcome.REMOVED: t._("🗑️ This entry was removed."),
        Outcome.NOT_ALLOWED: t._("⌛ This request is old or was answered already."),
    }[outcome]
    await _answer(tx, mail, [Reply(text=text + line)], now, found.person_id)
    return f"token: {outcome.value}"
