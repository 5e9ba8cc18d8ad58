"""The digest's files: the PNG chart of hours per week and the CSV with one row per newcomer.

The CSV's headers are unique and carry their unit; `render_csv_help` explains each column
(a second file next to it). Every text cell goes through `handlers.csv_safe`.
"""

from __future__ import annotations

import io
from datetime import datetime
from functools import lru_cache

from PIL import Image, ImageDraw

from handlers.csv_safe import write_csv
from handlers.fonts import pil_font as _font
from handlers.registry import N_
from handlers.vocab import KINDS
from i18n import Translator
from storage.digest import Figures

CONFIRMED_COLOUR = (46, 139, 87)
PENDING_COLOUR = (240, 173, 78)


def render_chart(weekly: list[tuple[str, int, int]], legend: tuple[str, str]) -> bytes:
    """A PNG bar chart: confirmed hours (green) with pending hours (amber) stacked on top."""
    width, height = 720, 340
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    left, right, top, bottom = 56, 16, 48, 44
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max([(c + p) / 60 for _, c, p in weekly] + [1])
    step = _nice_step(peak)
    ceiling = step * max(1, -(-peak // step))
    small, bold = _font(13), _font(12, bold=True)
    y = 0.0
    while y <= ceiling + 1e-9:
        py = top + plot_h - plot_h * y / ceiling
        draw.line([(left, py), (width - right, py)], fill=(226, 226, 226))
        draw.text((left - 8, py), f"{y:g}", fill=(90, 90, 90), font=small, anchor="rm")
        y += step
    slot = plot_w / max(1, len(weekly))
    base = top + plot_h
    for index, (label, confirmed, pending) in enumerate(weekly):
        x0, x1 = left + index * slot + slot * 0.18, left + (index + 1) * slot - slot * 0.18
        c_h = plot_h * (confirmed / 60) / ceiling
        p_h = plot_h * (pending / 60) / ceiling
        if c_h > 0:
            draw.rectangle([x0, base - c_h, x1, base], fill=CONFIRMED_COLOUR)
        if p_h > 0:
            draw.rectangle([x0, base - c_h - p_h, x1, base - c_h], fill=PENDING_COLOUR)
        total = (confirmed + pending) / 60
        if total:
            draw.text(((x0 + x1) / 2, base - c_h - p_h - 4), f"{round(total, 1):g}",
                      fill=(40, 40, 40), font=bold, anchor="md")  # fmt: skip
        draw.text(((x0 + x1) / 2, base + 8), "W" + label.split("W")[-1], fill=(60, 60, 60),
                  font=small, anchor="ma")  # fmt: skip
    x = float(left)
    for colour, text in ((CONFIRMED_COLOUR, legend[0]), (PENDING_COLOUR, legend[1])):
        draw.rectangle([x, 16, x + 14, 30], fill=colour)
        draw.text((x + 20, 23), text, fill=(40, 40, 40), font=small, anchor="lm")
        x += 30 + draw.textlength(text, font=small)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=3)
    return buffer.getvalue()


def _nice_step(peak: float) -> float:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000):
        if peak / step <= 6:
            return float(step)
    return float(10 ** len(str(int(peak))))


STATUS_LABELS = {
    "reached": N_("🏆 Target reached"),
    "at_risk": N_("⚠️ At risk"),
    "new": N_("👋 New"),
    "active": N_("🏃 Taking part"),
}


def csv_columns(t: Translator) -> list[tuple[str, str]]:
    """(header, explanation) per column, in order; headers are unique and carry the unit."""
    columns = [
        (t._("Number"), t._("The newcomer's number in Meedoen.")),
        (t._("Name"), t._("The name they gave.")),
        (t._("Municipality"), t._("Where they live.")),
        (t._("Postcode"), t._("Their postcode.")),
        (t._("Started (date)"), t._("The day they started with Meedoen.")),
        (t._("Status"), t._("Target reached, at risk (quiet for 21 days), new or taking part.")),
        (t._("Confirmed (hours)"), t._("All confirmed hours. 1,50 = 1 hour 30 minutes.")),
        (t._("Waiting (hours)"), t._("Hours still waiting for confirmation.")),
        (t._("Disputed (hours)"), t._("Hours the confirmer said are not right.")),
        (t._("Self-declared (hours)"), t._("Hours they declared themselves.")),
    ]  # fmt: skip
    for key in KINDS:
        label = t._(KINDS[key][1])
        columns.append((t._("Confirmed (hours): {kind}", kind=label),
                        t._("Confirmed hours in this kind of activity.")))  # fmt: skip
    columns += [
        (t._("Last activity (date)"), t._("The last day they used Meedoen or logged hours.")),
        (t._("Buddy name"), t._("The name of their buddy, if they have one.")),
        (t._("E-mail address"), t._("Their e-mail address, if they gave one.")),
        (t._("Reachable in Telegram"), t._("Yes when they use Meedoen in Telegram.")),
    ]
    return columns


def render_csv(figures: Figures, t: Translator) -> bytes:
    """One row per newcomer: hours by status and kind, status and last activity (Excel-ready)."""
    kinds = list(KINDS)
    header = [name for name, _ in csv_columns(t)]
    labels = {key: _plain(t._(label)) for key, label in STATUS_LABELS.items()}
    decimal, zero, yes = _decimal, _decimal(0), t._("yes")
    rows = []
    for person in sorted(figures.newcomers, key=lambda p: (p.name.casefold(), p.id)):
        row: list[object] = [
            person.id, person.name, person.municipality or person.place or "",
            person.postcode or "", _date(person.onboarded_at), labels[person.status],
            decimal(person.confirmed), decimal(person.pending), decimal(person.disputed),
            decimal(person.self_declared),
        ]  # fmt: skip
        row += [decimal(m) if m else zero for m in map(person.by_kind.get, kinds)]
        row += [_date(person.last_activity), person.buddy or "", person.email or "",
                yes if person.telegram else ""]  # fmt: skip
        rows.append(row)
    typed = [1, 2, 3, len(header) - 3, len(header) - 2]  # name, place, postcode, buddy, mail
    return write_csv(header, rows, typed)


def render_csv_help(figures: Figures, t: Translator) -> bytes:
    """The CSV's columns explained, one per line (the 'read me first' next to the CSV)."""
    lines = [
        t._("Meedoen — {network} — week {week}", network=figures.network.name,
            week=figures.week.label),
        t._("One row per newcomer. Hours are decimal hours: 1,50 = 1 hour 30 minutes."),
        "",
    ]  # fmt: skip
    lines += [f"{name}: {why}" for name, why in csv_columns(t)]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _date(moment: datetime | None) -> str:
    return moment.date().isoformat() if moment else ""


@lru_cache(maxsize=4096)
def _decimal(minutes: int) -> str:
    return f"{minutes / 60:.2f}".replace(".", ",")


def _plain(text: str) -> str:
    return text.split(" ", 1)[-1]
