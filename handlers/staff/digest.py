"""The weekly digest for a network's staff: figures, a chart, a CSV, as mail or in Telegram.

Figures are aggregated in SQL for all networks asked for at once: per-person totals come from
`hour_totals` (kept by triggers on `hour_entries`), the week's ranges from covering indexes
(migration 0005), so the work follows the number of people and of the week's entries rather
than every entry ever logged. The week is an ISO week in the configured time zone
("2026-W48": Monday 00:00 up to the next Monday). Active = logged hours, used the assistant,
or (buddies) met their newcomer during the week; at risk = no activity for 21 days at the
week's end. `send_weekly_digests` queues one mail per staff member through the outbox, once
per network and week, in the transaction that records it.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

from PIL import Image, ImageDraw

from handlers.context import Config, dump_replies
from handlers.fonts import pil_font
from handlers.hours.rules import hours_text
from handlers.registry import N_
from handlers.ticks import Tick
from handlers.types import Attachment, Reply
from handlers.vocab import INTERESTS, KINDS
from i18n import Translator, translator
from storage import outbox
from storage.clock import iso, parse, utcnow
from storage.db import Database, Tx
from storage.mail import digest_sent, record_digest
from storage.networks import Network, list_networks
from storage.staff import StaffAccount, list_staff

DIGEST_LOCALE = "nl"
AT_RISK_DAYS = 21
WAITING_DAYS = 7
UNMET_WEEKS = 4
CHART_WEEKS = 8
LIST_LIMIT = 25  # lines per section in the mail; the CSV has everyone
_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)


# --- weeks -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Week:
    label: str  # "2026-W48"
    monday: date
    start: datetime  # UTC instants of local Monday 00:00 and the next Monday 00:00
    end: datetime

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    @property
    def number(self) -> int:
        return self.monday.isocalendar().week


def parse_week(text: str) -> tuple[int, int]:
    """'2026-W48' (or '2026W48') → (2026, 48); ValueError when it is not a real ISO week."""
    match = _WEEK.match(text.strip())
    if not match:
        raise ValueError(f"not an ISO week like 2026-W48: {text!r}")
    year, number = int(match.group(1)), int(match.group(2))
    date.fromisocalendar(year, number, 1)  # raises for week 53 of a 52-week year
    return year, number


def week_of(day: date, config: Config) -> Week:
    iso_year, number, _ = day.isocalendar()
    monday = date.fromisocalendar(iso_year, number, 1)
    tz = config.tz

    def instant(d: date) -> datetime:
        return datetime.combine(d, time(0), tzinfo=tz).astimezone(UTC)

    return Week(
        f"{iso_year}-W{number:02d}", monday, instant(monday), instant(monday + timedelta(days=7))
    )


def named_week(text: str, config: Config) -> Week:
    year, number = parse_week(text)
    return week_of(date.fromisocalendar(year, number, 1), config)


def last_complete_week(now: datetime, config: Config) -> Week:
    """The most recent Monday-to-Sunday week that has ended (on a Monday: last week)."""
    today = now.astimezone(config.tz).date()
    return week_of(today - timedelta(days=today.isoweekday()), config)


# --- figures ---------------------------------------------------------------------------------


@dataclass
class Newcomer:
    id: int
    name: str
    postcode: str | None
    place: str | None
    municipality: str | None
    onboarded_at: datetime | None
    last_seen_at: datetime | None
    confirmed: int = 0  # minutes, all time
    pending: int = 0
    disputed: int = 0
    self_declared: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)  # confirmed minutes per kind
    counted_at_start: int = 0
    counted_at_end: int = 0
    last_entry_at: datetime | None = None
    active: bool = False
    status: str = "active"  # "reached", "at_risk", "new" or "active"
    reach: list[str] = field(default_factory=list)
    buddy: str | None = None

    @property
    def last_activity(self) -> datetime | None:
        moments = [m for m in (self.onboarded_at, self.last_seen_at, self.last_entry_at) if m]
        return max(moments) if moments else None


@dataclass
class Figures:
    network: Network
    week: Week
    target_minutes: int
    new_newcomers: list[Newcomer] = field(default_factory=list)
    new_buddies: list[str] = field(default_factory=list)
    active_people: int = 0
    logged: dict[str, int] = field(default_factory=dict)  # status → minutes logged this week
    reached: list[Newcomer] = field(default_factory=list)
    reached_total: int = 0
    at_risk: list[Newcomer] = field(default_factory=list)
    waiting: list[dict[str, Any]] = field(default_factory=list)
    waiting_total: int = 0
    failed: list[dict[str, Any]] = field(default_factory=list)
    top_offers: list[tuple[str, int]] = field(default_factory=list)
    unmet: list[tuple[str, str, int]] = field(default_factory=list)
    active_buddies: list[tuple[str, int, int]] = field(default_factory=list)  # name, n, minutes
    weekly: list[tuple[str, int, int]] = field(default_factory=list)  # week, confirmed, pending
    newcomers: list[Newcomer] = field(default_factory=list)


async def collect(
    tx: Tx, config: Config, week: Week, networks: list[Network]
) -> dict[int, Figures]:
    """Every network's figures for one week, from a handful of aggregate queries.

    Per-person totals come from `hour_totals` (kept by triggers); week ranges are read from
    covering indexes, so the cost follows the number of people and of this week's entries,
    not the number of entries ever logged.
    """
    result = {n.id: Figures(n, week, config.target_hours * 60) for n in networks}
    if not result:
        return result
    ids = list(result)
    rows = await tx.all(
        f"SELECT p.id, p.network_id, p.display_name, p.postcode, p.place, p.onboarded_at, "
        f"p.last_seen_at, np.municipality, t.confirmed, t.pending, t.disputed, "
        f"t.self_declared, t.by_kind, t.last_entry_at "
        f"FROM people p LEFT JOIN network_postcodes np ON np.postcode = p.postcode "
        f"LEFT JOIN hour_totals t ON t.person_id = p.id "
        f"WHERE p.role = 'newcomer' AND p.network_id IN ({_ids_sql(ids)}) "
        f"AND p.onboarded_at IS NOT NULL AND p.onboarded_at < ? ORDER BY p.id",
        (iso(week.end),),
    )
    by_id: dict[int, Newcomer] = {}
    for (person_id, network_id, name, postcode, place, onboarded, seen, municipality,
         confirmed, pending, disputed, declared, by_kind, last_entry) in rows:  # fmt: skip
        person = Newcomer(
            id=person_id,
            name=name or f"#{person_id}",
            postcode=postcode,
            place=place,
            municipality=municipality,
            onboarded_at=parse(onboarded),
            last_seen_at=parse(seen),
            confirmed=confirmed or 0,
            pending=pending or 0,
            disputed=disputed or 0,
            self_declared=declared or 0,
            by_kind={k: v for k, v in json.loads(by_kind or "{}").items() if v},
            last_entry_at=parse(last_entry),
        )
        counted = person.confirmed + (person.self_declared if config.self_declared_counts else 0)
        person.counted_at_start = person.counted_at_end = counted
        if person.last_seen_at is not None and week.start <= person.last_seen_at < week.end:
            person.active = True
        by_id[person_id] = person
        result[network_id].newcomers.append(person)
    await _counted_then(tx, config, week, by_id)
    await _logged(tx, week, result, by_id)
    await _reach(tx, ids, by_id)
    for figures in result.values():
        _classify(figures, week)
    await _buddies(tx, ids, week, result)
    await _waiting(tx, week, result, {p.id: n for n, f in result.items() for p in f.newcomers})
    await _failed(tx, ids, week, result)
    await _offers(tx, ids, week, result)
    await _unmet(tx, ids, week, result)
    await _weekly(tx, ids, week, result, config)
    return result


async def _counted_then(tx: Tx, config: Config, week: Week, by_id: dict[int, Newcomer]) -> None:
    """Hours counted at the start and the end of the week: today's minus what came later."""
    start, end = iso(week.start), iso(week.end)
    rows = list(
        await tx.all(
            # The index on confirmed_at reads only what was confirmed since the week began;
            # left alone, the planner scans everything in person order to spare a sort.
            "SELECT person_id, SUM(minutes), SUM(CASE WHEN confirmed_at >= ? THEN minutes END) "
            "FROM hour_entries INDEXED BY hour_entries_digest_confirmed "
            "WHERE confirmed_at >= ? AND status = 'confirmed' GROUP BY person_id",
            (end, start),
        )
    )
    if config.self_declared_counts:
        rows += await tx.all(
            "SELECT person_id, SUM(minutes), SUM(CASE WHEN created_at >= ? THEN minutes END) "
            "FROM hour_entries WHERE status = 'self_declared' AND created_at >= ? "
            "GROUP BY person_id",
            (end, start),
        )
    for person_id, since_start, since_end in rows:
        person = by_id.get(person_id)
        if person is not None:
            person.counted_at_start -= since_start or 0
            person.counted_at_end -= since_end or 0


async def _logged(
    tx: Tx, week: Week, result: dict[int, Figures], by_id: dict[int, Newcomer]
) -> None:
    """Minutes logged during the week, by their status now; who logged anything is active."""
    rows = await tx.all(
        "SELECT person_id, status, SUM(minutes) FROM hour_entries "
        "WHERE status IN ('confirmed', 'pending', 'disputed', 'self_declared') "
        "AND created_at >= ? AND created_at < ? GROUP BY person_id, status",
        (iso(week.start), iso(week.end)),
    )
    network_of = {person_id: network_id for network_id, f in result.items()
                  for person_id in (p.id for p in f.newcomers)}  # fmt: skip
    for person_id, status, minutes in rows:
        network_id = network_of.get(person_id)
        if network_id is None:
            continue
        by_id[person_id].active = True
        logged = result[network_id].logged
        logged[status] = logged.get(status, 0) + (minutes or 0)


REACH = {"telegram": "💬 Telegram", "email": "✉️ {address}"}  # the console is no way to reach


def _ids_sql(ids: list[int]) -> str:
    return ",".join(str(int(i)) for i in ids)


async def _reach(tx: Tx, ids: list[int], by_id: dict[int, Newcomer]) -> None:
    """How staff can reach each newcomer: e-mail address, Telegram, and their buddy."""
    rows = await tx.all(
        f"SELECT i.person_id, i.channel, i.address FROM identities i "
        f"JOIN people p ON p.id = i.person_id "
        f"WHERE p.role = 'newcomer' AND p.network_id IN ({_ids_sql(ids)}) ORDER BY i.id"
    )
    for person_id, channel, address in rows:
        person = by_id.get(person_id)
        if person is None:
            continue
        if channel in REACH:
            person.reach.append(REACH[channel].format(address=address))
    rows = await tx.all(
        f"SELECT bp.newcomer_id, b.display_name FROM buddy_pairs bp "
        f"JOIN people n ON n.id = bp.newcomer_id JOIN people b ON b.id = bp.buddy_id "
        f"WHERE bp.status = 'active' AND n.network_id IN ({_ids_sql(ids)}) ORDER BY bp.id"
    )
    for newcomer_id, buddy_name in rows:
        person = by_id.get(newcomer_id)
        if person is not None and buddy_name:
            person.buddy = buddy_name


def _classify(figures: Figures, week: Week) -> None:
    target = figures.target_minutes
    risk_before = week.end - timedelta(days=AT_RISK_DAYS)
    for person in figures.newcomers:
        figures.active_people += person.active
        last = person.last_activity
        if person.counted_at_end >= target:
            person.status = "reached"
            figures.reached_total += 1
            if person.counted_at_start < target:
                figures.reached.append(person)
        elif last is not None and last < risk_before:
            person.status = "at_risk"
            figures.at_risk.append(person)
        elif person.onboarded_at and person.onboarded_at >= week.start:
            person.status = "new"
        if person.onboarded_at and week.start <= person.onboarded_at < week.end:
            figures.new_newcomers.append(person)
    figures.at_risk.sort(key=lambda p: p.last_activity or week.start)


async def _buddies(tx: Tx, ids: list[int], week: Week, result: dict[int, Figures]) -> None:
    start, end = iso(week.start), iso(week.end)
    rows = await tx.all(
        f"SELECT network_id, id, display_name, onboarded_at, last_seen_at FROM people "
        f"WHERE role = 'buddy' AND network_id IN ({_ids_sql(ids)}) "
        f"AND ((onboarded_at >= ? AND onboarded_at < ?) OR (last_seen_at >= ? AND "
        f"last_seen_at < ?))",
        (start, end, start, end),
    )
    active_seen: dict[int, set[int]] = {}
    for network_id, buddy_id, name, onboarded, seen in rows:
        if onboarded and start <= onboarded < end:
            result[network_id].new_buddies.append(name or "?")
        if seen and start <= seen < end:
            active_seen.setdefault(network_id, set()).add(buddy_id)
    # Meetings this week, read from the partial index on buddy entries (pair, day).
    rows = await tx.all(
        f"SELECT b.network_id, b.id, b.display_name, COUNT(*), SUM(e.minutes) "
        f"FROM buddy_pairs bp JOIN people b ON b.id = bp.buddy_id "
        f"JOIN hour_entries e ON e.pair_id = bp.id "
        f"WHERE b.network_id IN ({_ids_sql(ids)}) "
        f"AND e.status IN ('pending', 'confirmed', 'self_declared') "
        f"AND e.day >= ? AND e.day <= ? GROUP BY b.id ORDER BY COUNT(*) DESC, b.display_name",
        (week.monday.isoformat(), week.sunday.isoformat()),
    )
    met: dict[int, set[int]] = {}
    for network_id, buddy_id, name, meetings, minutes in rows:
        result[network_id].active_buddies.append((name or "?", meetings, minutes or 0))
        met.setdefault(network_id, set()).add(buddy_id)
    for network_id, figures in result.items():
        buddies = met.get(network_id, set()) | active_seen.get(network_id, set())
        figures.active_people += len(buddies)


async def _waiting(
    tx: Tx, week: Week, result: dict[int, Figures], network_of: dict[int, int]
) -> None:
    """Entries waiting for confirmation for over a week: how many, and the oldest ones."""
    before = iso(week.end - timedelta(days=WAITING_DAYS))
    per_person = await tx.all(
        "SELECT person_id, COUNT(*) FROM hour_entries "
        "WHERE status = 'pending' AND created_at < ? GROUP BY person_id",
        (before,),
    )
    totals: dict[int, int] = {}
    for person_id, count in per_person:
        network_id = network_of.get(person_id)
        if network_id is not None:
            totals[network_id] = totals.get(network_id, 0) + count
    counts = sorted(totals.items())
    for network_id, total in counts:
        figures = result[network_id]
        figures.waiting_total = total
        rows = await tx.all(
            "SELECT e.id, e.day, e.minutes, e.kind, e.activity_label, e.provider_name, "
            "e.created_at, p.display_name AS newcomer, c.display_name AS confirmer "
            "FROM hour_entries e CROSS JOIN people p ON p.id = e.person_id "
            "LEFT JOIN people c ON c.id = e.confirmer_person_id "
            "WHERE e.status = 'pending' AND e.created_at < ? AND p.network_id = ? "
            "ORDER BY e.created_at, e.id LIMIT ?",
            (before, network_id, LIST_LIMIT),
        )
        figures.waiting = [dict(row) for row in rows]


async def _failed(tx: Tx, ids: list[int], week: Week, result: dict[int, Figures]) -> None:
    """Messages the outbox gave up on this week, and addresses that bounce."""
    rows = await tx.all(
        f"SELECT p.network_id, p.display_name, o.channel, o.purpose, o.last_error "
        f"FROM outbox o JOIN people p ON p.id = o.person_id "
        f"WHERE o.status = 'failed' AND o.created_at >= ? AND o.created_at < ? "
        f"AND p.network_id IN ({_ids_sql(ids)}) AND p.role IN ('newcomer', 'buddy', 'provider') "
        f"ORDER BY o.id",
        (iso(week.start - timedelta(days=7)), iso(week.end)),
    )
    for network_id, name, channel, purpose, error in rows:
        result[network_id].failed.append(
            {"name": name or "?", "channel": channel, "purpose": purpose, "error": error or ""}
        )


async def _offers(tx: Tx, ids: list[int], week: Week, result: dict[int, Figures]) -> None:
    rows = await tx.all(
        f"SELECT o.network_id, o.title_nl, COUNT(*) AS n FROM enrolments en "
        f"JOIN offers o ON o.id = en.offer_id "
        f"WHERE en.created_at >= ? AND en.created_at < ? AND o.network_id IN ({_ids_sql(ids)}) "
        f"GROUP BY o.id ORDER BY n DESC, o.title_nl",
        (iso(week.start), iso(week.end)),
    )
    for network_id, title, count in rows:
        if len(result[network_id].top_offers) < 5:
            result[network_id].top_offers.append((title, count))


async def _unmet(tx: Tx, ids: list[int], week: Week, result: dict[int, Figures]) -> None:
    first = (week.monday - timedelta(weeks=UNMET_WEEKS - 1)).isoformat()
    rows = await tx.all(
        f"SELECT network_id, municipality, interest, SUM(count) AS n FROM unmet_demand "
        f"WHERE day >= ? AND day <= ? AND network_id IN ({_ids_sql(ids)}) "
        f"GROUP BY network_id, municipality, interest ORDER BY n DESC, municipality, interest",
        (first, week.sunday.isoformat()),
    )
    for network_id, municipality, interest, count in rows:
        if len(result[network_id].unmet) < LIST_LIMIT:
            result[network_id].unmet.append((municipality, interest, count))


async def _weekly(
    tx: Tx, ids: list[int], week: Week, result: dict[int, Figures], config: Config
) -> None:
    """Hours per week (by the day they were done) for the chart: the last 8 weeks."""
    first = week.monday - timedelta(weeks=CHART_WEEKS - 1)
    labels = [week_of(first + timedelta(weeks=i), config).label for i in range(CHART_WEEKS)]
    sums = {n: {label: [0, 0] for label in labels} for n in ids}
    rows = await tx.all(
        f"SELECT network_id, day, status, minutes FROM network_day_hours "
        f"WHERE network_id IN ({_ids_sql(ids)}) AND day >= ? AND day <= ? "
        f"AND status IN ('confirmed', 'pending')",
        (first.isoformat(), week.sunday.isoformat()),
    )
    for network_id, day, status, minutes in rows:
        index = (date.fromisoformat(day) - first).days // 7
        if 0 <= index < CHART_WEEKS:
            sums[network_id][labels[index]][0 if status == "confirmed" else 1] += minutes or 0
    for network_id in ids:
        result[network_id].weekly = [(w, c, p) for w, (c, p) in sums[network_id].items()]


# --- rendering -------------------------------------------------------------------------------


def hours(t: Translator, minutes: int) -> str:
    return t.number(round(minutes / 60, 1))


_font = pil_font


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


def render_csv(figures: Figures, t: Translator) -> bytes:
    """One row per newcomer: hours by status and kind, status and last activity (Excel-ready)."""
    kinds = list(KINDS)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        [t._("Number"), t._("Name"), t._("Municipality"), t._("Postcode"), t._("Started"),
         t._("Status"), t._("Confirmed hours"), t._("Hours waiting"), t._("Disputed hours"),
         t._("Self-declared hours"), *(t._(KINDS[k][1]) for k in kinds), t._("Last activity"),
         t._("Buddy"), t._("How to reach")]
    )  # fmt: skip
    labels = {key: _plain(t._(label)) for key, label in STATUS_LABELS.items()}
    decimal, zero = _decimal, _decimal(0)
    rows = []
    for person in sorted(figures.newcomers, key=lambda p: (p.name.casefold(), p.id)):
        row = [person.id, person.name, person.municipality or person.place or "",
               person.postcode or "", _date(person.onboarded_at), labels[person.status],
               decimal(person.confirmed), decimal(person.pending), decimal(person.disputed),
               decimal(person.self_declared)]  # fmt: skip
        row += [decimal(m) if m else zero for m in map(person.by_kind.get, kinds)]
        row += [_date(person.last_activity), person.buddy or "",
                " ".join(r.split(" ", 1)[-1] for r in person.reach)]  # fmt: skip
        rows.append(row)
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _date(moment: datetime | None) -> str:
    return moment.date().isoformat() if moment else ""


@lru_cache(maxsize=4096)
def _decimal(minutes: int) -> str:
    return f"{minutes / 60:.2f}".replace(".", ",")


def _plain(text: str) -> str:
    return text.split(" ", 1)[-1]


def _e(value: object) -> str:
    return html.escape(str(value), quote=False)


def _day(t: Translator, moment: datetime | None, config: Config) -> str:
    return t.short_date(moment.astimezone(config.tz).date()) if moment else "–"


def summary_lines(figures: Figures, t: Translator) -> list[str]:
    week = figures.week
    logged = figures.logged
    return [
        "<b>"
        + t._("📊 Weekly digest {network}, week {week}", network=figures.network.name,
              week=week.number)
        + "</b>",
        t._("🗓️ {first} to {last}", first=t.short_date(week.monday),
            last=t.short_date(week.sunday)),
        t._("👋 New this week: {newcomers} and {buddies}",
            newcomers=t.ngettext("{n} newcomer", "{n} newcomers", len(figures.new_newcomers)),
            buddies=t.ngettext("{n} buddy", "{n} buddies", len(figures.new_buddies))),
        t._("🏃 Active this week: {n}", n=figures.active_people),
        t._("⏱️ Hours logged: {confirmed} confirmed, {pending} waiting, {disputed} disputed",
            confirmed=hours(t, logged.get("confirmed", 0)),
            pending=hours(t, logged.get("pending", 0)),
            disputed=hours(t, logged.get("disputed", 0))),
        t._("🏆 Reached the target: {n} this week ({total} in all)", n=len(figures.reached),
            total=figures.reached_total),
        t._("⚠️ At risk (no activity for {days} days): {n}", days=AT_RISK_DAYS,
            n=len(figures.at_risk)),
        t._("⏳ Waiting over {days} days for confirmation: {n}", days=WAITING_DAYS,
            n=figures.waiting_total),
        t._("📭 Failed deliveries: {n}", n=len(figures.failed)),
        t._("🤝 Active buddies: {n}", n=len(figures.active_buddies)),
    ]  # fmt: skip


def _section(title: str, lines: list[str], empty: str, total: int | None = None) -> Reply:
    body = lines[:LIST_LIMIT] if lines else [empty]
    more = (total if total is not None else len(lines)) - len(body) if lines else 0
    if more > 0:
        body.append(f"… +{more}")
    return Reply(text="\n".join([f"<b>{title}</b>", *body]))


def digest_replies(figures: Figures, config: Config, t: Translator | None = None) -> list[Reply]:
    """The whole digest as replies: summary with the chart, sections, the CSV."""
    t = t or translator(DIGEST_LOCALE)
    nothing = t._("➖ None this week")
    chart = Attachment(
        filename=f"uren-{figures.week.label}.png",
        content=render_chart(figures.weekly, (t._("confirmed"), t._("waiting"))),
        mime="image/png",
    )
    replies = [Reply(text="\n".join(summary_lines(figures, t)), image=chart)]
    replies.append(
        _section(
            t._("👋 New this week"),
            [
                f"• {_e(p.name)} — {_e(p.municipality or p.place or '')} — "
                f"{_e(', '.join(p.reach) or '–')}"
                for p in figures.new_newcomers
            ]
            + [f"• 🤝 {_e(name)}" for name in figures.new_buddies],
            nothing,
        )
    )
    replies.append(
        _section(
            t._("🏆 Reached the target this week"),
            [f"• {_e(p.name)} — {_e(p.municipality or p.place or '')}" for p in figures.reached],
            nothing,
        )
    )
    replies.append(
        _section(
            t._("⚠️ At risk: no activity for {days} days", days=AT_RISK_DAYS),
            [
                "• "
                + " — ".join(
                    [
                        f"{_e(p.name)} ({_e(p.municipality or p.place or '')})",
                        t._("🕒 Last activity {day}", day=_day(t, p.last_activity, config)),
                        _e(", ".join(p.reach) or "–"),
                        *([t._("🤝 buddy {name}", name=p.buddy)] if p.buddy else []),
                    ]
                )
                for p in figures.at_risk
            ],
            nothing,
        )
    )
    replies.append(
        _section(
            t._("⏳ Waiting over {days} days for confirmation", days=WAITING_DAYS),
            [
                "• "
                + " — ".join(
                    [
                        _e(w["newcomer"] or "?"),
                        _e(w["activity_label"] or w["provider_name"] or t._(KINDS.get(
                            w["kind"], KINDS["other"])[1])),
                        _e(w["day"]),
                        hours_text(t, w["minutes"]),
                        t._("👤 {name}", name=w["confirmer"] or w["provider_name"] or "?"),
                        t.ngettext("⏳ {n} day waiting", "⏳ {n} days waiting",
                                   (figures.week.end - parse(w["created_at"])).days),  # type: ignore[operator]
                    ]
                )
                for w in figures.waiting
            ],
            nothing,
            figures.waiting_total,
        )
    )  # fmt: skip
    replies.append(
        _section(
            t._("📭 Failed deliveries"),
            [
                f"• {_e(f['name'])} — {_e(f['channel'])} — {_e(f['purpose'])} — "
                f"{_e(f['error'][:80])}"
                for f in figures.failed
            ],
            nothing,
        )
    )
    replies.append(
        _section(
            t._("⭐ Most chosen offers"),
            [f"• {_e(title)} — {count}" for title, count in figures.top_offers],
            nothing,
        )
    )
    replies.append(
        _section(
            t._("🕳️ Nothing on offer (last {weeks} weeks)", weeks=UNMET_WEEKS),
            [
                f"• {_e(municipality)} — {INTERESTS.get(interest, ('', ''))[0]} "
                f"{_e(t._(INTERESTS[interest][1]) if interest in INTERESTS else interest)}"
                f" — {count}"
                for municipality, interest, count in figures.unmet
            ],
            nothing,
        )
    )
    replies.append(
        _section(
            t._("🤝 Active buddies"),
            [
                f"• {_e(name)} — "
                + t.ngettext("🤝 {n} meeting", "🤝 {n} meetings", meetings)
                + f", {hours_text(t, minutes)}"
                for name, meetings, minutes in figures.active_buddies
            ],
            nothing,
        )
    )
    replies.append(
        Reply(
            text=t._("📎 One row per newcomer, for Excel."),
            document=Attachment(
                filename=f"meedoen-{_slug(figures.network.name)}-{figures.week.label}.csv",
                content=render_csv(figures, t),
                mime="text/csv",
            ),
        )
    )
    return replies


def short_replies(figures: Figures, t: Translator) -> list[Reply]:
    """The Telegram /digest: the summary with the chart."""
    chart = Attachment(
        filename=f"uren-{figures.week.label}.png",
        content=render_chart(figures.weekly, (t._("confirmed"), t._("waiting"))),
        mime="image/png",
    )
    return [Reply(text="\n".join(summary_lines(figures, t)), image=chart)]


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-") or "netwerk"


# --- sending ---------------------------------------------------------------------------------


@dataclass
class DigestRun:
    network: str
    week: str
    recipients: int
    already_sent: bool


async def queue_digest(
    tx: Tx, config: Config, figures: Figures, staff: list[StaffAccount], now: datetime
) -> DigestRun:
    """Queue one digest mail per staff member, once per network and week."""
    network, week = figures.network, figures.week.label
    if await digest_sent(tx, network.id, week) is not None:
        return DigestRun(network.name, week, 0, True)
    payload = dump_replies(digest_replies(figures, config))
    for account in staff:
        await outbox.enqueue(
            tx,
            key=f"digest:{network.id}:{week}:{account.email}",
            person_id=account.person_id,
            channel="email",
            address=account.email,
            purpose="digest",
            payload=payload,
            now=now,
        )
    await record_digest(tx, network.id, week, len(staff), now)
    return DigestRun(network.name, week, len(staff), False)


async def queue_weekly_digests(
    tx: Tx,
    config: Config,
    week: Week,
    now: datetime,
    networks: list[str] | None = None,
) -> list[DigestRun]:
    """In the caller's transaction: queue `week`'s digest for every network with staff."""
    all_staff = await list_staff(tx)
    wanted = {name.casefold() for name in networks} if networks else None
    runs: list[DigestRun] = []
    pending = []
    for network in await list_networks(tx):
        if not any(s.network_id == network.id for s in all_staff):
            continue
        if wanted is not None and network.name.casefold() not in wanted:
            continue
        if await digest_sent(tx, network.id, week.label) is not None:
            runs.append(DigestRun(network.name, week.label, 0, True))
        else:
            pending.append(network)
    figures = await collect(tx, config, week, pending)
    for network in pending:
        staff = [s for s in all_staff if s.network_id == network.id]
        runs.append(await queue_digest(tx, config, figures[network.id], staff, now))
    return runs


async def send_weekly_digests(
    db: Database,
    config: Config,
    week: str | Week | None = None,
    *,
    now: datetime | None = None,
    networks: list[str] | None = None,
) -> list[DigestRun]:
    """Queue this week's digest for every network with staff (the Monday 08:00 tick).

    `week` defaults to the last complete week before `now`. Safe to call again: a network's
    digest for a week is queued once.
    """
    now = now or utcnow()
    if week is None:
        chosen = last_complete_week(now, config)
    elif isinstance(week, Week):
        chosen = week
    else:
        chosen = named_week(week, config)
    async with db.transaction() as tx:
        return await queue_weekly_digests(tx, config, chosen, now, networks)


async def weekly_digest_tick(tx: Tx, config: Config, now: datetime) -> int:
    """For a scheduler tick on Mondays at 08:00: last week's digests; returns how many mails."""
    runs = await queue_weekly_digests(tx, config, last_complete_week(now, config), now)
    return sum(run.recipients for run in runs)


async def network_figures(tx: Tx, config: Config, network: Network, week: Week) -> Figures:
    return (await collect(tx, config, week, [network]))[network.id]



TICKS = [
    Tick("weekly-digest", {"day_of_week": "mon", "hour": "8", "minute": "0"}, weekly_digest_tick)
]
