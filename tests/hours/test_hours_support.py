"""Helpers shared by the hours, buddies and proof tests (this module holds no tests).

Two people chat with the same router at once; what the assistant sends one of them outside
their own turn (a confirmation request, a celebration) is read from the outbox, as the sender
would deliver it, and its buttons are pressed by that person.
"""

from __future__ import annotations

from typing import Any

from handlers.context import load_replies
from handlers.router import Router
from handlers.types import Reply
from storage.db import Database
from tests.conftest import Chat, onboard_buddy, onboard_newcomer

BUDDY = "2001"
NEWCOMER = "1001"


async def rows(db: Database, sql: str, *params: object) -> list[dict[str, Any]]:
    async with db.transaction() as tx:
        return [dict(row) for row in await tx.all(sql, params)]


async def scalar(db: Database, sql: str, *params: object) -> Any:
    async with db.transaction() as tx:
        return await tx.scalar(sql, params)


async def entries(db: Database) -> list[dict[str, Any]]:
    return await rows(db, "SELECT * FROM hour_entries ORDER BY id")


async def snapshot(db: Database) -> list[tuple[Any, ...]]:
    """Everything that logging may change: entries, pairs, invites, proofs, outbox."""
    result = []
    for table in ("hour_entries", "buddy_pairs", "pair_invites", "proofs", "outbox"):
        result += [(table, *row.values()) for row in await rows(db, f"SELECT * FROM {table}")]
    return result


async def inbox(db: Database, address: str, purpose: str | None = None) -> list[Reply]:
    """Every queued message for the chat `address`, oldest first (optionally one purpose)."""
    sql = "SELECT payload, purpose FROM outbox WHERE address = ? ORDER BY id"
    found = []
    for row in await rows(db, sql, address):
        if purpose is None or row["purpose"] == purpose:
            found += load_replies(row["payload"])
    return found


async def inbox_keys(db: Database, address: str) -> list[str]:
    sql = "SELECT idempotency_key FROM outbox WHERE address = ? ORDER BY id"
    return [row["idempotency_key"] for row in await rows(db, sql, address)]


def button_data(replies: list[Reply], label_part: str) -> str:
    for reply in reversed(replies):
        for row in reply.buttons:
            for button in row:
                if label_part in button.label and button.data:
                    return button.data
    raise AssertionError(f"no button {label_part!r} in {[r.text for r in replies]}")


async def invite_code(buddy: Chat) -> str:
    await buddy.say("/buddy")
    replies = await buddy.tap("Invite")
    assert replies[0].image is not None and replies[0].image.content.startswith(b"\x89PNG")
    link = next(word for word in buddy.text.split() if "start=pair-" in word)
    return link.split("start=pair-")[1]


async def paired(router: Router, *, newcomer_name: str = "Amal",
                 buddy_name: str = "Jan") -> tuple[Chat, Chat]:
    """A buddy (in English) and a newcomer, onboarded and paired through an invite."""
    buddy, newcomer = Chat(router, BUDDY), Chat(router, NEWCOMER)
    await onboard_buddy(buddy, locale="en", name=buddy_name)
    await onboard_newcomer(newcomer, name=newcomer_name)
    code = await invite_code(buddy)
    await newcomer.say(f"/start pair-{code}")
    await newcomer.tap("Yes")
    assert "is now your buddy" in newcomer.text
    return buddy, newcomer


async def log_hours(
    chat: Chat, what: str, duration: str, day: int | str, kind: str | None = None
) -> None:
    """/log through the buttons: activity, (kind), typed duration, day; add again if asked."""
    await chat.say("/log")
    await chat.tap(what)
    if kind:
        await chat.tap(kind)
    await chat.say(duration)
    await chat.press(f"hd:{day}")
    if "Add it again?" in chat.text:
        await chat.tap("Yes, add again")
