"""/privacy, /mydata (everything stored, as JSON) and /forget (delete after a confirmation)."""

from __future__ import annotations

import base64
import contextlib
import json
from typing import Any

from handlers.common import menu_buttons
from handlers.context import Context
from handlers.people.privacy_notice import MORE, mydata_summary, privacy_details, privacy_text
from handlers.registry import N_, Feature
from handlers.types import Attachment, Button, Reply
from storage.db import Tx
from storage.people import delete_person, person_tables

feature = Feature("handlers.people.privacy")


@feature.command("privacy", N_("How we use your data"), needs_onboarding=False)
async def privacy_command(ctx: Context, _args: str) -> list[Reply]:
    more = [Button(label=ctx._("📖 More"), data=MORE)]
    menu = menu_buttons(ctx) if ctx.person.onboarded else []
    return [Reply(text=privacy_text(ctx), buttons=[more, *menu])]


@feature.action("pv", needs_onboarding=False)
async def privacy_more(ctx: Context, args: list[str]) -> list[Reply]:
    """The details of the notice; open before consent too (it is part of what you agree to)."""
    menu = menu_buttons(ctx) if ctx.person.onboarded else []
    return [Reply(text=await privacy_details(ctx), buttons=menu)]


async def export_person(tx: Tx, person_id: int) -> dict[str, Any]:
    """Every row in the store that references the person, table by table."""
    document: dict[str, Any] = {}
    row = await tx.one("SELECT * FROM people WHERE id = ?", (person_id,))
    document["people"] = [dict(row)] if row else []
    seen: set[tuple[str, tuple[Any, ...]]] = set()  # a row naming the person twice: once
    for table, column in await person_tables(tx):
        rows = await tx.all(f"SELECT * FROM {table} WHERE {column} = ?", (person_id,))
        for row in rows:
            if (table, tuple(row)) in seen:
                continue
            seen.add((table, tuple(row)))
            document.setdefault(table, []).append(_plain(_own_part(table, dict(row), person_id)))
    return document


def _own_part(table: str, row: dict[str, Any], person_id: int) -> dict[str, Any]:
    """Leave out what another person wrote that was never shown to this one.

    A confirmer's export lists the hours they confirm; the words the newcomer who logged them
    gave in a dispute went to staff, not to the confirmer.
    """
    if table == "hour_entries" and person_id not in (row["person_id"], row["logged_by_person_id"]):
        row.pop("logger_note", None)
    return row


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    for key, value in row.items():
        if isinstance(value, str) and value[:1] in "[{":
            with contextlib.suppress(ValueError):
                row[key] = json.loads(value)
        elif isinstance(value, bytes):  # e.g. a recorder's voice recordings: theirs to keep
            row[key] = {"bytes": len(value), "base64": base64.b64encode(value).decode()}
    return row


@feature.command("mydata", N_("See all your data"), needs_onboarding=False)
async def mydata_command(ctx: Context, _args: str) -> list[Reply]:
    document = await export_person(ctx.tx, ctx.person.id)
    content = json.dumps(document, ensure_ascii=False, indent=2, default=str).encode()
    return [
        Reply(text=mydata_summary(ctx, document)),
        Reply(
            text=ctx._("📦 This is everything we keep about you."),
            document=Attachment(
                filename="meedoen-mydata.json", content=content, mime="application/json"
            ),
            buttons=menu_buttons(ctx) if ctx.person.onboarded else [],
        ),
    ]


@feature.command("forget", N_("Delete all your data"), needs_onboarding=False)
async def forget_command(ctx: Context, _args: str) -> list[Reply]:
    return [
        Reply(
            text=ctx._(
                "⚠️ Delete all your data? Your hours are deleted too. This cannot be undone."
            ),
            buttons=[
                [
                    Button(label=ctx._("🗑️ Yes, delete"), data="fg:yes", style="danger"),
                    Button(label=ctx._("↩️ No, keep"), data="fg:no"),
                ]
            ],
        )
    ]


@feature.action("fg", needs_onboarding=False)
async def forget_answer(ctx: Context, args: list[str]) -> list[Reply]:
    if args == ["yes"]:
        locale_text = ctx._("🗑️ Done. We deleted your data. Type /start to begin again.")
        await delete_person(ctx.tx, ctx.person, ctx.now)
        ctx.forgotten = True
        return [Reply(text=locale_text, edit=True)]
    if args == ["no"]:
        return [Reply(text=ctx._("👍 Nothing was deleted."), edit=True, buttons=menu_buttons(ctx))]
    from handlers.common import stale_button

    return await stale_button(ctx)
