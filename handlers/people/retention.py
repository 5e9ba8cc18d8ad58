"""Retention that happens: people who did not use Meedoen for `retention_months` are deleted
by a daily tick, after a warning in their language 30 days before and again 7 days before,
each with a button to stay. Using Meedoen in any way (or the button) moves the date.

Only an anonymous record of each proof they were issued stays (code, network, confirmed hours
per kind, date; no name), so a counsellor can still check a proof they hold.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import datetime, timedelta

from handlers.context import Config, Context, notify_person
from handlers.registry import Feature
from handlers.ticks import Tick
from handlers.types import Button, Reply
from i18n import Translator
from storage.clock import iso, parse
from storage.db import Tx
from storage.people import delete_person, get_person
from storage.proof_records import keep_records

feature = Feature("handlers.people.retention")

WARN_DAYS = (30, 7)
ROLES = ("newcomer", "buddy")  # providers' contacts and staff accounts are kept by the network


def months_after(moment: datetime, months: int) -> datetime:
    """The same day `months` later (the last day of the month when it has fewer days)."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def _warning(deleted_on: str, days: int) -> Callable[[Translator], list[Reply]]:
    def build(t: Translator) -> list[Reply]:
        text = t.ngettext(
            "⏳ You have not used Meedoen for a long time. In {n} day, on {date}, we delete "
            "your data. Do you want to stay? Tap the button.",
            "⏳ You have not used Meedoen for a long time. In {n} days, on {date}, we delete "
            "your data. Do you want to stay? Tap the button.",
            days,
            date=deleted_on,
        )
        return [Reply(text=text, buttons=[[Button(label=t._("✋ Keep my data"), data="rt:stay")]])]

    return build


async def retention_tick(tx: Tx, config: Config, now: datetime) -> int:
    """Warn, then delete, the people whose last use is `retention_months` ago; return how
    many messages were queued plus how many people were deleted."""
    done = 0
    marks = ",".join("?" for _ in ROLES)
    rows = await tx.all(
        "SELECT p.id, COALESCE(p.last_seen_at, p.created_at) AS active, w.warned_30, w.warned_7 "
        "FROM people p LEFT JOIN retention_warnings w ON w.person_id = p.id "
        f"WHERE p.role IS NULL OR p.role IN ({marks})",
        ROLES,
    )
    for row in rows:
        active = parse(row["active"])
        assert active is not None
        warned_30, warned_7 = parse(row["warned_30"]), parse(row["warned_7"])
        deletion = months_after(active, config.retention_months)
        if deletion - now > timedelta(days=WARN_DAYS[0]):
            if warned_30 is not None:  # they came back: warn again next time
                await tx.execute("DELETE FROM retention_warnings WHERE person_id = ?", (row["id"],))
            continue
        # Never sooner than 30 days after the first warning (people overdue when this began).
        first = warned_30 or now
        deletion = max(deletion, first + timedelta(days=WARN_DAYS[0]))
        left = deletion - now
        if warned_30 is None:
            column = "warned_30"
        elif warned_7 is None and left <= timedelta(days=WARN_DAYS[1]):
            column = "warned_7"
        elif warned_7 is not None and left <= timedelta(0):
            person = await get_person(tx, row["id"])
            if person is not None:
                await keep_records(tx, person.id, person.network_id)
                await delete_person(tx, person, now)
                done += 1
            continue
        else:
            continue
        days = max(1, left.days + (1 if left.seconds else 0))
        on = deletion.astimezone(config.tz).date().isoformat()
        key = f"retention:{row['id']}:{column}:{on}"
        done += await notify_person(
            tx, now, row["id"], _warning(on, days), key=key, purpose="retention"
        )
        await tx.execute(
            f"INSERT INTO retention_warnings (person_id, {column}) VALUES (?, ?) "
            f"ON CONFLICT (person_id) DO UPDATE SET {column} = excluded.{column}",
            (row["id"], iso(now)),
        )
    return done


@feature.action("rt", needs_onboarding=False)
async def stay_action(ctx: Context, args: list[str]) -> list[Reply]:
    """Any turn counts as use; the button also says so and clears the warnings."""
    await ctx.tx.execute("DELETE FROM retention_warnings WHERE person_id = ?", (ctx.person.id,))
    await ctx.tx.execute(
        "UPDATE people SET last_seen_at = ? WHERE id = ?", (iso(ctx.now), ctx.person.id)
    )
    return [Reply(text=ctx._("👍 Good, we keep your data."), edit=True)]


TICKS = [Tick("retention", {"hour": "10", "minute": "30"}, retention_tick)]
