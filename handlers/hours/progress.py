"""/progress as a picture, and the celebrations when hours cross ¼, ½, ¾ and the target.

Celebrations are queued with `handlers.context.notify_person`, which needs no `Context`, so
the e-mail channel and the scheduler can confirm hours too.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime

from handlers.context import Config, Context, notify_person
from handlers.hours.progress_picture import KIND_COLOURS, HoursSlice, emoji_bar, render_progress
from handlers.registry import N_, Feature
from handlers.types import Attachment, Button, Reply
from i18n import Translator
from storage.db import Tx
from storage.hours import Totals, totals

feature = Feature("handlers.hours.progress")

QUARTERS = (1, 2, 3, 4)


# --- milestones ----------------------------------------------------------------------------
def milestones_crossed(before: int, after: int, target_hours: int) -> list[int]:
    """Quarters (1 = ¼ … 4 = the target) whose threshold lies in (before, after], in minutes."""
    target = target_hours * 60
    return [q for q in QUARTERS if before < target * q / 4 <= after]


def _celebration(quarter: int, counted: int, target: int) -> Callable[[Translator], list[Reply]]:
    def build(t: Translator) -> list[Reply]:
        hours = round(counted / 60, 2)
        bar = emoji_bar(counted / 60, target)
        if quarter == 4:
            text = "\n".join(
                [
                    t._("🏆🎉 You did it! You have {hours} of {target} hours.", hours=hours,
                        target=target),
                    bar,
                    t._("👏 Well done. Get your proof for your counsellor with /proof."),
                ]
            )  # fmt: skip
            return [Reply(text=text, buttons=[[Button(label=t._("📄 Proof"), data="m:proof")]])]
        message = {
            1: N_("🌱 A quarter done: {hours} of {target} hours. Keep going!"),
            2: N_("⭐ Half way: {hours} of {target} hours!"),
            3: N_("🚀 Three quarters: {hours} of {target} hours. Almost there!"),
        }[quarter]
        return [Reply(text=t._(message, hours=hours, target=target) + "\n" + bar)]

    return build


async def celebrate(
    tx: Tx, config: Config, now: datetime, person_id: int, before: int, after: int
) -> int | None:
    """Queue a celebration for the highest milestone crossed; each milestone once per person."""
    crossed = milestones_crossed(before, after, config.target_hours)
    if not crossed:
        return None
    quarter = crossed[-1]
    await notify_person(
        tx,
        now,
        person_id,
        _celebration(quarter, after, config.target_hours),
        key=f"milestone:{person_id}:{quarter}",
        purpose="milestone",
    )
    return quarter


async def counted_minutes(tx: Tx, config: Config, person_id: int) -> int:
    return (await totals(tx, person_id)).counted_minutes(config.self_declared_counts)


# --- the picture ---------------------------------------------------------------------------
def slices_of(result: Totals, self_declared_counts: bool) -> list[HoursSlice]:
    """Confirmed (and counted self-declared) hours first, then pending hours, per kind."""
    counted = dict(result.confirmed)
    if self_declared_counts:
        for kind, minutes in result.self_declared.items():
            counted[kind] = counted.get(kind, 0) + minutes
    slices = []
    for bucket, confirmed in ((counted, True), (result.pending, False)):
        for kind, minutes in bucket.items():
            if minutes > 0:
                known = kind if kind in KIND_COLOURS else "other"
                slices.append(HoursSlice(known, minutes / 60, confirmed))
    return slices


def progress_caption(t: Translator, result: Totals, config: Config) -> str:
    counted = result.counted_minutes(config.self_declared_counts)
    hours = round(counted / 60, 2)
    line = t._("📊 {hours} of {target} hours", hours=hours, target=config.target_hours)
    if result.pending_minutes:
        line += " · " + t._("⏳ {hours} waiting", hours=round(result.pending_minutes / 60, 2))
    lines = [line, emoji_bar(counted / 60, config.target_hours)]
    if result.self_declared_minutes and not config.self_declared_counts:
        lines.append(
            t._("✍️ {hours} h you noted yourself (shown apart, not counted)",
                hours=round(result.self_declared_minutes / 60, 2))
        )  # fmt: skip
    return "\n".join(lines)


async def progress_replies(ctx: Context) -> list[Reply]:
    result = await totals(ctx.tx, ctx.person.id)
    slices = slices_of(result, ctx.config.self_declared_counts)
    picture = Attachment(filename="progress.png", content=b"", mime="image/png")

    async def render() -> None:
        # ~30 ms of CPU: after the commit and in a thread, so no other turn waits for it.
        target = ctx.config.target_hours
        picture.content = await asyncio.to_thread(render_progress, slices, target)

    ctx.after_commit.append(render)
    buttons = [
        [
            Button(label=ctx._("⏱️ Log hours"), data="m:log"),
            Button(label=ctx._("🗂️ My hours"), data="hm"),
        ]
    ]
    if result.confirmed_minutes or result.self_declared_minutes:
        buttons.append([Button(label=ctx._("📄 Proof"), data="m:proof")])
    return [
        Reply(
            text=progress_caption(ctx.t, result, ctx.config),
            image=picture,
            buttons=buttons,
        )
    ]


@feature.command("progress", N_("See your hours"), roles={"newcomer"})
async def progress_command(ctx: Context, _args: str) -> list[Reply]:
    ctx.finish()
    return await progress_replies(ctx)


@feature.menu_item("progress", N_("📊 My progress"), order=30, roles={"newcomer"})
async def progress_menu(ctx: Context) -> list[Reply]:
    return await progress_replies(ctx)
