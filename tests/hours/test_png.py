"""The PNG writer against the PNG specification (ISO/IEC 15948, §5 chunk layout, §11.2.2
IHDR) and against Pillow's own PNG decoder."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image, ImageDraw

from handlers.hours.png import SIGNATURE, png_bytes


def _chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    assert data.startswith(SIGNATURE)
    out, pos = [], len(SIGNATURE)
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert crc == zlib.crc32(kind + body), kind
        out.append((kind, body))
        pos += 12 + length
    return out


def test_decodes_to_the_same_pixels() -> None:
    image = Image.new("RGB", (37, 11), (250, 190, 20))
    draw = ImageDraw.Draw(image)
    draw.ellipse([3, 2, 30, 9], fill=(0, 114, 178), outline=(1, 2, 3))
    data = png_bytes(image)
    kinds = [kind for kind, _ in _chunks(data)]
    assert kinds == [b"IHDR", b"IDAT", b"IEND"]
    ihdr = _chunks(data)[0][1]
    assert struct.unpack(">IIBBBBB", ihdr) == (37, 11, 8, 2, 0, 0, 0)
    decoded = Image.open(io.BytesIO(data))
    assert decoded.mode == "RGB"
    assert decoded.tobytes() == image.tobytes()


def test_only_rgb() -> None:
    with pytest.raises(ValueError):
        png_bytes(Image.new("RGBA", (2, 2)))
