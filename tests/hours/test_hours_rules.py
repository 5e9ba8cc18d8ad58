"""The pure rules of hours: reading durations and dates, and the limits."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from handlers.hours.rules import (
    MAX_DAY_MINUTES,
    MAX_ENTRY_MINUTES,
    Refusal,
    check_day,
    check_day_total,
    check_minutes,
    hours_of,
    parse_day,
    parse_duration,
)

TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("2", 120), ("1,5", 90), ("1.5", 90), ("90 min", 90), ("90min", 90), ("45 m", 45),
        ("1u30", 90), ("1h30", 90), ("1 h 30", 90), ("1:30", 90), ("1h", 60), ("2 uur", 120),
        ("3 hours", 180), ("½", 30), ("1½", 90), ("2 ¼", 135), (" 2 ", 120), ("2H", 120),
        ("٢", 120), ("١٫٥", 90), ("۱,۵", 90),  # Arabic-Indic and Persian digits
        ("0", 0), ("-2", -120), ("13", 780), ("0,001", 0),
    ],
)  # fmt: skip
def test_durations_read(text: str, minutes: int) -> None:
    assert parse_duration(text) == minutes


@pytest.mark.parametrize(
    "text", ["", "abc", "2 days", "1e3", "nan", "inf", "1h75", "1,5,5", "½½", "x½", "2" * 50]
)
def test_durations_not_read(text: str) -> None:
    assert parse_duration(text) is None


@given(st.text(max_size=60))
def test_any_text_is_read_or_refused_without_error(text: str) -> None:
    minutes = parse_duration(text)
    assert minutes is None or isinstance(minutes, int)


@given(st.integers(min_value=-10**6, max_value=10**6))
def test_limits_of_one_entry(minutes: int) -> None:
    refusal = check_minutes(minutes)
    assert (refusal is None) == (0 < minutes <= MAX_ENTRY_MINUTES)


def test_limits_of_a_day() -> None:
    assert check_day_total(12 * 60, 4 * 60) is None
    assert check_day_total(12 * 60, 4 * 60 + 1) is Refusal.DAY_TOO_LONG
    assert check_day_total(0, MAX_DAY_MINUTES + 1) is Refusal.DAY_TOO_LONG


def test_days() -> None:
    assert check_day(TODAY, TODAY, 30) is None
    assert check_day(date(2026, 10, 24), TODAY, 30) is None
    assert check_day(date(2026, 10, 23), TODAY, 30) is Refusal.TOO_OLD
    assert check_day(date(2026, 11, 24), TODAY, 30) is Refusal.FUTURE


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("21/11", date(2026, 11, 21)), ("21-11-2026", date(2026, 11, 21)),
        ("21.11.26", date(2026, 11, 21)), ("2026-11-21", date(2026, 11, 21)),
        ("31/12", date(2025, 12, 31)),  # no year: the last one that is not in the future
        ("24/11/2026", date(2026, 11, 24)),  # read, then refused by check_day
        ("31/02", None), ("21/13", None), ("tomorrow", None), ("", None),
    ],
)  # fmt: skip
def test_dates_read(text: str, day: date | None) -> None:
    assert parse_day(text, TODAY) == day


def test_hours_for_display() -> None:
    assert hours_of(90) == 1.5 and hours_of(120) == 2 and hours_of(100) == 1.67
