"""Shared words: interests, kinds of activity, Dutch levels, free times, travel distances.

Each entry carries its icon and an N_-marked label; the code is what the store keeps.
"""

from __future__ import annotations

from handlers.registry import N_

INTERESTS: dict[str, tuple[str, str]] = {
    "sport": ("⚽", N_("Sport")),
    "culture": ("🎭", N_("Culture")),
    "nature": ("🌳", N_("Nature")),
    "cooking": ("🍲", N_("Cooking")),
    "youth": ("🧒", N_("Children and youth")),
    "volunteering": ("🙌", N_("Helping others")),
    "language": ("🗣️", N_("Practise Dutch")),
    "elderly": ("👵", N_("Care for elderly")),
    "crafts": ("🔧", N_("Crafts and repair")),
    "music": ("🎵", N_("Music")),
    "reading": ("📚", N_("Books and reading")),
    "neighbourhood": ("🏘️", N_("My neighbourhood")),
}

KINDS: dict[str, tuple[str, str]] = {
    "buddy": ("🤝", N_("Buddy")),
    "volunteering": ("🙌", N_("Volunteering")),
    "placement": ("🏢", N_("Short placement")),
    "language": ("🗣️", N_("Language practice")),
    "sport": ("⚽", N_("Sport")),
    "culture": ("🎭", N_("Culture")),
    "youth": ("🧒", N_("Youth")),
    "nature": ("🌳", N_("Nature")),
    "care": ("👵", N_("Care and elderly")),
    "neighbourhood": ("🏘️", N_("Neighbourhood")),
    "cooking": ("🍲", N_("Cooking")),
    "crafts": ("🔧", N_("Crafts and repair")),
    "library": ("📚", N_("Library and reading")),
    "music": ("🎵", N_("Music")),
    "other": ("✨", N_("Something else")),
}

DUTCH_ICON = "💬"
DUTCH_LEVELS: dict[int, str] = {
    1: N_("I know a few words"),
    2: N_("I can say simple things"),
    3: N_("I can talk about daily life"),
    4: N_("I speak Dutch easily"),
}

AVAILABILITY: dict[str, tuple[str, str]] = {
    "weekday": ("🌞", N_("Weekdays, daytime")),
    "evening": ("🌙", N_("Evenings")),
    "weekend": ("🎉", N_("Weekends")),
}

TRAVEL_KM: dict[int, str] = {2: "🚶", 5: "🚲", 10: "🚌", 25: "🚆", 50: "🚗"}


def dutch_icons(level: int) -> str:
    return DUTCH_ICON * level
