"""The shipped languages, named in their own words (no flags: a language is not a country)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Language:
    code: str  # gettext/Babel locale identifier, e.g. "fa_AF"
    native_name: str
    rtl: bool = False


LANGUAGES: tuple[Language, ...] = (
    Language("nl", "Nederlands"),
    Language("en", "English"),
    Language("fr", "Français"),
    Language("ar", "العربية", rtl=True),
    Language("uk", "Українська"),
    Language("ru", "Русский"),
    Language("tr", "Türkçe"),
    Language("fa_AF", "دری", rtl=True),
    Language("ps", "پښتو", rtl=True),
    Language("ti", "ትግርኛ"),
    Language("so", "Soomaali"),
    Language("es", "Español"),
    Language("ro", "Română"),
    Language("pl", "Polski"),
)

LOCALES: tuple[str, ...] = tuple(language.code for language in LANGUAGES)
BY_CODE: dict[str, Language] = {language.code: language for language in LANGUAGES}

# Telegram sends IETF tags such as "fa", "prs" or "pt-br"; map the first part to our locales.
_TELEGRAM_ALIASES = {"fa": "fa_AF", "prs": "fa_AF", "pus": "ps", "tir": "ti", "som": "so"}


def locale_from_telegram(language_code: str | None) -> str | None:
    """Best guess of a shipped locale from Telegram's `language_code`, or None."""
    if not language_code:
        return None
    primary = language_code.replace("_", "-").split("-")[0].lower()
    code = _TELEGRAM_ALIASES.get(primary, primary)
    return code if code in BY_CODE else None


def ordered_for(likely: str | None) -> list[Language]:
    """All languages, the likely one first (for the picker)."""
    first = [BY_CODE[likely]] if likely in BY_CODE else []
    return first + [language for language in LANGUAGES if language.code != likely]
