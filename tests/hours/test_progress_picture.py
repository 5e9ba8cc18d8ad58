"""Pixel checks of the language-free progress picture."""

from __future__ import annotations

import io
import itertools

import pytest
from PIL import Image

from handlers.hours.progress_picture import (
    EMPTY_COLOUR,
    HEIGHT,
    KIND_COLOURS,
    KINDS,
    MAX_TARGET,
    MILESTONE_GOLD,
    MILESTONE_GREY,
    PENDING_FILL,
    WIDTH,
    HoursSlice,
    emoji_bar,
    format_hours,
    milestone_markers,
    render_progress,
    slot_layout,
)

SPORT = KIND_COLOURS["sport"]
MUSIC = KIND_COLOURS["music"]


def _image(slices: list[HoursSlice], target: int = 40) -> Image.Image:
    data = render_progress(slices, target)
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    return Image.open(io.BytesIO(data)).convert("RGB")


def _centre(box: tuple[int, int, int, int]) -> tuple[int, int]:
    x0, y0, x1, y1 = box
    return (x0 + x1) // 2, (y0 + y1) // 2


def _centre_colours(img: Image.Image, target: int) -> list[tuple[int, int, int]]:
    return [img.getpixel(_centre(b)) for b in slot_layout(target)]


def _star_colour(img: Image.Image, target: int, hours: int) -> tuple[int, int, int]:
    (xy,) = [xy for h, xy in milestone_markers(target) if h == hours]
    return img.getpixel(xy)


@pytest.fixture(scope="module")
def twelve_plus_three() -> Image.Image:
    return _image(
        [
            HoursSlice("sport", 8, True),
            HoursSlice("music", 4, True),
            HoursSlice("sport", 3, False),
        ]
    )


def test_colours_are_distinct_and_cover_all_kinds() -> None:
    assert set(KIND_COLOURS) == set(KINDS)
    colours = list(KIND_COLOURS.values())
    assert len(set(colours)) == len(colours)
    for c in colours:
        assert c not in (EMPTY_COLOUR, PENDING_FILL, MILESTONE_GOLD, MILESTONE_GREY)


def test_size_and_file(twelve_plus_three: Image.Image) -> None:
    data = render_progress([HoursSlice("sport", 8, True), HoursSlice("music", 4, True)])
    assert len(data) < 100_000
    assert twelve_plus_three.size == (WIDTH, HEIGHT)
    assert WIDTH <= 800 and HEIGHT <= 600


def test_slots_filled_in_order(twelve_plus_three: Image.Image) -> None:
    colours = _centre_colours(twelve_plus_three, 40)
    assert len(colours) == 40
    assert colours.count(SPORT) == 8
    assert colours.count(MUSIC) == 4
    assert colours[:8] == [SPORT] * 8
    assert colours[8:12] == [MUSIC] * 4
    assert colours[12:15] == [PENDING_FILL] * 3
    assert colours[15:] == [EMPTY_COLOUR] * 25


def test_pending_slots_have_kind_coloured_border(twelve_plus_three: Image.Image) -> None:
    for box in slot_layout(40)[12:15]:
        x0, y0, x1, _ = box
        cx, cy = _centre(box)
        assert twelve_plus_three.getpixel((x0 + 1, cy)) == SPORT  # left edge
        assert twelve_plus_three.getpixel((x1 - 2, cy)) == SPORT  # right edge
        assert twelve_plus_three.getpixel((cx, y0 + 1)) == SPORT  # top edge
    # an empty slot has no border
    x0, _, _, _ = slot_layout(40)[20]
    assert twelve_plus_three.getpixel((x0 + 1, _centre(slot_layout(40)[20])[1])) == EMPTY_COLOUR


def test_milestones(twelve_plus_three: Image.Image) -> None:
    assert [h for h, _ in milestone_markers(40)] == [10, 20, 30, 40]
    assert _star_colour(twelve_plus_three, 40, 10) == MILESTONE_GOLD
    assert _star_colour(twelve_plus_three, 40, 20) == MILESTONE_GREY
    assert _star_colour(twelve_plus_three, 40, 40) == MILESTONE_GREY


def test_pending_hours_do_not_reach_milestones() -> None:
    img = _image([HoursSlice("care", 9, True), HoursSlice("care", 5, False)])
    assert _star_colour(img, 40, 10) == MILESTONE_GREY


def test_fractional_hour_fills_part_of_a_slot() -> None:
    img = _image([HoursSlice("sport", 2.5, True)])
    colours = _centre_colours(img, 40)
    assert colours[:2] == [SPORT, SPORT]
    x0, _, x1, _ = slot_layout(40)[2]
    _, cy = _centre(slot_layout(40)[2])
    width = x1 - x0
    assert img.getpixel((x0 + width // 4, cy)) == SPORT
    assert img.getpixel((x0 + 3 * width // 4, cy)) == EMPTY_COLOUR
    assert colours[3] == EMPTY_COLOUR


def test_fractional_confirmed_then_pending_in_same_slot() -> None:
    img = _image([HoursSlice("sport", 1.5, True), HoursSlice("music", 1, False)])
    box = slot_layout(40)[1]
    x0, _, x1, _ = box
    _, cy = _centre(box)
    w = x1 - x0
    assert img.getpixel((x0 + w // 4, cy)) == SPORT
    assert img.getpixel((x0 + 3 * w // 4, cy)) == PENDING_FILL
    assert img.getpixel((x1 - 2, cy)) == MUSIC


def test_over_target_is_capped() -> None:
    img = _image([HoursSlice("nature", 30, True), HoursSlice("buddy", 15, True)])
    colours = _centre_colours(img, 40)
    assert colours[:30] == [KIND_COLOURS["nature"]] * 30
    assert colours[30:] == [KIND_COLOURS["buddy"]] * 10
    for hours, xy in milestone_markers(40):
        assert img.getpixel(xy) == MILESTONE_GOLD, hours


@pytest.mark.parametrize("target", [1, 7, 20, 37, 60, 100, 200, 500])
def test_other_targets(target: int) -> None:
    boxes = slot_layout(target)
    assert len(boxes) == target
    for x0, y0, x1, y1 in boxes:
        assert 0 <= x0 < x1 <= WIDTH and 0 <= y0 < y1 <= HEIGHT
        assert x1 - x0 == y1 - y0 >= 4
    for a, b in itertools.combinations(boxes, 2):  # no two slots overlap
        assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
    half = target // 2 or 1
    img = _image([HoursSlice("library", half, True)], target)
    colours = _centre_colours(img, target)
    assert colours.count(KIND_COLOURS["library"]) == half
    assert colours.count(EMPTY_COLOUR) == target - half


def test_grid_shapes() -> None:
    def grid(target: int) -> tuple[int, int]:
        boxes = slot_layout(target)
        return len({b[0] for b in boxes}), len({b[1] for b in boxes})

    assert grid(40) == (10, 4)  # rows of ten: every row end is a round number
    assert grid(20) == (10, 2)
    assert grid(60) == (10, 6)
    assert grid(7) == (7, 1)
    assert grid(200) == (20, 10)


def test_empty_and_every_kind_render() -> None:
    assert _centre_colours(_image([]), 40) == [EMPTY_COLOUR] * 40
    slices = [HoursSlice(k, 1, True) for k in KINDS]
    colours = _centre_colours(_image(slices), 40)
    assert colours[: len(KINDS)] == [KIND_COLOURS[k] for k in KINDS]


def test_deterministic() -> None:
    slices = [HoursSlice("youth", 3.25, True), HoursSlice("crafts", 2, False)]
    assert render_progress(slices) == render_progress(list(slices))


def test_invalid_input() -> None:
    with pytest.raises(ValueError):
        HoursSlice("knitting", 1, True)
    with pytest.raises(ValueError):
        HoursSlice("sport", 0, True)
    with pytest.raises(ValueError):
        render_progress([], 0)
    with pytest.raises(ValueError):
        slot_layout(MAX_TARGET + 1)


@pytest.mark.parametrize(
    ("confirmed", "target", "expected"),
    [
        (12, 40, ["🟩" * 10, "🟩🟩" + "⬜" * 8, "⬜" * 10, "⬜" * 10 + " 12/40"]),
        (0, 40, ["⬜" * 10, "⬜" * 10, "⬜" * 10, "⬜" * 10 + " 0/40"]),
        (39.5, 40, ["🟩" * 10, "🟩" * 10, "🟩" * 10, "🟩" * 9 + "⬜ 39,5/40"]),
        (52, 40, ["🟩" * 10, "🟩" * 10, "🟩" * 10, "🟩" * 10 + " 52/40"]),
        (3, 7, ["🟩🟩🟩⬜⬜⬜⬜ 3/7"]),
        (1.25, 200, ["⬜" * 10, "⬜" * 10, "⬜" * 10, "⬜" * 10 + " 1,25/200"]),
        (10, 200, ["🟩🟩" + "⬜" * 8, "⬜" * 10, "⬜" * 10, "⬜" * 10 + " 10/200"]),
    ],
)
def test_emoji_bar(confirmed: float, target: int, expected: list[str]) -> None:
    assert emoji_bar(confirmed, target).splitlines() == expected


def test_emoji_bar_shows_noted_and_waiting_hours() -> None:
    bar = emoji_bar(3, 20, self_noted=2, pending=1.5)
    assert bar.splitlines() == ["🟩🟩🟩🟨🟨🔲⬜⬜⬜⬜", "⬜" * 10 + " 3/20"]
    counted = emoji_bar(5, 20, self_noted=2, pending=1, self_counted=True)
    assert counted.splitlines()[0] == "🟩🟩🟩🟨🟨🔲⬜⬜⬜⬜"


def test_emoji_bar_right_to_left() -> None:
    lines = emoji_bar(3, 20, rtl=True).splitlines()
    assert all(line.startswith("\u200f") for line in lines)  # RLM: the line runs from the right


def test_emoji_bar_rejects_bad_target() -> None:
    with pytest.raises(ValueError):
        emoji_bar(1, 0)


@pytest.mark.parametrize(
    ("hours", "text"), [(12, "12"), (1.5, "1,5"), (0.25, "0,25"), (2.0, "2"), (3.333, "3,33")]
)
def test_format_hours(hours: float, text: str) -> None:
    assert format_hours(hours) == text
