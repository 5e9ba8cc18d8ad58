"""🔊: a voice note of the message the button is on; and the choice to get them always."""

from __future__ import annotations

from handlers.common import stale_button
from handlers.context import Context
from handlers.registry import Feature
from handlers.types import Button, Reply
from handlers.voice.speak import SPEAK, speech_for
from storage.voices import auto_voice, set_auto_voice

feature = Feature("handlers.voice.listen")

AUTO = "va"  # /profile's voice-note choice


@feature.action(SPEAK, needs_onboarding=False)
async def listen(ctx: Context, _args: list[str]) -> list[Reply]:
    """Read the message aloud. Its text is the channel's copy of what we sent, not a payload."""
    speech = await speech_for(ctx.tx, ctx.turn.source_text or "", ctx.person.locale)
    if speech is None:
        return [Reply(text=ctx._("🔇 Sorry, I cannot read this message aloud."))]
    return [Reply(text="", speech=speech)]


def auto_voice_button(ctx: Context) -> Button:
    return Button(label=ctx._("🔊 Voice messages"), data=AUTO)


@feature.action(AUTO)
async def choose_auto_voice(ctx: Context, args: list[str]) -> list[Reply]:
    if args in (["on"], ["off"]):
        await set_auto_voice(ctx.tx, ctx.person.id, args == ["on"], ctx.now)
        text = (
            ctx._("🔊 OK. Important messages now come with a voice message.")
            if args == ["on"]
            else ctx._("🔇 OK. You get a voice message only when you press 🔊.")
        )
        return [Reply(text=text, edit=True)]
    if args:
        return await stale_button(ctx)
    on = await auto_voice(ctx.tx, ctx.person.id)
    return [
        Reply(
            text=ctx._("🔊 Do you want a voice message with every important message?"),
            buttons=[
                [
                    Button(
                        label=("✅ " if on else "") + ctx._("🔊 Yes, always"), data=f"{AUTO}:on"
                    ),
                    Button(
                        label=("" if on else "✅ ") + ctx._("🔇 Only when I press 🔊"),
                        data=f"{AUTO}:off",
                    ),
                ]
            ],
        )
    ]
