"""Speech synthesis behind one small interface, and OGG/Opus encoding.

Engines are tried in order: a Piper neural voice when `PIPER_VOICES_DIR` holds one for the
language, then espeak-ng where it knows the language. Every engine and the encoder run as
child processes, so the event loop never waits on them.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Protocol

RATE = 22050  # every part is brought to this rate before the parts are joined and encoded
BITRATE_KBPS = 16  # speech stays clear; a 10-second prompt is about 20 KB
TIMEOUT = 30.0  # seconds for one child process


class VoiceError(RuntimeError):
    """A voice could not be made (engine missing or failing)."""


@dataclass(frozen=True)
class Pcm:
    """Raw signed 16-bit little-endian mono samples."""

    samples: bytes
    rate: int


class Engine(Protocol):
    name: str

    def voice_for(self, locale: str) -> str | None:
        """The voice this engine uses for `locale`, or None when it has none."""

    async def synthesize(self, voice: str, text: str) -> Pcm: ...


async def run(args: list[str], data: bytes) -> bytes:
    """Run a child process with `data` on stdin; its stdout, or VoiceError."""
    try:
        process = await asyncio.create_subprocess_exec(
            *args,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
    except OSError as exc:
        raise VoiceError(f"{args[0]}: {exc}") from exc
    try:
        out, err = await asyncio.wait_for(process.communicate(data), TIMEOUT)
    except TimeoutError as exc:
        process.kill()
        await process.wait()
        raise VoiceError(f"{args[0]} took longer than {TIMEOUT} s") from exc
    if process.returncode != 0:
        raise VoiceError(f"{args[0]} failed: {err.decode(errors='replace')[:200]}")
    return out


def pcm_of_wav(data: bytes) -> Pcm:
    """The samples of a 16-bit mono WAV, also when a streaming writer left the sizes unset."""
    if data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise VoiceError("not a WAV file")
    position, rate = 12, 0
    while position + 8 <= len(data):
        kind, size = data[position : position + 4], struct.unpack_from("<I", data, position + 4)[0]
        body = position + 8
        if kind == b"fmt ":
            channels, rate = struct.unpack_from("<HI", data, body + 2)
            bits = struct.unpack_from("<H", data, body + 14)[0]
            if channels != 1 or bits != 16:
                raise VoiceError(f"expected 16-bit mono, got {channels} ch {bits} bit")
        elif kind == b"data":
            end = len(data) if size >= 0x7FFFFFFF else min(len(data), body + size)
            return Pcm(data[body:end], rate)
        position = body + size + (size & 1)
    raise VoiceError("WAV without data")


class Espeak:
    """espeak-ng (Debian package `espeak-ng`): small, robotic, many languages."""

    name = "espeak-ng"
    VOICES: ClassVar[dict[str, str]] = {
        "nl": "nl",
        "en": "en-gb",
        "ar": "ar",
        "fa_AF": "fa",
        "es": "es",
        "fr": "fr-be",
        "pl": "pl",
        "ro": "ro",
        "ru": "ru",
        "tr": "tr",
        "uk": "uk",
    }  # Pashto, Somali and Tigrinya: espeak-ng 1.51 has no voice for them

    def __init__(self, executable: str | None = None) -> None:
        self.executable = executable or shutil.which("espeak-ng")

    def voice_for(self, locale: str) -> str | None:
        return self.VOICES.get(locale) if self.executable else None

    async def synthesize(self, voice: str, text: str) -> Pcm:
        assert self.executable is not None
        wav = await run([self.executable, "-v", voice, "-s", "145", "--stdin", "--stdout"],
                        text.encode())  # fmt: skip
        return pcm_of_wav(wav)


class Piper:
    """Piper neural voices: `<lang>_<REGION>-<name>-<quality>.onnx` (+ `.onnx.json`) files in a
    folder, spoken by the `piper` program of the `piper-tts` package."""

    name = "piper"
    PREFIXES: ClassVar[dict[str, tuple[str, ...]]] = {
        "nl": ("nl_BE", "nl_NL"), "en": ("en_GB", "en_US"), "ar": ("ar_",), "fa_AF": ("fa_",),
        "es": ("es_ES", "es_"), "fr": ("fr_",), "pl": ("pl_",), "ro": ("ro_",), "ru": ("ru_",),
        "tr": ("tr_",), "uk": ("uk_",), "so": ("so_",), "ti": ("ti_",), "ps": ("ps_",),
    }  # fmt: skip

    def __init__(self, voices_dir: Path | None, executable: str | None = None) -> None:
        self.voices_dir = voices_dir
        self.executable = executable or shutil.which("piper")

    def voice_for(self, locale: str) -> str | None:
        if self.executable is None or self.voices_dir is None or not self.voices_dir.is_dir():
            return None
        models = sorted(self.voices_dir.glob("*.onnx"))
        for prefix in self.PREFIXES.get(locale, ()):
            for model in models:
                if model.name.startswith(prefix) and model.with_suffix(".onnx.json").exists():
                    return str(model)
        return None

    async def synthesize(self, voice: str, text: str) -> Pcm:
        assert self.executable is not None
        config = json.loads(Path(voice).with_suffix(".onnx.json").read_text())
        raw = await run([self.executable, "--model", voice, "--output-raw"], text.encode())
        return Pcm(raw, int(config["audio"]["sample_rate"]))


def engines(piper_voices_dir: Path | None) -> list[Engine]:
    """The engines in the order they are tried; none without opus-tools to encode their voice."""
    if shutil.which("opusenc") is None or shutil.which("opusdec") is None:
        return []
    return [Piper(piper_voices_dir), Espeak()]


def pick(chain: list[Engine], locale: str) -> tuple[Engine, str] | None:
    for engine in chain:
        voice = engine.voice_for(locale)
        if voice is not None:
            return engine, voice
    return None


async def encode(pcm: Pcm) -> bytes:
    """Raw samples → an OGG/Opus voice note (opus-tools' opusenc)."""
    return await run(
        ["opusenc", "--quiet", "--speech", "--bitrate", str(BITRATE_KBPS), "--raw",
         "--raw-rate", str(pcm.rate), "--raw-chan", "1", "-", "-"],
        pcm.samples,
    )  # fmt: skip


async def decode(ogg: bytes, rate: int = RATE) -> Pcm:
    """An OGG/Opus recording → raw samples at `rate` (opus-tools' opusdec resamples)."""
    wav = await run(["opusdec", "--quiet", "--rate", str(rate), "--force-wav", "-", "-"], ogg)
    return pcm_of_wav(wav)


async def resample(pcm: Pcm, rate: int = RATE) -> Pcm:
    """Bring samples to `rate`; Opus carries them, so no resampler of our own is needed."""
    if pcm.rate == rate:
        return pcm
    return await decode(await encode(pcm), rate)


def silence(seconds: float, rate: int = RATE) -> bytes:
    return b"\x00\x00" * int(seconds * rate)
