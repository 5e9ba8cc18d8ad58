"""The progress picture reads itself: rows of ten, a star at each row end, right-to-left for
Arabic, Dari and Pashto, noted and waiting hours told apart, a celebration at the target,
and a text bar that agrees with the picture square for square."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from handlers.hours.progress_bar import emoji_bar
from handlers.hours.progress_picture import (
    CELEBRATION_GOLD,
    EMPTY_COLOUR,
    HEIGHT,
    KIND_COLOURS,
    MILESTONE_GOLD,
    MILESTONE_GREY,
    PENDING_FILL,
    HoursSlice,
    milestone_markers,
    render_progress,
    self_noted_fill,
    slot_layout,
)
from handlers.pictures import draw

SPORT = KIND_COLOURS["sport"]


def _image(slices: list[HoursSlice], rtl: bool = False) -> Image.Image:
    return Image.open(io.BytesIO(render_progress(slices, 40, rtl=rtl))).convert("RGB")


def _centres(img: Image.Image, rtl: bool = False) -> list[tuple[int, int, int]]:
    return [img.getpixel(((a + c) // 2, (b + d) // 2)) for a, b, c, d in slot_layout(40, rtl)]


def _filled(img: Image.Image, rtl: bool = False) -> int:
    return sum(1 for c in _centres(img, rtl) if c == SPORT)


@pytest.mark.parametrize("hours", [0, 9, 10, 40, 45])
def test_rows_of_ten_filled_in_order(hours: int) -> None:
    img = _image([HoursSlice("sport", hours, True)] if hours else [])
    centres = _centres(img)
    assert centres == [SPORT] * min(hours, 40) + [EMPTY_COLOUR] * (40 - min(hours, 40))
    stars = dict(milestone_markers(40))
    assert list(stars) == [10, 20, 30, 40]  # one at the end of every row
    boxes = slot_layout(40)
    for h, (x, y) in stars.items():  # in the top right corner of the row's last slot
        x0, y0, x1, _ = boxes[h - 1]
        assert x0 + (x1 - x0) // 2 < x < x1 and y0 <= y < y0 + (x1 - x0) // 2
        assert img.getpixel((x, y)) == (MILESTONE_GOLD if hours >= h else MILESTONE_GREY)
    celebrating = img.getpixel((3, HEIGHT // 2)) == CELEBRATION_GOLD
    assert celebrating == (hours >= 40)


def test_rows_are_ten_wide() -> None:
    boxes = slot_layout(40)
    assert len({b[1] for b in boxes[:10]}) == 1 and boxes[10][1] > boxes[9][1]
    assert boxes[0][0] < boxes[9][0]  # left to right


def test_right_to_left_fills_from_the_right() -> None:
    img = _image([HoursSlice("sport", 3, True)], rtl=True)
    boxes = slot_layout(40, rtl=True)
    row = sorted(boxes[:10], key=lambda b: b[0])
    assert boxes[0] == row[-1]  # the first hour is the rightmost slot of the top row
    first_row = [img.getpixel(((a + c) // 2, (b + d) // 2)) for a, b, c, d in row]
    assert first_row == [EMPTY_COLOUR] * 7 + [SPORT] * 3
    (x, _y) = dict(milestone_markers(40, rtl=True))[10]
    assert x < row[0][0] + (row[0][2] - row[0][0]) // 2  # the row ends on the left
    # a half hour fills the right half of its slot
    half = _image([HoursSlice("sport", 0.5, True)], rtl=True)
    x0, y0, x1, y1 = boxes[0]
    cy = (y0 + y1) // 2
    assert half.getpixel((x1 - (x1 - x0) // 4, cy)) == SPORT
    assert half.getpixel((x0 + (x1 - x0) // 4, cy)) == EMPTY_COLOUR


def test_noted_and_waiting_hours_are_visible_and_distinct() -> None:
    img = _image(
        [
            HoursSlice("sport", 2, True),
            HoursSlice("sport", 2, False),  # waiting
            HoursSlice("music", 2, False, self_declared=True),  # noted, not counted
        ]
    )
    centres = _centres(img)
    tint = self_noted_fill("music")
    assert centres[:6] == [SPORT, SPORT, tint, tint, PENDING_FILL, PENDING_FILL]
    assert len({SPORT, tint, PENDING_FILL, EMPTY_COLOUR}) == 4
    x0, y0, _x1, y1 = slot_layout(40)[2]
    assert img.getpixel((x0 + 1, (y0 + y1) // 2)) == KIND_COLOURS["music"]  # solid border
    # noted hours that do not count reach no milestone
    noted = _image([HoursSlice("sport", 12, False, self_declared=True)])
    assert noted.getpixel(dict(milestone_markers(40))[10]) == MILESTONE_GREY


def test_celebration_picture_at_the_target() -> None:
    done = _image([HoursSlice("sport", 40, True)])
    almost = _image([HoursSlice("sport", 39, True), HoursSlice("sport", 1, False)])
    for xy in ((3, 3), (3, HEIGHT // 2), (70, 52)):
        assert done.getpixel(xy) == CELEBRATION_GOLD
        assert almost.getpixel(xy) != CELEBRATION_GOLD


@pytest.mark.parametrize("rtl", [False, True])
def test_text_bar_agrees_with_the_picture_at_every_hour(rtl: bool) -> None:
    for hours in range(46):
        img = _image([HoursSlice("sport", hours, True)] if hours else [], rtl=rtl)
        bar = emoji_bar(hours, 40, rtl=rtl)
        lines = bar.splitlines()
        assert len(lines) == 4  # one line per row of the picture
        squares = [line.lstrip("\u200f").split(" ")[0] for line in lines]
        assert all(len(row) == 10 for row in squares)
        assert "".join(squares).count("🟩") == _filled(img, rtl) == min(hours, 40), hours
        assert lines[-1].endswith(f" {hours}/40")


async def test_reaching_the_target_sends_the_celebration_picture(db, clock) -> None:  # type: ignore[no-untyped-def]
    from handlers.context import Config
    from handlers.router import Router
    from tests.conftest import Chat, onboard_newcomer
    from tests.hours.test_hours_support import inbox

    router = Router(db, Config(self_declared_counts=True, bot_username="b"), clock=clock)
    newcomer = Chat(router)
    await onboard_newcomer(newcomer, locale="ar")
    for day, hours in ((0, "12"), (1, "12"), (2, "12"), (3, "4")):
        await newcomer.say("/log")
        await newcomer.press("hl:x")
        await newcomer.press("hk:sport")
        await newcomer.say(hours)
        await newcomer.press(f"hd:{day}")
    (done,) = [r for r in await inbox(db, newcomer.address, "milestone") if r.image]
    assert done.image is not None and done.image.recipe is not None  # drawn when sent
    picture = Image.open(io.BytesIO(draw(done.image.recipe))).convert("RGB")
    assert picture.getpixel((3, HEIGHT // 2)) == CELEBRATION_GOLD  # the gold frame
    boxes = slot_layout(40, rtl=True)  # Arabic: filled from the right
    assert all(picture.getpixel(((a + c) // 2, (b + d) // 2)) == self_noted_fill("sport")
               for a, b, c, d in boxes)  # fmt: skip
    assert done.buttons  # a way on: the proof
