"""/progress: the picture checked on its pixels, the caption and the emoji bar."""

from __future__ import annotations

import io

from PIL import Image

from handlers.context import Config
from handlers.hours.progress import milestones_crossed
from handlers.hours.progress_picture import (
    EMPTY_COLOUR,
    HEIGHT,
    KIND_COLOURS,
    PENDING_FILL,
    WIDTH,
    self_noted_fill,
    slot_layout,
)
from handlers.pictures import draw
from handlers.router import Router
from storage.db import Database
from tests.conftest import Chat, Clock
from tests.hours.test_hours_support import log_hours, paired


def _slots(replies) -> list[tuple[int, int, int]]:
    (reply,) = replies
    assert reply.image is not None and reply.image.mime == "image/png"
    assert reply.image.recipe is not None and not reply.image.content  # drawn when sent
    picture = Image.open(io.BytesIO(draw(reply.image.recipe))).convert("RGB")
    assert picture.size == (WIDTH, HEIGHT)
    return [picture.getpixel(((x0 + x1) // 2, (y0 + y1) // 2)) for x0, y0, x1, y1 in
            slot_layout(40)]  # fmt: skip


async def _scene(router: Router) -> Chat:
    """3 h confirmed with the buddy, 2 h waiting, 2 h of music noted by the newcomer."""
    buddy, newcomer = await paired(router)
    await log_hours(newcomer, "Buddy", "3", "2")
    await buddy.say("/confirm")
    await buddy.tap("Yes")
    await log_hours(newcomer, "Buddy", "2", "1")
    await log_hours(newcomer, "Something else", "2", "0", kind="Music")
    return newcomer


async def test_picture_fills_confirmed_and_outlines_pending(router: Router) -> None:
    newcomer = await _scene(router)
    replies = await newcomer.say("/progress")
    slots = _slots(replies)
    assert slots[:3] == [KIND_COLOURS["buddy"]] * 3
    assert slots[3:5] == [self_noted_fill("music")] * 2  # noted by the newcomer: a tint
    assert slots[5:7] == [PENDING_FILL] * 2
    assert slots[7:] == [EMPTY_COLOUR] * 33
    caption = replies[0].text.splitlines()
    assert caption[0] == "📊 3 of 40 hours"
    assert caption[1:5] == ["🟩🟩🟩🟨🟨🔲🔲⬜⬜⬜", "⬜" * 10, "⬜" * 10, "⬜" * 10 + " 3/40"]
    assert caption[5] == "🔲 ⏳ Waiting for a confirmation: 2 hours"
    assert caption[6] == "🟨 ✍️ You noted these yourself: 2 hours. They do not count yet."


async def test_counted_self_declared_hours_fill_in_their_colour(db: Database,
                                                                clock: Clock) -> None:  # fmt: skip
    router = Router(db, Config(self_declared_counts=True, bot_username="b"), clock=clock)
    newcomer = await _scene(router)
    replies = await newcomer.say("/progress")
    slots = _slots(replies)
    assert slots.count(KIND_COLOURS["buddy"]) == 3
    assert slots.count(self_noted_fill("music")) == 2  # counted, but still told apart
    assert slots.count(PENDING_FILL) == 2
    assert slots.count(EMPTY_COLOUR) == 33
    assert "5 of 40" in replies[0].text
    assert "🟩🟩🟩🟨🟨🔲🔲⬜⬜⬜" in replies[0].text
    assert "They do not count yet" not in replies[0].text


async def test_progress_in_the_persons_language(router: Router) -> None:
    newcomer = await _scene(router)
    await newcomer.say("/language")
    await newcomer.press("ol:nl")
    replies = await newcomer.say("/progress")
    assert replies[0].image is not None
    assert "3/40" in replies[0].text  # the bar's digits are plain in every language


async def test_progress_is_for_newcomers(router: Router) -> None:
    buddy, _ = await paired(router)
    await buddy.say("/progress")
    assert "This is for newcomers" in buddy.text
    await buddy.press("m:progress")
    assert "old" in buddy.text


def test_milestones_crossed() -> None:
    assert milestones_crossed(0, 600, 40) == [1]  # 10 h of 40
    assert milestones_crossed(540, 599, 40) == []
    assert milestones_crossed(0, 2400, 40) == [1, 2, 3, 4]
    assert milestones_crossed(1200, 1800, 40) == [3]  # ½ was reached before
    assert milestones_crossed(2400, 3000, 40) == []  # beyond the target
