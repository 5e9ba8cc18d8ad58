"""/progress as a picture, and the celebrations when hours cross ¼, ½, ¾ and the target.

Celebrations are queued with `handlers.context.notify_person`, which needs no `Context`, so
the e-mail channel and the scheduler can confirm hours too.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from handlers.context import Config, Context, notify_person
from handlers.hours.progress_bar import emoji_bar
from handlers.hours.progress_picture import KIND_COLOURS, HoursSlice
from handlers.registry import N_, Feature
from handlers.types import Attachment, Button, PictureRecipe, Reply
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


def _celebration(
    quarter: int,
    counted: int,
    target: int,
    result: Totals | None = None,
    config: Config | None = None,
) -> Callable[[Translator], list[Reply]]:
    def build(t: Translator) -> list[Reply]:
        hours = round(counted / 60, 2)
        bar = emoji_bar(counted / 60, target, rtl=t.rtl)
        if quarter == 4:
            text = "\n".join(
                [
                    t._("🏆🎉 You did it! You have {hours} of {target} hours.", hours=hours,
                        target=target),
                    bar,
                    t._("👏 Well done. Get your proof for your counsellor with /proof."),
                ]
            )  # fmt: skip
            image = progress_picture(t, result, config) if result and config else None
            # Translators: a button: make the paper (PDF) that shows the hours, for the counsellor.
            buttons = [[Button(label=t._("📄 Proof"), data="m:proof")]]
            return [Reply(text=text, buttons=buttons, image=image)]
        message = {
            1: N_("🌱 A quarter done: {hours} of {target} hours. Keep going!"),
            2: N_("⭐ Half way: {hours} of {target} hours!"),
            3: N_("🚀 Three quarters: {hours} of {target} hours. Almost there!"),
        }[quarter]
        text = t._(message, hours=hours, target=target) + "\n" + bar
        return [
            Reply(text=text, buttons=[[Button(label=t._("📊 My progress"), data="m:progress")]])
        ]

    return build


async def celebrate(
    tx: Tx, config: Config, now: datetime, person_id: int, before: int, after: int
) -> int | None:
    """Queue a celebration for the highest milestone crossed; each milestone once per person."""
    crossed = milestones_crossed(before, after, config.target_hours)
    if not crossed:
        return None
    quarter = crossed[-1]
    result = await totals(tx, person_id) if quarter == 4 else None  # the celebration picture
    await notify_person(
        tx,
        now,
        person_id,
        _celebration(quarter, after, config.target_hours, result, config),
        key=f"milestone:{person_id}:{quarter}",
        purpose="milestone",
    )
    return quarter


async def counted_minutes(tx: Tx, config: Config, person_id: int) -> int:
    return (await totals(tx, person_id)).counted_minutes(config.self_declared_counts)


# --- the picture ---------------------------------------------------------------------------
def slices_of(result: Totals, self_declared_counts: bool) -> list[HoursSlice]:
    """Confirmed hours, then hours the person noted themselves (counted or not, drawn apart),
    then pending hours, per kind."""
    slices = []
    for bucket, confirmed, noted in (
        (result.confirmed, True, False),
        (result.self_declared, self_declared_counts, True),
        (result.pending, False, False),
    ):
        for kind, minutes in bucket.items():
            if minutes > 0:
                known = kind if kind in KIND_COLOURS else "other"
                slices.append(HoursSlice(known, minutes / 60, confirmed, noted))
    return slices


def hours_amount(t: Translator, hours: float) -> str:
    """ "3 hours", "1 hour", "1,5 hours": whole numbers through ngettext, fractions apart."""
    if float(hours).is_integer():
        return t.ngettext("{n} hour", "{n} hours", int(hours))
    # Translators: a number of hours with a fraction, for example "1,5 hours".
    return t._("{hours} hours", hours=round(hours, 2))


def text_bar(t: Translator, result: Totals, config: Config) -> str:
    """The picture's squares in text, row for row, right to left where the language is."""
    counted = result.counted_minutes(config.self_declared_counts)
    return emoji_bar(
        counted / 60,
        config.target_hours,
        self_noted=result.self_declared_minutes / 60,
        pending=result.pending_minutes / 60,
        self_counted=config.self_declared_counts,
        rtl=t.rtl,
    )


def progress_caption(t: Translator, result: Totals, config: Config) -> str:
    counted = result.counted_minutes(config.self_declared_counts)
    # Translators: {hours} is a number, {target} the number of hours to reach (usually 40).
    lines = [t._("📊 {hours} of {target} hours", hours=round(counted / 60, 2),
                 target=config.target_hours)]  # fmt: skip
    lines.append(text_bar(t, result, config))
    if result.pending_minutes:
        lines.append("🔲 " + t._("⏳ Waiting for a confirmation: {amount}",
                                 amount=hours_amount(t, result.pending_minutes / 60)))  # fmt: skip
    if result.self_declared_minutes:
        amount = hours_amount(t, result.self_declared_minutes / 60)
        if config.self_declared_counts:
            lines.append("🟨 " + t._("✍️ You noted these yourself: {amount}", amount=amount))
        else:
            lines.append("🟨 " + t._("✍️ You noted these yourself: {amount}. They do not count "
                                     "yet.", amount=amount))  # fmt: skip
    return "\n".join(lines)


def progress_picture(t: Translator, result: Totals, config: Config) -> Attachment:
    """The picture as a recipe: drawn when it is sent (`handlers.pictures`), not here, so no
    transaction waits for the drawing and a picture Telegram has is not drawn again."""
    slices = slices_of(result, config.self_declared_counts)
    recipe = PictureRecipe(
        slices=tuple((x.kind, x.hours, x.confirmed, x.self_declared) for x in slices),
        target_hours=config.target_hours,
        rtl=t.rtl,
    )
    return Attachment(filename="progress.png", content=b"", mime="image/png", recipe=recipe)


async def progress_replies(ctx: Context) -> list[Reply]:
    result = await totals(ctx.tx, ctx.person.id)
    buttons = [
        [
            Button(label=ctx._("⏱️ Log hours"), data="m:log"),
            Button(label=ctx._("🗂️ My hours"), data="hm"),
        ]
    ]
    if result.confirmed_minutes or result.self_declared_minutes:
        # Translators: a button: make the paper (PDF) that shows the hours, for the counsellor.
        buttons.append([Button(label=ctx._("📄 Proof"), data="m:proof")])
    return [
        Reply(
            text=progress_caption(ctx.t, result, ctx.config),
            image=progress_picture(ctx.t, result, ctx.config),
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
