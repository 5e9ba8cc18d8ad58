"""The draft of onboarding (`handlers.people.onboarding`), also read by the privacy notice
that onboarding shows (it sits below onboarding, so the model has its own small module)."""

from __future__ import annotations

from typing import Literal

from handlers.context import Draft, stored_as


class OnboardingDraft(Draft):
    """Onboarding, or one of its questions asked again from /profile or /language."""

    role: Literal["newcomer", "buddy"] | None = None  # chosen, not yet agreed to the notice
    back: Literal["profile", "menu"] | None = stored_as("return")  # none: the next question
    pending_start: str | None = None  # a /start link opened before onboarding, for after it
    selected: list[str] = stored_as("sel", [])  # the unsaved ticks of a multi-choice question
    selected_step: str | None = stored_as("sel_step")  # … of this question
