"""The main menu, help, and the replies every flow shares (stale buttons, not understood)."""

from __future__ import annotations

from handlers.context import Context
from handlers.registry import N_, Feature
from handlers.types import Button, Reply

feature = Feature("handlers.common")

MENU_COLUMNS = 2
MAX_ID_DIGITS = 12  # ids in button data; longer numbers do not fit an SQLite integer anyway


def int_arg(text: str, max_digits: int = MAX_ID_DIGITS, *, signed: bool = False) -> int | None:
    """A whole number from button data, or None: ASCII digits only, at most `max_digits`.

    `str.isdigit()` alone is not enough: it accepts "²", which `int()` refuses, and numbers
    past SQLite's integer range make a query fail.
    """
    digits = text[1:] if signed and text[:1] == "-" else text
    if not 0 < len(digits) <= max_digits or not (digits.isascii() and digits.isdigit()):
        return None
    return int(text)


def rows(buttons: list[Button], columns: int = MENU_COLUMNS) -> list[list[Button]]:
    """Lay buttons out in rows of `columns`."""
    return [buttons[i : i + columns] for i in range(0, len(buttons), columns)]


def menu_buttons(ctx: Context) -> list[list[Button]]:
    items = sorted(
        (item for item in ctx.registry.menu.values() if ctx.person.role in item.roles),
        key=lambda item: item.order,
    )
    return rows([Button(label=ctx._(item.label), data=f"m:{item.key}") for item in items])


async def menu_replies(ctx: Context, text: str | None = None) -> list[Reply]:
    # Translators: above the main menu buttons.
    return [Reply(text=text or ctx._("🏠 What do you want to do?"), buttons=menu_buttons(ctx))]


def way_on(ctx: Context, replies: list[Reply]) -> list[Reply]:
    """Every answer ends with a next step: when the last reply has no buttons and no
    question waits for a typed answer, the menu goes under it."""
    waiting = ctx.state.step in ctx.registry.steps
    if ctx.forgotten or waiting or not ctx.person.onboarded or not replies:
        return replies
    if replies[-1].buttons:
        return replies
    last = replies[-1].model_copy(update={"buttons": menu_buttons(ctx)})
    return [*replies[:-1], last]


async def not_for_role(ctx: Context) -> list[Reply]:
    """A command or button this person's role cannot use: say so, and show what they can."""
    if ctx.person.role == "buddy":
        text = ctx._("🚫 This is for newcomers. As a buddy, you can do this:")
    else:
        text = ctx._("🚫 This is not available for you. Here is what you can do:")
    return await menu_replies(ctx, text)


async def not_understood(ctx: Context) -> list[Reply]:
    if not ctx.person.onboarded:
        return await ctx.goto("ol")
    return await menu_replies(ctx, ctx._("🤔 I did not understand. Choose a button:"))


async def stale_button(ctx: Context) -> list[Reply]:
    """An old, foreign or forged button: say so kindly, change nothing, show where we are."""
    notice = Reply(text=ctx._("⌛ This button is old. Here is where we are now:"))
    if ctx.state.step in ctx.registry.steps:
        return [notice, *await ctx.reprompt()]
    if not ctx.person.onboarded:
        return [notice, *await ctx.goto("ol")]
    return [notice, *await menu_replies(ctx)]


@feature.action("m")
async def menu_action(ctx: Context, args: list[str]) -> list[Reply]:
    if args == ["home"]:
        ctx.finish()
        return await menu_replies(ctx)
    item = ctx.registry.menu.get(args[0]) if len(args) == 1 else None
    if item is None or ctx.person.role not in item.roles:
        return await stale_button(ctx)
    ctx.finish()
    return await item.run(ctx)


@feature.command("menu", N_("Main menu"))
async def menu_command(ctx: Context, _args: str) -> list[Reply]:
    ctx.finish()
    return await menu_replies(ctx)


@feature.command("help", N_("Help"), needs_onboarding=False)
async def help_command(ctx: Context, _args: str) -> list[Reply]:
    lines = [ctx._("❓ I help you take part in Flanders and count your hours.")]
    for command in ctx.registry.commands.values():
        if command.description and (command.roles is None or ctx.person.role in command.roles):
            lines.append(f"/{command.name} — {ctx._(command.description)}")
    lines.append(ctx._("You can always type /menu."))
    replies = [Reply(text="\n".join(lines))]
    if ctx.person.onboarded:
        replies += await menu_replies(ctx)
    return replies
