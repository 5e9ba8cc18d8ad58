"""A newcomer's wish for a buddy: asked at the end of onboarding, changed in /profile.

Staff see who asked in /matches and in the digest, and propose a buddy who fits.
"""

from __future__ import annotations

from handlers.common import menu_replies, stale_button
from handlers.context import Context
from handlers.registry import Feature
from handlers.types import Button, Reply
from storage.people import update_person

feature = Feature("handlers.people.buddy_wish")


def wish_button(ctx: Context) -> Button:
    """The button that turns the wish on (or off, when it is on)."""
    if ctx.person.wants_buddy:
        return Button(label=ctx._("🤝 I do not need a buddy"), data="wb:0")
    return Button(label=ctx._("🤝 I would like a buddy"), data="wb:1")


def wish_line(ctx: Context) -> str:
    return ctx._("🤝 Buddy wanted: {answer}",
                 answer=ctx._("👍 Yes") if ctx.person.wants_buddy else ctx._("🚫 No"))  # fmt: skip


@feature.action("wb")
async def wish_action(ctx: Context, args: list[str]) -> list[Reply]:
    if ctx.person.role != "newcomer" or args not in (["0"], ["1"]):
        return await stale_button(ctx)
    wanted = args == ["1"]
    await update_person(ctx.tx, ctx.person.id, wants_buddy=wanted)
    ctx.person.wants_buddy = wanted
    if wanted:
        text = ctx._("🤝 Good. The staff of your network look for a buddy near you. You get a "
                     "message when they find one.")  # fmt: skip
    else:
        text = ctx._("👍 OK. Nobody looks for a buddy for you.")
    return await menu_replies(ctx, text)
