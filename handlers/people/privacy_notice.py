"""What we keep and who sees it, in the person's words: the privacy notice (one for
newcomers, one for buddies) and the short summary /mydata shows before the JSON file."""

from __future__ import annotations

from typing import Any

from handlers.context import Context
from handlers.vocab import AVAILABILITY, DUTCH_LEVELS, INTERESTS


def privacy_text(ctx: Context) -> str:
    """What we keep and who sees it, for the role being chosen (a buddy's data differ)."""
    role = ctx.state.data.get("role") or ctx.person.role or "newcomer"
    if role == "buddy":
        middle = [
            ctx._("• We keep: your name, town, free time, languages and the meetings you log."),
            ctx._("• Why: to put you in touch with a newcomer and to count their hours."),
            ctx._("• Who sees it: the newcomers you help, and the staff of your region."),
        ]
    else:
        middle = [
            ctx._("• We keep: your name, town, interests, Dutch level, free time and your hours."),
            ctx._("• Why: to find activities for you and to count your hours."),
            ctx._(
                "• Who sees it: you, your buddy or the organisation for your hours, "
                "and the staff of your region."
            ),
        ]
    return "\n".join(
        [
            ctx._("🔒 <b>Your data</b>"),
            *middle,
            ctx._("• We never ask your nationality, religion, health or national number."),
            ctx._("• How long: until you delete it, at most 2 years after your last visit."),
            ctx._("• /mydata shows everything. /forget deletes everything."),
        ]
    )


def mydata_summary(ctx: Context, document: dict[str, Any]) -> str:
    """A few lines a person can read: what we keep about them, and who sees it."""
    person = ctx.person
    lines = [ctx._("📦 <b>Your data in short</b>")]
    if person.display_name:
        lines.append(ctx._("👤 Name: {name}", name=person.display_name))
    if person.place:
        lines.append(ctx._("📍 Town: {place}", place=person.place))
    if person.interests:
        names = [ctx._(INTERESTS[i][1]) for i in person.interests if i in INTERESTS]
        lines.append(ctx._("❤️ Interests: {list}", list=ctx.t.list(names)))
    if person.dutch_level in DUTCH_LEVELS:
        lines.append(ctx._("💬 Dutch: {level}", level=ctx._(DUTCH_LEVELS[person.dutch_level])))
    if person.availability:
        names = [ctx._(AVAILABILITY[a][1]) for a in person.availability if a in AVAILABILITY]
        lines.append(ctx._("🗓️ Free time: {list}", list=ctx.t.list(names)))
    entries = len(document.get("hour_entries", []))
    lines.append(ctx.ngettext("⏱️ {n} time with hours", "⏱️ {n} times with hours", entries))
    if person.role == "buddy":
        lines.append(ctx._("👀 The newcomers you help and the staff of your region see this."))
    else:
        lines.append(
            ctx._("👀 Your buddy or the organisation sees your hours. The staff of your "
                  "region see your data.")
        )  # fmt: skip
    lines.append(ctx._("📎 Everything, exactly as we keep it, is in the file below."))
    lines.append(ctx._("🗑️ /forget deletes everything."))
    return "\n".join(lines)
