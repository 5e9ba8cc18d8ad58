"""/disputes for staff in Telegram: each open dispute of their network, settled in one tap.

✅ the hours count, ❌ they do not, ✏️ staff type the hours that count. The buttons carry only
the entry id; the network is checked again on every press (a forged id of another network is
an old button).
"""

from __future__ import annotations

from handlers.common import int_arg, stale_button
from handlers.context import Context, Draft
from handlers.hours.rules import check_minutes, entry_line, parse_duration
from handlers.registry import N_, Feature, Input
from handlers.staff.settle import outcome_line, settle
from handlers.types import Button, Reply
from storage.hours import HourEntry, open_disputes
from storage.people import get_person
from storage.staff import StaffAccount, staff_for_person
from storage.staff_actions import Outcome, disputed_entry

feature = Feature("handlers.staff.disputes")

SHOWN = 10


def _not_for_you(ctx: Context) -> list[Reply]:
    return [Reply(text=ctx._("🚫 This is not available for you."))]


async def dispute_text(ctx: Context, entry: HourEntry) -> str:
    """Who, what, both sides' words and how long it has waited."""
    newcomer = await get_person(ctx.tx, entry.person_id)
    confirmer = await get_person(ctx.tx, entry.confirmer_person_id or 0)
    none = ctx._("(no words)")
    waited = (ctx.now - entry.confirmed_at).days if entry.confirmed_at else 0
    lines = [
        ctx._("⚠️ Hours not confirmed for {name}:",
              name=(newcomer.display_name if newcomer else None) or "?"),
        entry_line(ctx.t, entry),
        ctx._("❌ {name}: “{words}”",
              name=(confirmer.display_name if confirmer else None) or entry.confirmed_by_name
              or "?", words=entry.confirmer_note or none),
        ctx._("✍️ {name}: “{words}”",
              name=(newcomer.display_name if newcomer else None) or "?",
              words=entry.logger_note or none),
        ctx.ngettext("⏳ {n} day waiting", "⏳ {n} days waiting", max(0, waited)),
    ]  # fmt: skip
    return "\n".join(lines)


def dispute_buttons(ctx: Context, entry: HourEntry) -> list[list[Button]]:
    return [[
        Button(label=ctx._("✅ Count them"), data=f"sd:a:{entry.id}"),
        Button(label=ctx._("❌ Do not count"), data=f"sd:r:{entry.id}"),
        Button(label=ctx._("✏️ Other hours"), data=f"sd:c:{entry.id}"),
    ]]  # fmt: skip


@feature.command("disputes", N_("⚖️ Settle disputed hours"), needs_onboarding=False,
                 roles={"staff"})  # fmt: skip
async def disputes_command(ctx: Context, _args: str) -> list[Reply]:
    account = await staff_for_person(ctx.tx, ctx.person.id)
    if account is None:
        return _not_for_you(ctx)
    ctx.finish()
    entries = await open_disputes(ctx.tx, account.network_id)
    if not entries:
        return [Reply(text=ctx._("👌 No disputed hours in {network}.",
                                 network=account.network_name))]  # fmt: skip
    replies = [Reply(text=ctx.ngettext("⚖️ {n} disputed entry:", "⚖️ {n} disputed entries:",
                                       len(entries)))]  # fmt: skip
    for entry in entries[:SHOWN]:
        replies.append(Reply(text=await dispute_text(ctx, entry),
                             buttons=dispute_buttons(ctx, entry)))  # fmt: skip
    if len(entries) > SHOWN:
        replies.append(Reply(text=ctx._("➕ Settle these first; then /disputes shows the rest.")))
    return replies


async def _done(ctx: Context, account: StaffAccount, entry_id: int, outcome: Outcome,
                minutes: int | None = None) -> list[Reply]:  # fmt: skip
    settled = await settle(ctx.tx, ctx.now, account, entry_id, outcome, minutes)
    if settled is None:
        return [Reply(text=ctx._("👌 This was answered already."))]
    return [Reply(text="\n".join([
        entry_line(ctx.t, settled), outcome_line(ctx.t, outcome, settled.minutes),
        ctx._("📨 Both sides are told."),
    ]), edit=True)]  # fmt: skip


class SettleDraft(Draft):
    """The disputed entry whose hours staff are typing."""

    entry: int | None = None


@feature.action("sd", needs_onboarding=False)
async def dispute_action(ctx: Context, args: list[str]) -> list[Reply]:
    account = await staff_for_person(ctx.tx, ctx.person.id)
    entry_id = int_arg(args[1]) if len(args) == 2 and args[0] in ("a", "r", "c") else None
    if account is None or entry_id is None:
        return await stale_button(ctx)
    entry = await disputed_entry(ctx.tx, entry_id, account.network_id)
    if entry is None:
        return await stale_button(ctx)
    if args[0] == "c":
        return await ctx.goto("sdc", SettleDraft(entry=entry.id))
    return await _done(ctx, account, entry.id, "accepted" if args[0] == "a" else "rejected")


async def _hours_prompt(ctx: Context) -> list[Reply]:
    return [Reply(text=ctx._("✏️ How many hours count? For example: 1,5"),
                  buttons=[[Button(label=ctx._("↩️ Cancel"), data="sdc:x")]])]  # fmt: skip


@feature.step("sdc", _hours_prompt, reads_text=True)
async def hours_answer(ctx: Context, given: Input) -> list[Reply]:
    account = await staff_for_person(ctx.tx, ctx.person.id)
    entry_id = ctx.draft(SettleDraft).entry or 0
    if account is None or (given.pressed and given.args == ("x",)):
        ctx.finish()
        return [Reply(text=ctx._("↩️ Nothing changed."))]
    if given.pressed:
        return await ctx.reprompt()
    minutes = parse_duration(given.text or "")
    if minutes is None or check_minutes(minutes) is not None:
        return [Reply(text=ctx._("🔢 Write the hours as a number from 0,25 to 12, like 1,5.")),
                *await ctx.reprompt()]  # fmt: skip
    ctx.finish()
    return await _done(ctx, account, entry_id, "corrected", minutes)
