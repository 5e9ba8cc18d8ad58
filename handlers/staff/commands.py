"""/digest for a network's staff in Telegram: the week's figures in short, with the chart.

Staff see only their own network: the network comes from their staff account, never from
what they type or press. Buttons step to the week before or after.
"""

from __future__ import annotations

from datetime import timedelta

from handlers.common import stale_button
from handlers.context import Context
from handlers.registry import N_, Feature
from handlers.staff.digest_render import short_replies
from handlers.staff.figures import network_figures
from handlers.staff.weeks import Week, last_complete_week, named_week
from handlers.staff.weeks import week_of as _week_of
from handlers.types import Button, Reply
from storage.networks import get_network
from storage.staff import StaffAccount, staff_for_person

feature = Feature("handlers.staff.commands")

MAX_WEEKS_BACK = 104


def _week_buttons(ctx: Context, week: Week) -> list[list[Button]]:
    before = _week_of(week.monday - timedelta(days=7), ctx.config)
    row = [Button(label=ctx._("◀️ Week {n}", n=before.number), data=f"dg:{before.label}")]
    latest = last_complete_week(ctx.now, ctx.config)
    if week.monday < latest.monday:
        after = _week_of(week.monday + timedelta(days=7), ctx.config)
        row.append(Button(label=ctx._("▶️ Week {n}", n=after.number), data=f"dg:{after.label}"))
    return [row]


async def _digest(ctx: Context, account: StaffAccount, week: Week) -> list[Reply]:
    network = await get_network(ctx.tx, account.network_id)
    if network is None:
        return [Reply(text=ctx._("🚫 This is not available for you."))]
    figures = await network_figures(ctx.tx, ctx.config, network, week)
    replies = short_replies(figures, ctx.t)
    replies[-1].buttons = _week_buttons(ctx, week)
    return replies


def _allowed_week(ctx: Context, text: str) -> Week | None:
    """A week from the past two years up to the current one, else None."""
    try:
        week = named_week(text, ctx.config, ctx.today)
    except ValueError:
        return None
    current = _week_of(ctx.today, ctx.config)
    if week.monday > current.monday or week.monday < current.monday - timedelta(
        weeks=MAX_WEEKS_BACK
    ):
        return None
    return week


@feature.command("digest", N_("Figures of your network"), needs_onboarding=False,
                  roles={"staff"})  # fmt: skip
async def digest_command(ctx: Context, args: str) -> list[Reply]:
    account = await staff_for_person(ctx.tx, ctx.person.id)
    if account is None:
        return [Reply(text=ctx._("🚫 This is not available for you."))]
    ctx.finish()
    if args.strip():
        week = _allowed_week(ctx, args[:20])
        if week is None:
            return [
                Reply(
                    text=ctx._(
                        "📅 Write the week like this: /digest {example}",
                        example=last_complete_week(ctx.now, ctx.config).label,
                    )
                )
            ]
    else:
        week = last_complete_week(ctx.now, ctx.config)
    return await _digest(ctx, account, week)


@feature.action("dg", needs_onboarding=False)
async def digest_week_action(ctx: Context, args: list[str]) -> list[Reply]:
    account = await staff_for_person(ctx.tx, ctx.person.id)
    week = _allowed_week(ctx, args[0]) if len(args) == 1 and len(args[0]) <= 10 else None
    if account is None or week is None:
        return await stale_button(ctx)
    return await _digest(ctx, account, week)
