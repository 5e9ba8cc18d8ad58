"""What is on screen for a step: its buttons in the person's language, Dutch and English.

The step's prompt is drawn again on a copy of the conversation (nothing is saved) once per
language; the buttons come in the same order every time, so their labels line up.
"""

from __future__ import annotations

from dataclasses import replace

from handlers.context import Context
from handlers.registry import Step
from handlers.types import Reply
from handlers.understanding.buttons import Choice, match_choice
from handlers.understanding.words import ALWAYS
from i18n import translator


async def _buttons(ctx: Context, step: Step, locale: str) -> list[tuple[str, str]]:
    person = ctx.person.model_copy(update={"locale": locale})
    copy = replace(ctx, person=person, state=ctx.state.model_copy(deep=True), extra={})
    replies = await step.prompt(copy)
    return [
        (button.data, button.label)
        for reply in replies
        for row in reply.buttons
        for button in row
        if button.data is not None
    ]


async def choices_of(ctx: Context, step: Step) -> list[Choice]:
    """The step's buttons, each with its labels in every language the person may type in."""
    labels: dict[str, list[str]] = {}
    for locale in dict.fromkeys((ctx.person.locale, *ALWAYS)):
        for data, label in await _buttons(ctx, step, locale):
            labels.setdefault(data, []).append(label)
    return [Choice(data, tuple(names)) for data, names in labels.items()]


async def typed_button(ctx: Context, step: Step, text: str) -> str | None:
    """The data of the button the person means by typing `text`, or None. Position numbers
    count only at steps that do not read numbers themselves."""
    choices = await choices_of(ctx, step)
    return match_choice(text, choices, ctx.person.locale, positions=not step.reads_text)


def with_hint(hint: str, replies: list[Reply]) -> list[Reply]:
    """One reply: the hint line on top of the question with its buttons."""
    if not replies:
        return [Reply(text=hint)]
    first = replies[0]
    return [first.model_copy(update={"text": f"{hint}\n\n{first.text}", "edit": False}),
            *replies[1:]]  # fmt: skip


def typed_menu_item(ctx: Context, text: str) -> str | None:
    """The main-menu button (`m:<key>`) the person means by typing `text`, or None."""
    items = sorted(
        (item for item in ctx.registry.menu.values() if ctx.person.role in item.roles),
        key=lambda item: item.order,
    )
    locales = list(dict.fromkeys((ctx.person.locale, *ALWAYS)))
    choices = [
        Choice(f"m:{item.key}", tuple(translator(code)._(item.label) for code in locales))
        for item in items
    ]
    return match_choice(text, choices, ctx.person.locale)
