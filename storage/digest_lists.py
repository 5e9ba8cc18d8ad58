"""The digest's lists: waiting and disputed entries, deliveries, offers, unmet demand, chart."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from storage.clock import iso, parse
from storage.db import Tx
from storage.digest import Figures, Week, ids_sql
from storage.offer_import import import_runs

WAITING_DAYS = 7
STUCK_HOURS = 24  # a message not sent a day after it was queued is stuck
UNMET_WEEKS = 4
CHART_WEEKS = 8
LIST_LIMIT = 25  # lines per section in the mail; the CSV has everyone


async def collect_lists(tx: Tx, week: Week, result: dict[int, Figures]) -> None:
    ids = list(result)
    if not ids:
        return
    network_of = {p.id: n for n, f in result.items() for p in f.newcomers}
    await _waiting(tx, week, result, network_of)
    await _disputes(tx, result, network_of)
    await _failed(tx, ids, week, result)
    await _stuck(tx, ids, week, result)
    await _nudged(tx, ids, week, result)
    await _imports(tx, week, result)
    await _offers(tx, ids, week, result)
    await _unmet(tx, ids, week, result)
    await _weekly(tx, ids, week, result)


def _per_network(per_person: Any, network_of: dict[int, int]) -> list[tuple[int, int]]:
    """(person, count) rows summed per network (people of no network left out), in order."""
    totals: dict[int, int] = {}
    for person_id, count in per_person:
        network_id = network_of.get(person_id)
        if network_id is not None:
            totals[network_id] = totals.get(network_id, 0) + count
    return sorted(totals.items())


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
    for network_id, total in _per_network(per_person, network_of):
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


async def _disputes(
    tx: Tx, result: dict[int, Figures], network_of: dict[int, int]
) -> None:
    """Open disputes: how many, and the oldest ones with who, what, both sides' words and
    since when. Read from the index on status (disputes are few), not person by person."""
    per_person = await tx.all(
        "SELECT person_id, COUNT(*) FROM hour_entries INDEXED BY hour_entries_status "
        "WHERE status = 'disputed' "
        "GROUP BY person_id"
    )
    for network_id, total in _per_network(per_person, network_of):
        result[network_id].disputes_total = total
        rows = await tx.all(
            "SELECT e.id, e.day, e.minutes, e.kind, e.activity_label, e.provider_name, "
            "e.confirmer_note, e.logger_note, e.confirmed_at AS disputed_at, "
            "p.display_name AS newcomer, "
            "COALESCE(c.display_name, e.confirmed_by_name) AS confirmer "
            "FROM hour_entries e CROSS JOIN people p ON p.id = e.person_id "
            "LEFT JOIN people c ON c.id = e.confirmer_person_id "
            "WHERE e.status = 'disputed' AND p.network_id = ? "
            "ORDER BY e.confirmed_at, e.id LIMIT ?",
            (network_id, LIST_LIMIT),
        )
        for row in rows:
            item = dict(row)
            item["disputed_at"] = parse(item["disputed_at"])
            result[network_id].disputes.append(item)


_DELIVERY = (
    "SELECT p.network_id, p.display_name, o.channel, o.purpose, o.last_error, o.created_at "
    "FROM outbox o JOIN people p ON p.id = o.person_id "
)


async def _failed(tx: Tx, ids: list[int], week: Week, result: dict[int, Figures]) -> None:
    """Messages the outbox gave up on this week or the one before."""
    rows = await tx.all(
        f"{_DELIVERY} WHERE o.status = 'failed' AND o.created_at >= ? AND o.created_at < ? "
        f"AND p.network_id IN ({ids_sql(ids)}) AND p.role IN ('newcomer', 'buddy', 'provider') "
        f"ORDER BY o.id",
        (iso(week.start - timedelta(days=7)), iso(week.end)),
    )
    for network_id, delivery in _deliveries(rows):
        result[network_id].failed.append(delivery)


async def _stuck(tx: Tx, ids: list[int], week: Week, result: dict[int, Figures]) -> None:
    """Messages queued before the week's end minus a day that are still not sent."""
    rows = await tx.all(
        f"{_DELIVERY} WHERE o.status IN ('pending', 'sending') AND o.created_at < ? "
        f"AND o.created_at >= ? AND p.network_id IN ({ids_sql(ids)}) "
        f"AND p.role IN ('newcomer', 'buddy', 'provider') ORDER BY o.id",
        (iso(week.end - timedelta(hours=STUCK_HOURS)), iso(week.start - timedelta(days=28))),
    )
    for network_id, delivery in _deliveries(rows):
        result[network_id].stuck.append(delivery)


def _deliveries(rows: list[Any]) -> list[tuple[int, dict[str, Any]]]:
    """Rows of `_DELIVERY` as (network id, what the digest lists of a message)."""
    return [
        (network_id, {"name": name or "?", "channel": channel, "purpose": purpose,
                      "error": error or "", "created_at": parse(created)})
        for network_id, name, channel, purpose, error, created in rows
    ]  # fmt: skip


async def _imports(tx: Tx, week: Week, result: dict[int, Figures]) -> None:
    """Offer imports and UiTdatabank syncs that finished in the week, per network."""
    for run in await import_runs(tx, None, week.start):
        if run.finished_at < week.end and run.network_id in result:
            result[run.network_id].imports.append(run)


async def _nudged(tx: Tx, ids: list[int], week: Week, result: dict[int, Figures]) -> None:
    rows = await tx.all(
        f"SELECT n.network_id, p.display_name, n.sent_at FROM nudges n "
        f"JOIN people p ON p.id = n.person_id WHERE n.network_id IN ({ids_sql(ids)}) "
        f"AND n.sent_at >= ? AND n.sent_at < ? ORDER BY n.sent_at",
        (iso(week.start), iso(week.end)),
    )
    for network_id, name, sent_at in rows:
        moment = parse(sent_at)
        assert moment is not None
        result[network_id].nudged.append((name or "?", moment))


async def _offers(tx: Tx, ids: list[int], week: Week, result: dict[int, Figures]) -> None:
    rows = await tx.all(
        f"SELECT o.network_id, o.title_nl, COUNT(*) AS n FROM enrolments en "
        f"JOIN offers o ON o.id = en.offer_id "
        f"WHERE en.created_at >= ? AND en.created_at < ? AND o.network_id IN ({ids_sql(ids)}) "
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
        f"WHERE day >= ? AND day <= ? AND network_id IN ({ids_sql(ids)}) "
        f"GROUP BY network_id, municipality, interest ORDER BY n DESC, municipality, interest",
        (first, week.sunday.isoformat()),
    )
    for network_id, municipality, interest, count in rows:
        if len(result[network_id].unmet) < LIST_LIMIT:
            result[network_id].unmet.append((municipality, interest, count))


def _label(monday: date) -> str:
    year, number, _ = monday.isocalendar()
    return f"{year}-W{number:02d}"


async def _weekly(tx: Tx, ids: list[int], week: Week, result: dict[int, Figures]) -> None:
    """Hours per week (by the day they were done) for the chart: the last 8 weeks."""
    first = week.monday - timedelta(weeks=CHART_WEEKS - 1)
    labels = [_label(first + timedelta(weeks=i)) for i in range(CHART_WEEKS)]
    sums = {n: {label: [0, 0] for label in labels} for n in ids}
    rows = await tx.all(
        f"SELECT network_id, day, status, minutes FROM network_day_hours "
        f"WHERE network_id IN ({ids_sql(ids)}) AND day >= ? AND day <= ? "
        f"AND status IN ('confirmed', 'pending')",
        (first.isoformat(), week.sunday.isoformat()),
    )
    for network_id, day, status, minutes in rows:
        index = (date.fromisoformat(day) - first).days // 7
        if 0 <= index < CHART_WEEKS:
            sums[network_id][labels[index]][0 if status == "confirmed" else 1] += minutes or 0
    for network_id in ids:
        result[network_id].weekly = [(w, c, p) for w, (c, p) in sums[network_id].items()]
