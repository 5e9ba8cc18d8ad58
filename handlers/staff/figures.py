"""The digest's rules on top of the stored figures: who reached the target, who is at risk.

Active = logged hours, used the assistant, or (buddies) met their newcomer during the week;
at risk = no activity for 21 days at the week's end.
"""

from __future__ import annotations

from datetime import timedelta

from handlers.context import Config
from handlers.staff.matching import best_matches
from storage.db import Tx
from storage.digest import Figures, Newcomer, Week, collect_people
from storage.digest_lists import collect_lists
from storage.matches import available_buddies, newcomers_wanting_buddy
from storage.networks import Network

AT_RISK_DAYS = 21

__all__ = ["AT_RISK_DAYS", "Figures", "Newcomer", "classify", "collect", "network_figures"]


async def collect(
    tx: Tx, config: Config, week: Week, networks: list[Network]
) -> dict[int, Figures]:
    """Every network's figures for one week, from a handful of aggregate queries."""
    result = await collect_people(
        tx, week, networks, config.target_hours * 60, config.self_declared_counts
    )
    for figures in result.values():
        classify(figures, week)
    await collect_lists(tx, week, result)
    wanting = await newcomers_wanting_buddy(tx, list(result))
    buddies = await available_buddies(tx, list(result))
    for network_id, figures in result.items():
        figures.buddy_matches = [
            (n.display_name or "?", matches)
            for n, matches in best_matches(
                [n for n in wanting if n.network_id == network_id],
                [b for b in buddies if b.network_id == network_id],
            )
        ]
    return result


async def network_figures(tx: Tx, config: Config, network: Network, week: Week) -> Figures:
    return (await collect(tx, config, week, [network]))[network.id]


def classify(figures: Figures, week: Week) -> None:
    """Reached / at risk / new per newcomer, and the counts that follow from it."""
    target = figures.target_minutes
    risk_before = week.end - timedelta(days=AT_RISK_DAYS)
    figures.active_people = figures.buddies_active
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
