"""Speech → one OGG/Opus voice note, cached on disk by its text and voices.

A single recording is sent as it was recorded. Anything else (synthetic parts, or recordings
mixed with synthetic parts) is brought to one rate, joined with short pauses and encoded once.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import Path

from handlers.types import Speech
from handlers.voice.engines import (
    RATE,
    Engine,
    Pcm,
    VoiceError,
    decode,
    encode,
    engines,
    pick,
    resample,
    silence,
)

log = logging.getLogger(__name__)

PAUSE = 0.35  # seconds between parts


@dataclass
class Voices:
    """The engines in order and where rendered voice notes are kept."""

    cache_dir: Path | None = None
    chain: list[Engine] = field(default_factory=list)

    @classmethod
    def configured(cls, piper_voices_dir: Path | None, cache_dir: Path | None) -> Voices:
        return cls(cache_dir, engines(piper_voices_dir))

    def can_synthesize(self, locale: str) -> bool:
        return pick(self.chain, locale) is not None

    def plan(self, speech: Speech) -> list[tuple[str, str, str | bytes]]:
        """(engine, voice, text) per synthetic part, ("rec", "", bytes) per recording.

        A Dutch part falls back to the person's own voice when no Dutch voice exists; a part
        no engine can say makes the whole plan fail.
        """
        steps: list[tuple[str, str, str | bytes]] = []
        for part in speech.parts:
            if part.recording is not None:
                steps.append(("rec", "", part.recording))
                continue
            chosen = pick(self.chain, part.locale) or pick(self.chain, speech.locale)
            if chosen is None:
                raise VoiceError(f"no voice for {part.locale}")
            steps.append((chosen[0].name, chosen[1], part.text))
        return steps

    def _cache_path(self, steps: list[tuple[str, str, str | bytes]]) -> Path | None:
        if self.cache_dir is None:
            return None
        digest = hashlib.sha256()
        for engine, voice, content in steps:
            raw = content if isinstance(content, bytes) else content.encode()
            digest.update(f"{engine}\0{voice}\0{len(raw)}\0".encode() + raw)
        name = digest.hexdigest()
        return self.cache_dir / name[:2] / f"{name}.ogg"

    async def render(self, speech: Speech) -> bytes:
        """The voice note, from the cache when it was made before. Raises VoiceError."""
        steps = self.plan(speech)
        if len(steps) == 1 and isinstance(steps[0][2], bytes):
            return steps[0][2]
        path = self._cache_path(steps)
        if path is not None and path.exists():
            return path.read_bytes()
        by_name = {engine.name: engine for engine in self.chain}
        samples = bytearray()
        for index, (engine, voice, content) in enumerate(steps):
            if index:
                samples += silence(PAUSE)
            if isinstance(content, bytes):
                pcm = await decode(content, RATE)
            else:
                pcm = await resample(await by_name[engine].synthesize(voice, content), RATE)
            samples += pcm.samples
        ogg = await encode(Pcm(bytes(samples), RATE))
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_suffix(".tmp")
            temporary.write_bytes(ogg)
            temporary.replace(path)
        return ogg
