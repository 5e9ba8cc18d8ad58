"""Per-locale translation and formatting.

Catalogs are the `.po` sources under `i18n/locales`; they are compiled in memory at start-up,
so no compiled `.mo` file ever lives in git. Message ids are English. Values interpolated into a
message are HTML-escaped (replies use Telegram's HTML subset) and, in right-to-left languages,
wrapped in first-strong isolates so numbers and Latin names keep their order.
"""

from __future__ import annotations

import gettext
import html
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from datetime import date as Day  # the class has a method named `date`
from decimal import Decimal
from functools import cache
from io import BytesIO
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_datetime, format_time
from babel.lists import format_list
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

from i18n.languages import BY_CODE

LOCALE_DIR = Path(__file__).parent / "locales"
DOMAIN = "meedoen"
FSI, PDI = "\u2068", "\u2069"


class Markup(str):
    """A value that is already safe HTML and must not be escaped again."""


def catalog_path(locale: str) -> Path:
    return LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def _translations(locale: str) -> gettext.NullTranslations:
    path = catalog_path(locale)
    if not path.exists():
        return gettext.NullTranslations()
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    buffer = BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


class Translator:
    """Translate and format for one locale. `_` and `ngettext` are what pybabel extracts."""

    def __init__(self, locale: str) -> None:
        if locale not in BY_CODE:
            raise ValueError(f"unknown locale {locale!r}")
        self.locale = locale
        self.rtl = BY_CODE[locale].rtl
        self.babel = Locale.parse(locale)
        self._catalog = _translations(locale)

    # --- messages -------------------------------------------------------------------------
    def _(self, message: str, /, **values: object) -> str:
        return self._fill(self._catalog.gettext(message), values)

    def ngettext(self, singular: str, plural: str, n: int, /, **values: object) -> str:
        values.setdefault("n", n)
        return self._fill(self._catalog.ngettext(singular, plural, n), values)

    def _fill(self, text: str, values: Mapping[str, object]) -> str:
        if not values:
            return text
        return text.format_map({key: self.value(value) for key, value in values.items()})

    # --- values ---------------------------------------------------------------------------
    def value(self, value: object) -> str:
        """Format one interpolated value: numbers localised, text escaped, RTL isolated."""
        if isinstance(value, Markup):
            return self.isolate(value)
        if isinstance(value, bool):
            text = str(value)
        elif isinstance(value, int | float | Decimal):
            text = self.number(value)
        elif isinstance(value, datetime):
            text = self.datetime(value)
        elif isinstance(value, date):
            text = self.date(value)
        else:
            text = html.escape(str(value), quote=False)
        return self.isolate(text)

    def isolate(self, text: str) -> str:
        return f"{FSI}{text}{PDI}" if self.rtl and text else text

    def number(self, value: float | int | Decimal) -> str:
        return format_decimal(value, format="#,##0.##", locale=self.babel)

    def date(self, value: Day, format: str = "EEEE d MMMM") -> str:
        return format_date(value, format=format, locale=self.babel)

    def short_date(self, value: Day) -> str:
        return format_date(value, format="EEE d MMM", locale=self.babel)

    def time(self, value: datetime) -> str:
        return format_time(value, format="HH:mm", locale=self.babel)

    def datetime(self, value: datetime) -> str:
        return format_datetime(value, format="EEE d MMM HH:mm", locale=self.babel)

    def list(self, items: Iterable[str]) -> str:
        return format_list([str(item) for item in items], locale=self.babel)


@cache
def translator(locale: str) -> Translator:
    return Translator(locale)
