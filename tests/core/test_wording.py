"""Words that fit each language: counts through plural forms, no stand-in names, units."""

from __future__ import annotations

from handlers.hours.progress import hours_amount
from handlers.hours.rules import hours_text
from handlers.reminders.ticks import newcomer_nudge
from i18n import translator


def test_hour_buttons_use_the_plural_forms_of_each_language() -> None:
    ar = translator("ar")
    assert hours_text(ar, 60).endswith("ساعة")
    assert hours_text(ar, 120).endswith("ساعتان")  # the dual, not "2 ساعة"
    assert hours_text(ar, 180).endswith("ساعات")
    assert hours_text(ar, 90).endswith("ساعة")  # a fraction: its own message
    ru = translator("ru")
    assert [hours_amount(ru, h) for h in (1, 3, 5, 21)] == ["1 час", "3 часа", "5 часов", "21 час"]
    pl = translator("pl")
    assert [hours_amount(pl, h) for h in (1, 2, 5)] == ["1 godzina", "2 godziny", "5 godzin"]
    assert hours_amount(translator("en"), 1.5) == "1.5 hours"


def test_no_stand_in_name_when_the_name_is_unknown() -> None:
    for locale in ("en", "nl", "ar"):
        (reply,) = newcomer_nudge(None, [])(translator(locale))
        assert "there" not in reply.text and "{name}" not in reply.text
    (named,) = newcomer_nudge("Amal", [])(translator("en"))
    assert named.text.startswith("👋 Hello Amal!")
