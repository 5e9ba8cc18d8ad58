"""The fixed messages a network can record: the step prompts of onboarding and /log.

A recording belongs to one language and one message id; it was made of one translation, whose
hash it keeps, so a changed translation makes the recording stale until it is recorded again.
"""

from __future__ import annotations

import hashlib
from functools import cache

from handlers.voice.spoken import line_key
from i18n import translator

# In the order a newcomer meets them: /record offers them in this order too.
RECORDABLE: tuple[str, ...] = (
    "Choose your language:",
    "👋 Hello! Who are you?",
    "🔒 <b>Your data</b>",
    "• We keep: your name, town, interests, Dutch level, free time and your hours.",
    "• Why: to find activities for you and to count your hours.",
    "• Who sees it: you, your buddy or the organisation for your hours, "
    "and the staff of your region.",
    "• We never ask your nationality, religion, health or national number.",
    "• How long: until you delete it, at most 2 years after your last visit.",
    "• /mydata shows everything. /forget deletes everything.",
    "✏️ What is your first name? Your buddy and your counsellor will see it.",
    "📍 Where do you live? Type your postcode or town. Example: 8900 or Ieper.",
    "❤️ What do you like? Choose one or more, then press Done.",
    "💬 How much Dutch do you speak?",
    "🗓️ When are you free? Choose one or more, then press Done.",
    "👶 Do your children come with you?",
    "🧭 How far can you travel?",
    "🗣️ Which languages do you speak? Choose one or more, then press Done.",
    "🎉 All set! Welcome to Meedoen.",
    "⏱️ What did you do?",
    "✨ What kind of activity was it?",
    "⏱️ How long? Or type it, for example 2 or 1,5 or 90 min.",
    "📅 Which day? Or type a date, for example 21/11.",
    "🔁 You logged this on that day already:",
    "Add it again?",
    "☝️ Please use the buttons.",
    "☝️ Choose at least one.",
    "✅ Saved.",
    "🏠 What do you want to do?",
)


def translation(locale: str, message_key: str) -> str:
    return translator(locale)._(message_key)


def text_hash(text: str) -> str:
    """Identifies one translation; a recording made of another one is stale."""
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@cache
def _by_line(locale: str) -> dict[str, str]:
    return {line_key(translation(locale, key)): key for key in RECORDABLE}


def message_key_of(line: str, locale: str) -> str | None:
    """The recordable message a spoken line is, in this language, if any."""
    return _by_line(locale).get(line.casefold())
