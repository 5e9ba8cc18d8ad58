"""Whoever was there can confirm: hours no buddy or catalogued offer covers ("✨ Something
else") count only once the person who was there (a club's trainer, a neighbourhood
association) confirms them — what today's paper "bewijs van deelname" does.

The newcomer gets a one-time link and QR code (Telegram), or Meedoen mails the address they
type. The contact person sees the entry in Dutch (and in their own language in Telegram) and
confirms or disputes with one tap, or by answering the mail with JA or NEE from that very
address. The proof then shows their name and how they confirmed.
"""

from __future__ import annotations

import io
import re
from datetime import datetime

import segno

from handlers.common import int_arg
from handlers.context import Config, Context, Draft, notify_person
from handlers.hours.progress import celebrate, counted_minutes
from handlers.hours.rules import entry_line
from handlers.mail_envelope import IncomingMail, MailEnvelope, queue_answer
from handlers.registry import Feature, Input
from handlers.types import Attachment, Button, Reply
from i18n import Translator, translator
from storage import mail as mail_store
from storage import outbox
from storage.contact_links import confirm_by_contact, create_link, find_link, spend_link
from storage.db import Tx
from storage.hours import HourEntry, get_entry
from storage.people import get_person

feature = Feature("handlers.hours.contact_confirm")

PREFIX = "cc-"
MAILS_PER_DAY = 5  # mails to typed addresses, per newcomer: Meedoen is no way to spam people
_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
_CODE = re.compile(r"^[a-z2-7]{12,40}$")


def qr_png(text: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=8, border=3)
    return buffer.getvalue()


def link_of(config: Config, code: str) -> str:
    if config.bot_username:
        return f"https://t.me/{config.bot_username}?start={PREFIX}{code}"
    return f"/start {PREFIX}{code}"


async def _own_entry(ctx: Context, raw: str) -> HourEntry | None:
    entry_id = int_arg(raw)
    entry = await get_entry(ctx.tx, entry_id) if entry_id is not None else None
    if entry is None or entry.person_id != ctx.person.id or entry.status != "self_declared":
        return None
    return entry


def ask_button(t: Translator, entry_id: int) -> Button:
    return Button(label=t._("🙋 Ask who was there to confirm"), data=f"cc:{entry_id}")


@feature.action("cc")
async def ask_action(ctx: Context, args: list[str]) -> list[Reply]:
    """`cc:<id>` → how; `cc:l:<id>` → link and QR code; `cc:m:<id>` → type an address."""
    how, raw = (args[0], args[1]) if len(args) == 2 else ("", args[0] if args else "")
    entry = await _own_entry(ctx, raw)
    if entry is None:
        return [Reply(text=ctx._("⌛ This entry cannot be confirmed any more."))]
    if how == "l":
        code = await create_link(ctx.tx, entry.id, None, ctx.now)
        link = link_of(ctx.config, code)
        text = ctx._(
            "🔗 Show this QR code or send this link to the person who was there. "
            "It works once, for 14 days.\n{link}",
            link=link,
        )
        image = Attachment(filename="confirm.png", content=qr_png(link), mime="image/png")
        return [Reply(text=text, image=image if ctx.config.bot_username else None)]
    if how == "m":
        return await ctx.goto("ce", ContactDraft(entry=entry.id))
    text = ctx._(
        "🙋 Who was there can confirm your hours: a trainer, a teacher, someone of the club. "
        "How do you want to ask?"
    )
    buttons = [
        [Button(label=ctx._("🔗 Link or QR code"), data=f"cc:l:{entry.id}")],
        [Button(label=ctx._("✉️ By e-mail"), data=f"cc:m:{entry.id}")],
    ]
    return [Reply(text=text, buttons=buttons)]


class ContactDraft(Draft):
    """The self-declared entry whose contact person's e-mail address is being typed."""

    entry: int | None = None


async def _address_prompt(ctx: Context) -> list[Reply]:
    return [Reply(text=ctx._("✉️ Type the e-mail address of the person who was there."))]


@feature.step("ce", _address_prompt, reads_text=True)
async def address_answer(ctx: Context, given: Input) -> list[Reply]:
    address = (given.text or "").strip()
    entry = await _own_entry(ctx, str(ctx.draft(ContactDraft).entry or ""))
    if entry is None:
        ctx.finish()
        return [Reply(text=ctx._("⌛ This entry cannot be confirmed any more."))]
    if not _EMAIL.match(address) or len(address) > 200:
        return [Reply(text=ctx._("🤔 This is not an e-mail address, e.g. name@club.be.")),
                *await ctx.reprompt()]  # fmt: skip
    own = await mail_store.person_by_email(ctx.tx, address)
    if own == ctx.person.id:
        return [Reply(text=ctx._("🙂 This is your own address. Type the address of the person "
                                 "who was there.")), *await ctx.reprompt()]  # fmt: skip
    if not await mail_store.may_answer(
        ctx.tx, f"contact-by:{ctx.person.id}", "contact", MAILS_PER_DAY, ctx.now
    ):
        ctx.finish()
        return [Reply(text=ctx._("⏳ You asked many people today. Please try again tomorrow."))]
    code = await create_link(ctx.tx, entry.id, address.lower(), ctx.now)
    name = ctx.person.display_name or ctx._("someone")
    nl = translator("nl")
    lines = [
        nl._("🙋 {name} says they took part:", name=name),
        entry_line(nl, entry),
        nl._("Was {name} there? Answer this mail with JA or NEE on the first line.", name=name),
        nl._("Or open this link in Telegram: {link}", link=link_of(ctx.config, code)),
        nl._("You get this mail because {name} typed your address in Meedoen.", name=name),
    ]
    envelope = MailEnvelope(to=address, token=code, subject=nl._("Was {name} there?", name=name))
    await outbox.enqueue(
        ctx.tx, key=f"contact:{entry.id}:{code[:8]}", person_id=None, channel="email",
        address=envelope.address(), purpose="contact_confirm",
        payload="[" + Reply(text="\n".join(lines)).model_dump_json() + "]", now=ctx.now,
    )  # fmt: skip
    ctx.finish()
    return [Reply(text=ctx._("✉️ Sent. When {address} answers, I tell you.", address=address))]


# --- the contact person ----------------------------------------------------------------------
@feature.start_param(PREFIX, before_onboarding=True)
async def contact_link(ctx: Context, code: str) -> list[Reply]:
    link = await find_link(ctx.tx, code, ctx.now) if _CODE.match(code) else None
    entry = await get_entry(ctx.tx, link.entry_id) if link else None
    if link is None or entry is None or entry.status != "self_declared":
        return [Reply(text=ctx._("⌛ This link is old or was used already."))]
    if entry.person_id == ctx.person.id:
        return [Reply(text=ctx._("🙂 This is your own link. Give it to the person who was there."))]
    newcomer = await get_person(ctx.tx, entry.person_id)
    name = (newcomer.display_name if newcomer else None) or ctx._("someone")
    nl = translator("nl")
    lines = [nl._("🙋 {name} says they took part:", name=name), entry_line(nl, entry)]
    if ctx.t.locale != "nl":
        lines += ["", ctx._("🙋 {name} says they took part:", name=name), entry_line(ctx.t, entry)]
    lines += ["", ctx._("Were they there?")]
    buttons = [[Button(label=ctx._("✅ Yes, confirm"), data=f"cx:ok:{code}"),
                Button(label=ctx._("❌ No"), data=f"cx:no:{code}")]]  # fmt: skip
    return [Reply(text="\n".join(lines), buttons=buttons)]


@feature.action("cx", needs_onboarding=False)
async def contact_answer(ctx: Context, args: list[str]) -> list[Reply]:
    if len(args) != 2 or args[0] not in ("ok", "no") or not _CODE.match(args[1]):
        return [Reply(text=ctx._("⌛ This link is old or was used already."))]
    link = await find_link(ctx.tx, args[1], ctx.now)
    entry = await get_entry(ctx.tx, link.entry_id) if link else None
    if link is None or entry is None or entry.person_id == ctx.person.id:
        return [Reply(text=ctx._("⌛ This link is old or was used already."), edit=True)]
    who = ctx.person.display_name or ctx.turn.name_hint or ctx._("contact person")
    done = await settle(ctx.tx, ctx.config, ctx.now, args[1], entry, ctx.person.id,
                        f"{who[:80]} (via Telegram-link)", args[0] == "ok")  # fmt: skip
    if not done:
        return [Reply(text=ctx._("⌛ This link is old or was used already."), edit=True)]
    if args[0] == "ok":
        return [Reply(text=ctx._("✅ Confirmed. Thank you!"), edit=True)]
    return [Reply(text=ctx._("❌ Marked as not right. Thank you, we pass it on."), edit=True)]


async def settle(
    tx: Tx, config: Config, now: datetime, code: str, entry: HourEntry,
    confirmer_id: int | None, shown_as: str, accept: bool,
) -> bool:  # fmt: skip
    """Spend the code, record the answer, tell the newcomer (and celebrate a milestone)."""
    if not await spend_link(tx, code, now):
        return False
    before = await counted_minutes(tx, config, entry.person_id)
    if not await confirm_by_contact(tx, entry.id, confirmer_id, shown_as, accept, now):
        return False
    updated = await get_entry(tx, entry.id)
    assert updated is not None

    def build(t: Translator) -> list[Reply]:
        head = (t._("✅ {name} confirmed:", name=shown_as) if accept
                else t._("❌ {name} says this is not right:", name=shown_as))  # fmt: skip
        return [Reply(text="\n".join([head, entry_line(t, updated)]))]

    await notify_person(tx, now, entry.person_id, build, key=f"contact-told:{entry.id}",
                        purpose="hours_confirmed")  # fmt: skip
    if accept:
        await celebrate(tx, config, now, entry.person_id, before,
                        await counted_minutes(tx, config, entry.person_id))  # fmt: skip
    return True


async def contact_mail_reply(
    tx: Tx, config: Config, mail: IncomingMail, now: datetime
) -> str | None:
    """JA/NEE to a contact mail, from the very address it was sent to; None otherwise."""
    if mail.token is None:
        return None
    link = await find_link(tx, mail.token, now)
    if link is None or link.address is None or link.address.lower() != mail.sender.lower():
        return None
    entry = await get_entry(tx, link.entry_id)
    nl = translator("nl")
    if entry is None or mail.answer is None:
        text = nl._("Was {name} there? Answer this mail with JA or NEE on the first line.",
                    name=nl._("the person"))  # fmt: skip
        await queue_answer(tx, mail, [Reply(text=text)], now, None)
        return "contact: no answer"
    who = mail.sender_name or mail.sender
    accept = mail.answer == "yes"
    if not await settle(tx, config, now, mail.token, entry, None, f"{who[:80]} (per e-mail)",
                        accept):  # fmt: skip
        return "contact: too late"
    text = nl._("✅ Confirmed. Thank you!") if accept else nl._(
        "❌ Marked as not right. Thank you, we pass it on.")  # fmt: skip
    await queue_answer(tx, mail, [Reply(text=text)], now, None)
    return "contact: " + ("confirmed" if accept else "disputed")
