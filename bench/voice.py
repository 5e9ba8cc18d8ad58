"""Voice-note benchmark: synthesis + OGG/Opus encoding per engine, the cache hit, the size.

Renders one typical prompt (a /log step) and one offer-card-like message with a Dutch title in
an Arabic sentence, with every engine that is available here, then renders the same speech
again from the cache. Prints milliseconds and bytes; a typical prompt should stay < 40 KB.

    .venv/bin/python bench/voice.py
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from handlers.types import Speech
from handlers.voice.engines import engines
from handlers.voice.ogg import duration_seconds
from handlers.voice.render import Voices
from handlers.voice.spoken import spoken_parts
from i18n import translator

PROMPT = "⏱️ How long? Or type it, for example 2 or 1,5 or 90 min."


def messages() -> list[tuple[str, str, str]]:
    card = translator("ar")._("📍 {postcode} {place}", postcode="8900", place="Ieper")
    return [
        ("nl", "prompt", translator("nl")._(PROMPT)),
        ("ar", "prompt", translator("ar")._(PROMPT)),
        ("ar", "card", "🔎 <b>Taalcafé De Brug</b>\n" + card),
    ]


async def main() -> None:
    piper_dir = os.environ.get("PIPER_VOICES_DIR")
    chain = engines(Path(piper_dir) if piper_dir else None)
    print(f"{'engine':<10} {'locale':<6} {'message':<7} {'render ms':>10} {'cache ms':>9} "
          f"{'bytes':>7} {'seconds':>8}")  # fmt: skip
    with tempfile.TemporaryDirectory() as cache:
        for engine in chain:
            voices = Voices(Path(cache) / engine.name, [engine])
            for locale, label, text in messages():
                if not voices.can_synthesize(locale):
                    print(f"{engine.name:<10} {locale:<6} {label:<7} {'no voice':>10}")
                    continue
                speech = Speech(locale=locale, parts=spoken_parts(text, locale))
                start = time.perf_counter()
                ogg = await voices.render(speech)
                rendered = (time.perf_counter() - start) * 1000
                start = time.perf_counter()
                again = await voices.render(speech)
                cached = (time.perf_counter() - start) * 1000
                assert again == ogg
                print(f"{engine.name:<10} {locale:<6} {label:<7} {rendered:>10.0f} "
                      f"{cached:>9.2f} {len(ogg):>7} {duration_seconds(ogg):>8.1f}")  # fmt: skip


if __name__ == "__main__":
    asyncio.run(main())
