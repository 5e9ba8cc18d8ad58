"""Import every capability so it registers its commands, steps, actions and menu items."""

from handlers import (  # noqa: F401
    buddies,
    common,
    confirmations,
    hours,
    offers,
    onboarding,
    privacy,
    profile,
    progress,
    proof,
    reminders,
    staff,
)
