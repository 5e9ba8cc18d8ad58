"""The progress picture's slots and milestone stars, drawn at twice the size, reduced once
as sprites with an alpha channel, and kept: most slots of a picture look alike (empty, or one
whole hour of a kind), so a picture pastes sprites instead of drawing (see
`handlers.hours.progress_picture`)."""

from __future__ import annotations

import math
from functools import lru_cache

from PIL import Image, ImageDraw

from handlers.hours.progress_icons import (
    KIND_COLOURS,
    PENDING_FILL,
    RGB,
    dashed_rect,
    draw_icon,
    star,
)

EMPTY_COLOUR = (225, 225, 225)
MILESTONE_GOLD = (250, 190, 20)
MILESTONE_GREY = (185, 185, 185)
GOLD_EDGE, GREY_EDGE = (160, 105, 0), (150, 150, 150)
SELF_NOTED_SHARE = 0.35  # how much of the kind colour the tint of self-noted hours keeps
SUPERSAMPLE = 2  # supersampling factor


def self_noted_fill(kind: str) -> RGB:
    """The light tint that fills a slot of hours the person noted themselves."""
    r, g, b = KIND_COLOURS[kind]
    k = SELF_NOTED_SHARE
    return (
        round(r * k + 255 * (1 - k)),
        round(g * k + 255 * (1 - k)),
        round(b * k + 255 * (1 - k)),
    )


def _slot_tile(
    size: int, parts: tuple[tuple[float, float, str, str], ...], rtl: bool
) -> tuple[Image.Image, Image.Image]:
    """A slot's picture and its rounded mask, at the supersampled size."""
    s = SUPERSAMPLE
    w = size * s
    tile = Image.new("RGB", (w, w), EMPTY_COLOUR)
    draw = ImageDraw.Draw(tile)
    border = max(2, round(size * 0.065)) * s
    dash, gap = max(2, round(size * 0.16)) * s, max(2, round(size * 0.09)) * s
    cover: dict[tuple[str, str], float] = {}
    for a, b, kind, look in parts:
        xa, xb = round(a * w), round(b * w) - 1
        if rtl:
            xa, xb = w - 1 - xb, w - 1 - xa
        if xb < xa:
            continue
        colour = KIND_COLOURS[kind]
        cover[kind, look] = cover.get((kind, look), 0.0) + (b - a)
        if look == "confirmed":
            draw.rectangle([xa, 0, xb, w - 1], fill=colour)
        elif look == "self":
            draw.rectangle([xa, 0, xb, w - 1], fill=self_noted_fill(kind))
            draw.rectangle([xa, 0, xb, w - 1], outline=colour, width=border)
        else:
            draw.rectangle([xa, 0, xb, w - 1], fill=PENDING_FILL)
            dashed_rect(draw, (xa, 0, xb, w - 1), colour, border, dash, gap)
    whole = [key for key, share in cover.items() if share > 0.999]  # one kind and look
    if whole:
        (kind, look) = whole[0]
        if look == "confirmed":
            draw_icon(draw, kind, w / 2, w * 0.295, w * 0.19)
        elif look == "self":
            draw_icon(draw, kind, w / 2, w * 0.295, w * 0.17, True, self_noted_fill(kind))
    mask = Image.new("L", (w, w), 0)
    ImageDraw.Draw(mask).rounded_rectangle([0, 0, w - 1, w - 1], radius=round(w * 0.16), fill=255)
    return tile, mask


@lru_cache(maxsize=256)
def slot_sprite(
    size: int, parts: tuple[tuple[float, float, str, str], ...], rtl: bool
) -> Image.Image:
    """A slot at its real size with its rounded corners in the alpha channel. Most slots
    of a picture look alike (empty, or one whole hour of a kind): each look is made once."""
    tile, mask = _slot_tile(size, parts, rtl)
    sprite = tile.copy()
    sprite.putalpha(mask)
    return sprite.reduce(SUPERSAMPLE)  # RGBA is reduced premultiplied: edges blend, not darken


@lru_cache(maxsize=256)
def star_sprite(cx: float, cy: float, r: float, reached: bool) -> Image.Image:
    """A milestone star centred at (cx, cy) of a transparent sprite, at its real size."""
    s = SUPERSAMPLE
    width, height = (math.ceil(cx + r) + 2) * s, (math.ceil(cy + r) + 2) * s
    sprite = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    fill, outline = (MILESTONE_GOLD, GOLD_EDGE) if reached else (MILESTONE_GREY, GREY_EDGE)
    star(ImageDraw.Draw(sprite), cx * s, cy * s, r * s, (*fill, 255), (*outline, 255))
    return sprite.reduce(s)
