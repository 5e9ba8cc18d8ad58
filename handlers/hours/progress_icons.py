"""The kinds of hours: their colours and the pictograms drawn on filled slots (Pillow only)."""

from __future__ import annotations

import math
from collections.abc import Callable

from PIL import ImageDraw

RGB = tuple[int, int, int]
Box = tuple[int, int, int, int]
PENDING_FILL = (255, 255, 255)

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


def draw_icon(
    draw: ImageDraw.ImageDraw,
    kind: str,
    cx: float,
    cy: float,
    r: float,
    outline_only: bool = False,
    on: RGB = PENDING_FILL,
) -> None:
    """The kind's pictogram: light on its colour, or in its colour on `on` (`outline_only`)."""
    colour = KIND_COLOURS[kind]
    if outline_only:  # kind-coloured pictogram on a light ground
        _ICONS[kind](_Pen(draw, cx, cy, r, colour, on))
    else:
        _ICONS[kind](_Pen(draw, cx, cy, r, _icon_colour(colour), colour))


# --- shapes shared by the slots, the header and the legend
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


def dashed_rect(
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


def star(
    draw: ImageDraw.ImageDraw,
    cx: float,
    cy: float,
    r: float,
    fill: tuple[int, ...],
    outline: tuple[int, ...],
) -> None:
    """A five-pointed star; `fill` and `outline` are RGB, or RGBA on a sprite."""
    pts = []
    for i in range(10):
        rad = r if i % 2 == 0 else r * 0.46
        ang = -math.pi / 2 + i * math.pi / 5
        pts.append((cx + rad * math.cos(ang), cy + rad * math.sin(ang)))
    draw.polygon(pts, fill=fill, outline=outline, width=max(2, round(r * 0.1)))
