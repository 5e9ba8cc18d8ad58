"""Hours confirmed by mail: a confirmation request to a mail-only confirmer carries a reply
token bound to their address, their person and the entry; answering JA or NEE from that
address confirms or disputes, in one reply."""

from __future__ import annotations

import re
from datetime import datetime

from handlers.context import Config
from handlers.hours.confirmations import Outcome, apply_confirmation
from handlers.hours.rules import entry_line
from handlers.mail_envelope import IncomingMail, queue_answer, recipient_locale
from handlers.types import Reply
from i18n import Translator, translator
from storage import mail as mail_store
from storage.db import Tx
from storage.hours import get_entry

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
    ((entry_id, answers),) = found.items()
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


async def confirm_reply(tx: Tx, config: Config, mail: IncomingMail, now: datetime) -> str | None:
    """A reply to a confirmation request: JA confirms, NEE disputes (with the words after it).

    None when the mail carries no unused confirmation token sent to this very address: the
    caller then treats it like any mail without a token (a forger never sees the token).
    """
    if mail.token is None:
        return None
    found = await mail_store.find_token(tx, mail.token, CONFIRM, now)
    if found is None or found.address.lower() != mail.sender.lower():
        return None
    locale, _sender_id = await recipient_locale(tx, mail.sender, config.default_locale)
    t = translator(locale)
    if mail.answer is None:
        hints = [answer_hint(translator("nl"))]
        if locale != "nl":
            hints.append(answer_hint(t))
        await queue_answer(tx, mail, [Reply(text="\n\n".join(hints))], now, found.person_id)
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
    await queue_answer(tx, mail, [Reply(text=text + line)], now, found.person_id)
    return f"token: {outcome.value}"
