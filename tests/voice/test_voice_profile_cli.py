"""/profile's voice-note choice, the recorder's /mydata, and `python -m bot voices`."""

from __future__ import annotations

import base64
import json
import shutil
from pathlib import Path

import pytest

from bot.cli import main
from handlers.router import Router
from handlers.voice import messages
from handlers.voice.messages import text_hash, translation
from handlers.voice.spoken import segments, spoken_lines
from storage.db import Database
from storage.people import find_by_identity
from storage.voices import save_recording
from tests.conftest import Chat, onboard_newcomer

needs_espeak = pytest.mark.skipif(
    shutil.which("espeak-ng") is None or shutil.which("opusenc") is None,
    reason="espeak-ng and opus-tools come from Debian; .ci/run installs them",
)


def test_spoken_text_drops_markup_and_icons_and_reads_dutch_in_dutch() -> None:
    assert spoken_lines("🔒 <b>Your data</b>\n• We keep &amp; count") == [
        "Your data",
        "We keep & count",
    ]
    parts = segments("\u2068Taalcafé De Brug\u2069 في ٣ أيام", "ar")
    assert (parts[0].locale, parts[0].text) == ("nl", "Taalcafé De Brug")
    assert parts[-1].locale == "ar"


def test_spoken_text_stays_right_once_the_remembered_characters_are_full() -> None:
    """Icons are found through a table that remembers each character it has seen, but no
    more than `_REMEMBERED`: text from outside (names, offer titles) cannot grow it for ever."""
    from handlers.voice import spoken

    for start in range(0x4E00, 0x4E00 + spoken._REMEMBERED + 500, 1000):  # CJK letters
        spoken_lines("".join(map(chr, range(start, start + 1000))))
    assert len(spoken._UNSAID) <= spoken._REMEMBERED
    assert spoken_lines("🎉 \u200bМузей ☕ 𝄞\u2066Gent\u2069") == ["Музей Gent"]


@needs_espeak
async def test_auto_voice_from_profile(router: Router) -> None:
    chat = Chat(router, address="7001", channel="telegram")
    await onboard_newcomer(chat, locale="nl")
    await chat.say("/profile")
    await chat.tap("🔊")
    assert "🔊" in chat.text
    await chat.press("va:on")
    # From now on a prompt comes with its voice note, without pressing 🔊.
    replies = await chat.say("/log")
    speech = replies[-1].speech
    assert speech is not None and speech.locale == "nl"
    assert [part.text for part in speech.parts] == spoken_lines(replies[-2].text)
    await chat.press("va:off")
    replies = await chat.say("/log")
    assert all(r.speech is None for r in replies)
    assert any(b.data == "vo" for row in replies[-1].buttons for b in row)


async def test_recordings_are_in_the_recorders_mydata(chat: Chat, db: Database) -> None:
    await onboard_newcomer(chat)
    async with db.transaction() as tx:
        person = await find_by_identity(tx, "console", chat.address)
        assert person is not None
        key = messages.RECORDABLE[0]
        text = translation("ti", key)
        await save_recording(
            tx, locale="ti", message_key=key, text_hash=text_hash(text), text=text,
            audio=b"OggS...", seconds=2, recorder_id=person.id, now=chat.router.clock(),
        )  # fmt: skip
    *_summary, reply = await chat.say("/mydata")  # a short summary first, then the file
    assert reply.document is not None
    document = json.loads(reply.document.content)
    [row] = document["voice_recordings"]
    assert row["message_key"] == key and row["locale"] == "ti"
    assert base64.b64decode(row["audio"]["base64"]) == b"OggS..."  # their voice, to keep


def test_cli_recorder_and_status(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "cli.sqlite3"))
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    assert main(["voices", "recorder", "add", "--telegram-id", "4242", "--locale", "ti"]) == 0
    assert main(["voices", "status"]) == 0
    out = capsys.readouterr().out
    ti = next(line for line in out.splitlines() if line.startswith("ti "))
    # No engine speaks Tigrinya and nothing is recorded yet: every message has nothing.
    assert ti.split()[1:5] == ["0", "0", "0", str(len(messages.RECORDABLE))]
    assert main(["voices", "recorder", "remove", "--telegram-id", "4242"]) == 0
    assert main(["voices", "recorder", "add", "--telegram-id", "x", "--locale", "ti"]) == 2
