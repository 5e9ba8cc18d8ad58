"""Pictures drawn from their recipe when they are sent, in the picture worker process.

Channels call `drawn` (or `with_pictures`) before they read an attachment's content; the
Telegram channel first asks whether Telegram already has the picture (its file_id is kept
by the recipe's key) and then needs no content at all.
"""

from __future__ import annotations

from handlers.hours.progress_picture import HoursSlice, render_progress
from handlers.render_pool import in_worker
from handlers.types import Attachment, PictureRecipe, Reply


def draw(recipe: PictureRecipe) -> bytes:
    """The PNG of a recipe (in the worker; module-level so it travels by pickle)."""
    slices = [HoursSlice(*part) for part in recipe.slices]
    return render_progress(slices, recipe.target_hours, recipe.rtl)


async def drawn(attachment: Attachment) -> Attachment:
    """The attachment with its content, drawing it the first time it is needed."""
    if not attachment.content and attachment.recipe is not None:
        attachment.content = await in_worker(draw, attachment.recipe, lane="picture")
    return attachment


async def with_pictures(replies: list[Reply]) -> list[Reply]:
    """The replies with every picture drawn (for channels that send the bytes every time)."""
    for reply in replies:
        if reply.image is not None:
            await drawn(reply.image)
    return replies
