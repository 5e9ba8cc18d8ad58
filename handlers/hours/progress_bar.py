"""The rules of the progress grid (rows of ten, a milestone at each row end) and the same
picture in text for chat messages. Pure; shared by the picture and every caption."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

ROW = 10  # hours in a row; a milestone at every row end
LOOKS = ("confirmed", "self", "pending")


def columns(target: int) -> int:
    """Slots in a row: ten (a multiple of ten for large targets), fewer below ten."""
    if target < ROW:
        return target
    return ROW * max(1, round(math.sqrt(target * 1.9) / ROW))


def milestone_hours(target_hours: int) -> list[int]:
    """The end of every row, and the target."""
    cols = columns(target_hours)
    hours = list(range(cols, target_hours + 1, cols))
    if not hours or hours[-1] != target_hours:
        hours.append(target_hours)
    return hours


def format_hours(hours: float) -> str:
    """Hours as plain digits with at most two decimals and a decimal comma: 12, 1,5."""
    q = Decimal(repr(float(hours))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    text = format(q.normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text.replace(".", ",")


BAR_SQUARES = {"confirmed": "🟩", "self": "🟨", "pending": "🔲", "empty": "⬜"}
RLM = "\u200f"  # starts a line right-to-left in chat apps, so the squares fill from the right


def emoji_bar(
    counted_hours: float,
    target_hours: int,
    *,
    self_noted: float = 0.0,
    pending: float = 0.0,
    self_counted: bool = False,
    rtl: bool = False,
) -> str:
    """The picture in text: a square per slot, in the picture's rows, e.g. 12 of 40::

        🟩🟩🟩🟩🟩🟩🟩🟩🟩🟩
        🟩🟩⬜⬜⬜⬜⬜⬜⬜⬜
        ⬜⬜⬜⬜⬜⬜⬜⬜⬜⬜
        ⬜⬜⬜⬜⬜⬜⬜⬜⬜⬜ 12/40

    A square fills once its whole hour is there: 🟩 confirmed, 🟨 noted by the person
    (part of `counted_hours` when `self_counted`), 🔲 waiting for a confirmation. Targets
    above 60 hours get 40 squares, each a share. `rtl` lines fill from the right.
    """
    if target_hours <= 0:
        raise ValueError("target_hours must be positive")
    cells = target_hours if target_hours <= 60 else 40
    per_cell = target_hours / cells
    counted = max(0.0, float(counted_hours))
    confirmed = max(0.0, counted - self_noted) if self_counted else counted
    squares: list[str] = []
    total = 0.0
    for look, hours in (("confirmed", confirmed), ("self", self_noted), ("pending", pending)):
        total += max(0.0, hours)
        upto = min(cells, math.floor(total / per_cell + 1e-9))
        squares += [BAR_SQUARES[look]] * max(0, upto - len(squares))
    squares += [BAR_SQUARES["empty"]] * (cells - len(squares))
    row = columns(target_hours) if target_hours <= 60 else ROW
    lines = ["".join(squares[i : i + row]) for i in range(0, cells, row)]
    lines[-1] += f" {format_hours(counted)}/{target_hours}"
    return "\n".join(RLM + line for line in lines) if rtl else "\n".join(lines)
