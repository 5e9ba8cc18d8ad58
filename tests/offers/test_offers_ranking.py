"""The ranking rules, schedules and calendar files: unit and property tests (pure code)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from handlers.offers.calendar_ics import event_ics, fold_line
from handlers.offers.ranking import (
    NEAR,
    Candidate,
    Seeker,
    base,
    best,
    best_possible_base,
    fits_dutch,
    interest_bits,
    meets,
    near_points,
    needs,
    order_key,
    rank,
    score,
    with_variety,
)
from handlers.schedule import next_sessions, parse_schedule, slot_bits, slots_of
from handlers.vocab import INTERESTS, KINDS
from storage.postcodes import haversine_km

TZ = ZoneInfo("Europe/Brussels")
IEPER = (50.8503, 2.8856)
HERE = Seeker(
    latitude=IEPER[0],
    longitude=IEPER[1],
    travel_km=10,
    dutch_level=2,
    interests=interest_bits(["sport", "nature"]),
    free=slot_bits(["evening", "weekend"]),
)


def offer(id: int = 1, **changes: object) -> Candidate:
    plain = Candidate(
        id=id,
        kind="sport",
        interests=interest_bits(["sport"]),
        latitude=IEPER[0] + 0.01,
        longitude=IEPER[1],
        dutch_level=2,
        slots=slot_bits(["evening"]),
        children_welcome=False,
        cost="paid",
        uitpas=False,
        places_left=None,
    )
    return plain._replace(**changes)


def points(seeker: Seeker, candidate: Candidate) -> float:
    found = score(seeker, candidate)
    assert found is not None
    return found.score


# --- one rule at a time -----------------------------------------------------------------------
def test_interest_counts_most() -> None:
    match = points(HERE, offer())
    other = points(HERE, offer(kind="music", interests=interest_bits(["music"])))
    both = points(HERE, offer(interests=interest_bits(["sport", "nature"])))
    assert both > match > other
    assert "interest" in score(HERE, offer()).reasons  # type: ignore[union-attr]


def test_travel_radius_is_a_hard_limit() -> None:
    inside = offer(latitude=IEPER[0] + 9.9 / 111.2)
    outside = offer(latitude=IEPER[0] + 10.1 / 111.2)
    assert score(HERE, inside) is not None
    assert score(HERE, outside) is None
    assert points(HERE, offer()) > points(HERE, inside)  # nearer is better
    assert score(HERE, outside, max_km=25) is not None  # a wider look for the nearest ones


def test_dutch_level_one_above_is_allowed_but_lower() -> None:
    fits = points(HERE, offer(dutch_level=2))
    easier = points(HERE, offer(dutch_level=1))
    stretch = points(HERE, offer(dutch_level=3))
    assert fits == easier > stretch
    assert score(HERE, offer(dutch_level=4)) is None
    unknown = replace(HERE, dutch_level=None)
    assert score(unknown, offer(dutch_level=4)) is not None


def test_free_time_overlap() -> None:
    fits = points(HERE, offer(slots=slot_bits(["weekend"])))
    unknown = points(HERE, offer(slots=0))
    clash = points(HERE, offer(slots=slot_bits(["weekday"])))
    assert fits > unknown > clash


def test_children_matter_only_for_people_who_bring_them() -> None:
    parent = replace(HERE, with_children=True)
    assert points(parent, offer(children_welcome=True)) > points(
        parent, offer(children_welcome=False)
    )
    assert points(HERE, offer(children_welcome=True)) == points(HERE, offer(children_welcome=False))


def test_free_or_uitpas_is_favoured() -> None:
    free = points(HERE, offer(cost="free"))
    uitpas = points(HERE, offer(cost="paid", uitpas=True))
    paid = points(HERE, offer(cost="paid"))
    assert free > uitpas > paid


def test_places_left_first_and_declined_never() -> None:
    full = offer(1, places_left=0, cost="free", interests=interest_bits(["sport", "nature"]))
    plain = offer(2, kind="music", interests=0, slots=slot_bits(["weekday"]))
    ranked = rank(HERE, [full, plain])
    assert [s.offer_id for s in ranked] == [2, 1]
    assert ranked[1].full
    declined = replace(HERE, declined=frozenset({2}))
    assert [s.offer_id for s in rank(declined, [full, plain])] == [1]


def test_variety_among_the_first_cards() -> None:
    sports = [offer(i, latitude=IEPER[0] + i / 1000) for i in range(1, 5)]
    nature = offer(9, kind="nature", interests=interest_bits(["nature"]), latitude=IEPER[0] + 0.02)
    assert points(HERE, nature) < min(points(HERE, s) for s in sports)
    ranked = [s.kind for s in rank(HERE, [*sports, nature])]
    assert ranked[0] == "sport" and "nature" in ranked[:3]
    # Kinds shown just before count too.
    again = [s.kind for s in rank(HERE, [*sports, nature], shown=("sport", "sport"))]
    assert again[0] == "nature"


def test_reasons_explain_the_card() -> None:
    parent = replace(HERE, with_children=True)
    found = score(parent, offer(cost="free", children_welcome=True, latitude=IEPER[0]))
    assert found is not None
    assert set(found.reasons) == {"interest", "dutch", "time", "children", "free", "near"}


# --- properties ----------------------------------------------------------------------------
KIND_NAMES = list(KINDS)
coordinates = st.tuples(
    st.floats(50.6, 51.1, allow_nan=False), st.floats(2.6, 3.3, allow_nan=False)
)
seekers = st.builds(
    lambda at, km, level, likes, free, kids, declined: Seeker(
        at[0], at[1], km, level, likes, free, kids, frozenset(declined)
    ),
    coordinates,
    st.sampled_from([2, 5, 10, 25, 50]),
    st.one_of(st.none(), st.integers(1, 4)),
    st.integers(0, 2 ** len(INTERESTS) - 1),
    st.integers(0, 7),
    st.booleans(),
    st.sets(st.integers(0, 60), max_size=10),
)
candidates = st.lists(
    st.builds(
        lambda id, kind, likes, at, level, slots, kids, cost, uitpas, left: Candidate(
            id, kind, likes, at[0], at[1], level, slots, kids, cost, uitpas, left
        ),
        st.integers(0, 60),
        st.sampled_from(KIND_NAMES),
        st.integers(0, 2 ** len(INTERESTS) - 1),
        coordinates,
        st.integers(1, 4),
        st.integers(0, 7),
        st.booleans(),
        st.sampled_from(["free", "paid", "unknown"]),
        st.booleans(),
        st.one_of(st.none(), st.integers(0, 3)),
    ),
    max_size=40,
    unique_by=lambda c: c.id,
)


@settings(max_examples=300, deadline=None)
@given(seekers, candidates)
def test_rank_never_breaks_a_hard_rule(seeker: Seeker, offers: list[Candidate]) -> None:
    by_id = {c.id: c for c in offers}
    ranked = rank(seeker, offers)
    for s in ranked:
        c = by_id[s.offer_id]
        assert s.offer_id not in seeker.declined
        assert haversine_km(seeker.latitude, seeker.longitude, c.latitude, c.longitude) <= (
            seeker.travel_km
        )
        assert seeker.dutch_level is None or c.dutch_level <= seeker.dutch_level + 1
    # Everything allowed is there exactly once; full offers come last.
    plain = best(seeker, offers)
    assert sorted(s.offer_id for s in ranked) == sorted(s.offer_id for s in plain)
    fulls = [s.full for s in ranked]
    assert fulls == sorted(fulls)
    if ranked:
        assert ranked[0] == plain[0]  # variety never replaces the best card
    assert rank(seeker, list(reversed(offers))) == ranked  # input order does not matter


@settings(max_examples=300, deadline=None)
@given(seekers, candidates)
def test_best_possible_base_is_an_upper_bound(seeker: Seeker, offers: list[Candidate]) -> None:
    ceiling = best_possible_base(seeker)
    for c in offers:
        if seeker.dutch_level is None or c.dutch_level <= seeker.dutch_level + 1:
            assert base(seeker, c)[0] <= ceiling
        found = score(seeker, c)
        if found is not None:
            assert found.score <= ceiling + NEAR


@settings(max_examples=300, deadline=None)
@given(seekers, candidates, st.integers(-60, 110))
def test_an_offer_that_reaches_the_points_has_what_is_needed(
    seeker: Seeker, offers: list[Candidate], points: int
) -> None:
    wanted = needs(seeker, points)
    for c in offers:
        if fits_dutch(seeker.dutch_level, c.dutch_level) and base(seeker, c)[0] >= points:
            assert meets(seeker, c, wanted), (c, wanted)


@given(st.floats(0, 200), st.floats(0, 200), st.sampled_from([2, 5, 10, 25, 50]))
def test_nearer_never_scores_less(a: float, b: float, scale: float) -> None:
    near, far = sorted((a, b))
    assert near_points(near, scale) >= near_points(far, scale) >= 0


@given(seekers, candidates, st.integers(1, 8))
def test_limited_best_is_the_head_of_the_full_order(
    seeker: Seeker, offers: list[Candidate], limit: int
) -> None:
    assert best(seeker, offers, limit=limit) == best(seeker, offers)[:limit]
    ordered = best(seeker, offers)
    assert ordered == sorted(ordered, key=order_key)
    assert sorted(with_variety(ordered), key=order_key) == ordered


# --- schedules -------------------------------------------------------------------------------
def test_schedule_text_in_english_or_dutch() -> None:
    parsed = parse_schedule("di 19u00-21:00; Saturday 9.30-12.00; 2026-12-12 09:00-12:30")
    assert parsed == {
        "weekly": [
            {"day": "tue", "start": "19:00", "end": "21:00"},
            {"day": "sat", "start": "09:30", "end": "12:00"},
        ],
        "dates": [{"date": "2026-12-12", "start": "09:00", "end": "12:30"}],
    }
    assert parse_schedule("") == {"weekly": [], "dates": []}


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("tue 21:00-19:00", "ends before"),
        ("tue 25:00-26:00", "not a time"),
        ("someday 10:00-11:00", "unknown day"),
        ("2026-02-30 10:00-11:00", "not a date"),
        ("every tuesday", "cannot read"),
    ],
)
def test_bad_schedules_say_why(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_schedule(text)


class _Offer:
    def __init__(self, text: str, start: date | None = None, end: date | None = None) -> None:
        self.schedule = parse_schedule(text)
        self.active_from = start
        self.active_until = end


def test_next_sessions_respect_the_active_period_and_dst() -> None:
    weekly = _Offer("sun 19:00-21:00", date(2027, 3, 1), date(2027, 4, 10))
    after = datetime(2027, 3, 20, 12, 0, tzinfo=UTC)
    sessions = next_sessions(weekly, after, TZ, limit=5)
    assert [s.date() for s, _ in sessions] == [date(2027, 3, 21), date(2027, 3, 28),
                                               date(2027, 4, 4)]  # fmt: skip
    assert all(s.hour == 19 for s, _ in sessions)  # local time across the DST change
    assert sessions[0][0].utcoffset() != sessions[1][0].utcoffset()
    assert next_sessions(weekly, datetime(2026, 11, 23, tzinfo=UTC), TZ, 1)[0][0].date() == (
        date(2027, 3, 7)
    )  # not before the start


def test_next_sessions_mix_dates_and_weeks_and_skip_the_past() -> None:
    mixed = _Offer("wed 14:00-16:00; 2026-11-20 10:00-12:00; 2026-11-28 10:00-12:00")
    now = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    starts = [s for s, _ in next_sessions(mixed, now, TZ, limit=3)]
    assert [s.strftime("%a %d") for s in starts] == ["Wed 25", "Sat 28", "Wed 02"]


def test_slots() -> None:
    assert slots_of(parse_schedule("sat 10:00-12:00")) == {"weekend"}
    assert slots_of(parse_schedule("tue 19:00-21:00")) == {"evening"}
    assert slots_of(parse_schedule("mon 09:00-12:00")) == {"weekday"}
    assert slots_of(parse_schedule("sat 19:00-22:00")) == {"weekend", "evening"}
    assert slots_of(parse_schedule("")) == frozenset()


# --- calendar files --------------------------------------------------------------------------
def test_ics_file_is_valid_and_folded() -> None:
    start = datetime(2026, 12, 1, 19, 0, tzinfo=TZ)
    content = event_ics(
        uid="offer-1@meedoen",
        start=start,
        end=start.replace(hour=21),
        title="Taalcafé; koffie, thee\\ en praten",
        now=datetime(2026, 11, 23, tzinfo=UTC),
        location="Boterstraat 14, 8900 Ieper",
        description="Lang " * 40,
        geo=(50.85, 2.88),
    ).decode()
    lines = content.split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR"
    assert "DTSTART:20261201T180000Z" in lines  # 19:00 in Brussels in winter
    assert "SUMMARY:Taalcafé\\; koffie\\, thee\\\\ en praten" in lines
    assert all(len(line.encode()) <= 75 for line in lines)
    assert any(line.startswith(" ") for line in lines)  # the description was folded


def test_folding_never_splits_a_character() -> None:
    line = "SUMMARY:" + "é" * 100
    folded = fold_line(line)
    assert folded.replace("\r\n ", "") == line
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))
