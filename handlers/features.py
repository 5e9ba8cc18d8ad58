"""Every capability, listed in one place: what the router dispatches on and what is scheduled."""

from __future__ import annotations

from handlers import common
from handlers.hours import confirmations, progress, proof
from handlers.hours import log as hours_log
from handlers.offers import cards as offers
from handlers.people import buddies, onboarding, privacy, profile
from handlers.registry import Registry
from handlers.reminders import settings as reminders
from handlers.reminders import ticks as reminder_ticks
from handlers.staff import commands as staff
from handlers.staff import digest
from handlers.ticks import Tick

FEATURES: tuple[Registry, ...] = (
    common.feature,
    onboarding.feature,
    profile.feature,
    privacy.feature,
    buddies.feature,
    offers.feature,
    hours_log.feature,
    confirmations.feature,
    progress.feature,
    proof.feature,
    reminders.feature,
    staff.feature,
)

REGISTRY: Registry = Registry.combine(*FEATURES)

TICKS: tuple[Tick, ...] = (*reminder_ticks.TICKS, *digest.TICKS)
