"""The bundled Noto fonts (SIL OFL 1.1): one place that knows where they are and loads them."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

FONT_DIR = Path(__file__).resolve().parent / "assets" / "fonts"
SANS = FONT_DIR / "NotoSans-Regular.ttf"
SANS_BOLD = FONT_DIR / "NotoSans-Bold.ttf"
ARABIC = FONT_DIR / "NotoNaskhArabic-Regular.ttf"
ETHIOPIC = FONT_DIR / "NotoSansEthiopic-Regular.ttf"


@lru_cache(maxsize=16)
def pil_font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """Noto Sans for pictures. Digits and Latin words only: the basic layout is enough, and
    much faster than raqm. Falls back to Pillow's own font if the file cannot be read."""
    try:
        return ImageFont.truetype(
            str(SANS_BOLD if bold else SANS), size, layout_engine=ImageFont.Layout.BASIC
        )
    except OSError:
        return ImageFont.load_default(size=size)
