"""Language: catalogs, formatting and right-to-left isolation. Knows nothing of chat or storage."""

from i18n.languages import BY_CODE, LANGUAGES, LOCALES, Language, locale_from_telegram, ordered_for
from i18n.translator import Markup, Translator, translator

__all__ = [
    "BY_CODE",
    "LANGUAGES",
    "LOCALES",
    "Language",
    "Markup",
    "Translator",
    "locale_from_telegram",
    "ordered_for",
    "translator",
]
