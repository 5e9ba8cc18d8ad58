"""Just enough of Ogg (RFC 3533) and Opus in Ogg (RFC 7845) to check a voice note and time it."""

from __future__ import annotations

import struct

OPUS_RATE = 48000  # granule positions of Ogg Opus count 48 kHz samples (RFC 7845, 4)


def is_ogg_opus(data: bytes) -> bool:
    """An Ogg stream whose first page carries an OpusHead identification header."""
    return data[:4] == b"OggS" and len(data) > 36 and data[28:36] == b"OpusHead"


def duration_seconds(data: bytes) -> float:
    """Length of an Ogg Opus stream: last granule position less the pre-skip, in seconds."""
    if not is_ogg_opus(data):
        return 0.0
    pre_skip = struct.unpack_from("<H", data, 28 + 10)[0]
    last = data.rfind(b"OggS")
    if last < 0 or last + 14 > len(data):
        return 0.0
    granule = struct.unpack_from("<q", data, last + 6)[0]
    return max(0.0, (granule - pre_skip) / OPUS_RATE)
