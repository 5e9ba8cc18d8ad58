"""/profile: see every answer and change any one of them."""

from __future__ import annotations

from handlers.common import rows
from handlers.context import Context
from handlers.people.buddy_wish import wish_button, wish_line
from handlers.people.onboarding import steps_for
from handlers.people.onboarding_draft import OnboardingDraft
from handlers.registry import N_, Feature
from handlers.types import Button, Reply
from handlers.vocab import AVAILABILITY, DUTCH_LEVELS, INTERESTS, dutch_icons
from handlers.voice.listen import auto_voice_button
from i18n import BY_CODE

feature = Feature("handlers.people.profile")

FIELD_LABELS = {
    "on": N_("👤 Name"),
    "oc": N_("📍 Place"),
    "oi": N_("❤️ Interests"),
    "od": N_("💬 Dutch"),
    "oa": N_("🗓️ Free time"),
    "ok": N_("👶 Children"),
    "ot": N_("🧭 Distance"),
    "og": N_("🗣️ Languages"),
}


def profile_lines(ctx: Context) -> list[str]:
    p = ctx.person
    dash = "—"
    values = {
        "on": p.display_name or dash,
        "oc": f"{p.postcode} {p.place}" if p.postcode else dash,
        "oi": ctx.t.list(
            f"{INTERESTS[k][0]} {ctx._(INTERESTS[k][1])}" for k in p.interests if k in INTERESTS
        )
        or dash,
        "od": f"{dutch_icons(p.dutch_level)} {ctx._(DUTCH_LEVELS[p.dutch_level])}"
        if p.dutch_level
        else dash,
        "oa": ctx.t.list(
            f"{AVAILABILITY[k][0]} {ctx._(AVAILABILITY[k][1])}"
            for k in p.availability
            if k in AVAILABILITY
        )
        or dash,
        "ok": dash
        if p.with_children is None
        else (ctx._("👶 Yes") if p.with_children else ctx._("🚫 No")),
        "ot": ctx._("{km} km", km=p.travel_km) if p.travel_km else dash,
        "og": ctx.t.list(BY_CODE[c].native_name for c in p.languages if c in BY_CODE) or dash,
    }
    lines = [f"🌐 {BY_CODE[p.locale].native_name}"]
    for code in steps_for(p.role):
        lines.append(f"{ctx._(FIELD_LABELS[code])}: {ctx.t.value(values[code])}")
    if p.role == "newcomer":
        lines.append(wish_line(ctx))
    return lines


async def profile_replies(ctx: Context) -> list[Reply]:
    buttons = [
        Button(label=ctx._(FIELD_LABELS[c]), data=f"pf:{c}") for c in steps_for(ctx.person.role)
    ]
    buttons.append(Button(label=ctx._("🌐 Language"), data="pf:ol"))
    if ctx.person.role == "newcomer":
        buttons.append(wish_button(ctx))
    buttons.append(auto_voice_button(ctx))
    text = "\n".join(
        [ctx._("🪪 <b>Your profile</b>. Tap what you want to change."), *profile_lines(ctx)]
    )
    return [
        Reply(text=text, buttons=[*rows(buttons), [Button(label=ctx._("🏠 Menu"), data="m:home")]])
    ]


@feature.command("profile", N_("See or change your profile"))
async def profile_command(ctx: Context, _args: str) -> list[Reply]:
    ctx.finish()
    return await profile_replies(ctx)


@feature.menu_item("profile", N_("🪪 Profile"), order=80)
async def profile_menu(ctx: Context) -> list[Reply]:
    return await profile_replies(ctx)


@feature.action("pf")
async def profile_field(ctx: Context, args: list[str]) -> list[Reply]:
    allowed = {*steps_for(ctx.person.role), "ol"}
    if len(args) != 1 or args[0] not in allowed:
        from handlers.common import stale_button

        return await stale_button(ctx)
    ctx.finish()
    ctx.state.flow = "profile"
    return await ctx.goto(args[0], OnboardingDraft(back="profile"))
