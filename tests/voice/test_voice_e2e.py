"""🔊 over the real PTB Application and the fake Bot API, as a chat transcript.

The fake follows the Bot API documentation: a user's voice message is a `Voice` object
(file_id, file_unique_id, duration, mime_type, file_size) fetched with getFile; the bot answers
with `sendVoice` (an OGG file encoded with OPUS, its `duration` in seconds, optional caption).
A voice note is checked as RFC 7845 describes it: an Ogg page (`OggS`) carrying `OpusHead`.
"""

from __future__ import annotations

import shutil
import subprocess
from typing import Any

import pytest

from handlers.context import notify_person
from handlers.types import Reply
from handlers.voice import messages
from handlers.voice.messages import text_hash, translation
from handlers.voice.ogg import duration_seconds, is_ogg_opus
from i18n import Translator, translator
from storage.people import find_by_identity
from storage.voices import add_recorder, get_recording, save_recording, set_auto_voice
from tests.e2e import E2E, button_with, say, tap, telegram  # noqa: F401
from tests.fakes.telegram_api import FakeUser, SentMessage

LISTEN = "🔊"
needs_espeak = pytest.mark.skipif(
    shutil.which("espeak-ng") is None or shutil.which("opusenc") is None,
    reason="espeak-ng and opus-tools come from Debian; .ci/run installs them",
)
needs_opus = pytest.mark.skipif(shutil.which("opusenc") is None, reason="opus-tools: .ci/run")


def recorded_voice(seconds: float = 1.5) -> bytes:
    """A real voice message: a tone encoded by opusenc, as a phone would send it."""
    rate = 16000
    samples = bytearray()
    for i in range(int(rate * seconds)):
        value = 8000 if (i // 20) % 2 else -8000  # 400 Hz square wave
        samples += value.to_bytes(2, "little", signed=True)
    args = ["opusenc", "--quiet", "--raw", "--raw-rate", str(rate), "--raw-chan", "1", "-", "-"]
    return subprocess.run(args, input=bytes(samples), capture_output=True, check=True).stdout


async def listen(user: FakeUser, message: SentMessage) -> SentMessage:
    [voice] = await tap(user, button_with(message, LISTEN))
    return voice


def assert_voice_note(voice: SentMessage, max_bytes: int = 40_000) -> None:
    assert voice.method.lower() == "sendvoice"
    assert voice.file is not None
    assert is_ogg_opus(voice.file), voice.file[:40]
    assert duration_seconds(voice.file) > 0
    assert int(voice.params["duration"]) >= 1
    assert len(voice.file) < max_bytes


@needs_espeak
@pytest.mark.parametrize("language_code", ["nl", "ar"])
async def test_listen_sends_a_synthetic_voice_note(telegram: E2E, language_code: str) -> None:  # noqa: F811
    user = telegram.user(501, language_code=language_code)
    [prompt] = await say(user, "/start")
    assert LISTEN in " ".join(prompt.button_texts)
    voice = await listen(user, prompt)
    assert_voice_note(voice)

    # The same message again comes from the cache: the very same bytes.
    again = await listen(user, prompt)
    assert again.file == voice.file


@needs_espeak
async def test_the_long_privacy_prompt_in_arabic(telegram: E2E) -> None:  # noqa: F811
    user = telegram.user(502, language_code="ar")
    await say(user, "/start")
    await tap(user, "ol:ar")
    [role] = await tap(user, "or:newcomer")
    assert LISTEN in " ".join(role.button_texts)  # the privacy step's prompt
    voice = await listen(user, role)
    assert_voice_note(voice, max_bytes=200_000)  # the whole short notice, about 75 seconds


async def test_language_without_recording_or_engine_has_no_listen(telegram: E2E) -> None:  # noqa: F811
    for user_id, code in ((503, "ti"), (504, "so"), (505, "ps")):
        user = telegram.user(user_id, language_code=code)
        [prompt] = await say(user, "/start")
        assert LISTEN not in " ".join(prompt.button_texts), (code, prompt.button_texts)


async def _make_recorder(e2e: E2E, user: FakeUser, locale: str) -> None:
    await say(user, "/start")  # the person exists once they wrote to the bot
    async with e2e.db.transaction() as tx:
        person = await find_by_identity(tx, "telegram", str(user.id))
        assert person is not None
        await add_recorder(tx, person.id, locale, e2e.clock())


@needs_opus
async def test_recorder_records_and_a_newcomer_hears_it(telegram: E2E) -> None:  # noqa: F811
    recorder = telegram.user(601, first_name="Selam", language_code="en")
    await _make_recorder(telegram, recorder, "ti")
    [prompt] = await say(recorder, "/record")
    first = translation("ti", messages.RECORDABLE[0])
    assert first in prompt.body
    assert "ትግርኛ" in prompt.body  # the language to read in, by its own name

    sound = recorded_voice()
    await recorder.send_voice(sound, duration=2, mime_type="audio/ogg")
    [saved] = await recorder.wait_messages(1)
    assert "✅" in saved.body
    [played] = await tap(recorder, "vr:play")
    assert played.method.lower() == "sendvoice" and played.file == sound

    [following] = await tap(recorder, "vr:next")
    assert translation("ti", messages.RECORDABLE[1]) in following.body

    # A Tigrinya newcomer: no engine speaks Tigrinya, but this message has a recording.
    newcomer = telegram.user(602, language_code="ti")
    [language_prompt] = await say(newcomer, "/start")
    voice = await listen(newcomer, language_prompt)
    assert voice.file == sound
    assert int(voice.params["duration"]) >= 1


@needs_opus
async def test_text_or_broken_audio_while_recording_changes_nothing(telegram: E2E) -> None:  # noqa: F811
    recorder = telegram.user(603, language_code="en")
    await _make_recorder(telegram, recorder, "so")
    await say(recorder, "/record")
    [kind, _prompt] = await say(recorder, "hello", 2)
    assert "voice message" in kind.body
    await recorder.send_voice(b"not audio at all", duration=1)
    [refused, _prompt] = await recorder.wait_messages(2)
    assert "🎙️" in refused.body
    async with telegram.db.transaction() as tx:
        assert await get_recording(tx, "so", messages.RECORDABLE[0]) is None


async def test_a_changed_translation_makes_the_recording_stale(
    telegram: E2E,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    recorder = telegram.user(604, language_code="en")
    await _make_recorder(telegram, recorder, "ti")
    key = messages.RECORDABLE[0]
    old = translation("ti", key)
    async with telegram.db.transaction() as tx:
        person = await find_by_identity(tx, "telegram", "604")
        assert person is not None
        await save_recording(
            tx, locale="ti", message_key=key, text_hash=text_hash(old), text=old,
            audio=b"OggS-recorded", seconds=2, recorder_id=person.id, now=telegram.clock(),
        )  # fmt: skip
    newcomer = telegram.user(605, language_code="ti")
    [prompt] = await say(newcomer, "/start")
    assert LISTEN in " ".join(prompt.button_texts)  # recorded and fresh

    # The translators change the message: the recording no longer matches it.
    changed = old + " !"
    real = translator("ti")._catalog

    class Changed:
        def gettext(self, message: str) -> str:
            return changed if message == key else real.gettext(message)

        def __getattr__(self, name: str) -> Any:
            return getattr(real, name)

    monkeypatch.setattr(translator("ti"), "_catalog", Changed())
    messages._by_line.cache_clear()
    try:
        [prompt] = await say(newcomer, "/start")
        assert LISTEN not in " ".join(prompt.button_texts)
        [record] = await say(recorder, "/record")
        assert changed in record.body and "🔁" in record.body
    finally:
        messages._by_line.cache_clear()


@needs_espeak
async def test_a_reminder_from_the_outbox_arrives_with_its_voice_note(telegram: E2E) -> None:  # noqa: F811
    user = telegram.user(606, language_code="nl")
    await say(user, "/start")
    async with telegram.db.transaction() as tx:
        person = await find_by_identity(tx, "telegram", "606")
        assert person is not None
        await set_auto_voice(tx, person.id, True, telegram.clock())

        def build(t: Translator) -> list[Reply]:
            return [Reply(text=t._("⏱️ What did you do?"))]

        queued = await notify_person(
            tx, telegram.clock(), person.id, build, key="test:606", purpose="reminder:test"
        )
    assert queued
    assert await telegram.drain_outbox() == 1
    text, voice = await user.wait_messages(2)
    assert text.body == translation("nl", "⏱️ What did you do?")
    assert_voice_note(voice)
