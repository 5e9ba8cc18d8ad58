"""/record: an interpreter records the fixed messages of their language, one by one.

The recorder sees the next message without a recording (or whose translation changed since),
in the language they record, and answers with a voice message; they can listen, redo, skip.
"""

from __future__ import annotations

from pydantic import Field

from handlers.context import Context, Draft
from handlers.registry import Feature, Input
from handlers.types import Button, Reply, Speech, SpeechPart
from handlers.voice.messages import RECORDABLE, text_hash, translation
from handlers.voice.ogg import duration_seconds, is_ogg_opus
from i18n import BY_CODE
from storage.voices import Recorder, get_recording, recorded_hashes, recorder_of, save_recording

feature = Feature("handlers.voice.record")

STEP = "vr"
MAX_SECONDS = 60
MAX_BYTES = 1_000_000


class RecordDraft(Draft):
    """Which message is being recorded, whether it was saved, and which ones were skipped."""

    index: int = -1  # in RECORDABLE
    saved: bool = False
    skipped: list[int] = Field(default_factory=list)


def _first_open(recorder: Recorder, done: dict[tuple[str, str], str], skipped: list[int]) -> int:
    """Index of the next message without a fresh recording, or -1."""
    for index, key in enumerate(RECORDABLE):
        fresh = done.get((recorder.locale, key)) == text_hash(translation(recorder.locale, key))
        if not fresh and index not in skipped:
            return index
    return -1


async def _recorder(ctx: Context) -> Recorder | None:
    return await recorder_of(ctx.tx, ctx.person.id)


async def _current(ctx: Context) -> tuple[Recorder, RecordDraft, str] | None:
    """The recorder, the draft and the key of the text being recorded; None when this person
    may not record (any more) or the draft points nowhere."""
    recorder = await _recorder(ctx)
    draft = ctx.draft(RecordDraft)
    if recorder is None or not 0 <= draft.index < len(RECORDABLE):
        return None
    return recorder, draft, RECORDABLE[draft.index]


def _not_available(ctx: Context) -> list[Reply]:
    ctx.finish()
    return [Reply(text=ctx._("🚫 This is not available for you."))]


async def _next(ctx: Context) -> list[Reply]:
    recorder = await _recorder(ctx)
    if recorder is None:
        return _not_available(ctx)
    done = await recorded_hashes(ctx.tx, recorder.locale)
    draft = ctx.draft(RecordDraft)
    draft.index, draft.saved = _first_open(recorder, done, draft.skipped), False
    if draft.index < 0:
        ctx.finish()
        return [Reply(text=ctx._("🎉 There is nothing more to record. Thank you!"))]
    return await ctx.goto(STEP, draft)


async def _prompt(ctx: Context) -> list[Reply]:
    current = await _current(ctx)
    if current is None:
        return _not_available(ctx)
    recorder, draft, key = current
    lines = [
        ctx._(
            "🎙️ Read this aloud in {language}. Send it as a voice message.",
            language=BY_CODE[recorder.locale].native_name,
        ),
        "",
        translation(recorder.locale, key),
    ]
    old = await get_recording(ctx.tx, recorder.locale, key)
    if old is not None and old.text_hash != text_hash(translation(recorder.locale, key)):
        lines.append("")
        lines.append(ctx._("🔁 The text changed. Please record it again."))
    buttons = [
        Button(label=ctx._("⏭️ Skip"), data=f"{STEP}:skip"),
        Button(label=ctx._("🛑 Stop"), data=f"{STEP}:stop"),
    ]
    if draft.saved:
        buttons = [
            Button(label=ctx._("▶️ Listen"), data=f"{STEP}:play"),
            Button(label=ctx._("➡️ Next"), data=f"{STEP}:next"),
            Button(label=ctx._("🛑 Stop"), data=f"{STEP}:stop"),
        ]
        lines = [ctx._("✅ Saved. Listen, send a new voice message to redo it, or go on.")]
    return [Reply(text="\n".join(lines), buttons=[buttons])]


@feature.step(STEP, _prompt, needs_consent=False, takes_voice=True, reads_text=True)
async def record_answer(ctx: Context, given: Input) -> list[Reply]:
    current = await _current(ctx)
    if current is None:
        return _not_available(ctx)
    recorder, draft, key = current
    voice = ctx.turn.voice
    if voice is not None:
        seconds = duration_seconds(voice.content)
        usable = is_ogg_opus(voice.content) and 0 < seconds <= MAX_SECONDS
        if not usable or len(voice.content) > MAX_BYTES:
            return [
                Reply(
                    text=ctx._(
                        "🎙️ I could not use that. Please send a voice message of at most one minute."
                    )
                )
            ] + await ctx.reprompt()
        text = translation(recorder.locale, key)
        await save_recording(
            ctx.tx,
            locale=recorder.locale,
            message_key=key,
            text_hash=text_hash(text),
            text=text,
            audio=voice.content,
            seconds=round(seconds) or 1,
            recorder_id=ctx.person.id,
            now=ctx.now,
        )
        draft.saved = True
        ctx.keep(draft)
        return await ctx.reprompt()
    choice = given.args[0] if given.pressed and len(given.args) == 1 else None
    if choice == "skip":
        draft.skipped = [*draft.skipped, draft.index]
        ctx.keep(draft)
        return await _next(ctx)
    if choice == "next":
        return await _next(ctx)
    if choice == "stop":
        ctx.finish()
        return [Reply(text=ctx._("👍 Thank you! Type /record to go on later."))]
    if choice == "play":
        recording = await get_recording(ctx.tx, recorder.locale, key)
        if recording is None:
            return await ctx.reprompt()
        part = SpeechPart(locale=recorder.locale, recording=recording.audio)
        return [Reply(text="", speech=Speech(locale=recorder.locale, parts=[part]))]
    return [Reply(text=ctx._("🎙️ Please send a voice message, or use the buttons."))] + (
        await ctx.reprompt()
    )


@feature.command("record", needs_onboarding=False)
async def record_command(ctx: Context, _args: str) -> list[Reply]:
    ctx.finish()
    ctx.state.flow = "record"
    return await _next(ctx)
