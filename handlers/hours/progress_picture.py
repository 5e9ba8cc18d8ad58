"""Language-free progress picture: one slot per target hour, filled by kind colour.

Pure rendering (Pillow only): no database, no Telegram. The picture holds almost no
text, only digits ("12 / 40"), so it reads the same in every language:

* a header with confirmed hours versus the target, a dashed box with the pending
  hours, and a "+N" pill for hours beyond the target;
* a grid of slots, one per target hour: confirmed hours fill slots in order with the
  kind's colour and pictogram (fractions fill part of a slot from the left), pending
  hours follow as white slots with a dashed border in the kind colour, the rest is
  light grey;
* stars on the slots of the milestones (1/4, 1/2, 3/4 and the target), gold when the
  confirmed hours reach them, grey otherwise;
* a legend row with a tile per kind present and its confirmed hours.

Everything is drawn at twice the size and box-reduced, which smooths edges while
keeping flat areas (slot centres, borders, star centres) at their exact colours.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from PIL import Image, ImageDraw

from handlers.fonts import pil_font

__all__ = [
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
    "slot_layout",
]

KINDS = (
    "buddy",
    "volunteering",
    "placement",
    "language",
    "sport",
    "culture",
    "youth",
    "nature",
    "care",
    "neighbourhood",
    "cooking",
    "crafts",
    "library",
    "music",
    "other",
)

# Okabe-Ito and Paul Tol colours: told apart with the common colour-vision deficiencies
# as far as 15 colours allow; the pictogram tells the kinds apart as well.
KIND_COLOURS: dict[str, tuple[int, int, int]] = {
    "buddy": (0, 114, 178),  # blue
    "volunteering": (213, 94, 0),  # vermillion
    "placement": (0, 158, 115),  # bluish green
    "language": (204, 121, 167),  # reddish purple
    "sport": (230, 159, 0),  # orange
    "culture": (86, 180, 233),  # sky blue
    "youth": (240, 228, 66),  # yellow
    "nature": (17, 119, 51),  # green
    "care": (204, 102, 119),  # rose
    "neighbourhood": (136, 34, 85),  # wine
    "cooking": (153, 153, 51),  # olive
    "crafts": (150, 90, 40),  # brown
    "library": (51, 34, 136),  # indigo
    "music": (170, 68, 153),  # purple
    "other": (105, 105, 105),  # dark grey
}

WIDTH, HEIGHT = 800, 600
BACKGROUND = (255, 255, 255)
EMPTY_COLOUR = (225, 225, 225)
PENDING_FILL = (255, 255, 255)
MILESTONE_GOLD = (250, 190, 20)
MILESTONE_GREY = (185, 185, 185)
TEXT_COLOUR = (45, 45, 45)
OVER_COLOUR = (0, 130, 70)

_SS = 2  # supersampling factor
_GRID = (24, 104, 776, 500)  # area for the slots (x0, y0, x1, y1), 1x pixels
_LEGEND_Y = (512, 592)
_MILESTONES = (0.25, 0.5, 0.75, 1.0)
MAX_TARGET = 500  # beyond this the slots get too small to see

RGB = tuple[int, int, int]
Box = tuple[int, int, int, int]


@dataclass(frozen=True)
class HoursSlice:
    """Hours of one kind, confirmed or still pending."""

    kind: str
    hours: float
    confirmed: bool

    def __post_init__(self) -> None:
        if self.kind not in KIND_COLOURS:
            raise ValueError(f"unknown kind: {self.kind!r}")
        if not (self.hours > 0 and math.isfinite(self.hours)):
            raise ValueError(f"hours must be a positive number, got {self.hours!r}")


# --------------------------------------------------------------------------- numbers


def format_hours(hours: float) -> str:
    """Hours as plain digits with at most two decimals and a decimal comma: 12, 1,5."""
    q = Decimal(repr(float(hours))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    text = format(q.normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text.replace(".", ",")


def emoji_bar(confirmed_hours: float, target_hours: int, cells: int = 10) -> str:
    """Text bar for chat messages, e.g. ``"🟩🟩🟩⬜⬜⬜⬜⬜⬜⬜ 12/40"``.

    A cell turns green only once its share of the target is fully confirmed.
    """
    if target_hours <= 0:
        raise ValueError("target_hours must be positive")
    if cells <= 0:
        raise ValueError("cells must be positive")
    hours = max(0.0, float(confirmed_hours))
    filled = min(cells, math.floor(hours * cells / target_hours + 1e-9))
    return "🟩" * filled + "⬜" * (cells - filled) + f" {format_hours(hours)}/{target_hours}"


# --------------------------------------------------------------------------- layout


def _columns(target: int) -> int:
    """Columns for ``target`` slots: a divisor near a 8:5 grid when there is one."""
    ideal = math.sqrt(target * 1.6)
    divisors = [d for d in range(1, target + 1) if target % d == 0]
    best = min(divisors, key=lambda d: (abs(d - ideal), -d))
    if abs(best - ideal) <= 0.35 * ideal:
        return best
    return max(1, math.ceil(ideal))


@lru_cache(maxsize=64)
def _layout(target_hours: int) -> tuple[tuple[Box, ...], int]:
    if not 0 < target_hours <= MAX_TARGET:
        raise ValueError(f"target_hours must be between 1 and {MAX_TARGET}")
    cols = _columns(target_hours)
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
        x0, y0 = left + c * step, top + r * step
        boxes.append((x0, y0, x0 + size, y0 + size))
    return tuple(boxes), size


def slot_layout(target_hours: int) -> list[tuple[int, int, int, int]]:
    """Pixel boxes ``(x0, y0, x1, y1)`` of the slots, in hour order; x1 and y1 exclusive.

    The centre pixel ``((x0 + x1) // 2, (y0 + y1) // 2)`` always shows the slot's
    colour (kind colour, white for pending, grey for empty) for whole hours.
    """
    return list(_layout(target_hours)[0])


def _milestone_hours(target_hours: int) -> list[int]:
    hours: list[int] = []
    for fraction in _MILESTONES:
        h = max(1, math.ceil(target_hours * fraction - 1e-9))
        if h not in hours:
            hours.append(h)
    return hours


def _star_geometry(target_hours: int, hours: int) -> tuple[float, float, float]:
    boxes, size = _layout(target_hours)
    _, y0, x1, _ = boxes[hours - 1]
    radius = size * (0.27 if hours == target_hours else 0.21)
    return x1 - size * 0.06, y0 + size * 0.06, radius


def milestone_markers(target_hours: int) -> list[tuple[int, tuple[int, int]]]:
    """Milestones as ``(hours, (x, y))``: the hours to reach and the star's centre pixel."""
    out = []
    for h in _milestone_hours(target_hours):
        cx, cy, _ = _star_geometry(target_hours, h)
        out.append((h, (math.floor(cx), math.floor(cy))))
    return out


# --------------------------------------------------------------------------- pictograms


class _Pen:
    """Draws in a unit square [-1, 1]² centred on (cx, cy) with half-size r (2x pixels)."""

    def __init__(
        self, draw: ImageDraw.ImageDraw, cx: float, cy: float, r: float, fg: RGB, bg: RGB
    ) -> None:
        self.draw, self.cx, self.cy, self.r, self.fg, self.bg = draw, cx, cy, r, fg, bg

    def p(self, u: float, v: float) -> tuple[float, float]:
        return (self.cx + u * self.r, self.cy + v * self.r)

    def box(self, u0: float, v0: float, u1: float, v1: float) -> list[float]:
        (a, b), (c, d) = self.p(u0, v0), self.p(u1, v1)
        return [a, b, c, d]

    def ellipse(self, u0: float, v0: float, u1: float, v1: float, bg: bool = False) -> None:
        self.draw.ellipse(self.box(u0, v0, u1, v1), fill=self.bg if bg else self.fg)

    def rect(
        self, u0: float, v0: float, u1: float, v1: float, bg: bool = False, radius: float = 0.0
    ) -> None:
        self.draw.rounded_rectangle(
            self.box(u0, v0, u1, v1), radius=radius * self.r, fill=self.bg if bg else self.fg
        )

    def poly(self, *pts: tuple[float, float], bg: bool = False) -> None:
        self.draw.polygon([self.p(u, v) for u, v in pts], fill=self.bg if bg else self.fg)

    def line(self, *pts: tuple[float, float], width: float, bg: bool = False) -> None:
        self.draw.line(
            [self.p(u, v) for u, v in pts],
            fill=self.bg if bg else self.fg,
            width=max(1, round(width * self.r)),
            joint="curve",
        )

    def arc(
        self,
        u0: float,
        v0: float,
        u1: float,
        v1: float,
        start: float,
        end: float,
        width: float,
        bg: bool = False,
    ) -> None:
        self.draw.arc(
            self.box(u0, v0, u1, v1),
            start,
            end,
            fill=self.bg if bg else self.fg,
            width=max(1, round(width * self.r)),
        )


def _icon_buddy(p: _Pen) -> None:
    for x, s in ((-0.42, 0.9), (0.42, 1.0)):
        p.ellipse(x - 0.27 * s, -0.78, x + 0.27 * s, -0.78 + 0.54 * s)
        p.draw.pieslice(p.box(x - 0.48 * s, -0.12, x + 0.48 * s, 1.7), 180, 360, fill=p.fg)


def _icon_volunteering(p: _Pen) -> None:
    p.ellipse(-0.95, -0.85, 0.05, 0.15)
    p.ellipse(-0.05, -0.85, 0.95, 0.15)
    p.poly((-0.9, -0.15), (0.9, -0.15), (0.0, 0.9))


def _icon_placement(p: _Pen) -> None:
    p.line((-0.32, -0.42), (-0.32, -0.78), (0.32, -0.78), (0.32, -0.42), width=0.16)
    p.rect(-0.92, -0.48, 0.92, 0.82, radius=0.16)
    p.rect(-0.92, 0.06, 0.92, 0.16, bg=True)
    p.rect(-0.12, -0.04, 0.12, 0.28)


def _icon_language(p: _Pen) -> None:
    p.rect(-0.95, -0.82, 0.95, 0.42, radius=0.3)
    p.poly((-0.55, 0.3), (-0.1, 0.3), (-0.62, 0.92))
    for u in (-0.45, 0.0, 0.45):
        p.ellipse(u - 0.14, -0.34, u + 0.14, -0.06, bg=True)


def _icon_sport(p: _Pen) -> None:
    p.ellipse(-0.92, -0.92, 0.92, 0.92)
    w = 0.1
    p.line((0.0, -0.92), (0.0, 0.92), width=w, bg=True)
    p.line((-0.92, 0.0), (0.92, 0.0), width=w, bg=True)
    p.arc(-1.55, -0.8, -0.25, 0.8, 300, 60, width=w, bg=True)
    p.arc(0.25, -0.8, 1.55, 0.8, 120, 240, width=w, bg=True)


def _icon_culture(p: _Pen) -> None:
    p.poly((-0.95, -0.42), (0.0, -0.95), (0.95, -0.42))
    p.rect(-0.95, -0.38, 0.95, -0.26)
    for u in (-0.7, -0.24, 0.24, 0.7):
        p.rect(u - 0.12, -0.2, u + 0.12, 0.62)
    p.rect(-0.95, 0.68, 0.95, 0.9)


def _icon_youth(p: _Pen) -> None:
    p.ellipse(-0.62, -0.95, 0.62, 0.45)
    p.poly((0.0, 0.38), (-0.14, 0.58), (0.14, 0.58))
    p.line((0.0, 0.55), (-0.16, 0.72), (0.12, 0.86), (-0.05, 0.98), width=0.09)
    p.ellipse(-0.36, -0.68, -0.12, -0.3, bg=True)


def _icon_nature(p: _Pen) -> None:
    p.rect(-0.14, 0.1, 0.14, 0.95)
    p.ellipse(-0.78, -0.95, 0.78, 0.5)
    p.line((0.0, 0.5), (0.0, 0.1), width=0.1, bg=True)


def _icon_care(p: _Pen) -> None:
    p.rect(-0.3, -0.9, 0.3, 0.9, radius=0.1)
    p.rect(-0.9, -0.3, 0.9, 0.3, radius=0.1)


def _icon_neighbourhood(p: _Pen) -> None:
    p.poly((-1.0, -0.05), (0.0, -0.95), (1.0, -0.05))
    p.rect(0.45, -0.8, 0.7, -0.3)
    p.rect(-0.72, -0.15, 0.72, 0.92)
    p.rect(-0.2, 0.35, 0.2, 0.92, bg=True)


def _icon_cooking(p: _Pen) -> None:
    p.rect(-0.75, -0.15, 0.75, 0.85, radius=0.22)
    p.rect(-0.9, -0.38, 0.9, -0.2, radius=0.05)
    p.rect(-1.0, 0.0, -0.7, 0.18)
    p.rect(0.7, 0.0, 1.0, 0.18)
    p.ellipse(-0.16, -0.62, 0.16, -0.34)
    p.rect(-0.75, 0.14, 0.75, 0.22, bg=True)


def _icon_crafts(p: _Pen) -> None:
    # hammer: a handle from bottom-left to a head at top-right, across the handle
    p.line((-0.72, 0.82), (0.3, -0.2), width=0.24)
    cu, cv = 0.36, -0.36  # head centre
    nu, nv = 0.7071, 0.7071  # along the head
    du, dv = 0.7071, -0.7071  # along the handle
    hl, hw = 0.62, 0.24
    p.poly(
        *[
            (cu + a * nu * hl + b * du * hw, cv + a * nv * hl + b * dv * hw)
            for a, b in ((-1, -1), (1, -1), (1, 1), (-1, 1))
        ]
    )


def _icon_library(p: _Pen) -> None:
    p.poly((-0.95, -0.65), (-0.06, -0.45), (-0.06, 0.85), (-0.95, 0.65))
    p.poly((0.95, -0.65), (0.06, -0.45), (0.06, 0.85), (0.95, 0.65))
    for v in (-0.2, 0.1, 0.4):
        p.line((-0.78, v - 0.12), (-0.22, v), width=0.07, bg=True)
        p.line((0.78, v - 0.12), (0.22, v), width=0.07, bg=True)


def _icon_music(p: _Pen) -> None:
    p.ellipse(-0.75, 0.32, 0.02, 0.92)
    p.rect(-0.13, -0.92, 0.02, 0.62)
    p.poly((0.0, -0.92), (0.7, -0.5), (0.66, -0.18), (0.0, -0.55))


def _icon_other(p: _Pen) -> None:
    for u in (-0.62, 0.0, 0.62):
        p.ellipse(u - 0.24, -0.24, u + 0.24, 0.24)


_ICONS: dict[str, Callable[[_Pen], None]] = {
    "buddy": _icon_buddy,
    "volunteering": _icon_volunteering,
    "placement": _icon_placement,
    "language": _icon_language,
    "sport": _icon_sport,
    "culture": _icon_culture,
    "youth": _icon_youth,
    "nature": _icon_nature,
    "care": _icon_care,
    "neighbourhood": _icon_neighbourhood,
    "cooking": _icon_cooking,
    "crafts": _icon_crafts,
    "library": _icon_library,
    "music": _icon_music,
    "other": _icon_other,
}


def _icon_colour(bg: RGB) -> RGB:
    lum = (0.2126 * bg[0] + 0.7152 * bg[1] + 0.0722 * bg[2]) / 255
    return (35, 35, 35) if lum > 0.62 else (255, 255, 255)


def _draw_icon(
    draw: ImageDraw.ImageDraw, kind: str, cx: float, cy: float, r: float, outline_only: bool = False
) -> None:
    colour = KIND_COLOURS[kind]
    if outline_only:  # kind-coloured pictogram on white, for pending-only kinds
        _ICONS[kind](_Pen(draw, cx, cy, r, colour, PENDING_FILL))
    else:
        _ICONS[kind](_Pen(draw, cx, cy, r, _icon_colour(colour), colour))


# --------------------------------------------------------------------------- drawing


_font = pil_font


def _dashes(length: int, dash: int, gap: int) -> list[tuple[int, int]]:
    """Dash spans along a side of ``length`` px, symmetric, with a dash in the middle."""
    mid = length / 2
    spans = []
    k = 0
    while True:
        centre_offsets = (0.0,) if k == 0 else (k * (dash + gap), -k * (dash + gap))
        added = False
        for off in centre_offsets:
            a, b = mid + off - dash / 2, mid + off + dash / 2
            a, b = max(0.0, a), min(float(length), b)
            if b - a >= 1:
                spans.append((round(a), round(b) - 1))
                added = True
        if not added:
            break
        k += 1
    return sorted(spans)


def _dashed_rect(
    draw: ImageDraw.ImageDraw, box: Box, colour: RGB, width: int, dash: int, gap: int
) -> None:
    x0, y0, x1, y1 = box  # inclusive pixel box
    w, h = x1 - x0 + 1, y1 - y0 + 1
    for a, b in _dashes(w, dash, gap):
        draw.rectangle([x0 + a, y0, x0 + b, y0 + width - 1], fill=colour)
        draw.rectangle([x0 + a, y1 - width + 1, x0 + b, y1], fill=colour)
    for a, b in _dashes(h, dash, gap):
        draw.rectangle([x0, y0 + a, x0 + width - 1, y0 + b], fill=colour)
        draw.rectangle([x1 - width + 1, y0 + a, x1, y0 + b], fill=colour)


def _star(
    draw: ImageDraw.ImageDraw, cx: float, cy: float, r: float, fill: RGB, outline: RGB
) -> None:
    pts = []
    for i in range(10):
        rad = r if i % 2 == 0 else r * 0.46
        ang = -math.pi / 2 + i * math.pi / 5
        pts.append((cx + rad * math.cos(ang), cy + rad * math.sin(ang)))
    draw.polygon(pts, fill=fill, outline=outline, width=max(2, round(r * 0.1)))


def _ordered(slices: Sequence[HoursSlice]) -> list[HoursSlice]:
    """Confirmed slices first, then pending ones, each in input order."""
    return [x for x in slices if x.confirmed] + [x for x in slices if not x.confirmed]


def _timeline(slices: Sequence[HoursSlice]) -> list[tuple[float, float, str, bool]]:
    """Segments ``(start, end, kind, confirmed)`` in hours: confirmed first, then pending."""
    out: list[tuple[float, float, str, bool]] = []
    pos = 0.0
    for x in _ordered(slices):
        out.append((pos, pos + x.hours, x.kind, x.confirmed))
        pos += x.hours
    return out


def _draw_slot(
    canvas: Image.Image, box: Box, size: int, parts: list[tuple[float, float, str, bool]]
) -> None:
    s = _SS
    w = size * s
    tile = Image.new("RGB", (w, w), EMPTY_COLOUR)
    draw = ImageDraw.Draw(tile)
    border = max(2, round(size * 0.065)) * s
    dash, gap = max(2, round(size * 0.16)) * s, max(2, round(size * 0.09)) * s
    confirmed_cover: dict[str, float] = {}
    for a, b, kind, confirmed in parts:
        xa, xb = round(a * w), round(b * w) - 1
        if xb < xa:
            continue
        colour = KIND_COLOURS[kind]
        if confirmed:
            draw.rectangle([xa, 0, xb, w - 1], fill=colour)
            confirmed_cover[kind] = confirmed_cover.get(kind, 0.0) + (b - a)
        else:
            draw.rectangle([xa, 0, xb, w - 1], fill=PENDING_FILL)
            _dashed_rect(draw, (xa, 0, xb, w - 1), colour, border, dash, gap)
    if confirmed_cover and sum(confirmed_cover.values()) > 0.999:
        kind = max(confirmed_cover, key=lambda k: confirmed_cover[k])
        _draw_icon(draw, kind, w / 2, w * 0.295, w * 0.19)
    mask = Image.new("L", (w, w), 0)
    ImageDraw.Draw(mask).rounded_rectangle([0, 0, w - 1, w - 1], radius=round(w * 0.16), fill=255)
    canvas.paste(tile, (box[0] * s, box[1] * s), mask)


def _draw_header(draw: ImageDraw.ImageDraw, confirmed: float, pending: float, target: int) -> None:
    s = _SS
    cy = 50 * s
    big, small = _font(46 * s), _font(30 * s)
    main = f"{format_hours(confirmed)} / {target}"
    items: list[tuple[str, float]] = [("main", draw.textlength(main, font=big))]
    over = confirmed - target
    if over > 1e-9:
        over_text = "+" + format_hours(over)
        items.append(("over", draw.textlength(over_text, font=small) + 28 * s))
    if pending > 1e-9:
        pending_text = format_hours(pending)
        items.append(("pending", 34 * s + 10 * s + draw.textlength(pending_text, font=small)))
    spacing = 28 * s
    total = sum(width for _, width in items) + spacing * (len(items) - 1)
    x = (WIDTH * s - total) / 2
    for name, width in items:
        if name == "main":
            draw.text((x, cy), main, font=big, fill=TEXT_COLOUR, anchor="lm")
        elif name == "over":
            draw.rounded_rectangle(
                [x, cy - 22 * s, x + width, cy + 22 * s], radius=22 * s, fill=OVER_COLOUR
            )
            draw.text((x + width / 2, cy), over_text, font=small, fill=(255, 255, 255), anchor="mm")
        else:
            bs = 34 * s
            box = (round(x), round(cy - bs / 2), round(x + bs) - 1, round(cy + bs / 2) - 1)
            _dashed_rect(draw, box, (120, 120, 120), 3 * s, 7 * s, 5 * s)
            draw.text(
                (x + bs + 10 * s, cy), pending_text, font=small, fill=TEXT_COLOUR, anchor="lm"
            )
        x += width + spacing


def _draw_legend(draw: ImageDraw.ImageDraw, slices: Sequence[HoursSlice]) -> None:
    """A tile per kind present with its confirmed hours; pending-only kinds dashed."""
    confirmed: dict[str, float] = {}
    pending: dict[str, float] = {}
    for sl in _ordered(slices):
        bucket = confirmed if sl.confirmed else pending
        bucket[sl.kind] = bucket.get(sl.kind, 0.0) + sl.hours
    kinds = list(confirmed) + [k for k in pending if k not in confirmed]
    if not kinds:
        return
    s = _SS
    gx0, _, gx1, _ = _GRID
    pitch = min(64.0, (gx1 - gx0) / len(kinds))
    tile = min(40.0, pitch - 10)
    font = _font(16 * s)
    left = (WIDTH - pitch * len(kinds)) / 2
    y0 = _LEGEND_Y[0]
    for i, kind in enumerate(kinds):
        cx = left + pitch * (i + 0.5)
        box = (
            round((cx - tile / 2) * s),
            y0 * s,
            round((cx + tile / 2) * s) - 1,
            round((y0 + tile) * s) - 1,
        )
        icon_at = (cx * s, (y0 + tile / 2) * s, tile * 0.32 * s)
        if kind in confirmed:
            draw.rounded_rectangle(box, radius=tile * 0.16 * s, fill=KIND_COLOURS[kind])
            _draw_icon(draw, kind, *icon_at)
            hours = confirmed[kind]
        else:
            width = max(2, round(tile * 0.07)) * s
            _dashed_rect(
                draw, box, KIND_COLOURS[kind], width, round(tile * 0.2) * s, round(tile * 0.1) * s
            )
            _draw_icon(draw, kind, *icon_at, outline_only=True)
            hours = pending[kind]
        draw.text(
            (cx * s, (y0 + tile + 6) * s),
            format_hours(hours),
            font=font,
            fill=TEXT_COLOUR,
            anchor="mt",
        )


def render_progress(slices: Sequence[HoursSlice], target_hours: int = 40) -> bytes:
    """Render the progress picture as PNG bytes (800×600, deterministic)."""
    boxes, size = _layout(target_hours)
    s = _SS
    canvas = Image.new("RGB", (WIDTH * s, HEIGHT * s), BACKGROUND)
    draw = ImageDraw.Draw(canvas)
    confirmed = sum(x.hours for x in slices if x.confirmed)
    pending = sum(x.hours for x in slices if not x.confirmed)

    segments = _timeline(slices)
    for i, box in enumerate(boxes):
        parts = [
            (max(a, i) - i, min(b, i + 1) - i, kind, conf)
            for a, b, kind, conf in segments
            if a < i + 1 and b > i
        ]
        _draw_slot(canvas, box, size, parts)

    for h in _milestone_hours(target_hours):
        cx, cy, r = _star_geometry(target_hours, h)
        reached = confirmed >= h - 1e-9
        _star(
            draw,
            cx * s,
            cy * s,
            r * s,
            MILESTONE_GOLD if reached else MILESTONE_GREY,
            (160, 105, 0) if reached else (150, 150, 150),
        )

    _draw_header(draw, confirmed, pending, target_hours)
    _draw_legend(draw, slices)

    image = canvas.reduce(s)
    buf = io.BytesIO()
    image.save(buf, format="PNG", optimize=True)
    return buf.getvalue()
