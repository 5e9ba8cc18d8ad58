"""People hear about new offers that fit them.

When an import or sync adds an offer that ranks in a newcomer's top 3, they get one short
card: at most one such message a week, never in quiet hours, and not at all when they turned
the reminder kind `new_offer` off in /reminders (it is on by default). An offer counts as new
for a person when it arrived after they finished onboarding and after their last such card.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from handlers.context import Config
from handlers.offers.card_view import map_url
from handlers.offers.search import top_suggestions
from handlers.reminders.rules import Build, Round, in_quiet_hours
from handlers.ticks import Tick
from handlers.types import Button, Reply
from handlers.vocab import KINDS
from i18n import Translator
from storage import reminders as reminder_store
from storage.db import Tx
from storage.offer_import import offers_added_since, onboarded_newcomers
from storage.offers import Offer
from storage.people import get_person

KIND = "new_offer"
EVERY = timedelta(days=7)
TOP = 3


def new_offer_card(offer: Offer) -> Build:
    def build(t: Translator) -> list[Reply]:
        icon = KINDS.get(offer.kind, KINDS["other"])[0]
        where = offer.venue or offer.municipality or ""
        text = "\n".join(
            [
                t._("🆕 New near you, and it fits you:"),
                t._("{icon} {title} · {place}", icon=icon, title=offer.title_nl, place=where),
            ]
        )
        buttons = [
            [
                Button(label=t._("👍 I want to go"), data=f"ay:{offer.id}"),
                Button(label=t._("👎 Not for me"), data=f"an:{offer.id}"),
            ],
            [Button(label=t._("🗺️ Map"), url=map_url(offer))],
        ]
        return [Reply(text=text, buttons=buttons)]

    return build


async def tell_new_offers(tx: Tx, config: Config, now: datetime) -> int:
    """One card per newcomer a week about a new offer in their top 3."""
    if in_quiet_hours(now, config.tz):
        return 0
    added = await offers_added_since(tx, now - EVERY)
    if not added:
        return 0
    round_ = await Round.open(tx, config, now)
    last = await reminder_store.last_reminded(tx, KIND)
    for person_id, onboarded_at in await onboarded_newcomers(tx):
        told = last.get(person_id)
        if told is not None and now - told < EVERY:
            continue
        if not await round_.allows(person_id, KIND) or await round_.reached_target(person_id):
            continue
        after = max(onboarded_at, told) if told else onboarded_at
        person = await get_person(tx, person_id)
        if person is None:
            continue
        top = await top_suggestions(tx, config, person, now, limit=TOP)
        fresh = [o for o in top if o.id in added and added[o.id] > after]
        if fresh:
            key = f"reminder:{KIND}:{person_id}:{fresh[0].id}"
            await round_.send(person_id, KIND, key, new_offer_card(fresh[0]))
    return round_.queued


# After the daily UiTdatabank sync (06:30), in the morning.
TICKS = [Tick("offers-new", {"hour": "10", "minute": "45"}, tell_new_offers)]
