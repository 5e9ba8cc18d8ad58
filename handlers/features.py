"""Every capability, listed in one place: what the router dispatches on and what is scheduled."""

from __future__ import annotations

from handlers import common
from handlers.hours import confirmations, contact_confirm, my_hours, progress, proof, proof_verify
from handlers.hours import log as hours_log
from handlers.offers import cards as offers
from handlers.offers import enrol, new_offers
from handlers.people import (
    buddies,
    buddy_plans,
    buddy_wish,
    onboarding,
    place,
    privacy,
    profile,
    retention,
)
from handlers.registry import Registry
from handlers.reminders import settings as reminders
from handlers.reminders import ticks as reminder_ticks
from handlers.staff import commands as staff
from handlers.staff import digest, disputes, matches, nudges
from handlers.staff import offers as staff_offers
from handlers.ticks import Tick
from handlers.voice import listen, record, recorders

FEATURES: tuple[Registry, ...] = (
    common.feature,
    onboarding.feature,
    place.feature,
    profile.feature,
    privacy.feature,
    retention.feature,
    buddies.feature,
    buddy_plans.feature,
    buddy_wish.feature,
    offers.feature,
    enrol.feature,
    hours_log.feature,
    my_hours.feature,
    confirmations.feature,
    contact_confirm.feature,
    progress.feature,
    proof.feature,
    proof_verify.feature,
    reminders.feature,
    staff.feature,
    listen.feature,
    record.feature,
    recorders.feature,
    disputes.feature,
    nudges.feature,
    matches.feature,
    staff_offers.feature,
)

REGISTRY: Registry = Registry.combine(*FEATURES)

TICKS: tuple[Tick, ...] = (
    *reminder_ticks.TICKS,
    *digest.TICKS,
    *retention.TICKS,
    *new_offers.TICKS,
)
