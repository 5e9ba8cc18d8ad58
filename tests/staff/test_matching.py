"""Buddy match ranking, on plain values: language first, then distance, then free time."""

from __future__ import annotations

from handlers.staff.matching import MatchPerson, rank, score

IEPER = (50.851, 2.885)
POPERINGE = (50.855, 2.726)  # about 11 km from Ieper
GENT = (51.054, 3.717)  # about 63 km


def person(id: int, languages: set[str], free: set[str], at: tuple[float, float] | None = IEPER,
           name: str = "") -> MatchPerson:  # fmt: skip
    lat, lon = at if at else (None, None)
    return MatchPerson(id, name or f"#{id}", frozenset(languages), frozenset(free), lat, lon)


AMAL = person(1, {"ar", "en"}, {"evening", "weekend"})


def test_a_shared_language_outweighs_distance_and_time() -> None:
    near_no_language = person(10, {"nl"}, {"evening", "weekend"})
    farther_arabic = person(11, {"ar", "nl"}, set(), at=POPERINGE)
    [first, second] = rank(AMAL, [near_no_language, farther_arabic])
    assert first.buddy.id == 11 and first.languages == ("ar",)
    assert second.buddy.id == 10 and second.languages == ()
    assert second.free == ("evening", "weekend")


def test_too_far_is_left_out_and_unknown_distance_scores_nothing() -> None:
    assert score(AMAL, person(12, {"ar"}, {"evening"}, at=GENT)) is None
    unknown = score(AMAL, person(13, {"ar"}, {"evening"}, at=None))
    assert unknown is not None and unknown.km is None and unknown.score == 40 + 10


def test_points_add_up_as_documented() -> None:
    buddy = person(14, {"ar", "en", "fr"}, {"weekend"})
    match = score(AMAL, buddy)
    assert match is not None
    assert match.km == 0 and match.languages == ("ar", "en")
    assert match.score == 40 + 5 + 20 + 10


def test_ties_go_to_the_nearer_then_the_lower_id_and_limit_applies() -> None:
    same = [person(i, {"ar"}, {"evening"}) for i in (22, 21, 20)]
    near_ties = rank(AMAL, same, limit=2)
    assert [m.buddy.id for m in near_ties] == [20, 21]
    assert rank(AMAL, [person(1, {"ar"}, {"evening"})]) == []  # never oneself
    assert rank(AMAL, []) == []
