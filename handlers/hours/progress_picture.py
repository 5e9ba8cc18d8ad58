"""Language-free progress picture: one slot per target hour, in rows of ten.

Pure rendering (Pillow only): no database, no Telegram. The picture holds almost no
text, only digits ("12 / 40"), so it reads the same in every language:

* a header with counted hours versus the target, a light box with hours the person
  noted themselves, a dashed box with the pending hours, and a "+N" pill for hours
  beyond the target;
* a grid of slots, one per target hour, in rows of ten (more for very large targets), so
  every row end is a round number: confirmed hours fill slots in order with the kind's
  colour and pictogram, self-noted hours follow in a light tint of the kind colour with a
  solid border, pending hours as white slots with a dashed border, the rest light grey.
  Right-to-left readers get the rows filled from the right;
* a star at the end of every row (and at the target), gold when the counted hours reach it;
* at the target, a gold frame and stars around the header: the celebration picture;
* a legend row with a tile per kind present and its hours.

Everything is drawn at twice the size and box-reduced, which smooths edges while
keeping flat areas (slot centres, borders, star centres) at their exact colours. Slots and
stars are reduced once, as sprites with an alpha channel, and kept; a picture then only draws
its header and legend strips at twice the size (~5 ms for a picture, not ~15).
`emoji_bar` is the same picture in text, square for square.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from PIL import Image, ImageDraw

from handlers.fonts import pil_font
from handlers.hours.png import png_bytes
from handlers.hours.progress_bar import LOOKS, columns, emoji_bar, format_hours, milestone_hours
from handlers.hours.progress_icons import (
    KIND_COLOURS,
    KINDS,
    PENDING_FILL,
    dashed_rect,
    draw_icon,
    star,
)
from handlers.hours.progress_sprites import (
    EMPTY_COLOUR,
    GOLD_EDGE,
    MILESTONE_GOLD,
    MILESTONE_GREY,
    SUPERSAMPLE,
    self_noted_fill,
    slot_sprite,
    star_sprite,
)

__all__ = [
    "CELEBRATION_GOLD",
    "EMPTY_COLOUR",
    "HEIGHT",
    "KINDS",
    "KIND_COLOURS",
    "MAX_TARGET",
    "MILESTONE_GOLD",
    "MILESTONE_GREY",
    "PENDING_FILL",
    "WIDTH",
    "HoursSlice",
    "emoji_bar",
    "format_hours",
    "milestone_markers",
    "render_progress",
    "self_noted_fill",
    "slot_layout",
]

WIDTH, HEIGHT = 800, 600
BACKGROUND = (255, 255, 255)
CELEBRATION_GOLD = MILESTONE_GOLD
TEXT_COLOUR = (45, 45, 45)
OVER_COLOUR = (0, 130, 70)

_GRID = (24, 104, 776, 500)  # area for the slots (x0, y0, x1, y1), 1x pixels
_LEGEND_Y = (512, 592)
_FRAME = 10  # the celebration frame, 1x pixels
MAX_TARGET = 500  # beyond this the slots get too small to see

Box = tuple[int, int, int, int]


@dataclass(frozen=True)
class HoursSlice:
    """Hours of one kind. `confirmed`: they count; `self_declared`: the person noted them
    without a confirmation (drawn apart, whether they count or not); else still pending."""

    kind: str
    hours: float
    confirmed: bool
    self_declared: bool = False

    def __post_init__(self) -> None:
        if self.kind not in KIND_COLOURS:
            raise ValueError(f"unknown kind: {self.kind!r}")
        if not (self.hours > 0 and math.isfinite(self.hours)):
            raise ValueError(f"hours must be a positive number, got {self.hours!r}")

    @property
    def look(self) -> str:
        """How its slots are drawn: "confirmed", "self" or "pending"."""
        return "self" if self.self_declared else "confirmed" if self.confirmed else "pending"


# --------------------------------------------------------------------------- layout


@lru_cache(maxsize=64)
def _layout(target_hours: int, rtl: bool) -> tuple[tuple[Box, ...], int]:
    if not 0 < target_hours <= MAX_TARGET:
        raise ValueError(f"target_hours must be between 1 and {MAX_TARGET}")
    cols = columns(target_hours)
    rows = math.ceil(target_hours / cols)
    gx0, gy0, gx1, gy1 = _GRID
    pitch = min((gx1 - gx0) / cols, (gy1 - gy0) / rows, 110.0)
    gap = max(2, round(pitch * 0.16))
    size = max(4, math.floor(pitch) - gap)
    step = size + gap
    left = gx0 + ((gx1 - gx0) - (cols * step - gap)) // 2
    top = gy0 + ((gy1 - gy0) - (rows * step - gap)) // 2
    boxes = []
    for i in range(target_hours):
        r, c = divmod(i, cols)
        if rtl:
            c = cols - 1 - c
        x0, y0 = left + c * step, top + r * step
        boxes.append((x0, y0, x0 + size, y0 + size))
    return tuple(boxes), size


def slot_layout(target_hours: int, rtl: bool = False) -> list[tuple[int, int, int, int]]:
    """Pixel boxes ``(x0, y0, x1, y1)`` of the slots, in hour order; x1 and y1 exclusive.

    The centre pixel ``((x0 + x1) // 2, (y0 + y1) // 2)`` always shows the slot's
    colour (kind colour, tint for self-noted, white for pending, grey for empty) for whole
    hours. With `rtl` the first slot of a row is its rightmost.
    """
    return list(_layout(target_hours, rtl)[0])


def _star_geometry(target_hours: int, hours: int, rtl: bool) -> tuple[float, float, float]:
    boxes, size = _layout(target_hours, rtl)
    x0, y0, x1, _ = boxes[hours - 1]
    radius = size * (0.27 if hours == target_hours else 0.21)
    x = x0 + size * 0.06 if rtl else x1 - size * 0.06  # the outer corner, where the row ends
    return x, y0 + size * 0.06, radius


def milestone_markers(target_hours: int, rtl: bool = False) -> list[tuple[int, tuple[int, int]]]:
    """Milestones as ``(hours, (x, y))``: the hours to reach and the star's centre pixel."""
    out = []
    for h in milestone_hours(target_hours):
        cx, cy, _ = _star_geometry(target_hours, h, rtl)
        out.append((h, (math.floor(cx), math.floor(cy))))
    return out


# --------------------------------------------------------------------------- drawing


_font = pil_font


def _ordered(slices: Sequence[HoursSlice]) -> list[HoursSlice]:
    """Counted slices first (confirmed, then counted self-noted), then not counted
    self-noted ones, then pending ones, each in input order."""

    def rank(x: HoursSlice) -> int:
        return (0 if not x.self_declared else 1) if x.confirmed else (2 if x.self_declared else 3)

    return sorted(slices, key=rank)


def _timeline(slices: Sequence[HoursSlice]) -> list[tuple[float, float, str, str]]:
    """Segments ``(start, end, kind, look)`` in hours, in `_ordered` order."""
    out: list[tuple[float, float, str, str]] = []
    pos = 0.0
    for x in _ordered(slices):
        out.append((pos, pos + x.hours, x.kind, x.look))
        pos += x.hours
    return out


def _draw_header(
    draw: ImageDraw.ImageDraw,
    counted: float,
    noted: float,
    pending: float,
    target: int,
    rtl: bool,
) -> None:
    s = SUPERSAMPLE
    cy = 50 * s
    big, small = _font(46 * s), _font(30 * s)
    bs = 34 * s
    main = f"{format_hours(counted)} / {target}"
    items: list[tuple[str, float, str]] = [("main", draw.textlength(main, font=big), main)]
    over = counted - target
    if over > 1e-9:
        text = "+" + format_hours(over)
        items.append(("over", draw.textlength(text, font=small) + 28 * s, text))
    for name, hours in (("self", noted), ("pending", pending)):
        if hours > 1e-9:
            text = format_hours(hours)
            items.append((name, bs + 10 * s + draw.textlength(text, font=small), text))
    if rtl:
        items.reverse()
    spacing = 28 * s
    total = sum(width for _, width, _ in items) + spacing * (len(items) - 1)
    x = (WIDTH * s - total) / 2
    for name, width, text in items:
        if name == "main":
            draw.text((x, cy), text, font=big, fill=TEXT_COLOUR, anchor="lm")
        elif name == "over":
            draw.rounded_rectangle(
                [x, cy - 22 * s, x + width, cy + 22 * s], radius=22 * s, fill=OVER_COLOUR
            )
            draw.text((x + width / 2, cy), text, font=small, fill=(255, 255, 255), anchor="mm")
        else:
            bx = x + width - bs if rtl else x
            box = (round(bx), round(cy - bs / 2), round(bx + bs) - 1, round(cy + bs / 2) - 1)
            if name == "self":
                draw.rectangle(box, fill=self_noted_fill("other"), outline=(120, 120, 120),
                               width=3 * s)  # fmt: skip
            else:
                dashed_rect(draw, box, (120, 120, 120), 3 * s, 7 * s, 5 * s)
            tx, anchor = (bx - 10 * s, "rm") if rtl else (x + bs + 10 * s, "lm")
            draw.text((tx, cy), text, font=small, fill=TEXT_COLOUR, anchor=anchor)
        x += width + spacing


def _draw_legend(draw: ImageDraw.ImageDraw, slices: Sequence[HoursSlice], rtl: bool) -> None:
    """A tile per kind present with its hours, drawn as its first look (confirmed,
    self-noted, pending)."""
    hours: dict[str, dict[str, float]] = {}
    for sl in _ordered(slices):
        by_look = hours.setdefault(sl.kind, {})
        by_look[sl.look] = by_look.get(sl.look, 0.0) + sl.hours
    kinds = sorted(hours, key=lambda k: min(LOOKS.index(look) for look in hours[k]))
    if not kinds:
        return
    if rtl:
        kinds.reverse()
    s = SUPERSAMPLE
    gx0, _, gx1, _ = _GRID
    pitch = min(64.0, (gx1 - gx0) / len(kinds))
    tile = min(40.0, pitch - 10)
    font = _font(16 * s)
    left = (WIDTH - pitch * len(kinds)) / 2
    y0 = _LEGEND_Y[0]
    for i, kind in enumerate(kinds):
        look = min(hours[kind], key=LOOKS.index)
        cx = left + pitch * (i + 0.5)
        box = (
            round((cx - tile / 2) * s),
            y0 * s,
            round((cx + tile / 2) * s) - 1,
            round((y0 + tile) * s) - 1,
        )
        icon_at = (cx * s, (y0 + tile / 2) * s, tile * 0.32 * s)
        colour = KIND_COLOURS[kind]
        width = max(2, round(tile * 0.07)) * s
        if look == "confirmed":
            draw.rounded_rectangle(box, radius=tile * 0.16 * s, fill=colour)
            draw_icon(draw, kind, *icon_at)
        elif look == "self":
            draw.rectangle(box, fill=self_noted_fill(kind), outline=colour, width=width)
            draw_icon(draw, kind, *icon_at, outline_only=True, on=self_noted_fill(kind))
        else:
            dashed_rect(draw, box, colour, width, round(tile * 0.2) * s, round(tile * 0.1) * s)
            draw_icon(draw, kind, *icon_at, outline_only=True)
        draw.text(
            (cx * s, (y0 + tile + 6) * s),
            format_hours(hours[kind][look]),
            font=font,
            fill=TEXT_COLOUR,
            anchor="mt",
        )


def _draw_celebration(draw: ImageDraw.ImageDraw) -> None:
    """The target is reached: gold stars left and right of the header (the frame is drawn
    on the finished picture)."""
    s = SUPERSAMPLE
    for cx in (70, 130, WIDTH - 130, WIDTH - 70):
        r = 30 if cx in (70, WIDTH - 70) else 20
        star(draw, cx * s, 52 * s, r * s, CELEBRATION_GOLD, GOLD_EDGE)


def render_progress(
    slices: Sequence[HoursSlice], target_hours: int = 40, rtl: bool = False
) -> bytes:
    """Render the progress picture as PNG bytes (800×600, deterministic).

    The same hours give the same picture: the last pictures are kept, so asking twice (or
    many people with no hours yet) costs nothing the second time."""
    return _rendered(tuple(slices), target_hours, rtl)


@lru_cache(maxsize=64)
def _rendered(slices: tuple[HoursSlice, ...], target_hours: int, rtl: bool) -> bytes:
    boxes, size = _layout(target_hours, rtl)
    s = SUPERSAMPLE
    counted = sum(x.hours for x in slices if x.confirmed)
    noted = sum(x.hours for x in slices if x.self_declared and not x.confirmed)
    pending = sum(x.hours for x in slices if x.look == "pending")
    celebrating = counted >= target_hours - 1e-9

    # Header and legend: drawn at twice the size, and only their strips are reduced.
    big = Image.new("RGB", (WIDTH * s, HEIGHT * s), BACKGROUND)
    draw = ImageDraw.Draw(big)
    if celebrating:
        _draw_celebration(draw)
    _draw_header(draw, counted, noted, pending, target_hours, rtl)
    _draw_legend(draw, slices, rtl)
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    for y0, y1 in ((0, _GRID[1]), (_GRID[3], HEIGHT)):
        image.paste(big.reduce(s, (0, y0 * s, WIDTH * s, y1 * s)), (0, y0))

    segments = _timeline(slices)
    for i, box in enumerate(boxes):
        parts = tuple(
            (max(a, i) - i, min(b, i + 1) - i, kind, look)
            for a, b, kind, look in segments
            if a < i + 1 and b > i
        )
        sprite = slot_sprite(size, parts, rtl)
        image.paste(sprite, box[:2], sprite)

    for h in milestone_hours(target_hours):
        cx, cy, r = _star_geometry(target_hours, h, rtl)
        x, y = math.floor(cx - r) - 2, math.floor(cy - r) - 2
        sprite = star_sprite(cx - x, cy - y, r, counted >= h - 1e-9)
        image.paste(sprite, (x, y), sprite)

    if celebrating:  # the gold frame
        ImageDraw.Draw(image).rectangle(
            [0, 0, WIDTH - 1, HEIGHT - 1], outline=CELEBRATION_GOLD, width=_FRAME
        )
    return png_bytes(image)
