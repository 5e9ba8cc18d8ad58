"""/start: language → role → privacy → profile, one step at a time, resumable after a restart.

The same steps serve `/profile` (change one answer: `data["return"] == "profile"`) and
`/language` (`data["return"] == "menu"`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from handlers.common import menu_replies, rows
from handlers.context import Context
from handlers.registry import N_, Feature, Input
from handlers.types import Button, Reply
from handlers.vocab import AVAILABILITY, DUTCH_LEVELS, INTERESTS, TRAVEL_KM, dutch_icons
from i18n import BY_CODE, LANGUAGES, locale_from_telegram, ordered_for
from storage.networks import municipality_for_postcode, network_for_postcode
from storage.people import update_person
from storage.postcodes import postcodes

feature = Feature("handlers.people.onboarding")

NEWCOMER_STEPS = ("on", "oc", "oi", "od", "oa", "ok", "ot")
BUDDY_STEPS = ("on", "oc", "oa", "og")
MAX_NAME = 60


def steps_for(role: str | None) -> tuple[str, ...]:
    return NEWCOMER_STEPS if role == "newcomer" else BUDDY_STEPS


async def advance(ctx: Context) -> list[Reply]:
    """After an answer: back to where the person came from, or on to the next question."""
    back = ctx.state.data.get("return")
    if back == "profile":  # /profile lives above onboarding: reach it through the registry
        shown = await ctx.registry.commands["profile"].run(ctx, "")
        return [Reply(text=ctx._("✅ Saved.")), *shown]
    if back == "menu":
        ctx.finish()
        return await menu_replies(ctx, ctx._("✅ Saved."))
    order = steps_for(ctx.person.role)
    position = order.index(ctx.state.step) if ctx.state.step in order else -1
    if position + 1 < len(order):
        return await ctx.goto(order[position + 1])
    return await complete(ctx)


async def complete(ctx: Context) -> list[Reply]:
    await update_person(ctx.tx, ctx.person.id, onboarded_at=ctx.now)
    ctx.person.onboarded_at = ctx.now
    pending = ctx.state.data.get("pending_start")
    ctx.finish()
    done = Reply(text=ctx._("🎉 All set! Welcome to Meedoen."))
    if ctx.person.role == "newcomer" and "wb" in ctx.registry.actions:  # handlers.people.buddy_wish
        done.buttons = [[Button(label=ctx._("🤝 I would like a buddy"), data="wb:1")]]
    if pending:
        for prefix, handler in ctx.registry.start_params.items():
            if pending.startswith(prefix):
                return [done, *await handler(ctx, pending.removeprefix(prefix))]
    return [done, *await menu_replies(ctx)]


# --- /start and /language ------------------------------------------------------------------
@feature.command("start", needs_onboarding=False)
async def start(ctx: Context, args: str) -> list[Reply]:
    if args:
        for prefix, handler in ctx.registry.start_params.items():
            if args.startswith(prefix):
                if ctx.person.onboarded or prefix in ctx.registry.early_start_params:
                    ctx.finish()
                    return await handler(ctx, args.removeprefix(prefix))
                ctx.state.data["pending_start"] = args[:64]
                break
    if ctx.person.onboarded:
        ctx.finish()
        return await menu_replies(ctx, ctx._("👋 Welcome back!"))
    if ctx.state.step in ctx.registry.steps and ctx.state.flow == "onboarding":
        return await ctx.reprompt()
    ctx.state.flow = "onboarding"
    return await ctx.goto("ol")


@feature.command("language", N_("Change language"), needs_onboarding=False)
async def language_command(ctx: Context, _args: str) -> list[Reply]:
    if not ctx.person.onboarded:
        ctx.state.flow = "onboarding"
        return await ctx.goto("ol")
    ctx.finish()
    ctx.state.flow = "profile"
    return await ctx.goto("ol", **{"return": "menu"})


async def _language_prompt(ctx: Context) -> list[Reply]:
    likely = locale_from_telegram(ctx.turn.language_hint) or ctx.person.locale
    buttons = [
        Button(label=lang.native_name, data=f"ol:{lang.code}")
        for lang in ordered_for(likely)
    ]
    return [Reply(text="🌐 " + ctx._("Choose your language:"), buttons=rows(buttons))]


@feature.step("ol", _language_prompt, needs_consent=False)
async def language_answer(ctx: Context, given: Input) -> list[Reply]:
    code = given.args[0] if given.pressed and given.args else _match_language(given.text or "")
    if code not in BY_CODE:
        return await ctx.reprompt()
    await update_person(ctx.tx, ctx.person.id, locale=code)
    ctx.person.locale = code
    if ctx.state.data.get("return"):
        return await advance(ctx)
    return await ctx.goto("or")


def _match_language(text: str) -> str | None:
    wanted = text.strip().casefold()
    for language in LANGUAGES:
        if wanted in (language.native_name.casefold(), language.code.casefold()):
            return language.code
    return None


# --- role and privacy ----------------------------------------------------------------------
async def _role_prompt(ctx: Context) -> list[Reply]:
    return [
        Reply(
            text=ctx._("👋 Hello! Who are you?"),
            buttons=[
                [Button(label=ctx._("🙋 I am new in Flanders"), data="or:newcomer")],
                [Button(label=ctx._("🤝 I am a buddy (volunteer)"), data="or:buddy")],
            ],
        )
    ]


@feature.step("or", _role_prompt, needs_consent=False)
async def role_answer(ctx: Context, given: Input) -> list[Reply]:
    if given.args not in (("newcomer",), ("buddy",)):
        return await ctx.reprompt()
    ctx.state.data["role"] = given.args[0]
    return await ctx.goto("op")


def privacy_text(ctx: Context) -> str:
    return "\n".join(
        [
            ctx._("🔒 <b>Your data</b>"),
            ctx._("• We keep: your name, town, interests, Dutch level, free time and your hours."),
            ctx._("• Why: to find activities for you and to count your hours."),
            ctx._(
                "• Who sees it: you, your buddy or the organisation for your hours, "
                "and the staff of your region."
            ),
            ctx._("• We never ask your nationality, religion, health or national number."),
            ctx._("• How long: until you delete it, at most 2 years after your last visit."),
            ctx._("• /mydata shows everything. /forget deletes everything."),
        ]
    )


async def _privacy_prompt(ctx: Context) -> list[Reply]:
    return [
        Reply(
            text=privacy_text(ctx),
            buttons=[
                [
                    Button(label=ctx._("✅ I agree"), data="op:yes"),
                    Button(label=ctx._("⏸️ Not now"), data="op:no"),
                ]
            ],
        )
    ]


@feature.step("op", _privacy_prompt, needs_consent=False)
async def privacy_answer(ctx: Context, given: Input) -> list[Reply]:
    if given.args == ("no",):
        ctx.finish()
        return [
            Reply(text=ctx._("👍 OK. We keep only your language. Type /start when you are ready."))
        ]
    if given.args != ("yes",):
        return await ctx.reprompt()
    role = ctx.state.data.pop("role", None) or ctx.person.role or "newcomer"
    await update_person(ctx.tx, ctx.person.id, role=role, consent_at=ctx.now)
    ctx.person.role = role
    ctx.person.consent_at = ctx.now
    return await ctx.goto(steps_for(role)[0])


# --- name ----------------------------------------------------------------------------------
async def _name_prompt(ctx: Context) -> list[Reply]:
    buttons = []
    hint = (ctx.turn.name_hint or "").strip()
    if hint and len(hint) <= MAX_NAME:
        buttons.append([Button(label=f"👤 {hint}", data="on:hint")])
    buttons.append([Button(label=ctx._("⏭️ Skip"), data="on:skip")])
    text = ctx._("✏️ What is your first name? Your buddy and your counsellor will see it.")
    return [Reply(text=text, buttons=buttons)]


@feature.step("on", _name_prompt)
async def name_answer(ctx: Context, given: Input) -> list[Reply]:
    if given.args == ("skip",):
        return await advance(ctx)
    name = (ctx.turn.name_hint if given.args == ("hint",) else given.text) or ""
    name = " ".join(name.split())
    if not name or len(name) > MAX_NAME or not any(ch.isalpha() for ch in name):
        return [Reply(text=ctx._("✏️ Please type only your first name, for example: Amal."))]
    await update_person(ctx.tx, ctx.person.id, display_name=name)
    ctx.person.display_name = name
    return await advance(ctx)


# --- where ---------------------------------------------------------------------------------
async def _place_prompt(ctx: Context) -> list[Reply]:
    return [
        Reply(
            text=ctx._("📍 Where do you live? Type your postcode or town. Example: 8900 or Ieper.")
        )
    ]


@feature.step("oc", _place_prompt)
async def place_answer(ctx: Context, given: Input) -> list[Reply]:
    place = postcodes().resolve(given.text or "") if given.text else None
    if place is None:
        return [
            Reply(
                text=ctx._(
                    "🤔 I do not know “{text}”. Type a Belgian postcode with 4 digits, "
                    "for example 9000 (Gent), 8900 (Ieper) or 9100 (Sint-Niklaas).",
                    text=(given.text or "")[:40],
                )
            )
        ]
    network = await network_for_postcode(ctx.tx, place.postcode)
    if (given.text or "").strip().isdigit():
        # A postcode covers several villages; name it after its municipality when we know it.
        municipality = await municipality_for_postcode(ctx.tx, place.postcode)
        place = replace(place, name=municipality or place.name)
    await update_person(
        ctx.tx,
        ctx.person.id,
        postcode=place.postcode,
        place=place.name,
        latitude=place.latitude,
        longitude=place.longitude,
        network_id=network.id if network else None,
    )
    ctx.person.postcode, ctx.person.place = place.postcode, place.name
    ctx.person.latitude, ctx.person.longitude = place.latitude, place.longitude
    ctx.person.network_id = network.id if network else None
    confirm = Reply(text=ctx._("📍 {postcode} {place}", postcode=place.postcode, place=place.name))
    return [confirm, *await advance(ctx)]


# --- multi-choice questions ----------------------------------------------------------------
def _choices(
    ctx: Context, code: str, options: dict[str, str], current: list[str]
) -> list[list[Button]]:
    selected = set(ctx.state.data.get("sel", current))
    buttons = [
        Button(label=("✅ " if key in selected else "") + label, data=f"{code}:{key}")
        for key, label in options.items()
    ]
    done = Button(label=ctx._("➡️ Done"), data=f"{code}:done")
    return [*rows(buttons), [done]]


async def _toggle(
    ctx: Context, given: Input, code: str, options: dict[str, str], field: str, prompt: str
) -> list[Reply] | None:
    """Handle a multi-choice press; return replies, or None when the person pressed Done."""
    current = list(getattr(ctx.person, field))
    selected: list[str] = list(ctx.state.data.get("sel", current))
    if given.args == ("done",):
        if not selected:
            return [Reply(text=ctx._("☝️ Choose at least one."))]
        await update_person(ctx.tx, ctx.person.id, **{field: [k for k in options if k in selected]})
        setattr(ctx.person, field, [k for k in options if k in selected])
        ctx.state.data.pop("sel", None)
        return None
    if len(given.args) != 1 or given.args[0] not in options:
        return [Reply(text=ctx._("☝️ Please use the buttons.")), *await ctx.reprompt()]
    key = given.args[0]
    selected = [k for k in selected if k != key] if key in selected else [*selected, key]
    ctx.state.data["sel"] = selected
    return [Reply(text=prompt, buttons=_choices(ctx, code, options, current), edit=True)]


def _interest_options(ctx: Context) -> dict[str, str]:
    return {key: f"{icon} {ctx._(label)}" for key, (icon, label) in INTERESTS.items()}


def _interest_text(ctx: Context) -> str:
    return ctx._("❤️ What do you like? Choose one or more, then press Done.")


def _multi_choice_step(
    code: str,
    field: str,
    options: Callable[[Context], dict[str, str]],
    text: Callable[[Context], str],
) -> None:
    """Register a question where several buttons can be ticked before Done."""

    async def prompt(ctx: Context) -> list[Reply]:
        ctx.state.data.pop("sel", None)
        buttons = _choices(ctx, code, options(ctx), getattr(ctx.person, field))
        return [Reply(text=text(ctx), buttons=buttons)]

    async def answer(ctx: Context, given: Input) -> list[Reply]:
        if not given.pressed:
            return [Reply(text=ctx._("☝️ Please use the buttons.")), *await ctx.reprompt()]
        result = await _toggle(ctx, given, code, options(ctx), field, text(ctx))
        return result if result is not None else await advance(ctx)

    feature.step(code, prompt)(answer)


def _availability_options(ctx: Context) -> dict[str, str]:
    return {key: f"{icon} {ctx._(label)}" for key, (icon, label) in AVAILABILITY.items()}


def _availability_text(ctx: Context) -> str:
    return ctx._("🗓️ When are you free? Choose one or more, then press Done.")


def _language_options(_ctx: Context) -> dict[str, str]:
    return {lang.code: lang.native_name for lang in LANGUAGES}


def _languages_text(ctx: Context) -> str:
    return ctx._("🗣️ Which languages do you speak? Choose one or more, then press Done.")


_multi_choice_step("oi", "interests", _interest_options, _interest_text)
_multi_choice_step("oa", "availability", _availability_options, _availability_text)
_multi_choice_step("og", "languages", _language_options, _languages_text)


# --- single-choice questions ---------------------------------------------------------------
async def _dutch_prompt(ctx: Context) -> list[Reply]:
    buttons = [
        [Button(label=f"{dutch_icons(level)} {ctx._(label)}", data=f"od:{level}")]
        for level, label in DUTCH_LEVELS.items()
    ]
    return [Reply(text=ctx._("💬 How much Dutch do you speak?"), buttons=buttons)]


@feature.step("od", _dutch_prompt)
async def dutch_answer(ctx: Context, given: Input) -> list[Reply]:
    level = _int_arg(given, set(DUTCH_LEVELS))
    if level is None:
        return [Reply(text=ctx._("☝️ Please use the buttons.")), *await ctx.reprompt()]
    await update_person(ctx.tx, ctx.person.id, dutch_level=level)
    ctx.person.dutch_level = level
    return await advance(ctx)


async def _children_prompt(ctx: Context) -> list[Reply]:
    return [
        Reply(
            text=ctx._("👶 Do your children come with you?"),
            buttons=[
                [
                    Button(label=ctx._("👶 Yes"), data="ok:1"),
                    Button(label=ctx._("🚫 No"), data="ok:0"),
                ]
            ],
        )
    ]


@feature.step("ok", _children_prompt)
async def children_answer(ctx: Context, given: Input) -> list[Reply]:
    answer = _int_arg(given, {0, 1})
    if answer is None:
        return [Reply(text=ctx._("☝️ Please use the buttons.")), *await ctx.reprompt()]
    await update_person(ctx.tx, ctx.person.id, with_children=bool(answer))
    ctx.person.with_children = bool(answer)
    return await advance(ctx)


async def _travel_prompt(ctx: Context) -> list[Reply]:
    buttons = [
        Button(label=ctx._("{icon} {km} km", icon=icon, km=km), data=f"ot:{km}")
        for km, icon in TRAVEL_KM.items()
    ]
    return [Reply(text=ctx._("🧭 How far can you travel?"), buttons=rows(buttons, 3))]


@feature.step("ot", _travel_prompt)
async def travel_answer(ctx: Context, given: Input) -> list[Reply]:
    km = _int_arg(given, set(TRAVEL_KM))
    if km is None:
        return [Reply(text=ctx._("☝️ Please use the buttons.")), *await ctx.reprompt()]
    await update_person(ctx.tx, ctx.person.id, travel_km=km)
    ctx.person.travel_km = km
    return await advance(ctx)


def _int_arg(given: Input, allowed: set[int]) -> int | None:
    raw = given.args[0] if given.pressed and len(given.args) == 1 else (given.text or "")
    try:
        value = int(raw.strip())
    except ValueError:
        return None
    return value if value in allowed else None
