"""Import every capability so it registers its commands, steps, actions and menu items."""

from handlers import common, onboarding, privacy, profile  # noqa: F401
