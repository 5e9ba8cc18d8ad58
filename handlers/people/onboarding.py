"""/start: language → role → privacy → profile, one step at a time, resumable after a restart.

The same steps serve `/profile` (change one answer: `OnboardingDraft.back == "profile"`) and
`/language` (`back == "menu"`).
"""

from __future__ import annotations

from collections.abc import Callable

from handlers.common import menu_replies, rows, stale_button
from handlers.context import Context
from handlers.people.onboarding_draft import OnboardingDraft
from handlers.people.privacy_notice import MORE, privacy_text
from handlers.registry import N_, Feature, Input
from handlers.types import Button, Reply
from handlers.understanding.screen import with_hint
from handlers.understanding.text import digits, fold
from handlers.vocab import AVAILABILITY, DUTCH_LEVELS, INTERESTS, TRAVEL_KM, dutch_icons
from i18n import BY_CODE, LANGUAGES, locale_from_telegram, ordered_for
from storage.buddies import get_invite, invite_problem
from storage.people import update_person

feature = Feature("handlers.people.onboarding")

NEWCOMER_STEPS = ("on", "oc", "oi", "od", "oa", "ok", "ot")
BUDDY_STEPS = ("on", "oc", "oa", "og")
MAX_NAME = 60
MAX_TRAVEL_KM = 100  # a typed distance beyond this is a typo, not a wish
PAIR_PREFIX = "pair-"  # handlers.people.buddies.START_PREFIX (buddies sits above onboarding)


def steps_for(role: str | None) -> tuple[str, ...]:
    return NEWCOMER_STEPS if role == "newcomer" else BUDDY_STEPS


async def advance(ctx: Context) -> list[Reply]:
    """After an answer: back to where the person came from, or on to the next question."""
    back = ctx.draft(OnboardingDraft).back
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
    pending = ctx.draft(OnboardingDraft).pending_start
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
                draft = ctx.draft(OnboardingDraft)
                draft.pending_start = args[:64]
                ctx.keep(draft)
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
    return await ctx.goto("ol", OnboardingDraft(back="menu"))


async def _language_prompt(ctx: Context) -> list[Reply]:
    likely = locale_from_telegram(ctx.turn.language_hint) or ctx.person.locale
    buttons = [
        Button(label=lang.native_name, data=f"ol:{lang.code}") for lang in ordered_for(likely)
    ]
    return [Reply(text="🌐 " + ctx._("Choose your language:"), buttons=rows(buttons))]


@feature.step("ol", _language_prompt, needs_consent=False)
async def language_answer(ctx: Context, given: Input) -> list[Reply]:
    code = given.args[0] if given.pressed and given.args else _match_language(given.text or "")
    if code not in BY_CODE:
        return await stale_button(ctx)
    await update_person(ctx.tx, ctx.person.id, locale=code)
    ctx.person.locale = code
    draft = ctx.draft(OnboardingDraft)
    if draft.back:
        return await advance(ctx)
    inviter = await _inviter(ctx)
    if inviter is not None:  # opened a buddy's link: a newcomer, told who invited them
        draft.role = "newcomer"
        text = ctx._("🤝 {name} invited you. {name} wants to be your buddy. First a few "
                     "questions, then you can say yes.", name=inviter)  # fmt: skip
        return [Reply(text=text), *await ctx.goto("op", draft)]
    return await ctx.goto("or")


async def _inviter(ctx: Context) -> str | None:
    """The buddy whose valid invite link the person opened before onboarding, if any."""
    pending = ctx.draft(OnboardingDraft).pending_start or ""
    if not pending.startswith(PAIR_PREFIX):
        return None
    invite = await get_invite(ctx.tx, pending.removeprefix(PAIR_PREFIX))
    if invite_problem(invite, ctx.person.id, ctx.now) is not None or invite is None:
        return None
    return invite.buddy_name or ctx._("Your buddy")


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
        return await stale_button(ctx)
    draft = ctx.draft(OnboardingDraft)
    draft.role = "newcomer" if given.args == ("newcomer",) else "buddy"
    return await ctx.goto("op", draft)


async def _privacy_prompt(ctx: Context) -> list[Reply]:
    return [
        Reply(
            text=privacy_text(ctx),
            buttons=[
                [
                    Button(label=ctx._("✅ I agree"), data="op:yes"),
                    # Translators: a button: do not agree now; the person can start again later.
                    Button(label=ctx._("⏸️ Not now"), data="op:no"),
                ],
                [Button(label=ctx._("📖 More"), data=MORE)],
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
        return await stale_button(ctx)
    draft = ctx.draft(OnboardingDraft)
    role, draft.role = draft.role or ctx.person.role or "newcomer", None
    ctx.keep(draft)
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
    if ctx.person.role == "buddy":
        text = ctx._("✏️ What is your first name? The newcomers you help will see it.")
    else:
        text = ctx._("✏️ What is your first name? Your buddy and your counsellor will see it.")
    return [Reply(text=text, buttons=buttons)]


@feature.step("on", _name_prompt, reads_text=True)
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


# --- multi-choice questions ----------------------------------------------------------------
def _selected(ctx: Context, code: str, current: list[str]) -> list[str]:
    """The ticks of this question so far: unsaved ones while it is open, else the profile's."""
    draft = ctx.draft(OnboardingDraft)
    return list(draft.selected if draft.selected_step == code else current)


def _choices(
    ctx: Context, code: str, options: dict[str, str], current: list[str]
) -> list[list[Button]]:
    selected = set(_selected(ctx, code, current))
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
    selected = _selected(ctx, code, current)
    if given.args == ("done",):
        if not selected:
            return with_hint(ctx._("☝️ Choose at least one."), await ctx.reprompt())
        await update_person(ctx.tx, ctx.person.id, **{field: [k for k in options if k in selected]})
        setattr(ctx.person, field, [k for k in options if k in selected])
        _keep_ticks(ctx, None, [])
        return None
    if len(given.args) != 1 or given.args[0] not in options:
        return await stale_button(ctx)
    key = given.args[0]
    selected = [k for k in selected if k != key] if key in selected else [*selected, key]
    _keep_ticks(ctx, code, selected)
    return [Reply(text=prompt, buttons=_choices(ctx, code, options, current), edit=True)]


def _keep_ticks(ctx: Context, code: str | None, selected: list[str]) -> None:
    draft = ctx.draft(OnboardingDraft)
    draft.selected_step, draft.selected = code, selected
    ctx.keep(draft)


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
        buttons = _choices(ctx, code, options(ctx), getattr(ctx.person, field))
        return [Reply(text=text(ctx), buttons=buttons)]

    async def answer(ctx: Context, given: Input) -> list[Reply]:
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


# Levels of the Common European Framework, as people know them from their Dutch class.
CEFR_LEVELS = {"a0": 1, "a1": 1, "a2": 2, "b1": 3, "b2": 4, "c1": 4, "c2": 4}


@feature.step("od", _dutch_prompt, reads_text=True)
async def dutch_answer(ctx: Context, given: Input) -> list[Reply]:
    level = CEFR_LEVELS.get(fold(given.text or "").replace(" ", "").replace(".", ""))
    if level is None:
        level = _int_arg(given, set(DUTCH_LEVELS))
    if level is None:
        return with_hint(ctx._("☝️ Please use the buttons."), await ctx.reprompt())
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
        return await stale_button(ctx)
    await update_person(ctx.tx, ctx.person.id, with_children=bool(answer))
    ctx.person.with_children = bool(answer)
    return await advance(ctx)


async def _travel_prompt(ctx: Context) -> list[Reply]:
    buttons = [
        Button(label=ctx._("{icon} {km} km", icon=icon, km=km), data=f"ot:{km}")
        for km, icon in TRAVEL_KM.items()
    ]
    return [Reply(text=ctx._("🧭 How far can you travel?"), buttons=rows(buttons, 3))]


@feature.step("ot", _travel_prompt, reads_text=True)
async def travel_answer(ctx: Context, given: Input) -> list[Reply]:
    km = _int_arg(given, set(TRAVEL_KM))
    if km is None and given.text is not None:
        typed = digits(given.text).strip().casefold().removesuffix("km").strip()
        if typed.isdigit() and len(typed) <= 3 and 0 < int(typed) <= MAX_TRAVEL_KM:
            # '15 km' → the largest distance on offer that is not further
            km = max((k for k in TRAVEL_KM if k <= int(typed)), default=min(TRAVEL_KM))
    if km is None:
        return with_hint(ctx._("☝️ Please use the buttons."), await ctx.reprompt())
    await update_person(ctx.tx, ctx.person.id, travel_km=km)
    ctx.person.travel_km = km
    return await advance(ctx)


def _int_arg(given: Input, allowed: set[int]) -> int | None:
    raw = given.args[0] if given.pressed and len(given.args) == 1 else (given.text or "")
    try:
        value = int(digits(raw).strip())
    except ValueError:
        return None
    return value if value in allowed else None
