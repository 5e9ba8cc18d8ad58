"""`/reminders`: pause reminders, turn them off, or choose which kinds a person gets."""

from __future__ import annotations

from handlers.common import stale_button
from handlers.context import Context
from handlers.registry import N_, Feature
from handlers.reminders.rules import KIND_LABELS, PAUSE, ROLE_KINDS
from handlers.types import Button, Reply
from storage import reminders as store
from storage.people import Person

feature = Feature("handlers.reminders.settings")


# --- /reminders --------------------------------------------------------------------------------
def kinds_for(person: Person) -> tuple[str, ...]:
    return ROLE_KINDS.get(person.role or "", ())


async def reminders_screen(ctx: Context, edit: bool = False) -> list[Reply]:
    settings = await store.get_settings(ctx.tx, ctx.person.id)
    kinds = kinds_for(ctx.person)
    if not kinds:
        return [Reply(text=ctx._("🔔 You get no reminders from me."), edit=edit)]
    if settings.stopped_at is not None:
        status = ctx._("🔕 All reminders are off.")
    elif settings.paused_until is not None and settings.paused_until > ctx.now:
        until = settings.paused_until.astimezone(ctx.config.tz).date()
        status = ctx._("⏸️ Reminders are paused until {day}.", day=until)
    else:
        status = ctx._("🔔 Reminders are on. Tap one to turn it on or off:")
    rows = []
    for kind in kinds:
        mark = "⬜" if kind in settings.kinds_off else "✅"
        rows.append([Button(label=f"{mark} {ctx._(KIND_LABELS[kind])}", data=f"rm:k:{kind}")])
    if settings.stopped_at is not None or (
        settings.paused_until is not None and settings.paused_until > ctx.now
    ):
        rows.append([Button(label=ctx._("🔔 Turn on again"), data="rm:on")])
    else:
        rows.append(
            [
                Button(label=ctx._("⏸️ Pause 1 week"), data="rm:pause"),
                Button(label=ctx._("🔕 Stop all"), data="rm:stop"),
            ]
        )
    quiet = ctx._("🌙 I never send reminders between 21:00 and 08:00.")
    return [Reply(text=f"{status}\n{quiet}", buttons=rows, edit=edit)]


@feature.command("reminders", N_("Turn reminders on or off"))
async def reminders_command(ctx: Context, _args: str) -> list[Reply]:
    return await reminders_screen(ctx)


@feature.action("rm")
async def reminders_action(ctx: Context, args: list[str]) -> list[Reply]:
    settings = await store.get_settings(ctx.tx, ctx.person.id)
    kinds = kinds_for(ctx.person)
    if args == ["pause"]:
        settings.paused_until = ctx.now + PAUSE
        await store.drop_queued(ctx.tx, ctx.person.id)
    elif args == ["stop"]:
        settings.stopped_at = ctx.now
        await store.drop_queued(ctx.tx, ctx.person.id)
    elif args == ["on"]:
        settings.stopped_at = None
        settings.paused_until = None
    elif len(args) == 2 and args[0] == "k" and args[1] in kinds:
        kind = args[1]
        if kind in settings.kinds_off:
            settings.kinds_off.remove(kind)
        else:
            settings.kinds_off.append(kind)
            await store.drop_queued(ctx.tx, ctx.person.id, [kind])
    else:
        return await stale_button(ctx)
    await store.save_settings(ctx.tx, settings, ctx.now)
    return await reminders_screen(ctx, edit=True)
