"""Rendering: engines in order (Piper, then espeak-ng), recordings joined with synthesis, cache.

The stand-in `piper` program follows Piper's documented command line (piper1-gpl docs/CLI.md):
`piper --model VOICE.onnx --output-raw` reads the text on stdin and writes 16-bit mono samples
at the rate in `VOICE.onnx.json` (`audio.sample_rate`).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from handlers.types import Speech, SpeechPart
from handlers.voice.engines import Espeak, Piper, VoiceError, pcm_of_wav
from handlers.voice.ogg import duration_seconds, is_ogg_opus
from handlers.voice.render import Voices

needs_tools = pytest.mark.skipif(
    shutil.which("espeak-ng") is None or shutil.which("opusenc") is None,
    reason="espeak-ng and opus-tools come from Debian; .ci/run installs them",
)

FAKE_PIPER = """#!{python}
import sys
args = sys.argv[1:]
assert args[0] == "--model" and args[2] == "--output-raw", args
text = sys.stdin.read()
assert text.strip(), "no text on stdin"
with open(args[1] + ".log", "a") as log:
    log.write(text + "\\n")
sys.stdout.buffer.write(b"\\x10\\x27\\xf0\\xd8" * 8000)  # one second at 16 kHz
"""


@pytest.fixture
def piper(tmp_path: Path) -> Piper:
    program = tmp_path / "piper"
    program.write_text(FAKE_PIPER.format(python=sys.executable))
    program.chmod(0o755)
    voices = tmp_path / "voices"
    voices.mkdir()
    (voices / "ar_JO-kareem-low.onnx").write_bytes(b"model")
    (voices / "ar_JO-kareem-low.onnx.json").write_text(
        json.dumps({"audio": {"sample_rate": 16000}})
    )
    (voices / "nl_NL-mls-medium.onnx").write_bytes(b"no config: not a usable voice")
    return Piper(voices, executable=str(program))


def test_piper_voice_is_found_by_language(piper: Piper) -> None:
    voice = piper.voice_for("ar")
    assert voice is not None and voice.endswith("ar_JO-kareem-low.onnx")
    assert piper.voice_for("nl") is None  # the .onnx.json is missing
    assert piper.voice_for("ti") is None
    assert Piper(None, executable="/bin/true").voice_for("ar") is None


@needs_tools
async def test_piper_first_then_espeak(piper: Piper, tmp_path: Path) -> None:
    voices = Voices(tmp_path / "cache", [piper, Espeak()])
    speech = Speech(
        locale="ar",
        parts=[SpeechPart(locale="ar", text="مرحبا"), SpeechPart(locale="nl", text="Ieper")],
    )
    plan = voices.plan(speech)
    assert [step[0] for step in plan] == ["piper", "espeak-ng"]  # no Piper voice for Dutch here
    ogg = await voices.render(speech)
    assert is_ogg_opus(ogg) and duration_seconds(ogg) > 1.0
    assert (Path(piper.voice_for("ar") or "").parent / "ar_JO-kareem-low.onnx.log").read_text()


@needs_tools
async def test_a_recording_and_synthesis_are_joined(tmp_path: Path) -> None:
    espeak = Espeak()
    voices = Voices(tmp_path / "cache", [espeak])
    recorded = await voices.render(
        Speech(locale="nl", parts=[SpeechPart(locale="nl", text="Hallo")])
    )
    alone = duration_seconds(recorded)
    speech = Speech(
        locale="nl",
        parts=[
            SpeechPart(locale="nl", text="Hallo", recording=recorded),
            SpeechPart(locale="nl", text="Hoeveel uur?"),
        ],
    )
    joined = await voices.render(speech)
    assert is_ogg_opus(joined) and duration_seconds(joined) > alone + 0.5
    # A single recording is sent exactly as it was recorded.
    only = Speech(locale="nl", parts=[SpeechPart(locale="nl", recording=recorded)])
    assert await voices.render(only) == recorded


async def test_no_engine_for_a_language_is_an_error(tmp_path: Path) -> None:
    voices = Voices(tmp_path, [Espeak()])
    assert not voices.can_synthesize("ti")
    with pytest.raises(VoiceError):
        await voices.render(Speech(locale="ti", parts=[SpeechPart(locale="ti", text="ሰላም")]))


@needs_tools
def test_espeak_writes_the_wav_we_read() -> None:
    wav = subprocess.run(
        ["espeak-ng", "-v", "nl", "--stdout", "Goedemorgen"], capture_output=True, check=True
    ).stdout
    pcm = pcm_of_wav(wav)
    assert pcm.rate == 22050 and len(pcm.samples) > 10_000
