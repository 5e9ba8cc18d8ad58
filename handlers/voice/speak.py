"""Which replies carry 🔊, and the speech of a message: recordings first, then synthesis.

The router (turns) and `notify_person` (outbox) call `with_voice` on Telegram replies, so no
prompt has to add the button itself. A reply carries 🔊 when it is a step prompt of onboarding
or /log, an offer card, a confirmation request, progress or a reminder, and every line of it
can be said: recorded in the person's language, or spoken by an engine.
"""

from __future__ import annotations

from handlers.types import Button, Reply, Speech, SpeechPart
from handlers.voice.messages import message_key_of, text_hash, translation
from handlers.voice.render import Voices
from handlers.voice.spoken import MAX_SPOKEN, segments, spoken_lines
from i18n import translator
from storage.db import Tx
from storage.voices import auto_voice, get_recording, recording_hash

SPEAK = "vo"  # the 🔊 button's payload; the text comes from the message the button is on
SPOKEN_STEPS = frozenset(
    {"ol", "or", "op", "on", "oc", "oi", "oa", "og", "od", "ok", "ot",  # onboarding
     "hl", "hk", "hh", "hd", "ha"}  # /log
)  # fmt: skip
# Offer cards (ay/an/ax/ac/ak), a confirmation request (hc), progress (hm), a meeting (bl).
SPOKEN_CODES = frozenset({"ay", "an", "ax", "ac", "ak", "hc", "hm", "bl"})
SPOKEN_PURPOSES = frozenset({"confirm_request", "hours_confirmed", "milestone", "dispute"})
REMINDER_PREFIX = "reminder:"

_voices = Voices.configured(None, None)


def configure(voices: Voices) -> None:
    """Set the engines and cache (the composition root does this once at start-up)."""
    global _voices
    _voices = voices


def voices() -> Voices:
    return _voices


def button_codes(reply: Reply) -> set[str]:
    return {b.data.split(":")[0] for row in reply.buttons for b in row if b.data}


def spoken_purpose(purpose: str) -> bool:
    return purpose in SPOKEN_PURPOSES or purpose.startswith(REMINDER_PREFIX)


def _lines_to_say(text: str) -> list[str]:
    """The spoken lines of `text`; none when it has nothing to say or is too long to read."""
    lines = spoken_lines(text)
    return [] if sum(len(line) for line in lines) > MAX_SPOKEN else lines


async def speech_for(tx: Tx, text: str, locale: str, *, audio: bool = True) -> Speech | None:
    """What `text` sounds like in `locale`, or None when some line cannot be said.

    Without `audio`, recordings are checked but not read (enough to decide on a 🔊 button).
    """
    lines = _lines_to_say(text)
    if not lines:
        return None
    parts: list[SpeechPart] = []
    for line in lines:
        key = message_key_of(line, locale)
        fresh = text_hash(translation(locale, key)) if key is not None else None
        if key is not None and await recording_hash(tx, locale, key) == fresh:
            recording = await get_recording(tx, locale, key) if audio else None
            sound = recording.audio if recording is not None else b""
            parts.append(SpeechPart(locale=locale, text=line, recording=sound))
            continue
        pieces = segments(line, locale)
        if not _voices.can_synthesize(locale) and not all(
            _voices.can_synthesize(piece.locale) for piece in pieces
        ):
            return None
        parts.extend(pieces)
    return Speech(locale=locale, parts=parts)


async def sayable(tx: Tx, text: str, locale: str) -> bool:
    """Whether `text` can be said (what a 🔊 button needs), without building its speech.

    Where an engine speaks the person's language every line can be said, recorded or not;
    only elsewhere do the recordings decide (`speech_for`).
    """
    if _voices.can_synthesize(locale):
        return bool(_lines_to_say(text))
    return await speech_for(tx, text, locale, audio=False) is not None


async def with_voice(
    tx: Tx, person_id: int, locale: str, replies: list[Reply], chosen: list[bool]
) -> list[Reply]:
    """Give each chosen reply a 🔊 button, or, for who asked for it, a voice note after it."""
    if not any(chosen):
        return replies
    automatic = await auto_voice(tx, person_id)
    label = translator(locale)._("🔊 Listen")
    out: list[Reply] = []
    for reply, wanted in zip(replies, chosen, strict=True):
        if not wanted or reply.speech is not None or SPEAK in button_codes(reply):
            out.append(reply)
        elif automatic:
            speech = await speech_for(tx, reply.text, locale)
            out += [reply] if speech is None else [reply, Reply(text="", speech=speech)]
        elif reply.request_location or not await sayable(tx, reply.text, locale):
            out.append(reply)  # a message has one keyboard: the 📍 one stays
        else:
            listen = [Button(label=label, data=SPEAK)]
            out.append(reply.model_copy(update={"buttons": [*reply.buttons, listen]}))
    return out


def chosen_in_turn(step: str | None, replies: list[Reply]) -> list[bool]:
    """The replies of a turn that carry 🔊: the prompt of a listed step, cards, progress."""
    last = len(replies) - 1
    return [
        (index == last and step in SPOKEN_STEPS) or bool(button_codes(reply) & SPOKEN_CODES)
        for index, reply in enumerate(replies)
    ]
