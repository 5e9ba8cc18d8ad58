"""/atrisk for staff: quiet newcomers of their network, and a friendly nudge in one tap.

The nudge goes to the newcomer in their own language with two offers that fit them (the
same ranking as their own suggestions). At most one nudge a week per person, whoever of the
staff sends it; the digest lists who was nudged.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from handlers.common import int_arg, stale_button
from handlers.context import Context, notify_person
from handlers.offers.search import find_suggestions, seeker_for
from handlers.registry import N_, Feature
from handlers.staff.figures import AT_RISK_DAYS
from handlers.types import Button, Reply
from i18n import Translator, translator
from storage.db import Tx
from storage.offers import get_offers
from storage.people import Person, get_person
from storage.staff import StaffAccount, staff_for_person
from storage.staff_actions import NUDGE_EVERY, last_nudge, quiet_newcomers, record_nudge

feature = Feature("handlers.staff.nudges")

SHOWN = 15
SUGGESTIONS = 2


@feature.command("atrisk", N_("⚠️ Quiet newcomers: send a nudge"), needs_onboarding=False,
                 roles={"staff"})  # fmt: skip
async def at_risk_command(ctx: Context, _args: str) -> list[Reply]:
    account = await staff_for_person(ctx.tx, ctx.person.id)
    if account is None:
        return [Reply(text=ctx._("🚫 This is not available for you."))]
    ctx.finish()
    quiet = await quiet_newcomers(ctx.tx, account.network_id,
                                  ctx.now - timedelta(days=AT_RISK_DAYS),
                                  ctx.config.target_hours * 60)  # fmt: skip
    if not quiet:
        return [
            Reply(
                text=ctx.ngettext(
                    "👌 Nobody has been quiet for {days} day.",
                    "👌 Nobody has been quiet for {days} days.",
                    AT_RISK_DAYS,
                    days=AT_RISK_DAYS,
                )
            )
        ]
    replies = [
        Reply(
            text=ctx.ngettext(
                "⚠️ No activity for {days} day:",
                "⚠️ No activity for {days} days:",
                AT_RISK_DAYS,
                days=AT_RISK_DAYS,
            )
        )
    ]
    for person in quiet[:SHOWN]:
        line = ctx._(
            "👤 {name} — 🕒 last activity {day}",
            name=person.name,
            day=ctx.t.short_date(person.last_activity.astimezone(ctx.config.tz).date()),
        )
        if person.last_nudge is not None and ctx.now - person.last_nudge < NUDGE_EVERY:
            nudged = ctx._(
                "👋 Nudged on {day}",
                day=ctx.t.short_date(person.last_nudge.astimezone(ctx.config.tz).date()),
            )
            replies.append(Reply(text=f"{line}\n{nudged}"))
        else:
            replies.append(
                Reply(
                    text=line,
                    buttons=[[Button(label=ctx._("👋 Send a nudge"), data=f"nu:{person.id}")]],
                )
            )
    return replies  # fmt: skip


async def nudge_replies(tx: Tx, person: Person, t: Translator, today: date) -> list[Reply]:
    """The nudge in the person's language: a friendly word and two offers that fit them."""
    lines = [t._("👋 Hello {name}! We have not heard from you for a while. How are you?",
                 name=person.display_name or "")]  # fmt: skip
    seeker = seeker_for(person)
    if seeker is not None:
        found = await find_suggestions(tx, seeker, today, limit=SUGGESTIONS)
        offers = await get_offers(tx, [s.offer_id for s in found])
        titles = [offers[s.offer_id].title_nl for s in found if s.offer_id in offers]
        if titles:
            lines.append(t._("💡 Maybe this is something for you:"))
            lines += [f"• {t.value(title)}" for title in titles]
    lines.append(t._("🔎 Send /offers to see more, or /hours to log your hours."))
    return [Reply(text="\n".join(lines))]


async def send_nudge(
    tx: Tx, account: StaffAccount, person_id: int, now: datetime, today: date
) -> tuple[Person | None, datetime | None]:
    """Nudge a newcomer of the account's network: (person, None) when sent, (person, last)
    when they had one this week, (None, None) when there is no such newcomer."""
    person = await get_person(tx, person_id)
    if person is None or person.role != "newcomer" or person.network_id != account.network_id:
        return None, None
    if not await record_nudge(tx, person.id, account.network_id, account.email, now):
        return person, await last_nudge(tx, person.id)
    # The offers are looked up now, so the message is made here in the person's language.
    replies = await nudge_replies(tx, person, translator(person.locale), today)
    await notify_person(tx, now, person.id, lambda _t: replies,
                        key=f"nudge:{person.id}:{now:%Y%m%d%H%M}", purpose="nudge")  # fmt: skip
    return person, None


@feature.action("nu", needs_onboarding=False)
async def nudge_action(ctx: Context, args: list[str]) -> list[Reply]:
    account = await staff_for_person(ctx.tx, ctx.person.id)
    person_id = int_arg(args[0]) if len(args) == 1 else None
    if account is None or person_id is None:
        return await stale_button(ctx)
    person, last = await send_nudge(ctx.tx, account, person_id, ctx.now, ctx.today)
    if person is None:
        return await stale_button(ctx)
    name = person.display_name or "?"
    if last is not None:
        return [
            Reply(
                text=ctx._(
                    "⏳ {name} had a nudge on {day}. One a week is enough.",
                    name=name,
                    day=ctx.t.short_date(last.astimezone(ctx.config.tz).date()),
                )
            )
        ]
    return [Reply(text=ctx._("📨 Nudge sent to {name}.", name=name), edit=True)]  # fmt: skip
