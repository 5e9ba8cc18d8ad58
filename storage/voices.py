"""Voice recorders, their recordings (per language and message) and voice-note preferences."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from storage.clock import iso, parse_required
from storage.db import Tx


class Recording(BaseModel):
    id: int
    locale: str
    message_key: str
    text_hash: str
    text: str
    audio: bytes
    seconds: int
    recorder_id: int
    recorded_at: datetime


class Recorder(BaseModel):
    person_id: int
    locale: str
    network_id: int | None = None
    telegram_id: str | None = None


async def add_recorder(
    tx: Tx, person_id: int, locale: str, now: datetime, network_id: int | None = None
) -> None:
    """Make a person a recorder for `locale` (a second call changes the language)."""
    await tx.execute(
        "INSERT INTO voice_recorders (person_id, locale, network_id, added_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (person_id) DO UPDATE SET locale = excluded.locale,"
        " network_id = COALESCE(excluded.network_id, voice_recorders.network_id)",
        (person_id, locale, network_id, iso(now)),
    )


async def remove_recorder(tx: Tx, person_id: int) -> bool:
    return await tx.rowcount("DELETE FROM voice_recorders WHERE person_id = ?", (person_id,)) > 0


_RECORDERS = (
    "SELECT r.person_id, r.locale, r.network_id, i.address AS telegram_id FROM voice_recorders r"
    " LEFT JOIN identities i ON i.person_id = r.person_id AND i.channel = 'telegram'"
)


async def recorder_of(tx: Tx, person_id: int) -> Recorder | None:
    row = await tx.one(_RECORDERS + " WHERE r.person_id = ?", (person_id,))
    return Recorder(**dict(row)) if row else None


async def list_recorders(tx: Tx, network_id: int | None = None) -> list[Recorder]:
    if network_id is None:
        rows = await tx.all(_RECORDERS + " ORDER BY r.locale, r.person_id")
    else:
        rows = await tx.all(
            _RECORDERS + " WHERE r.network_id = ? ORDER BY r.locale, r.person_id", (network_id,)
        )
    return [Recorder(**dict(row)) for row in rows]


async def save_recording(
    tx: Tx,
    *,
    locale: str,
    message_key: str,
    text_hash: str,
    text: str,
    audio: bytes,
    seconds: int,
    recorder_id: int,
    now: datetime,
) -> None:
    """Store (or replace) the recording of one message in one language."""
    await tx.execute(
        "INSERT INTO voice_recordings (locale, message_key, text_hash, text, audio, seconds,"
        " recorder_id, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (locale, message_key) DO UPDATE SET text_hash = excluded.text_hash,"
        " text = excluded.text, audio = excluded.audio, seconds = excluded.seconds,"
        " recorder_id = excluded.recorder_id, recorded_at = excluded.recorded_at",
        (locale, message_key, text_hash, text, audio, seconds, recorder_id, iso(now)),
    )


async def get_recording(tx: Tx, locale: str, message_key: str) -> Recording | None:
    row = await tx.one(
        "SELECT * FROM voice_recordings WHERE locale = ? AND message_key = ?",
        (locale, message_key),
    )
    if row is None:
        return None
    data = dict(row)
    data["recorded_at"] = parse_required(data["recorded_at"])
    return Recording(**data)


async def recording_hash(tx: Tx, locale: str, message_key: str) -> str | None:
    """The text hash of a recording, without reading its audio."""
    value = await tx.scalar(
        "SELECT text_hash FROM voice_recordings WHERE locale = ? AND message_key = ?",
        (locale, message_key),
    )
    return str(value) if value is not None else None


async def recorded_hashes(tx: Tx, locale: str | None = None) -> dict[tuple[str, str], str]:
    """(locale, message_key) → the text hash each recording was made of (no audio read)."""
    sql = "SELECT locale, message_key, text_hash FROM voice_recordings"
    rows = await (tx.all(sql + " WHERE locale = ?", (locale,)) if locale else tx.all(sql))
    return {(row["locale"], row["message_key"]): row["text_hash"] for row in rows}


async def auto_voice(tx: Tx, person_id: int) -> bool:
    value = await tx.scalar(
        "SELECT auto_voice FROM voice_preferences WHERE person_id = ?", (person_id,)
    )
    return bool(value)


async def set_auto_voice(tx: Tx, person_id: int, on: bool, now: datetime) -> None:
    await tx.execute(
        "INSERT INTO voice_preferences (person_id, auto_voice, updated_at) VALUES (?, ?, ?)"
        " ON CONFLICT (person_id) DO UPDATE SET auto_voice = excluded.auto_voice,"
        " updated_at = excluded.updated_at",
        (person_id, int(on), iso(now)),
    )
