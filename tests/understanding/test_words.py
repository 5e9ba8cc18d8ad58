"""The words of each language (handlers/understanding/words/*.json), read without a chat:
durations, days and times as people type them, per language, in their own digits."""

from __future__ import annotations

from datetime import date, time

import pytest

from handlers.understanding.quantities import parse_date, parse_duration, parse_time
from handlers.understanding.text import digits, fold
from handlers.understanding.words import known_locales, words_for
from i18n import LOCALES

MONDAY, SATURDAY = date(2026, 11, 23), date(2026, 11, 21)
YDAY, TMRW = date(2026, 11, 22), date(2026, 11, 24)
LAST_FRI, NEXT_FRI = date(2026, 11, 20), date(2026, 11, 27)

DURATIONS: dict[str, list[tuple[str, int | None]]] = {
    "ar": [("ساعتين", 120), ("٢ ساعة", 120), ("90 دقيقة", 90), ("١٫٥", 90), ("نصف ساعة", 30),
           ("ساعة", 60), ("كثير", None)],
    "fa_AF": [("2 ساعت", 120), ("۱٫۵", 90), ("۹۰ دقیقه", 90), ("نیم ساعت", 30), ("دو ساعت", 120),
              ("زیاد", None)],
    "ps": [("دوه ساعته", 120), ("۲ ساعته", 120), ("90 دقیقې", 90), ("نیم ساعت", 30), ("ډېر", None)],
    "ti": [("2 ሰዓት", 120), ("ክልተ ሰዓት", 120), ("90 ደቒቕ", 90), ("ፍርቂ ሰዓት", 30), ("ብዙሕ", None)],
    "so": [("2 saac", 120), ("laba saacadood", 120), ("90 daqiiqo", 90), ("saac iyo badh", 90),
           ("badan", None)],
    "uk": [("90 хв", 90), ("2 години", 120), ("півтори години", 90), ("1,5 год", 90),
           ("півгодини", 30), ("багато", None)],
    "ru": [("2 часа", 120), ("90 мин", 90), ("полтора часа", 90), ("полчаса", 30),
           ("час", 60), ("много", None)],
    "tr": [("2 saat", 120), ("90 dk", 90), ("bir buçuk saat", 90), ("yarım saat", 30),
           ("1,5 saat", 90), ("çok", None)],
    "fr": [("1h30", 90), ("2 heures", 120), ("90 minutes", 90), ("une heure et demie", 90),
           ("demi-heure", 30), ("beaucoup", None)],
    "nl": [("anderhalf uur", 90), ("2 uur", 120), ("1u30", 90), ("90 min", 90), ("half uur", 30),
           ("twee uur", 120), ("veel", None)],
    "en": [("2 hours", 120), ("half an hour", 30), ("1.5", 90), ("an hour", 60), ("lots", None)],
}  # fmt: skip

DAYS: dict[str, list[tuple[str, date | None, date | None]]] = {
    # typed, meaning when logging (past), meaning when planning (future)
    "ar": [("أمس", YDAY, YDAY), ("بكرة", TMRW, TMRW),
           ("الجمعة", LAST_FRI, NEXT_FRI), ("٢١/١١", SATURDAY, SATURDAY)],
    "fa_AF": [("دیروز", YDAY, YDAY), ("فردا", TMRW, TMRW),
              ("جمعه", LAST_FRI, NEXT_FRI)],
    "ps": [("پرون", YDAY, YDAY), ("سبا", TMRW, TMRW)],
    "ti": [("ትማሊ", YDAY, YDAY), ("ጽባሕ", TMRW, TMRW),
           ("ዓርቢ", LAST_FRI, NEXT_FRI)],
    "so": [("shalay", YDAY, YDAY), ("berri", TMRW, TMRW),
           ("jimce", LAST_FRI, NEXT_FRI)],
    "uk": [("вчора", YDAY, YDAY), ("завтра", TMRW, TMRW),
           ("у п'ятницю", LAST_FRI, NEXT_FRI)],
    "ru": [("вчера", YDAY, YDAY), ("завтра", TMRW, TMRW),
           ("в пятницу", LAST_FRI, NEXT_FRI)],
    "tr": [("dün", YDAY, YDAY), ("yarın", TMRW, TMRW),
           ("cuma", LAST_FRI, NEXT_FRI)],
    "fr": [("hier", YDAY, YDAY), ("demain", TMRW, TMRW),
           ("vendredi", LAST_FRI, NEXT_FRI)],
    "nl": [("gisteren", YDAY, YDAY), ("morgen", TMRW, TMRW),
           ("vrijdag", LAST_FRI, NEXT_FRI), ("maandag", MONDAY, MONDAY)],
    "en": [("25/12", date(2026, 12, 25), date(2026, 12, 25)),
           ("1/1", date(2027, 1, 1), date(2027, 1, 1)),
           ("30/11/2025", date(2025, 11, 30), date(2025, 11, 30)),
           ("31/02", None, None), ("soon", None, None)],
}  # fmt: skip

TIMES: dict[str, list[tuple[str, time | None]]] = {
    "ar": [("١٨:٣٠", time(18, 30)), ("الساعة 7", time(7)), ("مساء", None)],
    "fa_AF": [("۱۸:۳۰", time(18, 30)), ("ساعت ۷", time(7))],
    "ps": [("۱۸:۳۰", time(18, 30)), ("18.30", time(18, 30))],
    "ti": [("18:30", time(18, 30)), ("18.30", time(18, 30))],
    "so": [("18:30", time(18, 30)), ("saacadda 7", time(7))],
    "uk": [("18.30 год", time(18, 30)), ("о 18:30", time(18, 30)), ("18 год", time(18))],
    "ru": [("18 ч 30", time(18, 30)), ("в 18 ч", time(18)), ("вечером", None)],
    "tr": [("saat 18", time(18)), ("18.30", time(18, 30))],
    "fr": [("18h30", time(18, 30)), ("18h", time(18)), ("ce soir", None)],
    "nl": [("18u30", time(18, 30)), ("18.30", time(18, 30)), ("om 18 uur", time(18)),
           ("25:99", None)],
}  # fmt: skip


@pytest.mark.parametrize("locale", sorted(DURATIONS))
def test_durations(locale: str) -> None:
    got = [(text, parse_duration(text, locale)) for text, _ in DURATIONS[locale]]
    assert got == DURATIONS[locale]


@pytest.mark.parametrize("locale", sorted(DAYS))
def test_days_in_the_direction_of_the_step(locale: str) -> None:
    got = [
        (text, parse_date(text, MONDAY, locale, "past"), parse_date(text, MONDAY, locale, "future"))
        for text, _, _ in DAYS[locale]
    ]
    assert got == DAYS[locale]


@pytest.mark.parametrize("locale", sorted(TIMES))
def test_times(locale: str) -> None:
    got = [(text, parse_time(text, locale)) for text, _ in TIMES[locale]]
    assert got == TIMES[locale]


def test_every_language_of_the_bot_has_its_words() -> None:
    assert set(known_locales()) == set(LOCALES)
    for locale in LOCALES:
        words = words_for(locale)
        assert words.yes and words.no and words.hour and words.minute, locale
        assert words.today and words.yesterday and words.tomorrow, locale
        assert sorted(set(words.weekdays.values())) == list(range(7)), locale
        assert not (words.yes & words.no), locale


def test_digits_of_every_script() -> None:
    assert digits("٨٩٠٠ ۹۱۰۰ ८९०० ௮௯௦௦ ๘๙๐๐") == "8900 9100 8900 8900 8900"
    assert fold("١٫٥") == "1,5" and fold("⚽ الرياضة!") == "الرياضه"
